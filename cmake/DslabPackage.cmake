# cmake/DslabPackage.cmake: the Debian package (`make package`, or `cpack
# -G DEB` in the build directory) and its test in a pristine Debian 12
# chroot (packaging/test-deb-chroot.sh, ctest name package.deb_chroot).
#
# The package is what `cmake --install` installs (cmake/DslabInstall.cmake)
# under /usr. Its dependencies on shared libraries (libyaml, Jansson, SDL2,
# SDL2_ttf, SDL2_image, fontconfig) are computed by dpkg-shlibdeps from the
# binary; the fonts are a dependency by name, and a C compiler is
# recommended (learner node code, `source: x.c`, is compiled at run time).
set(CPACK_PACKAGE_NAME dslab)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "dslab maintainers")
set(CPACK_PACKAGE_CONTACT "dslab maintainers <maintainers@dslab.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "Deterministic discrete-event simulations of nodes, networks and clocks from YAML\n"
    "scenarios, checkers and assumption monitors, an SDL2 visualiser, exercises that\n"
    "grade your reading of a run, and labs that grade node code you write.")
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/" "/out/")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # dslab_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The fonts (and, without dpkg-shlibdeps, the libraries by their Debian 12
# names) only when the visualiser is built.
find_program(DSLAB_DPKG_SHLIBDEPS dpkg-shlibdeps)
set(dslab_deb_depends "")
if(NOT DSLAB_DPKG_SHLIBDEPS)
  list(APPEND dslab_deb_depends libc6 libyaml-0-2 libjansson4)
  if(TARGET dslab_viz)
    list(APPEND dslab_deb_depends libsdl2-2.0-0 libsdl2-ttf-2.0-0 libsdl2-image-2.0-0 libfontconfig1)
  endif()
endif()
if(TARGET dslab_viz)
  list(APPEND dslab_deb_depends fonts-dejavu-core)
endif()
string(REPLACE ";" ", " CPACK_DEBIAN_PACKAGE_DEPENDS "${dslab_deb_depends}")
if(DSLAB_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gcc | c-compiler, libc6-dev")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "pkg-config, libyaml-dev, libjansson-dev, python3, nodejs")
include(CPack)

# Two tests, neither in a sanitizer build (its libdslab.a needs the
# sanitizer runtime, and a package of an instrumented binary means
# nothing). They share the build tree's install_manifest.txt: one at a time.
#
# package.install_tree: `make install` into a temporary prefix, the
# installed dslab run from an empty directory (data and headers found
# next to it), node code compiled against the installed headers,
# pkg-config and find_package(dslab) consumers built against libdslab.a,
# then `make uninstall` leaves no file (packaging/test-install-tree.sh).
#
# package.deb_chroot: builds the package with cpack, installs it in a
# fresh Debian 12 chroot, runs dslab there from an empty directory,
# purges it (packaging/test-deb-chroot.sh). It runs whenever its tools are
# there (root, debootstrap, cpack, Debian 12; DSLAB_TEST_DEB=0 turns it
# off) and takes minutes: the first run debootstraps Debian (network) into
# a cache under BUILD/package-test/, and each run installs ~145 packages
# there. Without the tools `make test` reports it SKIPPED with the reason.
if(DSLAB_BUILD_TESTS AND NOT DSLAB_SANITIZE)
  foreach(spec "install_tree:test-install-tree.sh:600:package;e2e" "deb_chroot:test-deb-chroot.sh:1800:package")
    string(REPLACE ":" ";" spec "${spec}")
    list(GET spec 0 name)
    list(GET spec 1 script)
    list(GET spec 2 timeout)
    list(SUBLIST spec 3 -1 labels)
    add_test(NAME package.${name}
             COMMAND bash ${PROJECT_SOURCE_DIR}/packaging/${script} ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR})
    set_tests_properties(package.${name} PROPERTIES LABELS "${labels}" SKIP_RETURN_CODE 77
                         TIMEOUT ${timeout} RESOURCE_LOCK dslab_install_manifest)
  endforeach()
endif()
