/* arch/arm64/probe_regs.h: what the register-contract probe
 * (conformance/probes/regs.c, with probe_regs.S) must find unchanged across
 * a goroutine switch on arm64, from AAPCS64 ("General-purpose Registers",
 * "SIMD and Floating-Point Registers"): "A subroutine invocation must
 * preserve the contents of the registers r19-r29 and SP"; "Registers v8-v15
 * must be preserved by a callee ... only the bottom 64 bits"; FPCR is a
 * global register that only support functions changing the application's
 * global state may modify (its rounding mode, FZ and DN bits here). Used by
 * the probes only, never by the runtime. Included by C and assembly. */
#ifndef RT0_PROBE_REGS_H
#define RT0_PROBE_REGS_H

/* struct regs_set (below), byte offsets for the assembly. */
#define REGS_GPR   0
#define REGS_FPR   96
#define REGS_FPCTL 192
#define REGS_SIZE  208

#define REGS_NGPR 11
#define REGS_NFPR 8

#ifndef __ASSEMBLER__
#include <stdint.h>

static const char *const regs_gpr_names[REGS_NGPR] = {
    "x19", "x20", "x21", "x22", "x23", "x24",
    "x25", "x26", "x27", "x28", "x29"};
static const char *const regs_fpr_names[REGS_NFPR] = {
    "d8", "d9", "d10", "d11", "d12", "d13", "d14", "d15"};

/* fpctl[0] = FPCR: RMode (bits 22-23), FZ (24), DN (25). */
static const uint64_t regs_fpctl_mask[2] = {0x03c00000, 0};
static const char *const regs_fpctl_names[2] = {"FPCR", ""};

/* A goroutine-specific FPCR: the trap enables stay clear (no SIGFPE). */
static inline void regs_fpctl_pattern(unsigned k, uint64_t fpctl[2])
{
	fpctl[0] = (uint64_t)(k % 4) << 22 | (k & 4 ? 1u << 24 : 0) |
	           (k & 8 ? 1u << 25 : 0);
	fpctl[1] = 0;
}
#endif

#endif
