# Makes the release archive with CPack and writes its SHA-256 beside it, in
# the format `sha256sum -c` reads:
#   cmake -DCPACK_COMMAND=cpack -DCONFIG=<build>/CPackSourceConfig.cmake -DOUT_DIR=<dir>
#         -DNAME=tiny_ticket-<version> -P source_archive.cmake
# Prints the archive's path and hash on the last two lines.
foreach(v CPACK_COMMAND CONFIG OUT_DIR NAME)
  if(NOT ${v})
    message(FATAL_ERROR "source_archive.cmake: -D${v}= is required")
  endif()
endforeach()
file(MAKE_DIRECTORY ${OUT_DIR})
execute_process(COMMAND ${CPACK_COMMAND} --config ${CONFIG} -B ${OUT_DIR}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
set(archive ${OUT_DIR}/${NAME}.tar.gz)
if(rc OR NOT EXISTS ${archive})
  message(FATAL_ERROR "cpack failed (${rc}), no ${archive}:\n${out}")
endif()
file(SHA256 ${archive} hash)
file(WRITE ${archive}.sha256 "${hash}  ${NAME}.tar.gz\n")
message(STATUS "archive ${archive}")
message(STATUS "sha256 ${hash}")
