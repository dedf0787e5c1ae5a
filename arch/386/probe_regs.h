/* arch/386/probe_regs.h: what the register-contract probe
 * (conformance/probes/regs.c, with probe_regs.S) must find unchanged across
 * a goroutine switch on 386, from the i386 psABI (2.2.1, "Registers and the
 * Stack Frame"): ebx, esi, edi and ebp belong to the caller; no
 * floating-point register does (the x87 stack is empty at every call); "the
 * x87 control word is callee-saved". MXCSR is left out: this build is x87
 * only (i686, -mfpmath=387, no SSE: the compiler's defaults, which
 * toolchain.cmake keeps), and the i686 baseline does not promise SSE at all.
 * Used by the probes only, never by the runtime. Included by C and
 * assembly. */
#ifndef RT0_PROBE_REGS_H
#define RT0_PROBE_REGS_H

/* struct regs_set (below), byte offsets for the assembly. */
#define REGS_GPR   0
#define REGS_FPR   32 /* one slot, unused: C has no empty array */
#define REGS_FPCTL 40
#define REGS_SIZE  56

#define REGS_NGPR 4
#define REGS_NFPR 0

#ifndef __ASSEMBLER__
#include <stdint.h>

static const char *const regs_gpr_names[REGS_NGPR] = {"ebx", "esi", "edi",
                                                      "ebp"};
static const char *const regs_fpr_names[1] = {""};

/* fpctl[0] = the x87 control word: its callee-saved parts are the masks
 * (bits 0-5), precision (8-9) and rounding (10-11). */
static const uint64_t regs_fpctl_mask[2] = {0x0f3f, 0};
static const char *const regs_fpctl_names[2] = {"x87 control word", ""};

/* A valid, goroutine-specific control word: every exception masked (no
 * SIGFPE), precision and rounding varied by k. */
static inline void regs_fpctl_pattern(unsigned k, uint64_t fpctl[2])
{
	static const uint64_t pc[3] = {0x300, 0x200, 0x000};
	fpctl[0] = 0x3f | pc[k % 3] | (uint64_t)((k / 3) % 4) << 10;
	fpctl[1] = 0;
}
#endif

#endif
