# Checks that the first ```cpp block of a README is the given source file
# minus its leading comment lines, so documentation cannot drift from the
# program the tests build and run.
#   cmake -DREADME=.../README.md -DSOURCE=.../main.cpp -P readme_sync.cmake
file(READ ${README} readme)
file(READ ${SOURCE} source)
string(FIND "${readme}" "```cpp\n" begin)
if(begin LESS 0)
  message(FATAL_ERROR "${README}: no ```cpp block")
endif()
math(EXPR begin "${begin} + 7")
string(SUBSTRING "${readme}" ${begin} -1 rest)
string(FIND "${rest}" "```" end)
string(SUBSTRING "${rest}" 0 ${end} block)
# Drop the file's leading `//` lines and blank lines.
set(code "${source}")
while(code MATCHES "^(//[^\n]*)?\n")
  string(REGEX REPLACE "^(//[^\n]*)?\n" "" code "${code}")
endwhile()
if(NOT block STREQUAL code)
  message(FATAL_ERROR "${README}: the ```cpp block differs from ${SOURCE} (after its leading comments); "
                      "copy the program into the README")
endif()
message(STATUS "${README} matches ${SOURCE}")
