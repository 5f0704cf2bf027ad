# cmake/DslabInstall.cmake: what `cmake --install` (and `make install
# PREFIX=...`, the Debian package) puts where, under the prefix:
#   bin/dslab                       the command
#   share/dslab/scenarios/          the scenarios
#   share/dslab/exercises/          exercises, labs (exercises/labs/) and
#                                   the taxonomy (exercises/taxonomy.yaml)
#   share/dslab/tests/labs/...      the labs' reference solutions (a lab's
#                                   `reference:` names one; mentors grade it)
#   share/dslab/clients/            the process-node helpers (C, Python, JS)
#   include/dslab/*.h, lib/libdslab.a   the public API for node code
#   lib/pkgconfig/dslab.pc, lib/cmake/dslab/   to build against it
#   share/man/man1/dslab.1, bash and zsh completions
#   share/doc/dslab/                README, LICENSE, CHANGELOG, docs/
# The installed binary finds share/dslab and include/ relative to itself
# (cli/data_root.c), so the tree can be moved. `make uninstall` (or the
# `uninstall` target) removes what the last install wrote.
set(DSLAB_DATADIR ${CMAKE_INSTALL_DATADIR}/dslab)
set(DSLAB_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/dslab)

install(TARGETS dslab RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY scenarios exercises clients DESTINATION ${DSLAB_DATADIR}
        PATTERN "__pycache__" EXCLUDE PATTERN "*.pyc" EXCLUDE)
# Node programs in clients/ and lab skeletons are run with an interpreter
# (python3 FILE, node FILE): installed as plain files, like the data.

# The reference solutions named by the labs (`reference: ../../../tests/...`).
file(GLOB dslab_lab_files ${PROJECT_SOURCE_DIR}/exercises/labs/*/lab.yaml)
set(dslab_lab_refs "")
foreach(lab_yaml ${dslab_lab_files})
  file(STRINGS ${lab_yaml} ref_lines REGEX "^reference:")
  foreach(line ${ref_lines})
    string(REGEX REPLACE "^reference:[ \t]*\"?([^\" \t#]+)\"?.*$" "\\1" rel "${line}")
    get_filename_component(lab_dir ${lab_yaml} DIRECTORY)
    get_filename_component(ref ${lab_dir}/${rel} ABSOLUTE)
    file(RELATIVE_PATH ref_rel ${PROJECT_SOURCE_DIR} ${ref})
    if(ref_rel MATCHES "^\\.\\." OR NOT EXISTS ${ref})
      message(FATAL_ERROR "${lab_yaml}: reference '${rel}' is not a file inside the source tree")
    endif()
    list(APPEND dslab_lab_refs ${ref_rel})
  endforeach()
endforeach()
# References generated at build time (`generated_reference: tests/...`,
# tests/labs/labs.cmake) are installed from the build's generated tree to
# the same relative path, where an installed dslab lint looks for them.
foreach(lab_yaml ${dslab_lab_files})
  file(STRINGS ${lab_yaml} gen_lines REGEX "^generated_reference:")
  foreach(line ${gen_lines})
    string(REGEX REPLACE "^generated_reference:[ \t]*\"?([^\" \t#]+)\"?.*$" "\\1" rel "${line}")
    get_filename_component(gen_dir ${rel} DIRECTORY)
    if(DSLAB_PYTHON3) # else not generated (tests/labs/generate.cmake says so)
      install(FILES ${CMAKE_BINARY_DIR}/labs_generated/${rel} DESTINATION ${DSLAB_DATADIR}/${gen_dir})
    endif()
  endforeach()
endforeach()
list(REMOVE_DUPLICATES dslab_lab_refs)
foreach(ref_rel ${dslab_lab_refs})
  get_filename_component(ref_dir ${ref_rel} DIRECTORY)
  install(FILES ${ref_rel} DESTINATION ${DSLAB_DATADIR}/${ref_dir})
endforeach()

# The public API: headers and libdslab.a (only dslab_* symbols, sim/CMakeLists.txt).
install(DIRECTORY sim/include/dslab DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
set_target_properties(dslab_public PROPERTIES EXPORT_NAME dslab) # dslab::dslab
install(TARGETS dslab_public EXPORT dslabTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# pkg-config: `pkg-config --cflags --libs dslab` (static: the library's
# own dependencies are listed in Requires.private/Libs.private too).
file(RELATIVE_PATH DSLAB_PC_TO_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
configure_file(${PROJECT_SOURCE_DIR}/cmake/dslab.pc.in ${PROJECT_BINARY_DIR}/dslab.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/dslab.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# CMake: find_package(dslab) gives dslab::dslab.
include(CMakePackageConfigHelpers)
install(EXPORT dslabTargets NAMESPACE dslab:: DESTINATION ${DSLAB_CMAKEDIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/dslabConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/dslabConfig.cmake INSTALL_DESTINATION ${DSLAB_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/dslabConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/dslabConfig.cmake ${PROJECT_BINARY_DIR}/dslabConfigVersion.cmake
        DESTINATION ${DSLAB_CMAKEDIR})

# The manual page (version filled in) and shell completions.
configure_file(${PROJECT_SOURCE_DIR}/packaging/dslab.1.in ${PROJECT_BINARY_DIR}/dslab.1 @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/dslab.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES packaging/completions/dslab.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME dslab)
install(FILES packaging/completions/_dslab DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES README.md LICENSE CHANGELOG.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)

# `make uninstall`: removes the files of install_manifest.txt (the last
# install from this build tree) and the directories that are then empty.
add_custom_target(uninstall
  COMMAND ${CMAKE_COMMAND} -DMANIFEST=${PROJECT_BINARY_DIR}/install_manifest.txt
          -P ${PROJECT_SOURCE_DIR}/cmake/uninstall.cmake
  COMMENT "Removing the files of the last install (install_manifest.txt)"
  VERBATIM)
