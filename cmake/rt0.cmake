# Helpers shared by the probe and suite directories.

# Compile flags of target-side code. Unwind tables everywhere: the stack
# walks need them and some cross compilers do not emit them by default.
set(RT0_TARGET_FLAGS -O2 -g -fasynchronous-unwind-tables -fno-omit-frame-pointer)
set(RT0_INTERNAL_FLAGS -ffreestanding -fno-pie -fno-stack-protector
    -fno-builtin-printf -DRT0_LINK_INTERNAL)
set(RT0_INTERNAL_LINK -static -nostdlib -nostartfiles -no-pie
    "-Wl,-e,_rt0_${RT0_ARCH}_linux" -Wl,--build-id=none)
set(RT0_EXTERNAL_FLAGS -DRT0_LINK_EXTERNAL)

# Host-side code (suites, unit tests, their library) can run under ASan and
# UBSan; the probes cannot: they switch stacks under the sanitizers' feet and,
# in internal mode, have no libc for the sanitizer runtimes.
function(rt0_host_target t)
  target_compile_options(${t} PRIVATE ${RT0_WARNINGS})
  if(RT0_SANITIZE)
    target_compile_options(${t} PRIVATE -fsanitize=address,undefined
      -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_link_options(${t} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()

set(RT0_PROBE_ROOT "${CMAKE_BINARY_DIR}/probes/${RT0_ARCH}" CACHE PATH
  "Where this build puts its probes (<root>/<mode>/<name>)")

# rt0_add_probe(NAME src...): builds probes/<arch>/<mode>/<NAME> for every link
# mode, each linked with that mode's runtime.
function(rt0_add_probe name)
  foreach(mode IN LISTS RT0_MODES)
    set(t probe_${name}_${mode})
    add_executable(${t} ${ARGN})
    target_link_libraries(${t} PRIVATE rt0_${mode})
    set_target_properties(${t} PROPERTIES
      OUTPUT_NAME ${name}
      RUNTIME_OUTPUT_DIRECTORY "${RT0_PROBE_ROOT}/${mode}")
    add_dependencies(rt0_probes ${t})
  endforeach()
endfunction()

# rt0_add_suite(NAME GROUP g SOURCES src...): a Criterion suite on the host,
# registered with ctest once per link mode as NAME.<arch>.<mode>, labelled
# with the arch, the mode and the group. The suite finds its probes through
# RT0_PROBE_DIR and learns what it is testing from RT0_ARCH and RT0_LINK.
function(rt0_add_suite name)
  cmake_parse_arguments(S "" "GROUP" "SOURCES" ${ARGN})
  add_executable(suite_${name} ${S_SOURCES})
  target_link_libraries(suite_${name} PRIVATE rt0conf PkgConfig::CRITERION)
  rt0_host_target(suite_${name})
  add_dependencies(suite_${name} rt0_probes)
  foreach(mode IN LISTS RT0_MODES)
    set(test ${name}.${RT0_ARCH}.${mode})
    add_test(NAME ${test} COMMAND suite_${name}
      "--xml=${CMAKE_BINARY_DIR}/criterion/${test}.xml")
    set_tests_properties(${test} PROPERTIES
      LABELS "${RT0_ARCH};${mode};${S_GROUP}"
      ENVIRONMENT "RT0_PROBE_DIR=${RT0_PROBE_ROOT}/${mode};RT0_ARCH=${RT0_ARCH};RT0_LINK=${mode}")
  endforeach()
endfunction()

# rt0_add_unit(NAME GROUP g SOURCES src...): an in-process Criterion test of
# portable runtime code, built for the host.
function(rt0_add_unit name)
  cmake_parse_arguments(S "" "GROUP" "SOURCES" ${ARGN})
  add_executable(unit_${name} ${S_SOURCES})
  target_link_libraries(unit_${name} PRIVATE rt0_pure PkgConfig::CRITERION)
  rt0_host_target(unit_${name})
  add_test(NAME unit.${name} COMMAND unit_${name}
    "--xml=${CMAKE_BINARY_DIR}/criterion/unit.${name}.xml")
  set_tests_properties(unit.${name} PROPERTIES LABELS "host;unit;${S_GROUP}")
endfunction()
