/* arches.c: the per-arch expectation table (see arches.h). */
#include "rt0conf/arches.h"

#include <elf.h>
#include <stddef.h>
#include <string.h>

/* Sources: PtrSize, PCQuantum and MinFrameSize as in Go's
 * internal/goarch (table in go-startup-facts.md); stackalign from each C
 * ABI, since the runtime's frames are C frames (Go's own StackAlign is 8 on
 * amd64 because Go's ABI does not need more). g0stack: 64 KiB everywhere,
 * as newer Go and issue 2 require. */
static const struct arch_expect arches[] = {
    {"amd64", 8, 1, 0, 16, 65536, EM_X86_64, "_rt0_amd64_linux", true,
     "x86-64 psABI 3.2.2: rsp+8 is 16-aligned at entry; Go: PCQuantum 1, "
     "MinFrameSize 0"},
    /* Run under qemu-user against the arm64 and riscv64 ports. */
    {"arm64", 8, 4, 8, 16, 65536, EM_AARCH64, "_rt0_arm64_linux", true,
     "AAPCS64 6.4.5.1: SP 16-aligned; Go: PCQuantum 4, MinFrameSize 8"},
    {"riscv64", 8, 4, 8, 16, 65536, EM_RISCV, "_rt0_riscv64_linux", true,
     "RISC-V psABI: sp 16-aligned; Go: PCQuantum 4, MinFrameSize 8"},
    /* Foreign rows NOT yet run against a target (a later issue). */
    {"386", 4, 1, 0, 16, 65536, EM_386, "_rt0_386_linux", false,
     "i386 psABI (Linux, gcc >= 4.5): esp 16-aligned at calls; Go: "
     "PCQuantum 1"},
    {"arm", 4, 4, 4, 8, 65536, EM_ARM, "_rt0_arm_linux", false,
     "AAPCS 5.2.1.2: SP 8-aligned at public interfaces; Go: PCQuantum 4, "
     "MinFrameSize 4"},
    {"ppc64le", 8, 4, 32, 16, 65536, EM_PPC64, "_rt0_ppc64le_linux", false,
     "ELFv2 ABI 2.2.2: 16-aligned, 32-byte minimum frame; Go: PCQuantum 4, "
     "MinFrameSize 32"},
    {"s390x", 8, 2, 8, 8, 65536, EM_S390, "_rt0_s390x_linux", false,
     "s390x ELF ABI: SP 8-aligned; Go: PCQuantum 2, MinFrameSize 8"},
};

const struct arch_expect *arch_expect_find(const char *goarch)
{
	if (!goarch)
		return NULL;
	for (size_t i = 0; i < sizeof arches / sizeof arches[0]; i++)
		if (strcmp(arches[i].goarch, goarch) == 0)
			return &arches[i];
	return NULL;
}
