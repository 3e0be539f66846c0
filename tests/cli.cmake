# The end-to-end test of the `miair` program (ctest name: cli).
# include()d from tests/CMakeLists.txt.
get_property(_miair_cli_target GLOBAL PROPERTY MIAIR_CLI_TARGET)
if(NOT _miair_cli_target)
  set(_miair_cli_target miair)
endif()
if(Python3_EXECUTABLE)
  set(_miair_cli_python ${Python3_EXECUTABLE})
else()
  set(_miair_cli_python python3)
endif()
add_test(NAME cli
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/test_cli.sh $<TARGET_FILE:${_miair_cli_target}> ${_miair_cli_python})
set_tests_properties(cli PROPERTIES TIMEOUT 300)
