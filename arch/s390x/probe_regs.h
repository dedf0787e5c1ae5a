/* arch/s390x/probe_regs.h: what the register-contract probe
 * (conformance/probes/regs.c, with probe_regs.S) must find unchanged across
 * a goroutine switch on s390x, from the ELF ABI supplement ("Register
 * usage"): r6-r13 and f8-f15 are saved (r14, the return address, is
 * volatile; r15, the SP, is the switch's own). The floating-point control
 * register is not in that table; C11 7.6 gives the floating-point
 * environment (FPC's exception masks and rounding modes) thread storage
 * duration, so a goroutine's is its own. Used by the probes only, never by
 * the runtime. Included by C and assembly. */
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

static const char *const regs_gpr_names[REGS_NGPR] = {
    "r6", "r7", "r8", "r9", "r10", "r11", "r12", "r13"};
static const char *const regs_fpr_names[REGS_NFPR] = {
    "f8", "f9", "f10", "f11", "f12", "f13", "f14", "f15"};

/* fpctl[0] = FPC: the IEEE exception masks (bits 0-4 from the most
 * significant, 0xf8000000), the DFP rounding mode (25-27) and the BFP
 * rounding mode (29-31). */
static const uint64_t regs_fpctl_mask[2] = {0xf8000077, 0};
static const char *const regs_fpctl_names[2] = {"FPC", ""};

/* A goroutine-specific FPC: one of the four BFP rounding modes every model
 * has, the masks clear (no SIGFPE). */
static inline void regs_fpctl_pattern(unsigned k, uint64_t fpctl[2])
{
	fpctl[0] = k % 4;
	fpctl[1] = 0;
}
#endif

#endif
