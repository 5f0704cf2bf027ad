# cmake/uninstall.cmake: `make uninstall` (the uninstall target): removes
# every file named in MANIFEST (install_manifest.txt, written by the last
# `cmake --install` of this build tree), then each directory that held
# them and is now empty, deepest first, never going above the prefix's
# own directories (bin, share, include, lib ...). Run with
#   cmake -DMANIFEST=build/install_manifest.txt -P cmake/uninstall.cmake
if(NOT MANIFEST OR NOT EXISTS "${MANIFEST}")
  message(FATAL_ERROR "uninstall: no install manifest '${MANIFEST}' (nothing was installed from this build tree)")
endif()
file(STRINGS "${MANIFEST}" files)
set(dirs "")
set(removed 0)
foreach(f ${files})
  if(IS_SYMLINK "$ENV{DESTDIR}${f}" OR EXISTS "$ENV{DESTDIR}${f}")
    file(REMOVE "$ENV{DESTDIR}${f}")
    math(EXPR removed "${removed} + 1")
  endif()
  get_filename_component(d "${f}" DIRECTORY)
  list(APPEND dirs "${d}")
endforeach()
# Directories only dslab has (share/dslab, include/dslab, lib/cmake/dslab,
# share/doc/dslab and what is below them; the last such part of the path,
# so a prefix that is itself called dslab is never touched): removed
# when empty, from the deepest up to that directory.
list(REMOVE_DUPLICATES dirs)
list(SORT dirs)
list(REVERSE dirs)
foreach(d ${dirs})
  if(NOT d MATCHES "^(.*/(share|include|cmake|doc)/dslab)(/.*)?$")
    continue()
  endif()
  set(top "${CMAKE_MATCH_1}")
  while(1)
    file(GLOB left "$ENV{DESTDIR}${d}/*")
    if(left OR NOT IS_DIRECTORY "$ENV{DESTDIR}${d}")
      break()
    endif()
    file(REMOVE_RECURSE "$ENV{DESTDIR}${d}")
    if(d STREQUAL top)
      break()
    endif()
    get_filename_component(d "${d}" DIRECTORY)
  endwhile()
endforeach()
message(STATUS "uninstall: removed ${removed} files")
