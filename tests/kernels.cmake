# Kernel property tests (tests/test_kernels.c): every kernel of every ISA
# this machine runs against scalar and naive references. Included by
# tests/CMakeLists.txt.
add_executable(test_kernels ${CMAKE_CURRENT_LIST_DIR}/test_kernels.c)
target_link_libraries(test_kernels PRIVATE miair_runtime miair_kernels PkgConfig::CMOCKA)
target_include_directories(test_kernels PRIVATE ${PROJECT_SOURCE_DIR}/runtime ${PROJECT_SOURCE_DIR}/kernels)
add_test(NAME kernels COMMAND test_kernels)
set_tests_properties(kernels PROPERTIES TIMEOUT 600)
