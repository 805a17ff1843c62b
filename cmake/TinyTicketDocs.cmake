# The API reference: Doxygen over the public headers (include/tiny_ticket,
# without the detail/ folders and namespaces), written to
# <build>/docs/api/html by `cmake --build <build> --target docs`. A public
# entity without a comment is a warning, and any warning fails the build, so
# the reference cannot silently fall behind the headers. Included only when
# Doxygen is found: without it there is simply no `docs` target.
set(DOXYGEN_PROJECT_NAME tiny_ticket)
set(DOXYGEN_PROJECT_NUMBER ${PROJECT_VERSION})
set(DOXYGEN_PROJECT_BRIEF "${PROJECT_DESCRIPTION}")
set(DOXYGEN_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/docs/api)
set(DOXYGEN_GENERATE_HTML YES)
set(DOXYGEN_GENERATE_LATEX NO)
set(DOXYGEN_EXTRACT_ALL NO)
set(DOXYGEN_EXTRACT_STATIC YES)
set(DOXYGEN_WARN_IF_UNDOCUMENTED YES)
set(DOXYGEN_WARN_IF_DOC_ERROR YES)
set(DOXYGEN_WARN_NO_PARAMDOC NO)
set(DOXYGEN_WARN_AS_ERROR FAIL_ON_WARNINGS)
set(DOXYGEN_QUIET YES)
set(DOXYGEN_RECURSIVE YES)
set(DOXYGEN_FILE_PATTERNS *.hpp *.h)
set(DOXYGEN_EXCLUDE_PATTERNS */detail/*)
set(DOXYGEN_EXCLUDE_SYMBOLS detail *::detail *::detail::*)
set(DOXYGEN_STRIP_FROM_PATH ${PROJECT_SOURCE_DIR}/include)
set(DOXYGEN_STRIP_FROM_INC_PATH ${PROJECT_SOURCE_DIR}/include)
set(DOXYGEN_FULL_PATH_NAMES YES)
set(DOXYGEN_JAVADOC_AUTOBRIEF YES)
set(DOXYGEN_SORT_MEMBER_DOCS NO)
# One comment before `std::vector<T> a, b;` inside `@{ @}` documents both.
set(DOXYGEN_DISTRIBUTE_GROUP_DOC YES)
set(DOXYGEN_HTML_TIMESTAMP NO)
# The header that declares the compiled library's instantiations extern:
# documented as the users of tiny_ticket::compiled see it.
set(DOXYGEN_ENABLE_PREPROCESSING YES)
set(DOXYGEN_MACRO_EXPANSION NO)
doxygen_add_docs(docs ${PROJECT_SOURCE_DIR}/include/tiny_ticket
                 WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                 COMMENT "API reference (Doxygen) -> ${PROJECT_BINARY_DIR}/docs/api/html")
