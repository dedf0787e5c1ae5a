/* arch/s390x/probe_regs.S: the register-contract probe's hands on the
 * registers (probe_regs.h says which and why). Linked into the regs probe
 * only, never into the runtime.
 *
 * struct regs_set: +0 r6 ... +56 r13, +64 f8 ... +120 f15, +128 FPC (a
 * 64-bit slot: big-endian, so the 32-bit FPC is at +132). */
#include "probe_regs.h"

	.text

/* regs_around(in, fn, arg, out): load the saved registers and FPC from
 * *in, call fn(arg), store what those registers then hold in *out, and
 * return with the caller's own restored (this function keeps the ABI it
 * checks). r6-r15 go to the caller's register save area; the frame (240
 * bytes): +0 fn's register save area, +160 out, +168 the caller's FPC,
 * +176 f8 ... +232 f15. */
	.globl	regs_around
	.type	regs_around, @function
	.balign	8
regs_around:
	.cfi_startproc
	stmg	%r6, %r15, 48(%r15)
	.cfi_offset 6, -112
	.cfi_offset 7, -104
	.cfi_offset 8, -96
	.cfi_offset 9, -88
	.cfi_offset 10, -80
	.cfi_offset 11, -72
	.cfi_offset 12, -64
	.cfi_offset 13, -56
	.cfi_offset 14, -48
	.cfi_offset 15, -40
	aghi	%r15, -240
	.cfi_adjust_cfa_offset 240
	stg	%r5, 160(%r15)
	stfpc	168(%r15)
	std	%f8, 176(%r15)
	.cfi_offset %f8, -224
	std	%f9, 184(%r15)
	.cfi_offset %f9, -216
	std	%f10, 192(%r15)
	.cfi_offset %f10, -208
	std	%f11, 200(%r15)
	.cfi_offset %f11, -200
	std	%f12, 208(%r15)
	.cfi_offset %f12, -192
	std	%f13, 216(%r15)
	.cfi_offset %f13, -184
	std	%f14, 224(%r15)
	.cfi_offset %f14, -176
	std	%f15, 232(%r15)
	.cfi_offset %f15, -168
	lgr	%r1, %r3		/* fn, in a scratch register */
	lfpc	REGS_FPCTL+4(%r2)
	lmg	%r6, %r13, REGS_GPR(%r2)
	ld	%f8, REGS_FPR+0(%r2)
	ld	%f9, REGS_FPR+8(%r2)
	ld	%f10, REGS_FPR+16(%r2)
	ld	%f11, REGS_FPR+24(%r2)
	ld	%f12, REGS_FPR+32(%r2)
	ld	%f13, REGS_FPR+40(%r2)
	ld	%f14, REGS_FPR+48(%r2)
	ld	%f15, REGS_FPR+56(%r2)
	lgr	%r2, %r4
	basr	%r14, %r1
	lg	%r5, 160(%r15)
	stmg	%r6, %r13, REGS_GPR(%r5)
	std	%f8, REGS_FPR+0(%r5)
	std	%f9, REGS_FPR+8(%r5)
	std	%f10, REGS_FPR+16(%r5)
	std	%f11, REGS_FPR+24(%r5)
	std	%f12, REGS_FPR+32(%r5)
	std	%f13, REGS_FPR+40(%r5)
	std	%f14, REGS_FPR+48(%r5)
	std	%f15, REGS_FPR+56(%r5)
	lghi	%r0, 0
	stg	%r0, REGS_FPCTL(%r5)
	stfpc	REGS_FPCTL+4(%r5)
	stg	%r0, REGS_FPCTL+8(%r5)
	lfpc	168(%r15)
	ld	%f8, 176(%r15)
	.cfi_restore %f8
	ld	%f9, 184(%r15)
	.cfi_restore %f9
	ld	%f10, 192(%r15)
	.cfi_restore %f10
	ld	%f11, 200(%r15)
	.cfi_restore %f11
	ld	%f12, 208(%r15)
	.cfi_restore %f12
	ld	%f13, 216(%r15)
	.cfi_restore %f13
	ld	%f14, 224(%r15)
	.cfi_restore %f14
	ld	%f15, 232(%r15)
	.cfi_restore %f15
	lmg	%r6, %r15, 240+48(%r15)
	.cfi_def_cfa_offset 160
	.cfi_restore 6
	.cfi_restore 7
	.cfi_restore 8
	.cfi_restore 9
	.cfi_restore 10
	.cfi_restore 11
	.cfi_restore 12
	.cfi_restore 13
	.cfi_restore 14
	.cfi_restore 15
	br	%r14
	.cfi_endproc
	.size	regs_around, . - regs_around

/* regs_fpctl_get(fpctl[2]) and regs_fpctl_set(fpctl[2]): the running
 * code's FPC, as struct regs_set keeps it. */
	.globl	regs_fpctl_get
	.type	regs_fpctl_get, @function
	.balign	8
regs_fpctl_get:
	.cfi_startproc
	lghi	%r0, 0
	stg	%r0, 0(%r2)
	stfpc	4(%r2)
	stg	%r0, 8(%r2)
	br	%r14
	.cfi_endproc
	.size	regs_fpctl_get, . - regs_fpctl_get

	.globl	regs_fpctl_set
	.type	regs_fpctl_set, @function
	.balign	8
regs_fpctl_set:
	.cfi_startproc
	lfpc	4(%r2)
	br	%r14
	.cfi_endproc
	.size	regs_fpctl_set, . - regs_fpctl_set

	.section .note.GNU-stack, "", @progbits
