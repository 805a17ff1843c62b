include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/tiny_ticket DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS tiny_ticket EXPORT tiny_ticket_targets)
install(EXPORT tiny_ticket_targets NAMESPACE tiny_ticket::
        DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/tiny_ticket)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/tiny_ticketConfig.cmake.in
  ${PROJECT_BINARY_DIR}/tiny_ticketConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/tiny_ticket)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/tiny_ticketConfigVersion.cmake
  COMPATIBILITY SameMajorVersion ARCH_INDEPENDENT)
install(FILES ${PROJECT_BINARY_DIR}/tiny_ticketConfig.cmake ${PROJECT_BINARY_DIR}/tiny_ticketConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/tiny_ticket)
