/* arch/arm64/probe_regs.S: the register-contract probe's hands on the
 * registers (probe_regs.h says which and why). Linked into the regs probe
 * only, never into the runtime.
 *
 * struct regs_set: +0 x19 ... +80 x29, +96 d8 ... +152 d15, +192 FPCR. */
#include "probe_regs.h"

	.text

/* regs_around(in, fn, arg, out): load the callee-saved registers and FPCR
 * from *in, call fn(arg), store what those registers then hold in *out,
 * and return with the caller's own restored (this function keeps the ABI
 * it checks). The frame (176 bytes, SP 16-aligned): +0 x29, x30, +16 x19 ...
 * +88 x28, +96 d8 ... +152 d15, +160 out, +168 the caller's FPCR. x29
 * holds a pattern during the call, so the CFA is SP-based. */
	.globl	regs_around
	.type	regs_around, %function
regs_around:
	.cfi_startproc
	stp	x29, x30, [sp, #-176]!
	.cfi_def_cfa_offset 176
	.cfi_offset x29, -176
	.cfi_offset x30, -168
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	.cfi_offset x19, -160
	.cfi_offset x20, -152
	.cfi_offset x21, -144
	.cfi_offset x22, -136
	.cfi_offset x23, -128
	.cfi_offset x24, -120
	.cfi_offset x25, -112
	.cfi_offset x26, -104
	.cfi_offset x27, -96
	.cfi_offset x28, -88
	stp	d8, d9, [sp, #96]
	stp	d10, d11, [sp, #112]
	stp	d12, d13, [sp, #128]
	stp	d14, d15, [sp, #144]
	str	x3, [sp, #160]
	mrs	x9, fpcr
	str	x9, [sp, #168]
	mov	x16, x1			// fn and arg, in scratch registers
	mov	x17, x2
	ldr	x9, [x0, #REGS_FPCTL]
	msr	fpcr, x9
	ldp	x19, x20, [x0, #REGS_GPR+0]
	ldp	x21, x22, [x0, #REGS_GPR+16]
	ldp	x23, x24, [x0, #REGS_GPR+32]
	ldp	x25, x26, [x0, #REGS_GPR+48]
	ldp	x27, x28, [x0, #REGS_GPR+64]
	ldr	x29, [x0, #REGS_GPR+80]	// the frame pointer too: a pattern now
	ldp	d8, d9, [x0, #REGS_FPR+0]
	ldp	d10, d11, [x0, #REGS_FPR+16]
	ldp	d12, d13, [x0, #REGS_FPR+32]
	ldp	d14, d15, [x0, #REGS_FPR+48]
	mov	x0, x17
	blr	x16
	ldr	x3, [sp, #160]
	stp	x19, x20, [x3, #REGS_GPR+0]
	stp	x21, x22, [x3, #REGS_GPR+16]
	stp	x23, x24, [x3, #REGS_GPR+32]
	stp	x25, x26, [x3, #REGS_GPR+48]
	stp	x27, x28, [x3, #REGS_GPR+64]
	str	x29, [x3, #REGS_GPR+80]
	stp	d8, d9, [x3, #REGS_FPR+0]
	stp	d10, d11, [x3, #REGS_FPR+16]
	stp	d12, d13, [x3, #REGS_FPR+32]
	stp	d14, d15, [x3, #REGS_FPR+48]
	mrs	x9, fpcr
	stp	x9, xzr, [x3, #REGS_FPCTL]
	ldr	x9, [sp, #168]
	msr	fpcr, x9
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	d8, d9, [sp, #96]
	ldp	d10, d11, [sp, #112]
	ldp	d12, d13, [sp, #128]
	ldp	d14, d15, [sp, #144]
	ldp	x29, x30, [sp], #176
	.cfi_def_cfa_offset 0
	.cfi_restore x29
	.cfi_restore x30
	ret
	.cfi_endproc
	.size	regs_around, . - regs_around

/* regs_fpctl_get(fpctl[2]) and regs_fpctl_set(fpctl[2]): the running
 * code's floating-point control state, as struct regs_set keeps it. */
	.globl	regs_fpctl_get
	.type	regs_fpctl_get, %function
regs_fpctl_get:
	.cfi_startproc
	mrs	x9, fpcr
	stp	x9, xzr, [x0]
	ret
	.cfi_endproc
	.size	regs_fpctl_get, . - regs_fpctl_get

	.globl	regs_fpctl_set
	.type	regs_fpctl_set, %function
regs_fpctl_set:
	.cfi_startproc
	ldr	x9, [x0]
	msr	fpcr, x9
	ret
	.cfi_endproc
	.size	regs_fpctl_set, . - regs_fpctl_set

	.section .note.GNU-stack, "", %progbits
