/* arch/arm/probe_regs.h: what the register-contract probe
 * (conformance/probes/regs.c, with probe_regs.S) must find unchanged across
 * a goroutine switch on arm, from the AAPCS (hard-float): "A subroutine
 * must preserve the contents of the registers r4-r8, r10, r11 and SP (and
 * r9 in PCS variants that designate r9 as v6)", as Linux's does; "Registers
 * s16-s31 (d8-d15, q4-q7) must be preserved across subroutine calls"; of
 * FPSCR ("VFP system registers"), the exception-control bits (8-12, 15),
 * the rounding mode (22-23) and flush-to-zero (24) are the application's
 * global state, which only support functions may change. Used by the
 * probes only, never by the runtime. Included by C and assembly. */
#ifndef RT0_PROBE_REGS_H
#define RT0_PROBE_REGS_H

/* struct regs_set (below), byte offsets for the assembly. */
#define REGS_GPR   0
#define REGS_FPR   64
#define REGS_FPCTL 128
#define REGS_SIZE  144

#define REGS_NGPR 8
#define REGS_NFPR 8

#ifndef __ASSEMBLER__
#include <stdint.h>

static const char *const regs_gpr_names[REGS_NGPR] = {"r4", "r5", "r6",  "r7",
                                                      "r8", "r9", "r10", "r11"};
static const char *const regs_fpr_names[REGS_NFPR] = {
    "d8", "d9", "d10", "d11", "d12", "d13", "d14", "d15"};

/* fpctl[0] = FPSCR: the exception trap enables, RMode and FZ. */
static const uint64_t regs_fpctl_mask[2] = {0x01c09f00, 0};
static const char *const regs_fpctl_names[2] = {"FPSCR", ""};

/* A goroutine-specific FPSCR: rounding mode and FZ varied, the trap enables
 * clear (no SIGFPE where the VFP implements traps at all). */
static inline void regs_fpctl_pattern(unsigned k, uint64_t fpctl[2])
{
	fpctl[0] = (uint64_t)(k % 4) << 22 | (k & 4 ? 1u << 24 : 0);
	fpctl[1] = 0;
}
#endif

#endif
