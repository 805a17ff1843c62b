# libFuzzer targets (fuzz/fuzz_*.cpp), built with ASan and UBSan. Clang only.
# Each target becomes tiny_ticket_fuzz_<name>; `tiny_ticket_fuzz_seeds`
# writes the seed corpora (generated from the project's own fixtures) and
# ctest replays every target over its seeds plus a short fixed-seed run.
# Long campaigns: fuzz/run.sh [seconds].
include_guard(GLOBAL)

option(TINY_TICKET_BUILD_FUZZERS "Build the libFuzzer targets in fuzz/ (needs clang)" OFF)

if(TINY_TICKET_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "TINY_TICKET_BUILD_FUZZERS needs clang for libFuzzer: "
                        "configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  if(TINY_TICKET_TSAN)
    message(FATAL_ERROR "TINY_TICKET_BUILD_FUZZERS uses ASan, which cannot be combined with TINY_TICKET_TSAN")
  endif()

  get_filename_component(_tt_root "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
  set(_tt_fuzz_dir "${_tt_root}/fuzz")
  set(_tt_san -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  set(_tt_seeds "${CMAKE_BINARY_DIR}/fuzz/seeds")

  # Seed generator: a plain program (no libFuzzer main).
  add_executable(tiny_ticket_fuzz_make_seeds "${_tt_fuzz_dir}/make_seeds.cpp")
  target_include_directories(tiny_ticket_fuzz_make_seeds PRIVATE "${_tt_fuzz_dir}" "${_tt_root}/tests")
  # Linked by name: the library target may be defined after this file is read.
  target_link_libraries(tiny_ticket_fuzz_make_seeds PRIVATE tiny_ticket::tiny_ticket)
  target_compile_features(tiny_ticket_fuzz_make_seeds PRIVATE cxx_std_17)
  add_custom_target(tiny_ticket_fuzz_seeds
    COMMAND tiny_ticket_fuzz_make_seeds "${_tt_seeds}" "${_tt_root}/examples/data/tickets.txt"
    COMMENT "Writing fuzz seed corpora to ${_tt_seeds}")

  set(_tt_model "")
  if(DEFINED TINY_TICKET_SHARED_DIR AND EXISTS "${TINY_TICKET_SHARED_DIR}/compat/tickets-inf/model.json")
    set(_tt_model "${TINY_TICKET_SHARED_DIR}/compat/tickets-inf/model.json")
  endif()

  enable_testing()
  add_test(NAME fuzz_seeds COMMAND tiny_ticket_fuzz_make_seeds "${_tt_seeds}" "${_tt_root}/examples/data/tickets.txt")
  set_tests_properties(fuzz_seeds PROPERTIES FIXTURES_SETUP tiny_ticket_fuzz_seeds)

  file(GLOB _tt_fuzz_sources CONFIGURE_DEPENDS "${_tt_fuzz_dir}/fuzz_*.cpp")
  foreach(src IN LISTS _tt_fuzz_sources)
    get_filename_component(stem "${src}" NAME_WE)
    string(REGEX REPLACE "^fuzz_" "" name "${stem}")
    set(t tiny_ticket_fuzz_${name})
    add_executable(${t} "${src}")
    target_include_directories(${t} PRIVATE "${_tt_fuzz_dir}" "${_tt_root}/tests")
    # The trainer's target: fuzz_data reads training data.
    target_link_libraries(${t} PRIVATE tiny_ticket::train)
    target_compile_features(${t} PRIVATE cxx_std_17)
    target_compile_options(${t} PRIVATE -g ${_tt_san} -fsanitize=fuzzer)
    target_link_options(${t} PRIVATE ${_tt_san} -fsanitize=fuzzer)
    add_dependencies(${t} tiny_ticket_fuzz_seeds)
    # Deterministic and short: replay the seeds, then 2000 fixed-seed mutations.
    add_test(NAME fuzz_${name}
             COMMAND ${t} -seed=1 -runs=2000 -timeout=30 -rss_limit_mb=2048 -malloc_limit_mb=1024
                     "${_tt_seeds}/${name}")
    set_tests_properties(fuzz_${name} PROPERTIES FIXTURES_REQUIRED tiny_ticket_fuzz_seeds)
    if(_tt_model)
      set_tests_properties(fuzz_${name} PROPERTIES ENVIRONMENT "TINY_TICKET_FUZZ_MODEL=${_tt_model}")
    endif()
  endforeach()
  # The seed generator shares the fuzz targets' sanitizers, so a crash in
  # building a seed is reported the same way.
  target_compile_options(tiny_ticket_fuzz_make_seeds PRIVATE -g ${_tt_san})
  target_link_options(tiny_ticket_fuzz_make_seeds PRIVATE ${_tt_san})
endif()
