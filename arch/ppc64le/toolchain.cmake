# Cross toolchain for this arch: Debian's gcc-<triple>.
include("${CMAKE_CURRENT_LIST_DIR}/arch.cmake")
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${RT0_TRIPLE}-gcc)
set(CMAKE_ASM_COMPILER ${RT0_TRIPLE}-gcc)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
