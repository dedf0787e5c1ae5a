# What the build and the host suites need to know of 386 (no compiler here).
set(RT0_TRIPLE i686-linux-gnu)      # Debian's cross gcc: gcc-i686-linux-gnu
set(RT0_MULTIARCH i386-linux-gnu)   # the sysroot's library and header directories
set(RT0_QEMU qemu-i386)             # this kernel runs no i386 binaries itself
set(RT0_DEBIAN_ARCH i386)           # for the external-mode sysroot
set(RT0_SYSROOT_SUITE bookworm)
set(RT0_UNAME_MACHINE i686) # uname -m of a machine of this arch (the build host's is native)
