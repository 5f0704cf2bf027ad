# cmake/DslabTests.cmake: whether the tests are built (DSLAB_BUILD_TESTS).
# The tests need cmocka (libcmocka-dev); the dslab tool does not. With
# DSLAB_TESTS=AUTO (the default) a configure without cmocka builds the
# tool and says the tests are off; DSLAB_TESTS=ON makes cmocka required;
# OFF skips the tests (and the labs' reference programs) even with cmocka.
string(TOUPPER "${DSLAB_TESTS}" dslab_tests_mode)
if(NOT dslab_tests_mode MATCHES "^(AUTO|ON|OFF)$")
  message(FATAL_ERROR "DSLAB_TESTS must be AUTO, ON or OFF (got '${DSLAB_TESTS}')")
endif()
set(DSLAB_BUILD_TESTS OFF)
if(dslab_tests_mode STREQUAL "OFF")
  message(STATUS "dslab: tests are off (DSLAB_TESTS=OFF)")
else()
  if(dslab_tests_mode STREQUAL "ON")
    pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
  else()
    pkg_check_modules(CMOCKA IMPORTED_TARGET cmocka)
  endif()
  if(CMOCKA_FOUND)
    set(DSLAB_BUILD_TESTS ON)
  else()
    message(WARNING "dslab: cmocka not found: tests are off, building the dslab tool only "
                    "(install libcmocka-dev, or run `make deps`, then configure again for `make test`)")
  endif()
endif()
