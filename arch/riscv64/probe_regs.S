/* arch/riscv64/probe_regs.S: the register-contract probe's hands on the
 * registers (probe_regs.h says which and why). Linked into the regs probe
 * only, never into the runtime.
 *
 * struct regs_set: +0 s0 ... +88 s11, +96 fs0 ... +184 fs11, +192 fcsr. */
#include "probe_regs.h"

	.text

/* regs_around(in, fn, arg, out): load the callee-saved registers and fcsr
 * from *in, call fn(arg), store what those registers then hold in *out,
 * and return with the caller's own restored (this function keeps the ABI
 * it checks). The frame (224 bytes, sp 16-aligned): +0 ra, +8 s0 ... +96
 * s11, +104 fs0 ... +192 fs11, +200 out, +208 the caller's fcsr. s0 (fp)
 * holds a pattern during the call, so the CFA is sp-based. */
	.globl	regs_around
	.type	regs_around, @function
regs_around:
	.cfi_startproc
	addi	sp, sp, -224
	.cfi_def_cfa_offset 224
	sd	ra, 0(sp)
	.cfi_offset ra, -224
	sd	s0, 8(sp)
	sd	s1, 16(sp)
	sd	s2, 24(sp)
	sd	s3, 32(sp)
	sd	s4, 40(sp)
	sd	s5, 48(sp)
	sd	s6, 56(sp)
	sd	s7, 64(sp)
	sd	s8, 72(sp)
	sd	s9, 80(sp)
	sd	s10, 88(sp)
	sd	s11, 96(sp)
	.cfi_offset s0, -216
	.cfi_offset s1, -208
	.cfi_offset s2, -200
	.cfi_offset s3, -192
	.cfi_offset s4, -184
	.cfi_offset s5, -176
	.cfi_offset s6, -168
	.cfi_offset s7, -160
	.cfi_offset s8, -152
	.cfi_offset s9, -144
	.cfi_offset s10, -136
	.cfi_offset s11, -128
	fsd	fs0, 104(sp)
	fsd	fs1, 112(sp)
	fsd	fs2, 120(sp)
	fsd	fs3, 128(sp)
	fsd	fs4, 136(sp)
	fsd	fs5, 144(sp)
	fsd	fs6, 152(sp)
	fsd	fs7, 160(sp)
	fsd	fs8, 168(sp)
	fsd	fs9, 176(sp)
	fsd	fs10, 184(sp)
	fsd	fs11, 192(sp)
	sd	a3, 200(sp)
	frcsr	t0
	sd	t0, 208(sp)
	mv	t1, a1			/* fn and arg, in scratch registers */
	mv	t2, a2
	ld	t0, REGS_FPCTL(a0)
	fscsr	t0
	ld	s0, REGS_GPR+0(a0)	/* the frame pointer too: a pattern now */
	ld	s1, REGS_GPR+8(a0)
	ld	s2, REGS_GPR+16(a0)
	ld	s3, REGS_GPR+24(a0)
	ld	s4, REGS_GPR+32(a0)
	ld	s5, REGS_GPR+40(a0)
	ld	s6, REGS_GPR+48(a0)
	ld	s7, REGS_GPR+56(a0)
	ld	s8, REGS_GPR+64(a0)
	ld	s9, REGS_GPR+72(a0)
	ld	s10, REGS_GPR+80(a0)
	ld	s11, REGS_GPR+88(a0)
	fld	fs0, REGS_FPR+0(a0)
	fld	fs1, REGS_FPR+8(a0)
	fld	fs2, REGS_FPR+16(a0)
	fld	fs3, REGS_FPR+24(a0)
	fld	fs4, REGS_FPR+32(a0)
	fld	fs5, REGS_FPR+40(a0)
	fld	fs6, REGS_FPR+48(a0)
	fld	fs7, REGS_FPR+56(a0)
	fld	fs8, REGS_FPR+64(a0)
	fld	fs9, REGS_FPR+72(a0)
	fld	fs10, REGS_FPR+80(a0)
	fld	fs11, REGS_FPR+88(a0)
	mv	a0, t2
	jalr	t1
	ld	a3, 200(sp)
	sd	s0, REGS_GPR+0(a3)
	sd	s1, REGS_GPR+8(a3)
	sd	s2, REGS_GPR+16(a3)
	sd	s3, REGS_GPR+24(a3)
	sd	s4, REGS_GPR+32(a3)
	sd	s5, REGS_GPR+40(a3)
	sd	s6, REGS_GPR+48(a3)
	sd	s7, REGS_GPR+56(a3)
	sd	s8, REGS_GPR+64(a3)
	sd	s9, REGS_GPR+72(a3)
	sd	s10, REGS_GPR+80(a3)
	sd	s11, REGS_GPR+88(a3)
	fsd	fs0, REGS_FPR+0(a3)
	fsd	fs1, REGS_FPR+8(a3)
	fsd	fs2, REGS_FPR+16(a3)
	fsd	fs3, REGS_FPR+24(a3)
	fsd	fs4, REGS_FPR+32(a3)
	fsd	fs5, REGS_FPR+40(a3)
	fsd	fs6, REGS_FPR+48(a3)
	fsd	fs7, REGS_FPR+56(a3)
	fsd	fs8, REGS_FPR+64(a3)
	fsd	fs9, REGS_FPR+72(a3)
	fsd	fs10, REGS_FPR+80(a3)
	fsd	fs11, REGS_FPR+88(a3)
	frcsr	t0
	sd	t0, REGS_FPCTL(a3)
	sd	zero, REGS_FPCTL+8(a3)
	ld	t0, 208(sp)
	fscsr	t0
	ld	s0, 8(sp)
	ld	s1, 16(sp)
	ld	s2, 24(sp)
	ld	s3, 32(sp)
	ld	s4, 40(sp)
	ld	s5, 48(sp)
	ld	s6, 56(sp)
	ld	s7, 64(sp)
	ld	s8, 72(sp)
	ld	s9, 80(sp)
	ld	s10, 88(sp)
	ld	s11, 96(sp)
	fld	fs0, 104(sp)
	fld	fs1, 112(sp)
	fld	fs2, 120(sp)
	fld	fs3, 128(sp)
	fld	fs4, 136(sp)
	fld	fs5, 144(sp)
	fld	fs6, 152(sp)
	fld	fs7, 160(sp)
	fld	fs8, 168(sp)
	fld	fs9, 176(sp)
	fld	fs10, 184(sp)
	fld	fs11, 192(sp)
	ld	ra, 0(sp)
	addi	sp, sp, 224
	.cfi_def_cfa_offset 0
	ret
	.cfi_endproc
	.size	regs_around, . - regs_around

/* regs_fpctl_get(fpctl[2]) and regs_fpctl_set(fpctl[2]): the running
 * code's floating-point control state, as struct regs_set keeps it. */
	.globl	regs_fpctl_get
	.type	regs_fpctl_get, @function
regs_fpctl_get:
	.cfi_startproc
	frcsr	t0
	sd	t0, 0(a0)
	sd	zero, 8(a0)
	ret
	.cfi_endproc
	.size	regs_fpctl_get, . - regs_fpctl_get

	.globl	regs_fpctl_set
	.type	regs_fpctl_set, @function
regs_fpctl_set:
	.cfi_startproc
	ld	t0, 0(a0)
	fscsr	t0
	ret
	.cfi_endproc
	.size	regs_fpctl_set, . - regs_fpctl_set

	.section .note.GNU-stack, "", @progbits
