# Cross toolchain for this arch: Debian's gcc-<triple>.
include("${CMAKE_CURRENT_LIST_DIR}/arch.cmake")
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${RT0_TRIPLE}-gcc)
set(CMAKE_ASM_COMPILER ${RT0_TRIPLE}-gcc)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
# Debian's aarch64 gcc defaults to -moutline-atomics: __atomic_* become calls
# into libgcc helpers whose initialiser needs glibc's __getauxval, which the
# libc-free internal mode does not have. Inline LL/SC (ARMv8.0) atomics
# work in both modes.
set(CMAKE_C_FLAGS_INIT "-mno-outline-atomics")
