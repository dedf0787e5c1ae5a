/* arch/ppc64le/probe_regs.S: the register-contract probe's hands on the
 * registers (probe_regs.h says which and why). Linked into the regs probe
 * only, never into the runtime.
 *
 * struct regs_set: +0 r14 ... +136 r31, +144 CR2-CR4, +152 f14 ... +288
 * f31, +296 v20 ... +472 v31 (16 bytes each), +488 FPSCR. */
#include "probe_regs.h"

	.abiversion 2

#define LR 65 /* DWARF's numbers: the link register, CR2, f0 and v0 */
#define CR2 70
#define F0 32
#define V0 77

	.text

/* regs_around(in, fn, arg, out): load the nonvolatile registers and FPSCR
 * from *in, call fn(arg), store what those registers then hold in *out,
 * and return with the caller's own restored (this function keeps the ABI
 * it checks). The frame (544 bytes): +0 the header (back chain, CR word,
 * LR word, TOC at 24), +32 out, +40 the caller's FPSCR, +48 its CR, +56
 * r14 ... +192 r31, +200 f14 ... +336 f31, +344 v20 ... +520 v31. r31 (the
 * frame pointer, where gcc keeps one) holds a pattern during the call, so
 * the CFA is r1-based. */
	.globl	regs_around
	.type	regs_around, @function
	.balign	16
regs_around:
	.cfi_startproc
	mflr	%r0
	std	%r0, 16(%r1)
	.cfi_offset LR, 16
	stdu	%r1, -544(%r1)
	.cfi_def_cfa_offset 544
	std	%r6, 32(%r1)
	mffs	%f0
	stfd	%f0, 40(%r1)
	mfcr	%r0
	std	%r0, 48(%r1)
	.cfi_offset CR2, 48-544
	.irp	n, 14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	std	%r\n, 56+8*(\n-14)(%r1)
	.cfi_offset \n, 56+8*(\n-14)-544
	stfd	%f\n, 200+8*(\n-14)(%r1)
	.cfi_offset F0+\n, 200+8*(\n-14)-544
	.endr
	addi	%r11, %r1, 344		/* stxvd2x takes no displacement */
	.irp	n, 20,21,22,23,24,25,26,27,28,29,30,31
	stxvd2x	%vs\n+32, 0, %r11
	.cfi_offset V0+\n, 344+16*(\n-20)-544
	addi	%r11, %r11, 16
	.endr
	std	%r2, 24(%r1)		/* a call through a pointer: the TOC */
	mtctr	%r4			/* fn; r12 too, for its global entry */
	mr	%r12, %r4
	lfd	%f0, REGS_FPCTL(%r3)
	mtfsf	0xff, %f0
	ld	%r0, REGS_CR(%r3)
	mtcrf	0x38, %r0		/* CR2, CR3, CR4 */
	.irp	n, 14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	%r\n, REGS_GPR+8*(\n-14)(%r3)	/* r31 too: a pattern now */
	lfd	%f\n, REGS_FPR+8*(\n-14)(%r3)
	.endr
	addi	%r11, %r3, REGS_VR
	.irp	n, 20,21,22,23,24,25,26,27,28,29,30,31
	lxvd2x	%vs\n+32, 0, %r11
	addi	%r11, %r11, 16
	.endr
	mr	%r3, %r5
	bctrl
	ld	%r2, 24(%r1)
	ld	%r6, 32(%r1)
	.irp	n, 14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	std	%r\n, REGS_GPR+8*(\n-14)(%r6)
	stfd	%f\n, REGS_FPR+8*(\n-14)(%r6)
	.endr
	mfcr	%r0
	rlwinm	%r0, %r0, 0, 8, 19	/* CR2-CR4 only (REGS_CR_FIELDS) */
	std	%r0, REGS_CR(%r6)
	addi	%r11, %r6, REGS_VR
	.irp	n, 20,21,22,23,24,25,26,27,28,29,30,31
	stxvd2x	%vs\n+32, 0, %r11
	addi	%r11, %r11, 16
	.endr
	mffs	%f0
	stfd	%f0, REGS_FPCTL(%r6)
	li	%r0, 0
	std	%r0, REGS_FPCTL+8(%r6)
	lfd	%f0, 40(%r1)
	mtfsf	0xff, %f0
	ld	%r0, 48(%r1)
	mtcrf	0x38, %r0
	.cfi_restore CR2
	.irp	n, 14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	%r\n, 56+8*(\n-14)(%r1)
	.cfi_restore \n
	lfd	%f\n, 200+8*(\n-14)(%r1)
	.cfi_restore F0+\n
	.endr
	addi	%r11, %r1, 344
	.irp	n, 20,21,22,23,24,25,26,27,28,29,30,31
	lxvd2x	%vs\n+32, 0, %r11
	.cfi_restore V0+\n
	addi	%r11, %r11, 16
	.endr
	addi	%r1, %r1, 544
	.cfi_def_cfa_offset 0
	ld	%r0, 16(%r1)
	mtlr	%r0
	.cfi_restore LR
	blr
	.cfi_endproc
	.size	regs_around, . - regs_around

/* regs_fpctl_get(fpctl[2]) and regs_fpctl_set(fpctl[2]): the running
 * code's FPSCR, as struct regs_set keeps it. */
	.globl	regs_fpctl_get
	.type	regs_fpctl_get, @function
	.balign	16
regs_fpctl_get:
	.cfi_startproc
	mffs	%f0
	stfd	%f0, 0(%r3)
	li	%r0, 0
	std	%r0, 8(%r3)
	blr
	.cfi_endproc
	.size	regs_fpctl_get, . - regs_fpctl_get

	.globl	regs_fpctl_set
	.type	regs_fpctl_set, @function
	.balign	16
regs_fpctl_set:
	.cfi_startproc
	lfd	%f0, 0(%r3)
	mtfsf	0xff, %f0
	blr
	.cfi_endproc
	.size	regs_fpctl_set, . - regs_fpctl_set

	.section .note.GNU-stack, "", @progbits
