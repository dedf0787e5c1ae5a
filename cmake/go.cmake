# The catalogue judging real Go toolchains (issue 13): the Go probe twins
# (conformance/probes-go) built with every Go toolchain found, for every
# arch that runs here, in both link modes, and every suite registered
# against each build as <group>.<impl>.<arch>.<mode>, labelled go, the impl
# (go1.19, go1.23, ...), the arch, the mode and the group, with RT0_IMPL in
# the environment so a suite can tell which implementation it judges.
#
# In the CTest configuration "go" (as the fault meta-test is in "faults"), so
# plain ctest stays rt0's own quick run: `ctest --preset go` runs them (-L
# arm64, -L go1.19, ... as usual), ci/test runs the native arch's, and the
# driver runs them as its Go columns. Each suite run goes through
# conformance/tools/judge.py, which judges it by the catalogue's
# expectations for the implementation (xfail, XPASS).
# Each build is a test of its own (go.build.<impl>.<arch>.<mode>, a
# fixture the suites require; one at a time: RESOURCE_LOCK), so the
# default build never waits for a Go toolchain.
#
# RT0_GO_ROOTS: "name=GOROOT" entries; by default what ci/setup-go wrote to
# ${RT0_GO_CACHE}/roots. Any other toolchain: -DRT0_GO_ROOTS="go1.22=/opt/go".
set(RT0_GO_CACHE "/var/cache/rt0/go" CACHE PATH "Where ci/setup-go keeps the Go toolchains")
set(RT0_GO_ROOTS "" CACHE STRING "Go toolchains as name=GOROOT;... (default: ci/setup-go's list)")
# The two toolchains ci/setup-go provides, reported as not run when missing.
set(RT0_GO_EXPECTED go1.19 newgo)

function(rt0_go_suites)
  set(roots ${RT0_GO_ROOTS})
  if(NOT roots AND EXISTS "${RT0_GO_CACHE}/roots")
    file(STRINGS "${RT0_GO_CACHE}/roots" roots)
  endif()
  set(impls "")
  foreach(entry IN LISTS roots)
    if(NOT entry MATCHES "^([^=]+)=(.+)$")
      message(FATAL_ERROR "rt0: RT0_GO_ROOTS entry '${entry}' is not name=GOROOT")
    endif()
    set(impl ${CMAKE_MATCH_1})
    set(goroot ${CMAKE_MATCH_2})
    if(NOT EXISTS "${goroot}/bin/go")
      rt0_go_notrun(${impl} "no ${goroot}/bin/go: run ci/setup-go")
      continue()
    endif()
    list(APPEND impls ${impl})
    set(RT0_GOROOT_${impl} ${goroot})
  endforeach()
  # A toolchain ci/setup-go would provide but the list lacks.
  if(NOT "go1.19" IN_LIST impls)
    rt0_go_notrun(go1.19 "no Go 1.19: apt-get install golang-go (or run ci/setup-go)")
  endif()
  set(newer FALSE)
  foreach(impl IN LISTS impls)
    if(NOT impl STREQUAL "go1.19")
      set(newer TRUE)
    endif()
  endforeach()
  if(NOT newer)
    rt0_go_notrun(newgo "no current Go: run ci/setup-go (golang-1.23-go and golang-1.23-src from bookworm-backports)")
  endif()

  get_property(suites GLOBAL PROPERTY RT0_SUITES)
  set(probes "${PROJECT_SOURCE_DIR}/conformance/probes-go")
  foreach(impl IN LISTS impls)
    foreach(arch IN LISTS RT0_PORTS)
      set(RT0_GO_QEMU_NEWER "")
      include("${PROJECT_SOURCE_DIR}/arch/${arch}/arch.cmake")
      set(qemu "")
      if(RT0_GO_QEMU_NEWER AND NOT arch STREQUAL RT0_ARCH)
        # The arch says why the system's qemu will not do for Go.
        set(qemu "${RT0_GO_CACHE}/qemu/${RT0_QEMU}")
        if(NOT EXISTS "${RT0_GO_CACHE}/qemu/.rt0-ready")
          rt0_go_notrun(${impl}.${arch} "${RT0_GO_QEMU_NEWER}: run ci/setup-go (it fetches qemu-user 10 from bookworm-backports into ${RT0_GO_CACHE}/qemu)")
          continue()
        endif()
      elseif(NOT arch STREQUAL RT0_ARCH)
        find_program(RT0_QEMUBIN_${arch} ${RT0_QEMU})
        if(NOT RT0_QEMUBIN_${arch})
          rt0_go_notrun(${impl}.${arch} "no ${RT0_QEMU}: apt-get install qemu-user (or run ci/setup ${arch})")
          continue()
        endif()
        set(qemu ${RT0_QEMUBIN_${arch}})
      endif()
      foreach(mode IN LISTS RT0_MODES)
        set(cc "")
        set(sysroot "")
        if(mode STREQUAL "external" AND qemu)
          # cgo for a foreign arch: its cross gcc, and its libc under qemu.
          set(sysroot "${RT0_SYSROOTS}/${RT0_DEBIAN_ARCH}-${RT0_SYSROOT_SUITE}")
          find_program(RT0_GCC_${arch} ${RT0_TRIPLE}-gcc)
          if(NOT RT0_GCC_${arch} OR NOT EXISTS "${sysroot}/.rt0-ready")
            rt0_go_notrun(${impl}.${arch}.external "external mode needs ${RT0_TRIPLE}-gcc and the ${arch} sysroot: run ci/setup ${arch}")
            continue()
          endif()
          set(cc ${RT0_GCC_${arch}})
        endif()
        set(cell ${impl}.${arch}.${mode})
        set(dir "${CMAKE_BINARY_DIR}/probes-go/${impl}/${arch}/${mode}")
        add_test(NAME go.build.${cell} CONFIGURATIONS go
          COMMAND "${probes}/build" "${RT0_GOROOT_${impl}}" ${arch} ${mode} "${dir}"
            "${CMAKE_BINARY_DIR}/go-cache" ${cc})
        # A cold GOCACHE compiles the standard library: about a minute a
        # toolchain and arch on the 2-core machine.
        set_tests_properties(go.build.${cell} PROPERTIES
          LABELS "go;${impl};${arch};${mode};build"
          FIXTURES_SETUP gobuild.${cell} RESOURCE_LOCK go_build TIMEOUT 1200)
        foreach(s IN LISTS suites)
          string(REPLACE ":" ";" s "${s}")
          list(GET s 0 name)
          list(GET s 1 group)
          string(REPLACE "-" "_" criterion_suite "${group}")
          set(test ${group}.${cell})
          # Through judge.py: the catalogue's expected differences of
          # this implementation are expected failures, not failures.
          add_test(NAME ${test} CONFIGURATIONS go COMMAND ${RT0_PYTHON}
            "${PROJECT_SOURCE_DIR}/conformance/tools/judge.py" -- $<TARGET_FILE:suite_${name}>
            --filter "${criterion_suite}/*"
            "--xml=${CMAKE_BINARY_DIR}/criterion/${test}.xml")
          set(env "RT0_PROBE_DIR=${dir}" "RT0_ARCH=${arch}" "RT0_LINK=${mode}"
            "RT0_IMPL=${impl}" "RT0_SCRATCH=${CMAKE_BINARY_DIR}/scratch")
          set(labels go ${impl} ${arch} ${mode} ${group})
          if(qemu)
            list(APPEND env "RT0_QEMU=${qemu}" "RT0_TIMEOUT_SCALE=10"
              "RT0_SYSROOT=${sysroot}")
            list(APPEND labels qemu)
          else()
            # Set empty, as rt0's native runs: nothing a user exported leaks in.
            list(APPEND env "RT0_QEMU=" "RT0_SYSROOT=" "RT0_TIMEOUT_SCALE=")
          endif()
          set_tests_properties(${test} PROPERTIES LABELS "${labels}"
            ENVIRONMENT "${env}" FIXTURES_REQUIRED gobuild.${cell})
        endforeach()
        # The trace the suites build from the observer's stops, on this
        # cell's hello (conformance/observer/tests/observer_go.c); natively
        # only: under qemu-user the gdbstub stops answering once Go has
        # several threads (conformance/TRACE.md, "An observed trace").
        if(NOT qemu)
          add_test(NAME observer.go.${cell} CONFIGURATIONS go
            COMMAND observer_go "--xml=${CMAKE_BINARY_DIR}/criterion/observer.go.${cell}.xml")
          set(oenv "RT0_OBSERVE_PROBE=${dir}/hello" "RT0_OBSERVE_ARCH=${arch}"
            "RT0_OBSERVE_IMPL=${impl}" "RT0_QEMU=" "RT0_SYSROOT=" "RT0_TIMEOUT_SCALE=")
          set_tests_properties(observer.go.${cell} PROPERTIES
            LABELS "go;${impl};${arch};${mode};observer" ENVIRONMENT "${oenv}"
            FIXTURES_REQUIRED gobuild.${cell})
        endif()
        # The layout tool on the hello of this cell: every struct and base
        # type it reports is in the binary's DWARF.
        if(arch STREQUAL RT0_ARCH)
          set(tool "${CMAKE_BINARY_DIR}/probes-go/${impl}/${arch}/internal/golayout")
          add_test(NAME golayout.${cell} CONFIGURATIONS go COMMAND "${tool}" "${dir}/hello")
          set_tests_properties(golayout.${cell} PROPERTIES
            LABELS "go;${impl};${arch};${mode};layout"
            FIXTURES_REQUIRED "gobuild.${cell};gobuild.${impl}.${arch}.internal")
        endif()
      endforeach()
    endforeach()
  endforeach()
endfunction()

# A Go toolchain, arch or mode that cannot run here: a test that says so
# and the step that installs it, skipped (exit 77), in the go configuration.
function(rt0_go_notrun what reason)
  message(STATUS "rt0: go ${what}: not run: ${reason}")
  add_test(NAME notrun-go.${what} CONFIGURATIONS go
    COMMAND sh -c "echo 'not run: go ${what}: ${reason}'; exit 77")
  set_tests_properties(notrun-go.${what} PROPERTIES SKIP_RETURN_CODE 77
    LABELS "go;notrun")
endfunction()
