# Number formatting of the JSON record vs snprintf.
add_executable(test_numfmt ${CMAKE_CURRENT_LIST_DIR}/test_numfmt.c)
target_link_libraries(test_numfmt PRIVATE miair_runtime PkgConfig::CMOCKA)
add_test(NAME numfmt_unit COMMAND test_numfmt)
