# Fixture for the consumer tests, run by ctest as
#   cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DSTAGE_DIR=... -DVERSION=... [-DCONFIG=...] [-DINSTALL=ON] -P stage.cmake
# Starts from an empty STAGE_DIR and installs the build into STAGE_DIR/prefix
# (cmake --install, as a packager would). The FetchContent consumer uses the
# real release archive instead (consumer_release_archive).
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
