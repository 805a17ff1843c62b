# Dependencies: the system package first (Debian: nlohmann-json3-dev,
# doctest-dev, libbenchmark-dev), a release archive through FetchContent only
# when it is missing. Never a git clone.
include(FetchContent)

find_package(nlohmann_json 3.10 QUIET)
if(NOT nlohmann_json_FOUND)
  message(STATUS "tiny_ticket: nlohmann_json not found, fetching release archive")
  FetchContent_Declare(nlohmann_json
    URL https://github.com/nlohmann/json/releases/download/v3.11.3/json.tar.xz
    URL_HASH SHA256=d6c65aca6b1ed68e7a182f4757257b107ae403032760ed6ef121c9d55e81757d)
  set(JSON_Install ${TINY_TICKET_INSTALL} CACHE INTERNAL "")
  FetchContent_MakeAvailable(nlohmann_json)
endif()

if(TINY_TICKET_BUILD_TESTS)
  find_package(doctest QUIET)
  if(NOT doctest_FOUND)
    message(STATUS "tiny_ticket: doctest not found, fetching release archive")
    FetchContent_Declare(doctest
      URL https://github.com/doctest/doctest/archive/refs/tags/v2.4.11.tar.gz)
    FetchContent_MakeAvailable(doctest)
  endif()
endif()

if(TINY_TICKET_BUILD_BENCHMARKS)
  find_package(benchmark QUIET)
  if(NOT benchmark_FOUND)
    message(STATUS "tiny_ticket: Google Benchmark not found, fetching release archive")
    set(BENCHMARK_ENABLE_TESTING OFF CACHE INTERNAL "")
    set(BENCHMARK_ENABLE_INSTALL OFF CACHE INTERNAL "")
    FetchContent_Declare(benchmark
      URL https://github.com/google/benchmark/archive/refs/tags/v1.8.3.tar.gz)
    FetchContent_MakeAvailable(benchmark)
  endif()
endif()
