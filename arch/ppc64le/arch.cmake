# What the build and the host suites need to know of ppc64le (no compiler here).
set(RT0_TRIPLE powerpc64le-linux-gnu) # Debian's cross gcc: gcc-powerpc64le-linux-gnu
set(RT0_QEMU qemu-ppc64le)            # from Debian's qemu-user
set(RT0_DEBIAN_ARCH ppc64el)          # for the external-mode sysroot
set(RT0_SYSROOT_SUITE bookworm)
set(RT0_UNAME_MACHINE ppc64le) # uname -m of a machine of this arch (the build host's is native)
