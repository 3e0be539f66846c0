# Differential test: C engine vs the Python oracle (tests/run_differential.py).
get_property(_miair_cli_target GLOBAL PROPERTY MIAIR_CLI_TARGET)
if(Python3_EXECUTABLE)
  add_test(NAME differential
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/run_differential.py
                   --miair $<TARGET_FILE:${_miair_cli_target}>)
  set_tests_properties(differential PROPERTIES TIMEOUT 900)
endif()
