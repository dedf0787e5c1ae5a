# Faults as patches (DESIGN.md section 6): the runtime and arch sources carry
# no fault code. A build with -DRT0_FAULT=<name> compiles a copy of runtime/
# and arch/ with conformance/faults/<name>.patch applied, kept in
# <build>/fault-src. The copy is refreshed at configure time (editing the
# patch or any runtime source reconfigures), and a file is rewritten only
# when its content changes, so switching one build directory from fault to
# fault recompiles just the files the two patches touch
# (conformance/tools/faults.py builds every fault that way).

set(RT0_FAULTS_DIR "${PROJECT_SOURCE_DIR}/conformance/faults")

# rt0_fault_names(VAR): the faults there are, sorted.
function(rt0_fault_names var)
  file(GLOB patches RELATIVE "${RT0_FAULTS_DIR}" "${RT0_FAULTS_DIR}/*.patch")
  list(TRANSFORM patches REPLACE "\\.patch$" "")
  list(SORT patches)
  set(${var} ${patches} PARENT_SCOPE)
endfunction()

# rt0_fault_overlay(NAME DIR): DIR/runtime and DIR/arch become the tree's
# runtime/ and arch/ with NAME's patch applied; a fatal configure error,
# naming the fault, when the patch does not apply.
function(rt0_fault_overlay name dir)
  set(patch "${RT0_FAULTS_DIR}/${name}.patch")
  if(NOT EXISTS "${patch}")
    rt0_fault_names(known)
    list(JOIN known ", " known)
    message(FATAL_ERROR "rt0: unknown fault '${name}': no ${patch} (known: ${known})")
  endif()
  find_program(RT0_GIT git)
  if(NOT RT0_GIT)
    message(FATAL_ERROR "rt0: fault builds apply patches with git: apt-get install git")
  endif()

  file(GLOB_RECURSE inputs LIST_DIRECTORIES false RELATIVE "${PROJECT_SOURCE_DIR}"
    "${PROJECT_SOURCE_DIR}/runtime/*" "${PROJECT_SOURCE_DIR}/arch/*")
  list(FILTER inputs EXCLUDE REGEX "(^|/)CMakeLists\\.txt$")
  set(stage "${dir}.stage")
  file(REMOVE_RECURSE "${stage}")
  foreach(f IN LISTS inputs)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/${f}")
    get_filename_component(d "${stage}/${f}" DIRECTORY)
    file(COPY "${PROJECT_SOURCE_DIR}/${f}" DESTINATION "${d}")
  endforeach()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${patch}")

  # GIT_CEILING_DIRECTORIES: the stage may lie inside the checkout; git
  # must treat it as a plain directory, not as part of that repository.
  get_filename_component(parent "${stage}" DIRECTORY)
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env "GIT_CEILING_DIRECTORIES=${parent}"
            ${RT0_GIT} apply --whitespace=nowarn "${patch}"
    WORKING_DIRECTORY "${stage}"
    RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "rt0: fault ${name}: ${patch} does not apply to runtime/ and arch/:\n${err}")
  endif()

  # Into DIR, touching only what changed (ninja decides by mtime).
  file(GLOB_RECURSE old LIST_DIRECTORIES false RELATIVE "${dir}" "${dir}/*")
  foreach(f IN LISTS old)
    if(NOT EXISTS "${stage}/${f}")
      file(REMOVE "${dir}/${f}")
    endif()
  endforeach()
  file(GLOB_RECURSE new LIST_DIRECTORIES false RELATIVE "${stage}" "${stage}/*")
  foreach(f IN LISTS new)
    get_filename_component(d "${dir}/${f}" DIRECTORY)
    file(MAKE_DIRECTORY "${d}")
    file(COPY_FILE "${stage}/${f}" "${dir}/${f}" ONLY_IF_DIFFERENT)
  endforeach()
  file(REMOVE_RECURSE "${stage}")
  message(STATUS "rt0: fault ${name}: runtime built from ${dir} (${patch})")
endfunction()
