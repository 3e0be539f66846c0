# Batch runtime tests (tests/test_batch.c, ctest batch_unit): batch equals
# sequential for 1/2/3/8 threads, in-order delivery, error isolation, stop,
# metrics text, and the SPEC section 6 generator of `miair gen`/`miair bench`
# (frontends/cli/seeddoc.c). Included by tests/CMakeLists.txt.
add_executable(test_batch ${CMAKE_CURRENT_LIST_DIR}/test_batch.c ${PROJECT_SOURCE_DIR}/frontends/cli/seeddoc.c)
target_include_directories(test_batch PRIVATE ${PROJECT_SOURCE_DIR}/frontends/cli)
target_link_libraries(test_batch PRIVATE miair_static PkgConfig::CMOCKA)
add_test(NAME batch_unit COMMAND test_batch)
set_tests_properties(batch_unit PROPERTIES TIMEOUT 600)
