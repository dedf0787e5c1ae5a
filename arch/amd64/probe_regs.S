/* arch/amd64/probe_regs.S: the register-contract probe's hands on the
 * registers (probe_regs.h says which and why). Linked into the regs probe
 * only, never into the runtime.
 *
 * struct regs_set: +0 rbx, r12, r13, r14, r15, rbp (8 bytes each, in
 * regs_gpr_names' order), +192 MXCSR, +200 x87 control word. */
#include "probe_regs.h"

	.text

/* regs_around(in, fn, arg, out): load the callee-saved registers and the
 * floating-point control state from *in, call fn(arg), store what those
 * registers then hold in *out, and return with the caller's own restored
 * (this function keeps the ABI it checks). The frame: 6 saved registers,
 * then out and the caller's MXCSR and control word; SP is 16-aligned at the
 * call. */
	.globl	regs_around
	.type	regs_around, @function
regs_around:
	.cfi_startproc
	pushq	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset rbp, 0
	pushq	%rbx
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset rbx, 0
	pushq	%r12
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset r12, 0
	pushq	%r13
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset r13, 0
	pushq	%r14
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset r14, 0
	pushq	%r15
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset r15, 0
	subq	$24, %rsp		/* 0: out, 8: MXCSR, 12: x87 control word */
	.cfi_adjust_cfa_offset 24
	movq	%rcx, 0(%rsp)
	stmxcsr	8(%rsp)
	fnstcw	12(%rsp)
	movq	%rsi, %rax		/* fn and arg, in scratch registers */
	movq	%rdx, %r11
	ldmxcsr	REGS_FPCTL(%rdi)
	fldcw	REGS_FPCTL+8(%rdi)
	movq	REGS_GPR+0(%rdi), %rbx
	movq	REGS_GPR+8(%rdi), %r12
	movq	REGS_GPR+16(%rdi), %r13
	movq	REGS_GPR+24(%rdi), %r14
	movq	REGS_GPR+32(%rdi), %r15
	movq	REGS_GPR+40(%rdi), %rbp	/* the frame pointer too: a pattern now */
	movq	%r11, %rdi
	call	*%rax
	movq	0(%rsp), %rcx
	movq	%rbx, REGS_GPR+0(%rcx)
	movq	%r12, REGS_GPR+8(%rcx)
	movq	%r13, REGS_GPR+16(%rcx)
	movq	%r14, REGS_GPR+24(%rcx)
	movq	%r15, REGS_GPR+32(%rcx)
	movq	%rbp, REGS_GPR+40(%rcx)
	movq	$0, REGS_FPCTL(%rcx)
	movq	$0, REGS_FPCTL+8(%rcx)
	stmxcsr	REGS_FPCTL(%rcx)
	fnstcw	REGS_FPCTL+8(%rcx)
	ldmxcsr	8(%rsp)
	fldcw	12(%rsp)
	addq	$24, %rsp
	.cfi_adjust_cfa_offset -24
	popq	%r15
	.cfi_adjust_cfa_offset -8
	.cfi_restore r15
	popq	%r14
	.cfi_adjust_cfa_offset -8
	.cfi_restore r14
	popq	%r13
	.cfi_adjust_cfa_offset -8
	.cfi_restore r13
	popq	%r12
	.cfi_adjust_cfa_offset -8
	.cfi_restore r12
	popq	%rbx
	.cfi_adjust_cfa_offset -8
	.cfi_restore rbx
	popq	%rbp
	.cfi_adjust_cfa_offset -8
	.cfi_restore rbp
	ret
	.cfi_endproc
	.size	regs_around, . - regs_around

/* regs_fpctl_get(fpctl[2]) and regs_fpctl_set(fpctl[2]): the running
 * code's floating-point control state, as struct regs_set keeps it. */
	.globl	regs_fpctl_get
	.type	regs_fpctl_get, @function
regs_fpctl_get:
	.cfi_startproc
	movq	$0, 0(%rdi)
	movq	$0, 8(%rdi)
	stmxcsr	0(%rdi)
	fnstcw	8(%rdi)
	ret
	.cfi_endproc
	.size	regs_fpctl_get, . - regs_fpctl_get

	.globl	regs_fpctl_set
	.type	regs_fpctl_set, @function
regs_fpctl_set:
	.cfi_startproc
	ldmxcsr	0(%rdi)
	fldcw	8(%rdi)
	ret
	.cfi_endproc
	.size	regs_fpctl_set, . - regs_fpctl_set

	.section .note.GNU-stack, "", @progbits
