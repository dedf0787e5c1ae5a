# What the build and the host suites need to know of arm (no compiler here).
set(RT0_TRIPLE arm-linux-gnueabihf) # Debian's cross gcc: gcc-arm-linux-gnueabihf
set(RT0_QEMU qemu-arm)              # from Debian's qemu-user
set(RT0_DEBIAN_ARCH armhf)          # for the external-mode sysroot
set(RT0_SYSROOT_SUITE trixie)       # bookworm's libunwind header breaks unw_getcontext at -O1
set(RT0_UNAME_MACHINE armv7l) # uname -m of a machine of this arch (the build host's is native)
