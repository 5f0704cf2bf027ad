# tests/labs/labs.cmake: the labs' reference solutions and broken variants
# (exercises/labs/, docs/EXERCISE_FORMAT.md "Labs"). Each is linked with
# lab_driver.c into one program that grades it against its lab's battery:
#   lab.ref.LAB        the reference passes every test (exit 0)
#   lab.mutant.NAME    the broken variant fails a test with a counterexample
# Broken variants are tests/labs/mutants/NAME.mutant (the format of
# tests/mutants/), applied to the reference at build time by
# scripts/mutate.sh --emit. Included from grader/CMakeLists.txt.
set(DSLAB_LABS_DIR ${PROJECT_SOURCE_DIR}/tests/labs)
# lab name -> reference source (relative to tests/labs)
set(DSLAB_LAB_REFS echo:echo/echo.c broadcast:broadcast/broadcast.c
    raft-election:raft/raft.c raft-log:raft/raft.c raft-kv:raft/raft.c lock:lock/lock.c)

function(dslab_lab_program target source)
  add_executable(${target} ${DSLAB_LABS_DIR}/lab_driver.c ${source})
  target_compile_options(${target} PRIVATE ${DSLAB_C_FLAGS})
  target_link_libraries(${target} PRIVATE dslab_grader)
endfunction()

foreach(pair ${DSLAB_LAB_REFS})
  string(REPLACE ":" ";" kv ${pair})
  list(GET kv 0 lab)
  list(GET kv 1 src)
  if(NOT EXISTS ${DSLAB_LABS_DIR}/${src} OR NOT EXISTS ${PROJECT_SOURCE_DIR}/exercises/labs/${lab}/lab.yaml)
    continue()
  endif()
  string(REPLACE "-" "_" tname ${lab})
  dslab_lab_program(lab_ref_${tname} ${DSLAB_LABS_DIR}/${src})
  add_test(NAME lab.ref.${lab}
           COMMAND sh ${DSLAB_LABS_DIR}/expect.sh pass $<TARGET_FILE:lab_ref_${tname}>
                   ${PROJECT_SOURCE_DIR}/exercises/labs/${lab})
  set_tests_properties(lab.ref.${lab} PROPERTIES LABELS "e2e;labs")
endforeach()

# A mutant is named LAB--WHAT.mutant: its lab is the part before "--".
file(GLOB DSLAB_LAB_MUTANTS CONFIGURE_DEPENDS ${DSLAB_LABS_DIR}/mutants/*.mutant)
foreach(m ${DSLAB_LAB_MUTANTS})
  get_filename_component(name ${m} NAME_WE)
  string(REGEX REPLACE "--.*$" "" lab ${name})
  string(REPLACE "-" "_" tname ${name})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/lab_mutants/${name}.c)
  file(STRINGS ${m} mline REGEX "^file: ")
  string(REGEX REPLACE "^file: " "" mfile "${mline}")
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/lab_mutants
    COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/mutate.sh --emit ${m} ${out}
    DEPENDS ${m} ${PROJECT_SOURCE_DIR}/${mfile} ${PROJECT_SOURCE_DIR}/scripts/mutate.sh
    COMMENT "lab mutant ${name}")
  dslab_lab_program(lab_mutant_${tname} ${out})
  target_include_directories(lab_mutant_${tname} PRIVATE ${DSLAB_LABS_DIR}/${lab})
  add_test(NAME lab.mutant.${name}
           COMMAND sh ${DSLAB_LABS_DIR}/expect.sh fail $<TARGET_FILE:lab_mutant_${tname}>
                   ${PROJECT_SOURCE_DIR}/exercises/labs/${lab})
  set_tests_properties(lab.mutant.${name} PROPERTIES LABELS "e2e;labs")
endforeach()

# The generated references match their generators on today's built-ins.
add_test(NAME lab.references_in_sync COMMAND sh ${DSLAB_LABS_DIR}/references_in_sync.sh ${PROJECT_SOURCE_DIR})
set_tests_properties(lab.references_in_sync PROPERTIES LABELS "e2e;labs" SKIP_RETURN_CODE 77)
