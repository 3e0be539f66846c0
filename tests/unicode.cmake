# Unicode tests; include()d from tests/CMakeLists.txt.
# Needs: target miair_runtime (runtime/*.c incl. unicode.c, unicode_tables.c),
# imported target PkgConfig::CMOCKA, and Python3_EXECUTABLE for the
# exhaustive comparison with Python's own str methods.

set(_miair_unicode_dir ${CMAKE_CURRENT_LIST_DIR})
get_filename_component(_miair_unicode_root ${_miair_unicode_dir} DIRECTORY)

# unicode_unit: cmocka unit tests of the decoder, lower() and the predicates.
add_executable(test_unicode ${_miair_unicode_dir}/test_unicode.c)
target_include_directories(test_unicode PRIVATE ${_miair_unicode_root}/runtime)
target_link_libraries(test_unicode PRIVATE miair_runtime PkgConfig::CMOCKA)
add_test(NAME unicode_unit COMMAND test_unicode)

# unicode_exhaustive: every code point, plus random UTF-8 and lower() cases,
# compared with the running Python (must be 3.11 / Unicode 14.0).
add_executable(unicode_dump ${_miair_unicode_dir}/unicode_dump.c)
target_include_directories(unicode_dump PRIVATE ${_miair_unicode_root}/runtime)
target_link_libraries(unicode_dump PRIVATE miair_runtime)
if(Python3_EXECUTABLE)
  add_test(NAME unicode_exhaustive
           COMMAND ${Python3_EXECUTABLE} ${_miair_unicode_root}/tools/check_unicode.py
                   $<TARGET_FILE:unicode_dump>)
  set_tests_properties(unicode_exhaustive PROPERTIES TIMEOUT 120)
else()
  message(WARNING "miair: Python 3 not found; test unicode_exhaustive not registered")
endif()
