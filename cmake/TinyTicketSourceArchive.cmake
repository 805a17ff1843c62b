# The release archive: CPack's source package, tiny_ticket-<version>.tar.gz,
# holding the source tree without build trees, version control, virtual
# environments and editor or test-run leftovers.
#   cmake --build build --target package_source    # the archive, in build/
#   cmake --build build --target source_archive    # the same, plus <archive>.sha256
# The README's FetchContent snippet is built against exactly this archive by
# the test suite (consumer_release_archive).
set(CPACK_PACKAGE_NAME tiny_ticket)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_PACKAGE_FILE_NAME tiny_ticket-${PROJECT_VERSION})
# Written to CPackSourceConfig.cmake as set here (one level of escaping).
set(CPACK_VERBATIM_VARIABLES YES)
# Regular expressions on absolute paths. Top-level entries are anchored at
# the source directory, so a checkout that itself lives under a folder named
# "build" still packs.
string(REGEX REPLACE "([][+.*()^$?|])" "\\\\\\1" tiny_ticket_src_re "${PROJECT_SOURCE_DIR}")
set(CPACK_SOURCE_IGNORE_FILES
    "^${tiny_ticket_src_re}/build[^/]*/"
    "^${tiny_ticket_src_re}/\\.git(/|$)"
    "^${tiny_ticket_src_re}/\\.venv/"
    "^${tiny_ticket_src_re}/venv/"
    "^${tiny_ticket_src_re}/python/build/"
    "^${tiny_ticket_src_re}/python/dist/"
    "^${tiny_ticket_src_re}/[^/]*\\.log$"
    "/__pycache__/"
    "/\\.pytest_cache/"
    "\\.egg-info/"
    "/\\.(idea|vscode|cache)/"
    "\\.(swp|swo|tmp|orig|rej|pyc)$"
    "~$"
    "/\\.DS_Store$"
    "/CMakeUserPresets\\.json$"
    "/compile_commands\\.json$")
# A build tree inside the checkout under any other name.
string(FIND "${PROJECT_BINARY_DIR}/" "${PROJECT_SOURCE_DIR}/" tiny_ticket_bin_in_src)
if(tiny_ticket_bin_in_src EQUAL 0 AND NOT PROJECT_BINARY_DIR STREQUAL PROJECT_SOURCE_DIR)
  string(REGEX REPLACE "([][+.*()^$?|])" "\\\\\\1" tiny_ticket_bin_re "${PROJECT_BINARY_DIR}")
  list(APPEND CPACK_SOURCE_IGNORE_FILES "^${tiny_ticket_bin_re}/")
endif()
include(CPack)

add_custom_target(source_archive
  COMMAND ${CMAKE_COMMAND} -DCPACK_COMMAND=${CMAKE_CPACK_COMMAND}
          -DCONFIG=${PROJECT_BINARY_DIR}/CPackSourceConfig.cmake -DOUT_DIR=${PROJECT_BINARY_DIR}
          -DNAME=${CPACK_SOURCE_PACKAGE_FILE_NAME} -P ${PROJECT_SOURCE_DIR}/cmake/source_archive.cmake
  COMMENT "Source archive ${CPACK_SOURCE_PACKAGE_FILE_NAME}.tar.gz and its SHA-256"
  VERBATIM)
