# Engine and regex-translation unit tests; include()d from tests/CMakeLists.txt.
# Needs: target miair_runtime (OBJECT library; carries include/ and runtime/
# as include directories) and the imported target PkgConfig::CMOCKA.

set(_miair_engine_test_dir ${CMAKE_CURRENT_LIST_DIR})
find_package(Threads REQUIRED)

# engine_unit: the public API (include/miair.h) on small hand-built documents.
add_executable(test_engine ${_miair_engine_test_dir}/test_engine.c)
target_link_libraries(test_engine PRIVATE miair_runtime PkgConfig::CMOCKA Threads::Threads)
add_test(NAME engine_unit COMMAND test_engine)
set_tests_properties(engine_unit PROPERTIES TIMEOUT 120)

# pyre_unit: runtime/pyre.h, Python `re` on PCRE2, incl. exhaustive class checks.
add_executable(test_pyre ${_miair_engine_test_dir}/test_pyre.c)
target_link_libraries(test_pyre PRIVATE miair_runtime PkgConfig::CMOCKA)
add_test(NAME pyre_unit COMMAND test_pyre)
set_tests_properties(pyre_unit PROPERTIES TIMEOUT 300)
