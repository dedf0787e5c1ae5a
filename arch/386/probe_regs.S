/* arch/386/probe_regs.S: the register-contract probe's hands on the
 * registers (probe_regs.h says which and why). Linked into the regs probe
 * only, never into the runtime.
 *
 * struct regs_set: +0 ebx, esi, edi, ebp (a 64-bit slot each, the register
 * in its low word: little-endian), +40 the x87 control word. */
#include "probe_regs.h"

	.text

/* regs_around(in, fn, arg, out), cdecl: load the callee-saved registers and
 * the x87 control word from *in, call fn(arg), store what those registers
 * then hold in *out, and return with the caller's own restored (this
 * function keeps the ABI it checks). The frame: 4 saved registers, then
 * 12 bytes (+0 the argument, +8 the caller's control word), so esp is
 * 16-aligned at the call; the arguments are at 20(%esp) + 16 + 12. ebp
 * holds a pattern during the call, so the CFA is esp-based. */
	.globl	regs_around
	.type	regs_around, @function
regs_around:
	.cfi_startproc
	pushl	%ebp
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset ebp, 0
	pushl	%ebx
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset ebx, 0
	pushl	%esi
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset esi, 0
	pushl	%edi
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset edi, 0
	subl	$12, %esp
	.cfi_adjust_cfa_offset 12
	fnstcw	8(%esp)
	movl	32(%esp), %eax		/* in */
	movl	36(%esp), %ecx		/* fn, in a scratch register */
	movl	40(%esp), %edx
	movl	%edx, 0(%esp)		/* arg */
	fldcw	REGS_FPCTL(%eax)
	movl	REGS_GPR+0(%eax), %ebx
	movl	REGS_GPR+8(%eax), %esi
	movl	REGS_GPR+16(%eax), %edi
	movl	REGS_GPR+24(%eax), %ebp	/* the frame pointer too: a pattern now */
	call	*%ecx
	movl	44(%esp), %eax		/* out */
	movl	%ebx, REGS_GPR+0(%eax)
	movl	$0, REGS_GPR+4(%eax)
	movl	%esi, REGS_GPR+8(%eax)
	movl	$0, REGS_GPR+12(%eax)
	movl	%edi, REGS_GPR+16(%eax)
	movl	$0, REGS_GPR+20(%eax)
	movl	%ebp, REGS_GPR+24(%eax)
	movl	$0, REGS_GPR+28(%eax)
	movl	$0, REGS_FPCTL(%eax)
	movl	$0, REGS_FPCTL+4(%eax)
	movl	$0, REGS_FPCTL+8(%eax)
	movl	$0, REGS_FPCTL+12(%eax)
	fnstcw	REGS_FPCTL(%eax)
	fldcw	8(%esp)
	addl	$12, %esp
	.cfi_adjust_cfa_offset -12
	popl	%edi
	.cfi_adjust_cfa_offset -4
	.cfi_restore edi
	popl	%esi
	.cfi_adjust_cfa_offset -4
	.cfi_restore esi
	popl	%ebx
	.cfi_adjust_cfa_offset -4
	.cfi_restore ebx
	popl	%ebp
	.cfi_adjust_cfa_offset -4
	.cfi_restore ebp
	ret
	.cfi_endproc
	.size	regs_around, . - regs_around

/* regs_fpctl_get(fpctl[2]) and regs_fpctl_set(fpctl[2]): the running
 * code's x87 control word, as struct regs_set keeps it. */
	.globl	regs_fpctl_get
	.type	regs_fpctl_get, @function
regs_fpctl_get:
	.cfi_startproc
	movl	4(%esp), %eax
	movl	$0, 0(%eax)
	movl	$0, 4(%eax)
	movl	$0, 8(%eax)
	movl	$0, 12(%eax)
	fnstcw	0(%eax)
	ret
	.cfi_endproc
	.size	regs_fpctl_get, . - regs_fpctl_get

	.globl	regs_fpctl_set
	.type	regs_fpctl_set, @function
regs_fpctl_set:
	.cfi_startproc
	movl	4(%esp), %eax
	fldcw	0(%eax)
	ret
	.cfi_endproc
	.size	regs_fpctl_set, . - regs_fpctl_set

	.section .note.GNU-stack, "", @progbits
