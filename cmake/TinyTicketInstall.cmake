# Install rules: headers, the exported INTERFACE target, a relocatable CMake
# package (tiny_ticketConfig.cmake + version file), a pkg-config file and the
# shipped models. The tiny-ticket CLI installs itself from examples/, the
# synth templates it reads (data, not headers) from tools/synth/. The
# trainer (tiny_ticket::train) joins the same package only with
# TINY_TICKET_INSTALL_TRAIN: an application that only predicts gets only the
# inference headers.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(TINY_TICKET_INSTALL_CMAKEDIR ${CMAKE_INSTALL_DATADIR}/cmake/tiny_ticket CACHE STRING
    "Where tiny_ticketConfig.cmake is installed, relative to the prefix")
set(TINY_TICKET_INSTALL_MODELDIR ${CMAKE_INSTALL_DATADIR}/tiny_ticket/models)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/tiny_ticket DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS tiny_ticket EXPORT tiny_ticket_targets)
# The float library compiled once (libtiny_ticket.a): link tiny_ticket::compiled
# for faster builds of files that include <tiny_ticket/tiny_ticket.hpp>.
install(TARGETS tiny_ticket_compiled EXPORT tiny_ticket_targets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
if(TINY_TICKET_INSTALL_TRAIN)
  if(NOT TARGET tiny_ticket_train)
    message(FATAL_ERROR "TINY_TICKET_INSTALL_TRAIN is ON but ${PROJECT_SOURCE_DIR}/train/include is missing")
  endif()
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/train/include/tiny_ticket DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(TARGETS tiny_ticket_train EXPORT tiny_ticket_targets)
endif()
install(EXPORT tiny_ticket_targets NAMESPACE tiny_ticket:: DESTINATION ${TINY_TICKET_INSTALL_CMAKEDIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/tiny_ticketConfig.cmake.in
  ${PROJECT_BINARY_DIR}/tiny_ticketConfig.cmake
  INSTALL_DESTINATION ${TINY_TICKET_INSTALL_CMAKEDIR}
  PATH_VARS TINY_TICKET_INSTALL_MODELDIR)
# Header-only: one package serves every architecture.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/tiny_ticketConfigVersion.cmake
  COMPATIBILITY SameMajorVersion ARCH_INDEPENDENT)
install(FILES ${PROJECT_BINARY_DIR}/tiny_ticketConfig.cmake ${PROJECT_BINARY_DIR}/tiny_ticketConfigVersion.cmake
        DESTINATION ${TINY_TICKET_INSTALL_CMAKEDIR})

# pkg-config: paths relative to the .pc file (${pcfiledir}) so a staged or
# relocated install (`cmake --install --prefix`) stays correct.
if(IS_ABSOLUTE "${CMAKE_INSTALL_DATADIR}")
  set(TINY_TICKET_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH TINY_TICKET_PC_RELPREFIX /prefix/${CMAKE_INSTALL_DATADIR}/pkgconfig /prefix)
  string(REGEX REPLACE "/$" "" TINY_TICKET_PC_RELPREFIX "${TINY_TICKET_PC_RELPREFIX}")
  set(TINY_TICKET_PC_PREFIX "\${pcfiledir}/${TINY_TICKET_PC_RELPREFIX}")
endif()
foreach(d INCLUDEDIR DATADIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${d}}")
    set(TINY_TICKET_PC_${d} "${CMAKE_INSTALL_${d}}")
  else()
    set(TINY_TICKET_PC_${d} "\${prefix}/${CMAKE_INSTALL_${d}}")
  endif()
endforeach()
configure_file(${PROJECT_SOURCE_DIR}/cmake/tiny_ticket.pc.in ${PROJECT_BINARY_DIR}/tiny_ticket.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/tiny_ticket.pc DESTINATION ${CMAKE_INSTALL_DATADIR}/pkgconfig)

# Shipped models: whatever models/*.json exist (re-globbed on every build).
file(GLOB TINY_TICKET_MODEL_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/models/*.json)
if(TINY_TICKET_MODEL_FILES)
  install(FILES ${TINY_TICKET_MODEL_FILES} DESTINATION ${TINY_TICKET_INSTALL_MODELDIR})
endif()
