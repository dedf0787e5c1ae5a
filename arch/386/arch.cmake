# What the build and the host suites need to know of 386 (no compiler here).
set(RT0_TRIPLE i686-linux-gnu)      # Debian's cross gcc: gcc-i686-linux-gnu
set(RT0_MULTIARCH i386-linux-gnu)   # the sysroot's library and header directories
set(RT0_QEMU qemu-i386)             # this kernel runs no i386 binaries itself
set(RT0_DEBIAN_ARCH i386)           # for the external-mode sysroot
set(RT0_SYSROOT_SUITE bookworm)
set(RT0_UNAME_MACHINE i686) # uname -m of a machine of this arch (the build host's is native)
# Go's own linux/386 binaries die in their runtime under Debian 12's
# qemu-i386 7.2 (a hello world of Go 1.19.8: SIGSEGV in gfget, the M has no
# P; Go 1.23.5: "morestack on gsignal"); qemu-user 10 runs them, so Go's 386
# cells run under the qemu-i386 ci/setup-go fetches. rt0's 386 port runs
# under either.
set(RT0_GO_QEMU_NEWER "Go's linux/386 binaries die under qemu-i386 7.2")
