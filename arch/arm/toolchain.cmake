# Cross toolchain for this arch: Debian's gcc-<triple>.
include("${CMAKE_CURRENT_LIST_DIR}/arch.cmake")
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${RT0_TRIPLE}-gcc)
set(CMAKE_ASM_COMPILER ${RT0_TRIPLE}-gcc)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
# ARM state everywhere, not Debian's default Thumb-2, as in Go's arm port:
# PCQuantum 4 is the size of an ARM instruction, function addresses carry
# no Thumb bit, and r7 (Thumb's frame pointer) stays free for the system
# call number. -funwind-tables: Debian's armhf gcc emits no unwind tables
# by default, and the stack walks need them in every function.
set(CMAKE_C_FLAGS_INIT "-marm -funwind-tables")
set(CMAKE_ASM_FLAGS_INIT "-marm")
