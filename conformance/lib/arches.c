/* arches.c: the per-arch expectation table (see arches.h). */
#include "rt0conf/arches.h"

#include <elf.h>
#include <stddef.h>
#include <string.h>

/* Sources: PtrSize and PCQuantum as in Go's internal/goarch (table in
 * docs/go-facts.md); MinFrameSize as well, except on s390x, where the C
 * ABI's 160-byte register save area is the fixed frame area a C callee
 * writes (Go's own ABI saves nothing there: 8); stackalign from each C
 * ABI, since the runtime's frames are C frames (Go's own StackAlign is 8 on
 * amd64 because Go's ABI does not need more). g0stack: 64 KiB everywhere,
 * as newer Go and issue 2 require. Every row has been run against its
 * target (confirmed). */
const char *const abi_type_names[ABI_NTYPES] = {
    "short",  "int",   "long",   "llong",   "ptr",
    "size_t", "float", "double", "ldouble",
};

/* Type layouts: the psABI documents' tables of fundamental types (x86-64
 * psABI 3.1.2, i386 psABI 2.1.2 with GCC's 4-byte member alignment of
 * 8-byte types, AAPCS64 5.1, AAPCS 5.1, RISC-V psABI "C/C++ type sizes",
 * ELFv2 ABI 2.1.2, s390x ELF ABI 1.1.2); char is unsigned everywhere but
 * x86. long double: 80-bit x87 in 16 (amd64) or 12 (386) bytes, IEEE quad
 * (arm64, riscv64, s390x), IBM double-double (ppc64le), double (arm). */
/* One field per line, types on one line. */
// clang-format off
static const struct arch_expect arches[] = {
    {.goarch = "amd64",
     .ptrsize = 8,
     .pcquantum = 1,
     .minframe = 0,
     .stackalign = 16,
     .g0stack = 65536,
     .elf_machine = EM_X86_64,
     .entry_symbol = "_rt0_amd64_linux",
     .retloc = "stack",
     .types = {{2, 2}, {4, 4}, {8, 8}, {8, 8}, {8, 8}, {8, 8}, {4, 4}, {8, 8}, {16, 16}},
     .char_signed = true,
     .big_endian = false,
     .aeshash_cpu = {"aes", "ssse3", "sse41"},
     .tls_setup_syscall = 158, /* arch_prctl(ARCH_SET_FS) */
     .objdump = "objdump",
     .rmw_insn = "lock |xchg ",
     .rmw_forbidden = NULL,
     .rmw_fence_before = NULL,
     .rmw_fence_after = NULL,
     .confirmed = true,
     .source = "x86-64 psABI 3.2.2: rsp+8 is 16-aligned at entry; Go: "
               "PCQuantum 1, MinFrameSize 0"},
    {.goarch = "arm64",
     .ptrsize = 8,
     .pcquantum = 4,
     .minframe = 8,
     .stackalign = 16,
     .g0stack = 65536,
     .elf_machine = EM_AARCH64,
     .entry_symbol = "_rt0_arm64_linux",
     .retloc = "lr",
     .types = {{2, 2}, {4, 4}, {8, 8}, {8, 8}, {8, 8}, {8, 8}, {4, 4}, {8, 8}, {16, 16}},
     .char_signed = false,
     .big_endian = false,
     .aeshash_cpu = {"aes"},
     .objdump = "aarch64-linux-gnu-objdump",
     .rmw_insn = "stlxr|(ldadd|ldclr|ldset|ldeor|swp|cas)[bh]?al[[:space:]]",
     .rmw_forbidden = "(^|[[:space:]])(ldxr|stxr)[[:space:]]",
     .rmw_fence_before = NULL,
     .rmw_fence_after = NULL,
     .confirmed = true,
     .source =
         "AAPCS64 6.4.5.1: SP 16-aligned; Go: PCQuantum 4, MinFrameSize 8"},
    {.goarch = "riscv64",
     .ptrsize = 8,
     .pcquantum = 4,
     .minframe = 8,
     .stackalign = 16,
     .g0stack = 65536,
     .elf_machine = EM_RISCV,
     .entry_symbol = "_rt0_riscv64_linux",
     .retloc = "lr",
     .types = {{2, 2}, {4, 4}, {8, 8}, {8, 8}, {8, 8}, {8, 8}, {4, 4}, {8, 8}, {16, 16}},
     .char_signed = false,
     .big_endian = false,
     .objdump = "riscv64-linux-gnu-objdump",
     .rmw_insn = "(amo[a-z]+|lr|sc)\\.[wd]\\.(aq)?rl",
     .rmw_forbidden = "(amo[a-z]+|lr|sc)\\.[wd](\\.aq)?[[:space:]]",
     .rmw_fence_before = NULL,
     .rmw_fence_after = NULL,
     .confirmed = true,
     .source = "RISC-V psABI: sp 16-aligned; Go: PCQuantum 4, MinFrameSize 8"},
    {.goarch = "386",
     .ptrsize = 4,
     .pcquantum = 1,
     .minframe = 0,
     .stackalign = 16,
     .g0stack = 65536,
     .elf_machine = EM_386,
     .entry_symbol = "_rt0_386_linux",
     .retloc = "stack",
     .types = {{2, 2}, {4, 4}, {4, 4}, {8, 4}, {4, 4}, {4, 4}, {4, 4}, {8, 4}, {12, 4}},
     .char_signed = true,
     .big_endian = false,
     .aeshash_cpu = {"aes", "ssse3", "sse41"},
     .tls_setup_syscall = 243, /* set_thread_area */
     .objdump = "i686-linux-gnu-objdump",
     .rmw_insn = "lock |xchg ",
     .rmw_forbidden = NULL,
     .rmw_fence_before = NULL,
     .rmw_fence_after = NULL,
     .confirmed = true,
     .source = "i386 psABI 1.1 2.1.2 (long long, double, long double "
               "4-aligned in structs), 2.2.2: esp 16-aligned at a call; Go: "
               "PCQuantum 1, MinFrameSize 0"},
    {.goarch = "arm",
     .ptrsize = 4,
     .pcquantum = 4,
     .minframe = 4,
     .stackalign = 8,
     .g0stack = 65536,
     .elf_machine = EM_ARM,
     .entry_symbol = "_rt0_arm_linux",
     .retloc = "lr",
     .types = {{2, 2}, {4, 4}, {4, 4}, {8, 8}, {4, 4}, {4, 4}, {4, 4}, {8, 8}, {8, 8}},
     .char_signed = false,
     .big_endian = false,
     .tls_setup_syscall = 0x0f0005, /* __ARM_NR_set_tls */
     .objdump = "arm-linux-gnueabihf-objdump",
     .rmw_insn = "strex",
     .rmw_forbidden = NULL,
     .rmw_fence_before = "dmb",
     .rmw_fence_after = "dmb",
     .confirmed = true,
     .source = "AAPCS (IHI 0042) 'Fundamental data types' (8-aligned long "
               "long and double), 'Stack constraints at a public "
               "interface': SP 8-aligned; Go: PCQuantum 4 (ARM state), "
               "MinFrameSize 4"},
    {.goarch = "ppc64le",
     .ptrsize = 8,
     .pcquantum = 4,
     .minframe = 32,
     .stackalign = 16,
     .g0stack = 65536,
     .elf_machine = EM_PPC64,
     .entry_symbol = "_rt0_ppc64le_linux",
     .retloc = "lr",
     .types = {{2, 2}, {4, 4}, {8, 8}, {8, 8}, {8, 8}, {8, 8}, {4, 4}, {8, 8}, {16, 16}},
     .char_signed = false,
     .big_endian = false,
     .objdump = "powerpc64le-linux-gnu-objdump",
     .rmw_insn = "st[bhwd]cx\\.",
     .rmw_forbidden = NULL,
     .rmw_fence_before = "(^|[[:space:]])(hw)?sync([[:space:]]|$)",
     .rmw_fence_after = "isync",
     .confirmed = true,
     .source = "64-bit ELF V2 ABI 1.1 2.1.2.1 fundamental types (IBM "
               "double-double long double), 2.2.2.1: r1 quadword-aligned, "
               "a 32-byte minimum frame header; Go: PCQuantum 4, "
               "MinFrameSize 32"},
    {.goarch = "s390x",
     .ptrsize = 8,
     .pcquantum = 2,
     .minframe = 160,
     .stackalign = 8,
     .g0stack = 65536,
     .elf_machine = EM_S390,
     .entry_symbol = "_rt0_s390x_linux",
     .retloc = "lr",
     .types = {{2, 2}, {4, 4}, {8, 8}, {8, 8}, {8, 8}, {8, 8}, {4, 4}, {8, 8}, {16, 8}},
     .char_signed = false,
     .big_endian = true,
     .objdump = "s390x-linux-gnu-objdump",
     .rmw_insn = "(^|[[:space:]])(csg?|csy|laag?|laog?|lang?|laxg?)[[:space:]]",
     .rmw_forbidden = NULL,
     .rmw_fence_before = NULL,
     .rmw_fence_after = NULL,
     .confirmed = true,
     .source = "s390x ELF ABI supplement 1.6 1.1.2 fundamental types "
               "(long double 16 bytes, 8-aligned), 1.2.2 stack frame: r15 "
               "8-aligned, the caller's 160-byte register save area; Go: "
               "PCQuantum 2"},
};
// clang-format on

const struct arch_expect *arch_expect_find(const char *goarch)
{
	if (!goarch)
		return NULL;
	for (size_t i = 0; i < sizeof arches / sizeof arches[0]; i++)
		if (strcmp(arches[i].goarch, goarch) == 0)
			return &arches[i];
	return NULL;
}
