# What the build and the host suites need to know of arm64 (no compiler here).
set(RT0_TRIPLE aarch64-linux-gnu)          # Debian's cross gcc: gcc-aarch64-linux-gnu
set(RT0_QEMU qemu-aarch64)         # from Debian's qemu-user
set(RT0_DEBIAN_ARCH arm64)        # for the external-mode sysroot
set(RT0_SYSROOT_SUITE bookworm)
set(RT0_UNAME_MACHINE aarch64) # uname -m of a machine of this arch (the build host's is native)
