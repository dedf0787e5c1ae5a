# What the build and the host suites need to know of s390x (no compiler here).
set(RT0_TRIPLE s390x-linux-gnu)    # Debian's cross gcc: gcc-s390x-linux-gnu
set(RT0_QEMU qemu-s390x)           # from Debian's qemu-user
set(RT0_DEBIAN_ARCH s390x)         # for the external-mode sysroot
set(RT0_SYSROOT_SUITE bookworm)
set(RT0_UNAME_MACHINE s390x) # uname -m of a machine of this arch (the build host's is native)
