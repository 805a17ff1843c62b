# Fixture for the consumer tests, run by ctest as
#   cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DSTAGE_DIR=... -DVERSION=... [-DCONFIG=...] [-DINSTALL=ON] -P stage.cmake
# Starts from an empty STAGE_DIR, installs the build into STAGE_DIR/prefix
# (cmake --install, as a packager would) and packs the library's part of the
# source tree into STAGE_DIR/tiny_ticket-VERSION.tar.gz, laid out like a
# release archive, for the FetchContent consumer.
foreach(v BUILD_DIR SOURCE_DIR STAGE_DIR VERSION)
  if(NOT ${v})
    message(FATAL_ERROR "stage.cmake: -D${v}= is required")
  endif()
endforeach()

file(REMOVE_RECURSE ${STAGE_DIR})
file(MAKE_DIRECTORY ${STAGE_DIR})

if(INSTALL)
  set(config_args)
  if(CONFIG)
    set(config_args --config ${CONFIG})
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${STAGE_DIR}/prefix ${config_args}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(rc)
    message(FATAL_ERROR "cmake --install failed (${rc}); build every target first (cmake --build):\n${out}")
  endif()
  message(STATUS "installed into ${STAGE_DIR}/prefix")
endif()

set(name tiny_ticket-${VERSION})
foreach(item CMakeLists.txt LICENSE README.md cmake include models src c train)
  if(EXISTS ${SOURCE_DIR}/${item})
    file(COPY ${SOURCE_DIR}/${item} DESTINATION ${STAGE_DIR}/src/${name})
  endif()
endforeach()
execute_process(COMMAND ${CMAKE_COMMAND} -E tar czf ${STAGE_DIR}/${name}.tar.gz ${name}
                WORKING_DIRECTORY ${STAGE_DIR}/src RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "could not create ${STAGE_DIR}/${name}.tar.gz")
endif()
file(REMOVE_RECURSE ${STAGE_DIR}/src)
message(STATUS "source archive ${STAGE_DIR}/${name}.tar.gz")
