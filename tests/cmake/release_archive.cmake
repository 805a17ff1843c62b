# The release path a user follows, end to end: makes the source archive with
# CPack (cmake/source_archive.cmake, as `--target source_archive` does),
# takes the FetchContent snippet from README.md (between the
# release:fetch_content markers) with only its URL and hash replaced by the
# local archive and the hash just computed, builds a consumer through exactly
# that snippet and runs it.
#   cmake -DCPACK_COMMAND=... -DCPACK_CONFIG=<build>/CPackSourceConfig.cmake -DSOURCE_DIR=<repo>
#         -DWORK_DIR=<dir> -DVERSION=<x.y.z> -DGENERATOR=... [-DMAKE_PROGRAM=...] -DCXX=...
#         [-DRUN_ARGS=model1;model2] -P release_archive.cmake
foreach(v CPACK_COMMAND CPACK_CONFIG SOURCE_DIR WORK_DIR VERSION GENERATOR CXX)
  if(NOT ${v})
    message(FATAL_ERROR "release_archive.cmake: -D${v}= is required")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

set(name tiny_ticket-${VERSION})
execute_process(COMMAND ${CMAKE_COMMAND} -DCPACK_COMMAND=${CPACK_COMMAND} -DCONFIG=${CPACK_CONFIG}
                        -DOUT_DIR=${WORK_DIR}/dist -DNAME=${name} -P ${SOURCE_DIR}/cmake/source_archive.cmake
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc)
  message(FATAL_ERROR "making the source archive failed:\n${out}")
endif()
set(archive ${WORK_DIR}/dist/${name}.tar.gz)
file(READ ${archive}.sha256 sha_line)
string(REGEX MATCH "^[0-9a-f]+" hash "${sha_line}")
file(SHA256 ${archive} check)
if(NOT hash STREQUAL check OR NOT sha_line MATCHES "  ${name}\\.tar\\.gz\n$")
  message(FATAL_ERROR "${archive}.sha256 does not hold the archive's hash and name: ${sha_line}")
endif()
# Nothing from a build tree or version control went in.
execute_process(COMMAND ${CMAKE_COMMAND} -E tar tzf ${archive} OUTPUT_VARIABLE listing RESULT_VARIABLE rc)
if(rc OR NOT listing MATCHES "(^|\n)${name}/CMakeLists\\.txt\n" OR NOT listing MATCHES "\n${name}/include/tiny_ticket/tiny_ticket\\.hpp\n")
  message(FATAL_ERROR "${archive} lacks ${name}/CMakeLists.txt or the headers")
endif()
if(listing MATCHES "\n${name}/(build[^/\n]*|\\.git|\\.venv)(/|\n)" OR listing MATCHES "CMakeCache\\.txt")
  message(FATAL_ERROR "${archive} holds a build tree or version control files: ${CMAKE_MATCH_0}")
endif()

file(READ ${SOURCE_DIR}/README.md readme)
string(FIND "${readme}" "<!-- release:fetch_content:begin -->" begin)
string(FIND "${readme}" "<!-- release:fetch_content:end -->" end)
if(begin LESS 0 OR end LESS begin)
  message(FATAL_ERROR "README.md: no release:fetch_content markers around the FetchContent snippet")
endif()
math(EXPR len "${end} - ${begin}")
string(SUBSTRING "${readme}" ${begin} ${len} snippet)
if(NOT snippet MATCHES "```cmake\n(.*)```")
  message(FATAL_ERROR "README.md: no ```cmake block between the release:fetch_content markers")
endif()
set(snippet "${CMAKE_MATCH_1}")
# The README names this version's archive and pins it by hash.
if(NOT snippet MATCHES "URL +[^ \n]*/${name}\\.tar\\.gz[ \n]")
  message(FATAL_ERROR "README.md: the FetchContent URL does not end in /${name}.tar.gz:\n${snippet}")
endif()
foreach(key "URL_HASH +SHA256=" "DOWNLOAD_EXTRACT_TIMESTAMP")
  if(NOT snippet MATCHES "${key}")
    message(FATAL_ERROR "README.md: the FetchContent snippet lacks ${key}:\n${snippet}")
  endif()
endforeach()
string(REGEX REPLACE "URL( +)[^ \n]*/${name}\\.tar\\.gz" "URL\\1file://${archive}" snippet "${snippet}")
string(REGEX REPLACE "SHA256=[^ \n)]*" "SHA256=${hash}" snippet "${snippet}")

set(project ${WORK_DIR}/consumer)
file(MAKE_DIRECTORY ${project})
file(WRITE ${project}/CMakeLists.txt
     "cmake_minimum_required(VERSION 3.24)\nproject(release_archive_consumer LANGUAGES CXX)\n"
     "add_executable(app ${CMAKE_CURRENT_LIST_DIR}/consumer.cpp)\n"
     "# README.md's FetchContent snippet, URL and hash replaced:\n${snippet}")
message(STATUS "consumer project:\n${snippet}")
set(make_program)
if(MAKE_PROGRAM)
  set(make_program -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${project} -B ${project}/build -G ${GENERATOR} ${make_program}
                        -DCMAKE_CXX_COMPILER=${CXX}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc)
  message(FATAL_ERROR "configuring the consumer failed:\n${out}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${project}/build RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc)
  message(FATAL_ERROR "building the consumer failed:\n${out}")
endif()
execute_process(COMMAND ${project}/build/app ${RUN_ARGS} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
message(STATUS "${out}")
if(rc OR NOT out MATCHES "tiny_ticket ${VERSION}: consumer OK")
  message(FATAL_ERROR "the consumer failed (${rc})")
endif()
message(STATUS "release archive ${name}.tar.gz (sha256 ${hash}) consumed through the README snippet: consumer OK")
