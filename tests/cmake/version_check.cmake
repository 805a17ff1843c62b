# The version is stated once, in the top-level CMakeLists.txt project() call;
# this checks everything else that states it:
#   include/tiny_ticket/version.hpp   the macros and version_string (which
#                                     tiny-ticket --version, the C API and the
#                                     artifacts' producer print)
#   python/pyproject.toml             reads it from CMakeLists.txt (regex provider)
#   CHANGELOG.md                      a "## [x.y.z]" section
#   README.md, docs/*.md              release archive names and find_package versions
#   cmake -DSOURCE_DIR=<repo> -DVERSION=x.y.z -P version_check.cmake
foreach(v SOURCE_DIR VERSION)
  if(NOT ${v})
    message(FATAL_ERROR "version_check.cmake: -D${v}= is required")
  endif()
endforeach()
if(NOT VERSION MATCHES "^([0-9]+)\\.([0-9]+)\\.([0-9]+)$")
  message(FATAL_ERROR "project version ${VERSION} is not major.minor.patch")
endif()
set(major ${CMAKE_MATCH_1})
set(minor ${CMAKE_MATCH_2})
set(patch ${CMAKE_MATCH_3})
set(problems "")
macro(problem text)
  string(APPEND problems "  ${text}\n")
endmacro()

file(READ ${SOURCE_DIR}/include/tiny_ticket/version.hpp hpp)
foreach(pair "MAJOR ${major}" "MINOR ${minor}" "PATCH ${patch}" "STRING \"${VERSION}\"")
  if(NOT hpp MATCHES "#define TINY_TICKET_VERSION_${pair}\n")
    problem("include/tiny_ticket/version.hpp: expected #define TINY_TICKET_VERSION_${pair}")
  endif()
endforeach()

# pyproject's version comes from the project() line through this regex: apply it here.
file(READ ${SOURCE_DIR}/python/pyproject.toml toml)
if(NOT toml MATCHES "\\[tool\\.scikit-build\\.metadata\\.version\\][^[]*input = \"\\.\\./CMakeLists\\.txt\"")
  problem("python/pyproject.toml: the version provider does not read ../CMakeLists.txt")
endif()
file(READ ${SOURCE_DIR}/CMakeLists.txt top)
if(NOT top MATCHES "\nproject\\(tiny_ticket VERSION ([0-9.]+) " OR NOT CMAKE_MATCH_1 STREQUAL VERSION)
  problem("CMakeLists.txt: the project() line is not `project(tiny_ticket VERSION ${VERSION} ...`, which python/pyproject.toml's regex reads")
endif()

file(READ ${SOURCE_DIR}/CHANGELOG.md changelog)
if(NOT changelog MATCHES "\n## \\[${major}\\.${minor}\\.${patch}\\]")
  problem("CHANGELOG.md: no \"## [${VERSION}]\" section")
endif()

file(GLOB docs ${SOURCE_DIR}/README.md ${SOURCE_DIR}/docs/*.md)
foreach(doc IN LISTS docs)
  file(READ ${doc} text)
  file(RELATIVE_PATH rel ${SOURCE_DIR} ${doc})
  string(REGEX MATCHALL "tiny_ticket-[0-9]+\\.[0-9]+\\.[0-9]+\\.tar\\.gz" names "${text}")
  foreach(n IN LISTS names)
    if(NOT n STREQUAL "tiny_ticket-${VERSION}.tar.gz")
      problem("${rel}: names ${n}, the release archive is tiny_ticket-${VERSION}.tar.gz")
    endif()
  endforeach()
  string(REGEX MATCHALL "find_package\\(tiny_ticket [0-9.]+" requests "${text}")
  foreach(r IN LISTS requests)
    if(NOT r STREQUAL "find_package(tiny_ticket ${major}.${minor}")
      problem("${rel}: `${r}`, expected find_package(tiny_ticket ${major}.${minor} ...)")
    endif()
  endforeach()
endforeach()

if(problems)
  message(FATAL_ERROR "the version is ${VERSION} (CMakeLists.txt project()); these disagree:\n${problems}")
endif()
message(STATUS "version ${VERSION}: version.hpp, pyproject.toml, CHANGELOG.md, README.md and docs agree")
