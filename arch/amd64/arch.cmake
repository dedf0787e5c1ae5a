# What the build and the host suites need to know of amd64 (no compiler here).
set(RT0_TRIPLE x86_64-linux-gnu) # the build machine's own gcc
set(RT0_QEMU "")                 # runs natively
set(RT0_DEBIAN_ARCH amd64)
set(RT0_SYSROOT_SUITE bookworm)
