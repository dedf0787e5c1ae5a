# What the build and the host suites need to know of 386 (no compiler here).
set(RT0_TRIPLE i686-linux-gnu)      # Debian's cross gcc: gcc-i686-linux-gnu
set(RT0_MULTIARCH i386-linux-gnu)   # the sysroot's library and header directories
set(RT0_QEMU qemu-i386)             # this kernel runs no i386 binaries itself
set(RT0_DEBIAN_ARCH i386)           # for the external-mode sysroot
set(RT0_SYSROOT_SUITE bookworm)
set(RT0_UNAME_MACHINE i686) # uname -m of a machine of this arch (the build host's is native)
# Go's own linux/386 binaries cannot be judged here: under qemu-i386 7.2 a
# plain hello world of Go 1.19.8 dies in the runtime before main (SIGSEGV
# in gfget: the M has no P) and Go 1.23.5's with "morestack on gsignal".
# rt0's 386 port runs; unset this where a kernel or a qemu runs Go's 386.
set(RT0_GO_NOT_RUNNABLE "Go's linux/386 binaries die in their runtime under qemu-i386 7.2 (hello world: go1.19 SIGSEGV in gfget, go1.23 'morestack on gsignal'); judge Go on 386 on a machine that runs i386 programs")
