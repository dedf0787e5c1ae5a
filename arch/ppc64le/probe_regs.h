/* arch/ppc64le/probe_regs.h: what the register-contract probe
 * (conformance/probes/regs.c, with probe_regs.S) must find unchanged across
 * a goroutine switch on ppc64le, from the ELFv2 ABI (2.2.1.1, "Register
 * Roles"): r14-r31, f14-f31, v20-v31 and the condition register fields
 * CR2-CR4 are nonvolatile (VRSAVE is not: ELFv2 does not use it); of FPSCR
 * (2.2.1.2, "Limited-Access Bits"), the rounding mode RN, non-IEEE mode NI
 * and the exception enables VE, OE, UE, ZE and XE may be changed only by
 * functions whose purpose is to change them. Used by the probes only, never
 * by the runtime. Included by C and assembly. */
#ifndef RT0_PROBE_REGS_H
#define RT0_PROBE_REGS_H

/* struct regs_set (below), byte offsets for the assembly: r14-r31, then
 * CR2-CR4 (as mfcr shows them); f14-f31, then v20-v31 (two slots each, the
 * doublewords in stxvd2x's order). */
#define REGS_GPR   0
#define REGS_CR    144
#define REGS_FPR   152
#define REGS_VR    296
#define REGS_FPCTL 488
#define REGS_SIZE  504

#define REGS_NGPR 19
#define REGS_NFPR 42

/* CR2-CR4, the nonvolatile fields: bits 8-19 of the 32-bit CR, counted from
 * its most significant bit (mtcrf 0x38). */
#define REGS_CR_FIELDS 0x00fff000u

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Slot 18 holds only CR2-CR4. */
#define REGS_GPR_BITS(i) ((i) == 18 ? (uint64_t)REGS_CR_FIELDS : UINT64_MAX)

static const char *const regs_gpr_names[REGS_NGPR] = {
    "r14", "r15", "r16", "r17", "r18", "r19", "r20", "r21", "r22",    "r23",
    "r24", "r25", "r26", "r27", "r28", "r29", "r30", "r31", "cr2-cr4"};
static const char *const regs_fpr_names[REGS_NFPR] = {
    "f14",    "f15",    "f16",    "f17",    "f18",    "f19",    "f20",
    "f21",    "f22",    "f23",    "f24",    "f25",    "f26",    "f27",
    "f28",    "f29",    "f30",    "f31",    "v20[0]", "v20[1]", "v21[0]",
    "v21[1]", "v22[0]", "v22[1]", "v23[0]", "v23[1]", "v24[0]", "v24[1]",
    "v25[0]", "v25[1]", "v26[0]", "v26[1]", "v27[0]", "v27[1]", "v28[0]",
    "v28[1]", "v29[0]", "v29[1]", "v30[0]", "v30[1]", "v31[0]", "v31[1]"};

/* fpctl[0] = FPSCR (mffs): RN (bits 0-1), NI (2), XE, ZE, UE, OE, VE
 * (3-7), counted from the least significant bit. */
static const uint64_t regs_fpctl_mask[2] = {0xff, 0};
static const char *const regs_fpctl_names[2] = {"FPSCR", ""};

/* A goroutine-specific FPSCR: rounding mode and NI varied, the exception
 * enables clear (no SIGFPE). */
static inline void regs_fpctl_pattern(unsigned k, uint64_t fpctl[2])
{
	fpctl[0] = (uint64_t)(k % 4) | (k & 4 ? 1u << 2 : 0);
	fpctl[1] = 0;
}
#endif

#endif
