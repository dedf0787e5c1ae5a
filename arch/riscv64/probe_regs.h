/* arch/riscv64/probe_regs.h: what the register-contract probe
 * (conformance/probes/regs.c, with probe_regs.S) must find unchanged across
 * a goroutine switch on riscv64, from the psABI's register conventions:
 * s0-s11 and fs0-fs11 are preserved across calls (fs* as wide as FLEN:
 * D, 64 bits, under LP64D); "The Floating-Point Control and Status Register
 * (fcsr) must have thread storage duration in accordance with C11 section
 * 7.6", so a goroutine's rounding mode (frm) and its accrued flags (fflags)
 * are its own. Used by the probes only, never by the runtime. Included by
 * C and assembly. */
#ifndef RT0_PROBE_REGS_H
#define RT0_PROBE_REGS_H

/* struct regs_set (below), byte offsets for the assembly. */
#define REGS_GPR   0
#define REGS_FPR   96
#define REGS_FPCTL 192
#define REGS_SIZE  208

#define REGS_NGPR 12
#define REGS_NFPR 12

#ifndef __ASSEMBLER__
#include <stdint.h>

static const char *const regs_gpr_names[REGS_NGPR] = {
    "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11"};
static const char *const regs_fpr_names[REGS_NFPR] = {
    "fs0", "fs1", "fs2", "fs3", "fs4",  "fs5",
    "fs6", "fs7", "fs8", "fs9", "fs10", "fs11"};

/* fpctl[0] = fcsr: fflags (bits 0-4) and frm (5-7). */
static const uint64_t regs_fpctl_mask[2] = {0xff, 0};
static const char *const regs_fpctl_names[2] = {"fcsr", ""};

/* A goroutine-specific fcsr: frm one of the five valid rounding modes
 * (5 and 6 are reserved, 7 is "dynamic"), fflags varied. */
static inline void regs_fpctl_pattern(unsigned k, uint64_t fpctl[2])
{
	fpctl[0] = (uint64_t)(k % 5) << 5 | ((k * 7 + 3) & 0x1f);
	fpctl[1] = 0;
}
#endif

#endif
