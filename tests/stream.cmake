# Streaming: file analysis equals in-memory analysis; bounded peak memory.
add_executable(test_stream ${CMAKE_CURRENT_LIST_DIR}/test_stream.c)
target_link_libraries(test_stream PRIVATE miair_static PkgConfig::CMOCKA)
add_test(NAME stream_unit COMMAND test_stream)
set_tests_properties(stream_unit PROPERTIES TIMEOUT 300)
