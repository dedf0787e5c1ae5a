/* arch/riscv64/asm.S: runtime_rt0_go and the context switches (RV64GC,
 * LP64D psABI).
 *
 * Registers: a0-a7 = arguments (a0 = result); ra = return address (link
 * register: a call does not touch the stack); sp 16-aligned; t0-t6 =
 * scratch; s0 (= fp) to s11 and fs0-fs11 = callee-saved; gp = global
 * pointer, tp = thread pointer, neither ever allocated by the compiler.
 * g is found through tp: 0(tp) in internal mode (tp = &m0.tls[0], set
 * here), the thread-local rt0_tls_g under libc (local-exec TLS in an
 * executable, initial exec in a shared object). See arch.h for why not X27.
 *
 * Saved context (struct gobuf, offsets from asm_offsets.h):
 *   +0 sp   +8 pc   +16 g   +24 ctxt (a0 when a goroutine starts)
 *   +32 lr (ra when a goroutine starts: goexit+4; 0 in a saved context)
 *   +40 s0  +48 s1  +56 s2  +64 s3  +72 s4  +80 s5  +88 s6  +96 s7
 *   +104 s8  +112 s9  +120 s10  +128 s11
 *   +136 fs0 ... +224 fs11 (8 bytes each, in order)
 *   +232 fcsr (fpctl; arch.h ARCH_FPCTL says why)
 */
#include "arch.h"
#include "asm_offsets.h"
#include <asm/unistd.h>

#if defined(RT0_LIB_SHARED)
	/* Initial exec: in a shared object the offset is the loader's, read
	 * from the GOT. */
	.macro GET_G rd, tmp
	la.tls.ie \tmp, rt0_tls_g
	add	\tmp, \tmp, tp
	ld	\rd, 0(\tmp)
	.endm
	.macro SET_G rs, tmp
	la.tls.ie \tmp, rt0_tls_g
	add	\tmp, \tmp, tp
	sd	\rs, 0(\tmp)
	.endm
#elif defined(RT0_LINK_EXTERNAL)
	/* Local exec: tp + the link-time offset of rt0_tls_g. */
	.macro GET_G rd, tmp
	lui	\tmp, %tprel_hi(rt0_tls_g)
	add	\tmp, \tmp, tp, %tprel_add(rt0_tls_g)
	ld	\rd, %tprel_lo(rt0_tls_g)(\tmp)
	.endm
	.macro SET_G rs, tmp
	lui	\tmp, %tprel_hi(rt0_tls_g)
	add	\tmp, \tmp, tp, %tprel_add(rt0_tls_g)
	sd	\rs, %tprel_lo(rt0_tls_g)(\tmp)
	.endm
#else
	.macro GET_G rd, tmp
	ld	\rd, 0(tp)
	.endm
	.macro SET_G rs, tmp
	sd	\rs, 0(tp)
	.endm
#endif

	.macro SAVE_REGS base, off=0
	sd	s0, \off+GOBUF_REGS+0(\base)
	sd	s1, \off+GOBUF_REGS+8(\base)
	sd	s2, \off+GOBUF_REGS+16(\base)
	sd	s3, \off+GOBUF_REGS+24(\base)
	sd	s4, \off+GOBUF_REGS+32(\base)
	sd	s5, \off+GOBUF_REGS+40(\base)
	sd	s6, \off+GOBUF_REGS+48(\base)
	sd	s7, \off+GOBUF_REGS+56(\base)
	sd	s8, \off+GOBUF_REGS+64(\base)
	sd	s9, \off+GOBUF_REGS+72(\base)
	sd	s10, \off+GOBUF_REGS+80(\base)
	sd	s11, \off+GOBUF_REGS+88(\base)
	fsd	fs0, \off+GOBUF_REGS+96(\base)
	fsd	fs1, \off+GOBUF_REGS+104(\base)
	fsd	fs2, \off+GOBUF_REGS+112(\base)
	fsd	fs3, \off+GOBUF_REGS+120(\base)
	fsd	fs4, \off+GOBUF_REGS+128(\base)
	fsd	fs5, \off+GOBUF_REGS+136(\base)
	fsd	fs6, \off+GOBUF_REGS+144(\base)
	fsd	fs7, \off+GOBUF_REGS+152(\base)
	fsd	fs8, \off+GOBUF_REGS+160(\base)
	fsd	fs9, \off+GOBUF_REGS+168(\base)
	fsd	fs10, \off+GOBUF_REGS+176(\base)
	fsd	fs11, \off+GOBUF_REGS+184(\base)
	.endm

	.macro LOAD_REGS base, off=0
	ld	s0, \off+GOBUF_REGS+0(\base)
	ld	s1, \off+GOBUF_REGS+8(\base)
	ld	s2, \off+GOBUF_REGS+16(\base)
	ld	s3, \off+GOBUF_REGS+24(\base)
	ld	s4, \off+GOBUF_REGS+32(\base)
	ld	s5, \off+GOBUF_REGS+40(\base)
	ld	s6, \off+GOBUF_REGS+48(\base)
	ld	s7, \off+GOBUF_REGS+56(\base)
	ld	s8, \off+GOBUF_REGS+64(\base)
	ld	s9, \off+GOBUF_REGS+72(\base)
	ld	s10, \off+GOBUF_REGS+80(\base)
	ld	s11, \off+GOBUF_REGS+88(\base)
	fld	fs0, \off+GOBUF_REGS+96(\base)
	fld	fs1, \off+GOBUF_REGS+104(\base)
	fld	fs2, \off+GOBUF_REGS+112(\base)
	fld	fs3, \off+GOBUF_REGS+120(\base)
	fld	fs4, \off+GOBUF_REGS+128(\base)
	fld	fs5, \off+GOBUF_REGS+136(\base)
	fld	fs6, \off+GOBUF_REGS+144(\base)
	fld	fs7, \off+GOBUF_REGS+152(\base)
	fld	fs8, \off+GOBUF_REGS+160(\base)
	fld	fs9, \off+GOBUF_REGS+168(\base)
	fld	fs10, \off+GOBUF_REGS+176(\base)
	fld	fs11, \off+GOBUF_REGS+184(\base)
	.endm

	/* The floating-point control state: fcsr (frm and fflags), which the
	 * psABI gives thread storage duration, so each goroutine keeps its
	 * own. tmp is a scratch register. */
	.macro SAVE_FPCTL base, tmp, off=0
	frcsr	\tmp
	sw	\tmp, \off+GOBUF_FPCTL(\base)
	.endm

	.macro LOAD_FPCTL base, tmp, off=0
	lw	\tmp, \off+GOBUF_FPCTL(\base)
	fscsr	\tmp
	.endm

#if ARCH_NSAVED != 24
#error "SAVE_REGS/LOAD_REGS keep s0-s11, fs0-fs11: update them with arch.h"
#endif

	.text

/* runtime_rt0_go(argc, argv, entrysp): build g0 out of the OS stack, set up g,
 * then check -> args -> osinit -> schedinit -> newproc(runtime.main) ->
 * mstart. Nothing returns here. */
	.globl	runtime_rt0_go
	.type	runtime_rt0_go, @function
runtime_rt0_go:
	.cfi_startproc
	addi	sp, sp, -16		/* a frame, so the CFA stays findable */
	.cfi_adjust_cfa_offset 16	/* across the AND below */
	sd	ra, 8(sp)
	sd	s0, 0(sp)
	.cfi_rel_offset ra, 8
	.cfi_rel_offset s0, 0
	addi	s0, sp, 16
	.cfi_def_cfa s0, 0
	mv	s1, a0			/* argc, argv, entry SP survive the calls */
	mv	s2, a1
	mv	s3, a2
	andi	sp, sp, -16

	/* g0's stack is [SP - 64 KiB, SP): the top of the OS stack. */
	lla	a0, g0
	sd	sp, G_STACK_HI(a0)
	li	t0, G0_STACK_SIZE_
	sub	t0, sp, t0
	sd	t0, G_STACK_LO(a0)
	addi	t0, t0, STACK_GUARD_
	sd	t0, G_STACKGUARD0(a0)
	sd	t0, G_STACKGUARD1(a0)

	/* m0.g0 = &g0; g0.m = &m0 */
	lla	s4, m0
	sd	a0, M_G0(s4)
	sd	s4, G_M(a0)

	li	t0, 0x123		/* TLS self-test marker */
#ifndef RT0_LINK_EXTERNAL
	/* tp = &m0.tls[0]: variant I TLS starts at tp, so the g slot, 0(tp),
	 * is m0.tls[0]. tp is an ordinary register to the kernel: no
	 * system call, unlike amd64's arch_prctl. */
	addi	tp, s4, M_TLS
	/* Self-test: a write through tp must land in m0.tls[0]. */
	SET_G	t0, t1
	ld	t1, M_TLS(s4)
	bne	t0, t1, bad_tls
#else
	/* Self-test: the slot reached with the local-exec offset must be the
	 * one reached with the initial-exec offset the linker put in the GOT. */
	SET_G	t0, t1
	la.tls.ie t1, rt0_tls_g
	add	t1, t1, tp
	ld	t1, 0(t1)
	bne	t0, t1, bad_tls
#endif
	lla	a0, g0
	SET_G	a0, t1

	mv	a0, s3
	call	rt0_go_started
	call	check
	sext.w	a0, s1			/* args takes an int32 */
	mv	a1, s2
	call	args
	call	osinit
	call	schedinit
	lla	a0, runtime_main
	li	a1, 0
	call	newproc
	call	mstart
	unimp				/* mstart never returns */

bad_tls:				/* g is unusable: report without it */
	lla	a0, bad_tls_msg
	call	fatal_nog
	unimp
	.cfi_endproc
	.size	runtime_rt0_go, . - runtime_rt0_go

/* mstart: the M's g0 loop. g0.sched records this frame, so every mcall
 * restarts g0 here, with the frames above still leading to runtime_rt0_go
 * (s0, its CFA, is among the registers g0.sched keeps). */
	.globl	mstart
	.type	mstart, @function
mstart:
	.cfi_startproc
	addi	sp, sp, -16
	.cfi_adjust_cfa_offset 16
	sd	ra, 8(sp)		/* into runtime_rt0_go */
	.cfi_rel_offset ra, 8
	GET_G	a0, t0
	addi	a0, a0, G_SCHED
	call	gosave
	call	mstart0
	unimp
	.cfi_endproc
	.size	mstart, . - mstart

/* gosave(buf): save the caller's context in buf, as if gosave had returned:
 * a leaf, so sp is the caller's and ra is where the caller goes on. */
	.globl	gosave
	.type	gosave, @function
gosave:
	.cfi_startproc
	sd	sp, GOBUF_SP(a0)
	sd	ra, GOBUF_PC(a0)
	GET_G	t0, t1
	sd	t0, GOBUF_G(a0)
	sd	zero, GOBUF_CTXT(a0)
	sd	zero, GOBUF_LR(a0)	/* ra is caller-saved: nobody needs it back */
	SAVE_REGS a0
	SAVE_FPCTL a0, t0
	ret
	.cfi_endproc
	.size	gosave, . - gosave

/* gogo(buf): switch to buf's goroutine. A new one starts at fn with
 * a0 = arg and ra = goexit+4 (gostartcall), so fn "returns" into goexit. */
	.globl	gogo
	.type	gogo, @function
gogo:
	.cfi_startproc
	ld	t0, GOBUF_G(a0)
	SET_G	t0, t1
	ld	sp, GOBUF_SP(a0)
	LOAD_REGS a0
	LOAD_FPCTL a0, t0
	ld	ra, GOBUF_LR(a0)
	ld	t0, GOBUF_PC(a0)
	ld	a0, GOBUF_CTXT(a0)
	jr	t0
	.cfi_endproc
	.size	gogo, . - gogo

/* mcall(fn): save the current goroutine's context in g->sched, switch to
 * g0's stack and call fn(g). fn never returns; the goroutine resumes, by
 * gogo(&g->sched), as if mcall had returned. */
	.globl	mcall
	.type	mcall, @function
mcall:
	.cfi_startproc
	GET_G	t0, t1
	sd	sp, G_SCHED+GOBUF_SP(t0)
	sd	ra, G_SCHED+GOBUF_PC(t0)
	sd	t0, G_SCHED+GOBUF_G(t0)
	sd	zero, G_SCHED+GOBUF_CTXT(t0)
	sd	zero, G_SCHED+GOBUF_LR(t0)
	SAVE_REGS t0, G_SCHED
	SAVE_FPCTL t0, t1, G_SCHED
	ld	t1, G_M(t0)
	ld	t2, M_G0(t1)
	beq	t0, t2, bad_mcall
	.cfi_remember_state
	SET_G	t2, t1
	/* Onto g0, at the SP mstart had when it called gosave, and below it a
	 * frame that says mcall was called from there (g0.sched.pc), so an
	 * unwinder walks from fn through here and mstart into runtime_rt0_go.
	 * g0's own callee-saved registers (s0 above all: runtime_rt0_go's
	 * CFA) make those frames consistent. */
	ld	t1, G_SCHED+GOBUF_PC(t2)
	ld	sp, G_SCHED+GOBUF_SP(t2)
	.cfi_def_cfa sp, 0
	.cfi_register ra, t1
	addi	sp, sp, -16
	.cfi_adjust_cfa_offset 16
	sd	t1, 8(sp)
	.cfi_rel_offset ra, 8
	LOAD_REGS t2, G_SCHED
	mv	t1, a0			/* fn */
	mv	a0, t0			/* the old g */
	jalr	t1
	lla	a0, bad_mcall_ret_msg
	call	fatal
	unimp
bad_mcall:
	.cfi_restore_state		/* still on the goroutine's stack */
	lla	a0, bad_mcall_msg
	call	fatal
	unimp
	.cfi_endproc
	.size	mcall, . - mcall

/* goexit: every goroutine's entry function returns to goexit+4
 * (PCQuantum), which lies inside it. It is the outermost frame of a
 * goroutine stack: an unwinder looks up ra-1 = goexit+3, finds this FDE
 * and stops.
 * norvc: the nop stays 4 bytes, so goexit+4 is an instruction boundary.
 * norelax: the call stays auipc+jalr, so goexit+4 is the auipc, the start
 * of the call sequence, and returning there runs goexit1. (Relaxed, it
 * would be a 4-byte jal at the same place; RV64 has no 2-byte c.jal.) */
	.globl	goexit
	.type	goexit, @function
	.balign	4
goexit:
	.cfi_startproc
	.cfi_undefined ra
	.option	push
	.option	norvc
	.option	norelax
	nop				/* +0 */
	call	goexit1			/* +4 auipc, +8 jalr */
	nop				/* +12 */
	.option	pop
	.cfi_endproc
	.size	goexit, . - goexit

#ifndef RT0_LINK_EXTERNAL
/* arch_clone(flags, stk, tls): clone(2) for a new M (runtime/thread.c).
 * The child starts with SP = stk, where stk[0] is its g0 and stk[1] the
 * function it calls (mstart), and with its thread pointer already the M's
 * TLS block (CLONE_SETTLS), so setting g is one store. Returns the
 * child's tid or -errno. */
	.text
	.globl	arch_clone
	.type	arch_clone, @function
arch_clone:
	.cfi_startproc
	mv	a3, a2			/* clone(flags, stk, ptid, tls, ctid) */
	li	a2, 0
	li	a4, 0
	li	a7, __NR_clone
	ecall
	beqz	a0, 1f
	ret
1:	.cfi_undefined ra		/* the child: the outermost frame */
	li	s0, 0
	li	ra, 0
	ld	a0, 0(sp)
	SET_G	a0, t0
	ld	a1, 8(sp)
	jalr	a1
	unimp
	.cfi_endproc
	.size	arch_clone, . - arch_clone
#endif

	.section .rodata
bad_tls_msg:		.asciz "bad TLS: the g slot did not read back"
bad_mcall_msg:		.asciz "runtime: mcall called on m->g0 stack"
bad_mcall_ret_msg:	.asciz "runtime: mcall function returned"

	.section .note.GNU-stack, "", @progbits
