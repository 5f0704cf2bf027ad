# tests/labs/labs.cmake: the labs' reference solutions and broken variants
# (exercises/labs/, docs/EXERCISE_FORMAT.md "Labs"). Each is linked with
# lab_driver.c into one program that grades it against its lab's battery:
#   lab.ref.LAB        the reference passes every test (exit 0)
#   lab.mutant.NAME    the broken variant fails a test with a counterexample
# Broken variants are tests/labs/mutants/NAME.mutant (the format of
# tests/mutants/), applied to the reference at build time by
# scripts/mutate.sh --emit. Included from grader/CMakeLists.txt, after
# tests/labs/generate.cmake (which makes the generated references).
# The references of the Raft labs and the lock lab are not committed: they
# are GENERATED at build time from the built-in protocols by
# tests/labs/{raft,lock}/make_reference.py into
# BUILD/labs_generated/tests/labs/{raft/raft.c,lock/lock.c} (the same paths
# under another root, so a mutant's "file:" line names either), and a
# change to sim/protocols/ regenerates them: they cannot drift apart. The
# C port of gossip-pingpong (tests/nodes/make_gossip.py) is generated into
# the same tree, BUILD/labs_generated/tests/nodes/gossip.c.
# Their lab.yaml names them `generated_reference: tests/labs/raft/raft.c`
# (a path under that root), and `dslab lint LAB` grades that file: this
# build's root is compiled into dslab (DSLAB_LABS_GENERATED_DIR; the
# environment variable DSLAB_LABS_GENERATED overrides it), and a reference
# not generated is a clear error, never a lab passed unchecked.
# The path of a reference (relative to tests/labs): generated or committed;
# empty when it is generated and python3 is missing.
function(dslab_lab_source rel outvar)
  if(rel IN_LIST DSLAB_LAB_GENERATED)
    if(DSLAB_PYTHON3)
      set(${outvar} ${DSLAB_LABS_GEN_ROOT}/tests/labs/${rel} PARENT_SCOPE)
    else()
      set(${outvar} "" PARENT_SCOPE)
    endif()
  elseif(EXISTS ${DSLAB_LABS_DIR}/${rel})
    set(${outvar} ${DSLAB_LABS_DIR}/${rel} PARENT_SCOPE)
  else()
    set(${outvar} "" PARENT_SCOPE)
  endif()
endfunction()

function(dslab_lab_program target source)
  add_executable(${target} ${DSLAB_LABS_DIR}/lab_driver.c ${source})
  target_compile_options(${target} PRIVATE ${DSLAB_C_FLAGS})
  target_link_libraries(${target} PRIVATE dslab_grader)
  if(TARGET dslab_lab_references)
    add_dependencies(${target} dslab_lab_references)
  endif()
endfunction()

# Each lab's reference is the one its lab.yaml names (what `dslab lint`
# grades): `reference: ../../../tests/labs/X` or `generated_reference:
# tests/labs/X`. Every lab has its reference kept under tests/labs/
# (issue 13): a lab.yaml naming none there stops the configure.
file(GLOB DSLAB_LAB_YAMLS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/exercises/labs/*/lab.yaml)
foreach(yaml ${DSLAB_LAB_YAMLS})
  get_filename_component(labdir ${yaml} DIRECTORY)
  get_filename_component(lab ${labdir} NAME)
  file(STRINGS ${yaml} rline REGEX "^(generated_)?reference: ")
  string(REGEX REPLACE "^(generated_)?reference: (\\.\\./)*tests/labs/" "" src "${rline}")
  if(NOT rline OR src STREQUAL rline)
    message(FATAL_ERROR "${yaml}: a lab names its reference under tests/labs/ "
            "(reference: ../../../tests/labs/X or generated_reference: tests/labs/X)")
  endif()
  dslab_lab_source(${src} path)
  if(NOT path)
    continue()
  endif()
  string(REPLACE "-" "_" tname ${lab})
  dslab_lab_program(lab_ref_${tname} ${path})
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
  string(REGEX REPLACE "^tests/labs/" "" mrel "${mfile}")
  dslab_lab_source(${mrel} mpath)
  if(NOT mpath)
    continue()
  endif()
  # the mutated file's tree: the generated one for a generated reference
  set(mroot ${PROJECT_SOURCE_DIR})
  if(mrel IN_LIST DSLAB_LAB_GENERATED)
    set(mroot ${DSLAB_LABS_GEN_ROOT})
  endif()
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/lab_mutants
    COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/mutate.sh --root ${mroot} --mutants ${DSLAB_LABS_DIR}/mutants --emit ${m} ${out}
    DEPENDS ${m} ${mpath} ${PROJECT_SOURCE_DIR}/scripts/mutate.sh
    COMMENT "lab mutant ${name}")
  dslab_lab_program(lab_mutant_${tname} ${out})
  target_include_directories(lab_mutant_${tname} PRIVATE ${DSLAB_LABS_DIR}/${lab})
  add_test(NAME lab.mutant.${name}
           COMMAND sh ${DSLAB_LABS_DIR}/expect.sh fail $<TARGET_FILE:lab_mutant_${tname}>
                   ${PROJECT_SOURCE_DIR}/exercises/labs/${lab})
  set_tests_properties(lab.mutant.${name} PROPERTIES LABELS "e2e;labs")
endforeach()

