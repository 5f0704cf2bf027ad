# tests/labs/generate.cmake: generates the labs' references that are not
# committed (see tests/labs/labs.cmake for why and how they are named) and
# the C port of gossip-pingpong, into BUILD/labs_generated. Included from
# grader/CMakeLists.txt whether or not tests are built: an installed dslab
# ships the references (cmake/DslabInstall.cmake) and `dslab lint` grades them.
set(DSLAB_LABS_DIR ${PROJECT_SOURCE_DIR}/tests/labs)
set(DSLAB_LABS_GEN_ROOT ${CMAKE_BINARY_DIR}/labs_generated)
target_compile_definitions(dslab PRIVATE DSLAB_LABS_GENERATED_DIR="${DSLAB_LABS_GEN_ROOT}")
# references generated from the built-ins (relative to tests/labs)
set(DSLAB_LAB_GENERATED raft/raft.c lock/lock.c)

find_program(DSLAB_PYTHON3 python3)
if(DSLAB_PYTHON3)
  file(GLOB DSLAB_LAB_GEN_INPUTS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/sim/protocols/*.c
       ${PROJECT_SOURCE_DIR}/sim/protocols/*.h)
  foreach(g ${DSLAB_LAB_GENERATED})
    get_filename_component(gdir ${g} DIRECTORY)
    set(gout ${DSLAB_LABS_GEN_ROOT}/tests/labs/${g})
    add_custom_command(OUTPUT ${gout}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${DSLAB_LABS_GEN_ROOT}/tests/labs/${gdir}
      COMMAND ${DSLAB_PYTHON3} ${DSLAB_LABS_DIR}/${gdir}/make_reference.py ${gout}
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
      DEPENDS ${DSLAB_LABS_DIR}/${gdir}/make_reference.py ${DSLAB_LABS_DIR}/reference_gen.py ${DSLAB_LAB_GEN_INPUTS}
      COMMENT "lab reference ${g} from the built-in protocol")
    list(APPEND DSLAB_LAB_GEN_OUTPUTS ${gout})
  endforeach()
  # The C port of gossip-pingpong that tests/e2e/plugin_nodes.sh and
  # bench/run_plugin.sh compare with the built-in: generated the same way.
  set(gout ${DSLAB_LABS_GEN_ROOT}/tests/nodes/gossip.c)
  add_custom_command(OUTPUT ${gout}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${DSLAB_LABS_GEN_ROOT}/tests/nodes
    COMMAND ${DSLAB_PYTHON3} ${PROJECT_SOURCE_DIR}/tests/nodes/make_gossip.py ${gout}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    DEPENDS ${PROJECT_SOURCE_DIR}/tests/nodes/make_gossip.py ${DSLAB_LABS_DIR}/reference_gen.py ${DSLAB_LAB_GEN_INPUTS}
    COMMENT "tests/nodes/gossip.c from the built-in gossip-pingpong")
  list(APPEND DSLAB_LAB_GEN_OUTPUTS ${gout})
  # one target owns the generation (several programs use raft.c: without
  # it each would run the generator, in parallel); built by default, for
  # the e2e tests and benchmarks that read the files
  add_custom_target(dslab_lab_references ALL DEPENDS ${DSLAB_LAB_GEN_OUTPUTS})
else()
  message(STATUS "python3 not found: the Raft and lock labs' generated references (and their tests) are left out")
endif()

