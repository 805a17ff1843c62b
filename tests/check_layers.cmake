# SPDX-License-Identifier: MIT
# Includes between the library's headers point down the pipeline only:
#   0 shared basics -> 1 text -> 2 model data -> 3 features -> 4 nn, quant
#   -> 5 the network of either kind -> 6 classifier -> 7 artifact
#   -> 8 umbrella header and tools.
# Fails (naming both files) on an include from a lower layer to a higher one,
# and on a header no layer claims, so a new header has to be placed.
# Usage: cmake -DINCLUDE_DIR=<repo>/include -P check_layers.cmake
if(NOT INCLUDE_DIR)
  message(FATAL_ERROR "pass -DINCLUDE_DIR=<path to include>")
endif()
get_filename_component(root "${INCLUDE_DIR}/tiny_ticket" ABSOLUTE)

# First match wins: specific files before their folders.
set(layer_rules
  "0:^(error|version|fwd)\\.hpp$"
  "0:^detail/(hash|string_map|base64|parallel)\\.hpp$"
  "1:^text/"
  "2:^(model|model_check|tensor)\\.hpp$"
  "2:^quant/format\\.hpp$"
  "3:^features/"
  "4:^nn/"
  "4:^quant/"
  "5:^network\\.hpp$"
  "6:^(classifier|explain|quantize)\\.hpp$"
  "7:^(artifact|load_options)\\.hpp$"
  "7:^compat/"
  "7:^detail/json_reader\\.hpp$"
  "8:^(tiny_ticket|compiled)\\.hpp$"
  "8:^c/"
  "8:^train/"
  "8:^synth/")

# Includes a layer allows in general but that pull in more than the includer
# needs: "includer regex=>included regex=>why".
set(forbidden
  "^model\\.hpp$=>^text/normalizer\\.hpp$=>plain data needs text/config.hpp only"
  "^(nn|quant)/=>^features/featurizer\\.hpp$=>networks take features/feature_vector.hpp, not the featurizer")

function(layer_of rel out)
  foreach(rule IN LISTS layer_rules)
    string(REGEX MATCH "^([0-9]+):(.*)$" _ "${rule}")
    set(level "${CMAKE_MATCH_1}")
    if(rel MATCHES "${CMAKE_MATCH_2}")
      set(${out} ${level} PARENT_SCOPE)
      return()
    endif()
  endforeach()
  set(${out} "" PARENT_SCOPE)
endfunction()

file(GLOB_RECURSE headers RELATIVE "${root}" "${root}/*.hpp" "${root}/*.h")
set(errors 0)
set(checked 0)
foreach(h IN LISTS headers)
  layer_of("${h}" from)
  if(from STREQUAL "")
    message(SEND_ERROR "${h}: in no layer; add it to tests/check_layers.cmake")
    math(EXPR errors "${errors} + 1")
    continue()
  endif()
  get_filename_component(dir "${root}/${h}" DIRECTORY)
  file(STRINGS "${root}/${h}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<]")
  foreach(line IN LISTS lines)
    if(line MATCHES "#[ \t]*include[ \t]*\"([^\"]+)\"")
      get_filename_component(target "${dir}/${CMAKE_MATCH_1}" ABSOLUTE)
    elseif(line MATCHES "#[ \t]*include[ \t]*<tiny_ticket/([^>]+)>")
      set(target "${root}/${CMAKE_MATCH_1}")
    elseif(line MATCHES "<nlohmann/" AND from LESS 7)
      # The inference path stays free of JSON: only the artifact layer and
      # above parse it.
      message(SEND_ERROR "${h} (layer ${from}) includes nlohmann/json, which belongs to the artifact layer")
      math(EXPR errors "${errors} + 1")
      continue()
    else()
      continue()
    endif()
    file(RELATIVE_PATH to_rel "${root}" "${target}")
    if(to_rel MATCHES "^\\.\\.")
      continue()
    endif()
    layer_of("${to_rel}" to)
    math(EXPR checked "${checked} + 1")
    foreach(rule IN LISTS forbidden)
      string(REGEX MATCH "^(.*)=>(.*)=>(.*)$" _ "${rule}")
      set(a "${CMAKE_MATCH_1}")
      set(b "${CMAKE_MATCH_2}")
      set(why "${CMAKE_MATCH_3}")
      if(h MATCHES "${a}" AND to_rel MATCHES "${b}")
        message(SEND_ERROR "${h} includes ${to_rel}: ${why}")
        math(EXPR errors "${errors} + 1")
      endif()
    endforeach()
    if(NOT to STREQUAL "" AND to GREATER from)
      message(SEND_ERROR "${h} (layer ${from}) includes ${to_rel} (layer ${to}): includes must point down")
      math(EXPR errors "${errors} + 1")
    endif()
  endforeach()
endforeach()
list(LENGTH headers n)
if(errors GREATER 0)
  message(FATAL_ERROR "${errors} layering problem(s) in ${n} headers")
endif()
message(STATUS "layers: ${checked} includes between ${n} headers point down")
