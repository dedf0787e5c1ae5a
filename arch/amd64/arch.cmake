# What the build and the host suites need to know of amd64 (no compiler here).
set(RT0_TRIPLE x86_64-linux-gnu) # on another host: Debian's gcc-x86-64-linux-gnu
set(RT0_CROSS_PACKAGE gcc-x86-64-linux-gnu) # the triple's '_' is '-' in package names
set(RT0_QEMU qemu-x86_64)        # when amd64 is not the build host
set(RT0_DEBIAN_ARCH amd64)
set(RT0_SYSROOT_SUITE bookworm)
set(RT0_UNAME_MACHINE x86_64) # uname -m of a machine of this arch (the build host's is native)
