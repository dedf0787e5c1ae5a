/* arch/amd64/probe_regs.h: what the register-contract probe
 * (conformance/probes/regs.c, with probe_regs.S) must find unchanged across
 * a goroutine switch on amd64, from the SysV ABI (3.2.1, figure 3.4):
 * rbx, rbp, r12-r15 are callee-saved; no vector register is ("all of
 * %xmm0-%xmm15 ... caller-saved"); "the control bits of the MXCSR register
 * are callee-saved (preserved across calls), while the status bits are
 * caller-saved. The x87 status word register is caller-saved, whereas the
 * x87 control word is callee-saved." Used by the probes only, never by the
 * runtime. Included by C and assembly. */
#ifndef RT0_PROBE_REGS_H
#define RT0_PROBE_REGS_H

/* struct regs_set (below), byte offsets for the assembly. */
#define REGS_GPR   0
#define REGS_FPR   96
#define REGS_FPCTL 192
#define REGS_SIZE  208

#define REGS_NGPR 6
#define REGS_NFPR 0

#ifndef __ASSEMBLER__
#include <stdint.h>

static const char *const regs_gpr_names[REGS_NGPR] = {"rbx", "r12", "r13",
                                                      "r14", "r15", "rbp"};
static const char *const regs_fpr_names[1] = {""};

/* fpctl[0] = MXCSR, fpctl[1] = the x87 control word. The callee-saved
 * parts: MXCSR bits 6-15 (DAZ, the exception masks, RC, FTZ) and the x87
 * control word's masks (0-5), precision (8-9) and rounding (10-11). */
static const uint64_t regs_fpctl_mask[2] = {0xffc0, 0x0f3f};
static const char *const regs_fpctl_names[2] = {"MXCSR", "x87 control word"};

/* A valid, goroutine-specific control state: every exception masked (no
 * SIGFPE), rounding mode, FTZ/DAZ and x87 precision varied by k. */
static inline void regs_fpctl_pattern(unsigned k, uint64_t fpctl[2])
{
	fpctl[0] = 0x1f80 | (uint64_t)(k % 4) << 13 | (k & 4 ? 0x8000 : 0) |
	           (k & 8 ? 0x40 : 0);
	static const uint64_t pc[3] = {0x300, 0x200, 0x000};
	fpctl[1] = 0x3f | pc[k % 3] | (uint64_t)((k / 3) % 4) << 10;
}
#endif

#endif
