# What the build and the host suites need to know of riscv64 (no compiler here).
set(RT0_TRIPLE riscv64-linux-gnu)          # Debian's cross gcc: gcc-riscv64-linux-gnu
set(RT0_QEMU qemu-riscv64)         # from Debian's qemu-user
set(RT0_DEBIAN_ARCH riscv64)        # for the external-mode sysroot
set(RT0_SYSROOT_SUITE trixie)
set(RT0_UNAME_MACHINE riscv64) # uname -m of a machine of this arch (the build host's is native)
