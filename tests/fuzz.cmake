# Random and fragment-built inputs: no crash, and the record does not depend on the window size.
add_executable(fuzz_analyze ${CMAKE_CURRENT_LIST_DIR}/fuzz_analyze.c)
target_link_libraries(fuzz_analyze PRIVATE miair_static)
add_test(NAME fuzz_smoke COMMAND fuzz_analyze 3000)
set_tests_properties(fuzz_smoke PROPERTIES TIMEOUT 300)
# Runs of 2 MB that make regexes fail after reading far ahead: a hang guard (the timeout), plus
# equality across window sizes; what runs in a few seconds would take hours if quadratic.
add_test(NAME pathological COMMAND fuzz_analyze --pathological)
set_tests_properties(pathological PROPERTIES TIMEOUT 240)
