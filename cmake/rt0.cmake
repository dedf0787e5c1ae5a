# Helpers shared by the probe and suite directories.

# Compile flags of target-side code. Unwind tables everywhere: the stack
# walks need them and some cross compilers do not emit them by default.
set(RT0_TARGET_FLAGS -O2 -g -fasynchronous-unwind-tables -fno-omit-frame-pointer)
set(RT0_INTERNAL_FLAGS -ffreestanding -fno-pie -fno-stack-protector
    -fno-builtin-printf -DRT0_LINK_INTERNAL)
# --eh-frame-hdr: gcc asks for the .eh_frame index only when linking
# dynamically, and unwinders (libunwind over ptrace) find the CFI through it;
# without it they fall back to frame pointers and walk past mcall wrongly.
set(RT0_INTERNAL_LINK -static -nostdlib -nostartfiles -no-pie
    "-Wl,-e,_rt0_${RT0_ARCH}_linux" -Wl,--build-id=none -Wl,-z,separate-code
    -Wl,--eh-frame-hdr)
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
    rt0_add_probe_in(${name} ${mode} ${ARGN})
  endforeach()
endfunction()

# rt0_add_probe_in(NAME MODE src...): the same, for one link mode only
# (target probe_<NAME>_<MODE>).
function(rt0_add_probe_in name mode)
  set(t probe_${name}_${mode})
  add_executable(${t} ${ARGN})
  target_link_libraries(${t} PRIVATE rt0_${mode})
  set_target_properties(${t} PROPERTIES
    OUTPUT_NAME ${name}
    RUNTIME_OUTPUT_DIRECTORY "${RT0_PROBE_ROOT}/${mode}")
  add_dependencies(rt0_probes ${t})
endfunction()

# rt0_add_unwind_probe(NAME src...): an external-mode-only probe that walks
# its own stack with libunwind (local unwinding). Natively it links the
# system's libunwind (ci/deps: libunwind-dev). A cross build links the
# sysroot's (RT0_SYSROOT, from ci/setup), dynamically: the suites already
# run external probes as `qemu-<arch> -L <sysroot>`, so the guest loads the
# very libunwind.so.8 (and libc) the probe was linked against. Headers,
# crt files and libc come from the sysroot as well, so a trixie sysroot
# (riscv64) is not mixed with the cross gcc's older bookworm libc:
# -B/-L put the sysroot's libraries first (else e.g.
# __isoc23_strtol@GLIBC_2.38, which its libunwind needs, is undefined), and
# the linker's --sysroot makes the absolute paths in the sysroot's libc.so
# script (/lib/<triple>/libc.so.6) resolve inside it.
function(rt0_add_unwind_probe name)
  rt0_add_probe_in(${name} external ${ARGN})
  set(t probe_${name}_external)
  target_compile_options(${t} PRIVATE ${RT0_WARNINGS})
  if(CMAKE_CROSSCOMPILING)
    # The sysroot's directories carry Debian's multiarch tuple, which is
    # the compiler's triple except where arch.cmake says (386: i386-linux-gnu
    # for i686-linux-gnu-gcc).
    set(multiarch ${RT0_TRIPLE})
    if(RT0_MULTIARCH)
      set(multiarch ${RT0_MULTIARCH})
    endif()
    if(NOT RT0_SYSROOT OR NOT EXISTS "${RT0_SYSROOT}/usr/include/${multiarch}/libunwind.h")
      message(FATAL_ERROR "rt0: probe ${name} needs libunwind from a ${RT0_ARCH} sysroot "
        "(RT0_SYSROOT='${RT0_SYSROOT}'): run ci/setup ${RT0_ARCH}")
    endif()
    set(lib "${RT0_SYSROOT}/usr/lib/${multiarch}")
    target_include_directories(${t} SYSTEM PRIVATE
      "${RT0_SYSROOT}/usr/include/${multiarch}" "${RT0_SYSROOT}/usr/include")
    target_link_options(${t} PRIVATE "-B${lib}/" "-L${lib}"
      "-Wl,--sysroot=${RT0_SYSROOT}")
  endif()
  target_link_libraries(${t} PRIVATE unwind)
endfunction()

# rt0_find_criterion(): Criterion (pkg-config), as the interface target
# rt0_criterion that every Criterion executable links: Criterion, plus
# libgit2 started only when a diff is asked for
# (conformance/lib/criterion_lazy_git.c: 20 of the 21 ms of each test).
macro(rt0_find_criterion)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(CRITERION REQUIRED IMPORTED_TARGET criterion)
  add_library(rt0_criterion INTERFACE)
  target_sources(rt0_criterion INTERFACE
    "${PROJECT_SOURCE_DIR}/conformance/lib/criterion_lazy_git.c")
  target_link_libraries(rt0_criterion INTERFACE PkgConfig::CRITERION ${CMAKE_DL_LIBS})
  foreach(rt0_sym git_libgit2_init git_libgit2_shutdown git_diff_buffers)
    target_link_options(rt0_criterion INTERFACE "-Wl,--export-dynamic-symbol=${rt0_sym}")
  endforeach()
endmacro()

# rt0_add_suite(NAME GROUPS g... SOURCES src...): a Criterion binary on the
# host, suite_NAME, whose tests live in the Criterion suite of their catalogue
# group (g0-tls: g0_tls). It is registered with ctest once per group, runnable
# arch and link mode as <group>.<arch>.<mode>, running that group's tests
# (--filter), labelled with the arch, the mode and the group. The suite finds
# its probes through RT0_PROBE_DIR, learns what it is testing from RT0_ARCH
# and RT0_LINK, and runs foreign probes through RT0_QEMU (with RT0_SYSROOT as
# qemu's -L).
function(rt0_add_suite name)
  cmake_parse_arguments(S "" "" "GROUPS;SOURCES" ${ARGN})
  add_executable(suite_${name} ${S_SOURCES})
  target_link_libraries(suite_${name} PRIVATE rt0conf rt0_criterion)
  rt0_host_target(suite_${name})
  add_dependencies(suite_${name} rt0_probes)
  foreach(group IN LISTS S_GROUPS)
    string(REPLACE "-" "_" criterion_suite "${group}")
    # binary:group of every registration, for other implementations'
    # (cmake/go.cmake).
    set_property(GLOBAL APPEND PROPERTY RT0_SUITES "${name}:${group}")
    foreach(arch IN LISTS RT0_RUN_ARCHES)
      foreach(mode IN LISTS RT0_MODES)
        set(test ${group}.${arch}.${mode})
        add_test(NAME ${test} COMMAND suite_${name} --filter "${criterion_suite}/*"
          "--xml=${CMAKE_BINARY_DIR}/criterion/${test}.xml")
        set(env "RT0_PROBE_DIR=${CMAKE_BINARY_DIR}/probes/${arch}/${mode}"
          "RT0_ARCH=${arch}" "RT0_LINK=${mode}" "RT0_SCRATCH=${CMAKE_BINARY_DIR}/scratch")
        set(labels ${arch} ${mode} ${group})
        if(RT0_QEMU_${arch})
          list(APPEND env "RT0_QEMU=${RT0_QEMU_${arch}}"
            "RT0_SYSROOT=${RT0_SYSROOT_${arch}}" "RT0_TIMEOUT_SCALE=10")
          list(APPEND labels qemu)
        else()
          # Set empty, so that none a user exported leaks into a native run.
          list(APPEND env "RT0_QEMU=" "RT0_SYSROOT=" "RT0_TIMEOUT_SCALE=")
        endif()
        set_tests_properties(${test} PROPERTIES LABELS "${labels}"
          ENVIRONMENT "${env}")
      endforeach()
    endforeach()
  endforeach()
endfunction()

# rt0_foreign_arches(): decides which ported foreign arches can run here
# (cross gcc, qemu-user and a sysroot from ci/setup), builds each one's
# probes in a cross build of its own, and registers "not run" for the rest.
# Sets RT0_RUN_ARCHES (native first) and RT0_QEMU_<arch>/RT0_SYSROOT_<arch>.
function(rt0_foreign_arches)
  include(ExternalProject)
  set(run ${RT0_ARCH})
  foreach(arch IN LISTS RT0_PORTS)
    if(arch STREQUAL RT0_ARCH)
      continue()
    endif()
    include("${PROJECT_SOURCE_DIR}/arch/${arch}/arch.cmake")
    set(sysroot "${RT0_SYSROOTS}/${RT0_DEBIAN_ARCH}-${RT0_SYSROOT_SUITE}")
    find_program(RT0_GCC_${arch} ${RT0_TRIPLE}-gcc)
    find_program(RT0_QEMUBIN_${arch} ${RT0_QEMU})
    set(reason "")
    if(NOT RT0_GCC_${arch})
      set(reason "no ${RT0_TRIPLE}-gcc: apt-get install gcc-${RT0_TRIPLE} libc6-dev-${RT0_DEBIAN_ARCH}-cross (or run ci/setup ${arch})")
    elseif(NOT RT0_QEMUBIN_${arch})
      set(reason "no ${RT0_QEMU}: apt-get install qemu-user (or run ci/setup ${arch})")
    elseif(NOT EXISTS "${sysroot}/.rt0-ready")
      set(reason "no ${arch} sysroot in ${sysroot}: run ci/setup ${arch}")
    endif()
    if(reason)
      message(STATUS "rt0: ${arch}: not run: ${reason}")
      # A failure, not a skip: a run that could not test an arch must not
      # pass (ctest -L <arch> would be green having tested nothing).
      add_test(NAME notrun.${arch} COMMAND sh -c "echo 'not run: ${arch}: ${reason}'; exit 1")
      set_tests_properties(notrun.${arch} PROPERTIES LABELS "${arch};notrun")
      continue()
    endif()
    ExternalProject_Add(target_${arch}
      SOURCE_DIR "${PROJECT_SOURCE_DIR}"
      BINARY_DIR "${CMAKE_BINARY_DIR}/target-${arch}"
      CMAKE_ARGS -DRT0_ARCH=${arch} -DRT0_TARGET_ONLY=ON
        "-DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/arch/${arch}/toolchain.cmake"
        "-DRT0_PROBE_ROOT=${CMAKE_BINARY_DIR}/probes/${arch}"
        "-DRT0_FAULT=${RT0_FAULT}"
        "-DRT0_SYSROOT=${sysroot}" # libunwind for the walk probes
      BUILD_ALWAYS ON
      INSTALL_COMMAND "")
    add_dependencies(rt0_probes target_${arch})
    list(APPEND run ${arch})
    set(RT0_QEMU_${arch} ${RT0_QEMUBIN_${arch}} PARENT_SCOPE)
    set(RT0_SYSROOT_${arch} ${sysroot} PARENT_SCOPE)
  endforeach()
  set(RT0_RUN_ARCHES ${run} PARENT_SCOPE)
endfunction()

# rt0_add_unit(NAME GROUP g SOURCES src...): an in-process Criterion test of
# portable runtime code, built for the host.
function(rt0_add_unit name)
  cmake_parse_arguments(S "" "GROUP" "SOURCES" ${ARGN})
  add_executable(unit_${name} ${S_SOURCES})
  target_link_libraries(unit_${name} PRIVATE rt0_pure rt0_criterion)
  rt0_host_target(unit_${name})
  add_test(NAME unit.${name} COMMAND unit_${name}
    "--xml=${CMAKE_BINARY_DIR}/criterion/unit.${name}.xml")
  set_tests_properties(unit.${name} PROPERTIES LABELS "host;unit;${S_GROUP}")
endfunction()
