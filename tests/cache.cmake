# Result cache tests (tests/test_cache.c, ctest cache_unit): hits and misses,
# LRU order, TTL (injected clock), key sensitivity, corrupt store files,
# records identical with and without the cache (miair_batch_run_cached), and
# threads / processes hammering one cache and one store. Uses the SPEC
# section 6 generator of frontends/cli/seeddoc.c for its corpus.
# Included by tests/CMakeLists.txt.
find_package(Threads REQUIRED)
add_executable(test_cache ${CMAKE_CURRENT_LIST_DIR}/test_cache.c ${PROJECT_SOURCE_DIR}/frontends/cli/seeddoc.c)
target_include_directories(test_cache PRIVATE ${PROJECT_SOURCE_DIR}/frontends/cli ${PROJECT_SOURCE_DIR}/runtime)
target_link_libraries(test_cache PRIVATE miair_static PkgConfig::CMOCKA PkgConfig::XXHASH Threads::Threads m)
add_test(NAME cache_unit COMMAND test_cache)
set_tests_properties(cache_unit PROPERTIES TIMEOUT 300)
