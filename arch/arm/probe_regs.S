/* arch/arm/probe_regs.S: the register-contract probe's hands on the
 * registers (probe_regs.h says which and why). Linked into the regs probe
 * only, never into the runtime. ARM state, both unwind table kinds, as in
 * asm.S.
 *
 * struct regs_set: +0 r4 ... +56 r11 (a 64-bit slot each, the register in
 * its low word: little-endian), +64 d8 ... +120 d15, +128 FPSCR. */
#include "probe_regs.h"

	.syntax	unified
	.arm
	.cfi_sections .debug_frame

	.text

/* regs_around(in, fn, arg, out): load the callee-saved registers and FPSCR
 * from *in, call fn(arg), store what those registers then hold in *out,
 * and return with the caller's own restored (this function keeps the ABI
 * it checks). The frame (112 bytes, SP 8-aligned): +0 out, +4 the caller's
 * FPSCR, +12 d8 ... +68 d15, +76 r4 ... +104 r11, +108 lr. r11 (fp) holds
 * a pattern during the call, so the CFA is SP-based. */
	.globl	regs_around
	.type	regs_around, %function
	.balign	4
regs_around:
	.fnstart
	.cfi_startproc
	push	{r4, r5, r6, r7, r8, r9, r10, r11, lr}
	.save	{r4, r5, r6, r7, r8, r9, r10, r11, lr}
	.cfi_def_cfa_offset 36
	.cfi_offset r4, -36
	.cfi_offset r5, -32
	.cfi_offset r6, -28
	.cfi_offset r7, -24
	.cfi_offset r8, -20
	.cfi_offset r9, -16
	.cfi_offset r10, -12
	.cfi_offset r11, -8
	.cfi_offset lr, -4
	vpush	{d8-d15}
	.vsave	{d8-d15}
	.cfi_adjust_cfa_offset 64
	.cfi_offset d8, -100
	.cfi_offset d9, -92
	.cfi_offset d10, -84
	.cfi_offset d11, -76
	.cfi_offset d12, -68
	.cfi_offset d13, -60
	.cfi_offset d14, -52
	.cfi_offset d15, -44
	sub	sp, sp, #12
	.pad	#12
	.cfi_adjust_cfa_offset 12
	str	r3, [sp, #0]
	vmrs	ip, fpscr
	str	ip, [sp, #4]
	mov	ip, r1			@ fn, in a scratch register
	ldr	r1, [r0, #REGS_FPCTL]
	vmsr	fpscr, r1
	add	r1, r0, #REGS_FPR
	vldmia	r1, {d8-d15}
	ldr	r4, [r0, #REGS_GPR+0]
	ldr	r5, [r0, #REGS_GPR+8]
	ldr	r6, [r0, #REGS_GPR+16]
	ldr	r7, [r0, #REGS_GPR+24]
	ldr	r8, [r0, #REGS_GPR+32]
	ldr	r9, [r0, #REGS_GPR+40]
	ldr	r10, [r0, #REGS_GPR+48]
	ldr	r11, [r0, #REGS_GPR+56]	@ the frame pointer too: a pattern now
	mov	r0, r2
	blx	ip
	ldr	r3, [sp, #0]
	mov	r0, #0
	str	r4, [r3, #REGS_GPR+0]
	str	r0, [r3, #REGS_GPR+4]
	str	r5, [r3, #REGS_GPR+8]
	str	r0, [r3, #REGS_GPR+12]
	str	r6, [r3, #REGS_GPR+16]
	str	r0, [r3, #REGS_GPR+20]
	str	r7, [r3, #REGS_GPR+24]
	str	r0, [r3, #REGS_GPR+28]
	str	r8, [r3, #REGS_GPR+32]
	str	r0, [r3, #REGS_GPR+36]
	str	r9, [r3, #REGS_GPR+40]
	str	r0, [r3, #REGS_GPR+44]
	str	r10, [r3, #REGS_GPR+48]
	str	r0, [r3, #REGS_GPR+52]
	str	r11, [r3, #REGS_GPR+56]
	str	r0, [r3, #REGS_GPR+60]
	add	r1, r3, #REGS_FPR
	vstmia	r1, {d8-d15}
	vmrs	r1, fpscr
	str	r1, [r3, #REGS_FPCTL]
	str	r0, [r3, #REGS_FPCTL+4]
	str	r0, [r3, #REGS_FPCTL+8]
	str	r0, [r3, #REGS_FPCTL+12]
	ldr	r1, [sp, #4]
	vmsr	fpscr, r1
	add	sp, sp, #12
	.cfi_adjust_cfa_offset -12
	vpop	{d8-d15}
	.cfi_adjust_cfa_offset -64
	.cfi_restore d8
	.cfi_restore d9
	.cfi_restore d10
	.cfi_restore d11
	.cfi_restore d12
	.cfi_restore d13
	.cfi_restore d14
	.cfi_restore d15
	pop	{r4, r5, r6, r7, r8, r9, r10, r11, pc}
	.cfi_endproc
	.fnend
	.size	regs_around, . - regs_around

/* regs_fpctl_get(fpctl[2]) and regs_fpctl_set(fpctl[2]): the running
 * code's FPSCR, as struct regs_set keeps it. */
	.globl	regs_fpctl_get
	.type	regs_fpctl_get, %function
	.balign	4
regs_fpctl_get:
	.fnstart
	.cfi_startproc
	vmrs	r1, fpscr
	mov	r2, #0
	str	r1, [r0, #0]
	str	r2, [r0, #4]
	str	r2, [r0, #8]
	str	r2, [r0, #12]
	bx	lr
	.cfi_endproc
	.fnend
	.size	regs_fpctl_get, . - regs_fpctl_get

	.globl	regs_fpctl_set
	.type	regs_fpctl_set, %function
	.balign	4
regs_fpctl_set:
	.fnstart
	.cfi_startproc
	ldr	r1, [r0]
	vmsr	fpscr, r1
	bx	lr
	.cfi_endproc
	.fnend
	.size	regs_fpctl_set, . - regs_fpctl_set

	.section .note.GNU-stack, "", %progbits
