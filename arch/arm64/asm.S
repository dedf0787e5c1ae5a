/* arch/arm64/asm.S: runtime_rt0_go and the context switches (AArch64, AAPCS64).
 *
 * Registers: x0-x7 = arguments and results; x8 = system call number;
 * x9-x15 = scratch; x19-x28 callee-saved; x29 = FP (frame record
 * {saved x29, saved x30} at [x29]); x30 = LR; SP 16-aligned always;
 * d8-d15 callee-saved (low 64 bits). g is found through TPIDR_EL0
 * (arch.h): [tpidr_el0] in internal mode, the thread-local rt0_tls_g under
 * libc (local-exec TLS in an executable, initial exec in a shared object).
 *
 * Saved context (struct gobuf, offsets from asm_offsets.h):
 *   +0 sp   +8 pc   +16 g   +24 ctxt (x0 when a goroutine starts)
 *   +32 lr (x30 when gogo starts a goroutine: goexit+4)
 *   +40 x19  +48 x20  +56 x21  +64 x22  +72 x23  +80 x24  +88 x25
 *   +96 x26  +104 x27  +112 x28  +120 x29
 *   +128 d8  +136 d9  +144 d10  +152 d11  +160 d12  +168 d13  +176 d14  +184 d15
 *   +192 FPCR (fpctl; arch.h ARCH_FPCTL says why)
 */
#include "arch.h"
#include "asm_offsets.h"
#include <asm/unistd.h>

#if defined(RT0_LIB_SHARED)
	/* Initial exec: in a shared object the offset is the loader's, read
	 * from the GOT; x16 (IP0, free across calls) holds it. */
	.macro GSLOT r			// r = &rt0_tls_g
	mrs	\r, tpidr_el0
	adrp	x16, :gottprel:rt0_tls_g
	ldr	x16, [x16, #:gottprel_lo12:rt0_tls_g]
	add	\r, \r, x16
	.endm
#elif defined(RT0_LINK_EXTERNAL)
	.macro GSLOT r			// r = &rt0_tls_g
	mrs	\r, tpidr_el0
	add	\r, \r, #:tprel_hi12:rt0_tls_g, lsl #12
	add	\r, \r, #:tprel_lo12_nc:rt0_tls_g
	.endm
#else
	.macro GSLOT r			// r = &m0.tls[0]
	mrs	\r, tpidr_el0
	.endm
#endif

	.macro GET_G r
	GSLOT	\r
	ldr	\r, [\r]
	.endm

	.macro SET_G r, tmp
	GSLOT	\tmp
	str	\r, [\tmp]
	.endm

	.macro SAVE_REGS base, off=0
	stp	x19, x20, [\base, #\off+GOBUF_REGS+0]
	stp	x21, x22, [\base, #\off+GOBUF_REGS+16]
	stp	x23, x24, [\base, #\off+GOBUF_REGS+32]
	stp	x25, x26, [\base, #\off+GOBUF_REGS+48]
	stp	x27, x28, [\base, #\off+GOBUF_REGS+64]
	str	x29, [\base, #\off+GOBUF_REGS+80]
	stp	d8, d9, [\base, #\off+GOBUF_REGS+88]
	stp	d10, d11, [\base, #\off+GOBUF_REGS+104]
	stp	d12, d13, [\base, #\off+GOBUF_REGS+120]
	stp	d14, d15, [\base, #\off+GOBUF_REGS+136]
	.endm

	.macro LOAD_REGS base, off=0
	ldp	x19, x20, [\base, #\off+GOBUF_REGS+0]
	ldp	x21, x22, [\base, #\off+GOBUF_REGS+16]
	ldp	x23, x24, [\base, #\off+GOBUF_REGS+32]
	ldp	x25, x26, [\base, #\off+GOBUF_REGS+48]
	ldp	x27, x28, [\base, #\off+GOBUF_REGS+64]
	ldr	x29, [\base, #\off+GOBUF_REGS+80]
	ldp	d8, d9, [\base, #\off+GOBUF_REGS+88]
	ldp	d10, d11, [\base, #\off+GOBUF_REGS+104]
	ldp	d12, d13, [\base, #\off+GOBUF_REGS+120]
	ldp	d14, d15, [\base, #\off+GOBUF_REGS+136]
	.endm

	/* The floating-point control state: FPCR, a thread's global
	 * register under AAPCS64 that a call into the scheduler must not
	 * change. n is the number of a scratch register (9: x9/w9). */
	.macro SAVE_FPCTL base, n, off=0
	mrs	x\n, fpcr
	str	w\n, [\base, #\off+GOBUF_FPCTL]
	.endm

	.macro LOAD_FPCTL base, n, off=0
	ldr	w\n, [\base, #\off+GOBUF_FPCTL]
	msr	fpcr, x\n
	.endm

	.macro ADDR r, sym		// PC-relative: works static and PIE
	adrp	\r, \sym
	add	\r, \r, #:lo12:\sym
	.endm

	.text

/* runtime_rt0_go(argc, argv, entrysp): build g0 out of the OS stack, set up g,
 * then check -> args -> osinit -> schedinit -> newproc(runtime.main) ->
 * mstart. Nothing returns here. */
	.globl	runtime_rt0_go
	.type	runtime_rt0_go, %function
runtime_rt0_go:
	.cfi_startproc
	stp	x29, x30, [sp, #-32]!	// frame record: CFA stays x29+32 across the AND below
	.cfi_def_cfa_offset 32
	.cfi_offset x29, -32
	.cfi_offset x30, -24
	stp	x19, x20, [sp, #16]
	.cfi_offset x19, -16
	.cfi_offset x20, -8
	mov	x29, sp
	.cfi_def_cfa_register x29
	mov	x19, x0			// argc, argv survive the calls
	mov	x20, x1
	mov	x9, sp
	and	sp, x9, #~15		// x2 (entry SP) is kept until rt0_go_started

	/* g0's stack is [SP - 64 KiB, SP): the top of the OS stack. */
	ADDR	x9, g0
	mov	x10, sp
	str	x10, [x9, #G_STACK_HI]
	sub	x11, x10, #G0_STACK_SIZE_
	str	x11, [x9, #G_STACK_LO]
	add	x11, x11, #STACK_GUARD_
	str	x11, [x9, #G_STACKGUARD0]
	str	x11, [x9, #G_STACKGUARD1]

	/* m0.g0 = &g0; g0.m = &m0 */
	ADDR	x10, m0
	str	x9, [x10, #M_G0]
	str	x10, [x9, #G_M]

#ifndef RT0_LINK_EXTERNAL
	/* TPIDR_EL0 = &m0.tls[0]: the g slot. User space may write it. */
	add	x11, x10, #M_TLS
	msr	tpidr_el0, x11
	/* Self-test: a write through TPIDR_EL0 must land in m0.tls[0]. */
	mov	x12, #0x123
	SET_G	x12, x13
	ldr	x13, [x10, #M_TLS]
	cmp	x13, x12
	b.ne	bad_tls
#else
	/* Self-test: the slot GET_G/SET_G reach (local-exec) must be the one
	 * reached through the initial-exec offset, computed separately by the
	 * linker (which, in an executable, turns it into movz/movk). */
	mov	x12, #0x123
	SET_G	x12, x13
	adrp	x14, :gottprel:rt0_tls_g
	ldr	x14, [x14, #:gottprel_lo12:rt0_tls_g]
	mrs	x13, tpidr_el0
	ldr	x13, [x13, x14]
	cmp	x13, x12
	b.ne	bad_tls
#endif
	SET_G	x9, x13

	mov	x0, x2
	bl	rt0_go_started
	bl	check
	mov	w0, w19
	mov	x1, x20
	bl	args
	bl	osinit
	bl	schedinit
	ADDR	x0, runtime_main
	mov	x1, xzr
	bl	newproc
	bl	mstart
	udf	#0			// mstart never returns

bad_tls:				// g is unusable: report without it
	ADDR	x0, bad_tls_msg
	bl	fatal_nog
	udf	#0
	.cfi_endproc
	.size	runtime_rt0_go, . - runtime_rt0_go

/* mstart: the M's g0 loop. g0.sched records this frame, so every mcall
 * restarts g0 here, with the frame record above leading to runtime_rt0_go. */
	.globl	mstart
	.type	mstart, %function
mstart:
	.cfi_startproc
	stp	x29, x30, [sp, #-16]!
	.cfi_def_cfa_offset 16
	.cfi_offset x29, -16
	.cfi_offset x30, -8
	mov	x29, sp
	GET_G	x0
	add	x0, x0, #G_SCHED
	bl	gosave			// g0.sched: sp = this frame, pc = the next insn
	bl	mstart0
	udf	#0
	.cfi_endproc
	.size	mstart, . - mstart

/* gosave(buf): save the caller's context in buf, as if gosave had returned. */
	.globl	gosave
	.type	gosave, %function
gosave:
	.cfi_startproc
	mov	x9, sp
	str	x9, [x0, #GOBUF_SP]
	str	x30, [x0, #GOBUF_PC]
	GET_G	x9
	str	x9, [x0, #GOBUF_G]
	str	xzr, [x0, #GOBUF_CTXT]
	str	xzr, [x0, #GOBUF_LR]	// LR is dead after a return anyway
	SAVE_REGS x0
	SAVE_FPCTL x0, 9
	ret
	.cfi_endproc
	.size	gosave, . - gosave

/* gogo(buf): switch to buf's goroutine. For a new one x0 = buf->ctxt and
 * x30 = buf->lr = goexit+4, so its entry function "returns" into goexit. */
	.globl	gogo
	.type	gogo, %function
gogo:
	.cfi_startproc
	ldr	x9, [x0, #GOBUF_G]
	SET_G	x9, x10
	ldr	x9, [x0, #GOBUF_SP]
	mov	sp, x9
	LOAD_REGS x0
	LOAD_FPCTL x0, 9
	ldr	x30, [x0, #GOBUF_LR]
	ldr	x9, [x0, #GOBUF_PC]
	ldr	x0, [x0, #GOBUF_CTXT]
	br	x9
	.cfi_endproc
	.size	gogo, . - gogo

/* mcall(fn): save the current goroutine's context in g->sched, switch to
 * g0's stack and call fn(g). fn never returns; the goroutine resumes, by
 * gogo(&g->sched), as if mcall had returned. */
	.globl	mcall
	.type	mcall, %function
mcall:
	.cfi_startproc
	GET_G	x2
	mov	x9, sp
	str	x9, [x2, #G_SCHED+GOBUF_SP]
	str	x30, [x2, #G_SCHED+GOBUF_PC]
	str	x2, [x2, #G_SCHED+GOBUF_G]
	str	xzr, [x2, #G_SCHED+GOBUF_CTXT]
	str	xzr, [x2, #G_SCHED+GOBUF_LR]
	SAVE_REGS x2, G_SCHED
	SAVE_FPCTL x2, 9, G_SCHED
	ldr	x3, [x2, #G_M]
	ldr	x3, [x3, #M_G0]
	cmp	x2, x3
	b.eq	bad_mcall
	.cfi_remember_state
	SET_G	x3, x9
	ldr	x9, [x3, #G_SCHED+GOBUF_SP]
	ldr	x10, [x3, #G_SCHED+GOBUF_PC]
	/* g0's callee-saved registers make the frames above consistent (until
	 * SP moves, the caller's are in g->sched, which CFI does not say). */
	LOAD_REGS x3, G_SCHED
	/* A frame record {g0's x29, g0.sched.pc} just below g0.sched.sp: to an
	 * unwinder this frame was called from mstart, right after its gosave,
	 * so the walk goes fn -> mcall -> mstart -> runtime_rt0_go. */
	stp	x29, x10, [x9, #-16]!
	mov	sp, x9
	.cfi_def_cfa sp, 16
	.cfi_offset x29, -16
	.cfi_offset x30, -8
	mov	x29, sp
	mov	x9, x0
	mov	x0, x2
	blr	x9
	ADDR	x0, bad_mcall_ret_msg
	bl	fatal
	udf	#0
bad_mcall:
	.cfi_restore_state		// still on the caller's stack
	ADDR	x0, bad_mcall_msg
	bl	fatal
	udf	#0
	.cfi_endproc
	.size	mcall, . - mcall

/* goexit: every goroutine's entry function returns to goexit+4
 * (PCQuantum), the BL inside it. It is the outermost frame of a goroutine
 * stack. */
	.globl	goexit
	.type	goexit, %function
goexit:
	.cfi_startproc
	.cfi_undefined x30
	nop
	bl	goexit1
	nop
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
	.type	arch_clone, %function
arch_clone:
	.cfi_startproc
	mov	x3, x2			// clone(flags, stk, ptid, tls, ctid)
	mov	x2, xzr
	mov	x4, xzr
	mov	x8, #__NR_clone
	svc	#0
	cbz	x0, 1f
	ret
1:	.cfi_undefined x30		// the child: the outermost frame
	mov	x29, xzr
	mov	x30, xzr
	ldr	x0, [sp]
	SET_G	x0, x9
	ldr	x1, [sp, #8]
	blr	x1
	udf	#0
	.cfi_endproc
	.size	arch_clone, . - arch_clone
#endif

	.section .rodata
bad_tls_msg:		.asciz "bad TLS: the g slot did not read back"
bad_mcall_msg:		.asciz "runtime: mcall called on m->g0 stack"
bad_mcall_ret_msg:	.asciz "runtime: mcall function returned"

	.section .note.GNU-stack, "", %progbits
