/* arch/s390x/asm.S: runtime_rt0_go and the context switches (z/Architecture
 * ELF ABI, big-endian).
 *
 * Registers: r2-r6 = arguments, r2 = result; r0, r1, r2-r5 = scratch (r0
 * is never a base register); r6-r13 and f8-f15 callee-saved; r14 = return
 * address; r15 = SP, 8-aligned. Every caller gives its callee a 160-byte
 * register save area at 0(r15), where the callee stores r6-r15 at 48-127
 * (r14 at 112, r15 at 120) before it allocates its own frame; the CFA is
 * r15 at entry + 160. The thread pointer lives in access registers a0
 * (high half) and a1 (low half); g is found through it (arch.h): 0(tp) in
 * internal mode, the thread-local rt0_tls_g under libc (local-exec TLS;
 * initial exec in a shared object).
 * Data is reached pc-relatively with larl (external mode is PIE), which
 * wants even addresses: hence the .balign 2 of the messages.
 *
 * Saved context (struct gobuf, offsets from asm_offsets.h):
 *   +0 sp   +8 pc   +16 g   +24 ctxt (r2 when a goroutine starts)
 *   +32 lr (r14 when gogo starts a goroutine: goexit+2)
 *   +40 r6  +48 r7  +56 r8  +64 r9  +72 r10  +80 r11  +88 r12  +96 r13
 *   +104 f8 +112 f9 +120 f10 +128 f11 +136 f12 +144 f13 +152 f14 +160 f15
 *   +168 FPC (fpctl; arch.h ARCH_FPCTL says why)
 */
#include "arch.h"
#include "asm_offsets.h"
#include <asm/unistd.h>

#if ARCH_NSAVED != 16
#error "SAVE_REGS/LOAD_REGS keep r6-r13, f8-f15: update them with arch.h"
#endif

	/* r = the thread pointer, a0:a1 (ear sets the low 32 bits only). */
	.macro TP r
	ear	\r, %a0
	sllg	\r, \r, 32
	ear	\r, %a1
	.endm

#if defined(RT0_LIB_SHARED)
	/* Initial exec: in a shared object the offset is the loader's, in
	 * the GOT entry larl reaches pc-relatively. */
	.macro GSLOT r, tmp		/* r = &rt0_tls_g */
	TP	\r
	larl	\tmp, rt0_tls_g@indntpoff
	ag	\r, 0(\tmp)
	.endm
#elif defined(RT0_LINK_EXTERNAL)
	.section .rodata
	.balign	8
tls_g_tpoff:				/* local exec: rt0_tls_g's offset from tp */
	.quad	rt0_tls_g@ntpoff
	.macro GSLOT r, tmp		/* r = &rt0_tls_g */
	TP	\r
	larl	\tmp, tls_g_tpoff
	ag	\r, 0(\tmp)
	.endm
#else
	.macro GSLOT r, tmp		/* r = &m0.tls[0] */
	TP	\r
	.endm
#endif

	.macro GET_G r, tmp
	GSLOT	\r, \tmp
	lg	\r, 0(\r)
	.endm

	.macro SET_G r, tmp, tmp2
	GSLOT	\tmp, \tmp2
	stg	\r, 0(\tmp)
	.endm

	.macro SAVE_REGS base, off=0
	stmg	%r6, %r13, \off+GOBUF_REGS(\base)
	std	%f8, \off+GOBUF_REGS+64(\base)
	std	%f9, \off+GOBUF_REGS+72(\base)
	std	%f10, \off+GOBUF_REGS+80(\base)
	std	%f11, \off+GOBUF_REGS+88(\base)
	std	%f12, \off+GOBUF_REGS+96(\base)
	std	%f13, \off+GOBUF_REGS+104(\base)
	std	%f14, \off+GOBUF_REGS+112(\base)
	std	%f15, \off+GOBUF_REGS+120(\base)
	.endm

	.macro LOAD_REGS base, off=0
	lmg	%r6, %r13, \off+GOBUF_REGS(\base)
	ld	%f8, \off+GOBUF_REGS+64(\base)
	ld	%f9, \off+GOBUF_REGS+72(\base)
	ld	%f10, \off+GOBUF_REGS+80(\base)
	ld	%f11, \off+GOBUF_REGS+88(\base)
	ld	%f12, \off+GOBUF_REGS+96(\base)
	ld	%f13, \off+GOBUF_REGS+104(\base)
	ld	%f14, \off+GOBUF_REGS+112(\base)
	ld	%f15, \off+GOBUF_REGS+120(\base)
	.endm

	/* The floating-point control state: FPC, per goroutine as C11 7.6
	 * keeps it per thread (arch.h). */
	.macro SAVE_FPCTL base, off=0
	stfpc	\off+GOBUF_FPCTL(\base)
	.endm

	.macro LOAD_FPCTL base, off=0
	lfpc	\off+GOBUF_FPCTL(\base)
	.endm

	.text

/* runtime_rt0_go(argc, argv, entrysp): build g0 out of the OS stack, set up g,
 * then check -> args -> osinit -> schedinit -> newproc(runtime.main) ->
 * mstart. Nothing returns here. Its caller (the entry, or main) has given
 * it a register save area. */
	.globl	runtime_rt0_go
	.type	runtime_rt0_go, @function
	.balign	8
runtime_rt0_go:
	.cfi_startproc
	stmg	%r6, %r15, 48(%r15)	/* the caller's, for unwinders (no */
	.cfi_offset 6, -112		/* caller is returned to, but a walk */
	.cfi_offset 7, -104		/* goes on past) */
	.cfi_offset 8, -96
	.cfi_offset 9, -88
	.cfi_offset 10, -80
	.cfi_offset 11, -72
	.cfi_offset 12, -64
	.cfi_offset 13, -56
	.cfi_offset 14, -48
	.cfi_offset 15, -40
	lgr	%r7, %r2		/* argc, argv, entry SP survive the calls */
	lgr	%r8, %r3
	lgr	%r9, %r4
	aghi	%r15, -160		/* the save area of our callees; the ABI */
	.cfi_adjust_cfa_offset 160	/* keeps r15 8-aligned: no AND here */

	/* g0's stack is [SP - 64 KiB, SP): the top of the OS stack. */
	larl	%r1, g0
	stg	%r15, G_STACK_HI(%r1)
	lgr	%r2, %r15
	agfi	%r2, -G0_STACK_SIZE_
	stg	%r2, G_STACK_LO(%r1)
	aghi	%r2, STACK_GUARD_
	stg	%r2, G_STACKGUARD0(%r1)
	stg	%r2, G_STACKGUARD1(%r1)

	/* m0.g0 = &g0; g0.m = &m0 */
	larl	%r3, m0
	stg	%r1, M_G0(%r3)
	stg	%r3, G_M(%r1)

	lghi	%r5, 0x123		/* TLS self-test marker */
#ifndef RT0_LINK_EXTERNAL
	/* tp = &m0.tls[0]: the g slot is 0(tp). Access registers are user
	 * state: no system call, unlike amd64's arch_prctl. */
	la	%r4, M_TLS(%r3)
	sar	%a1, %r4
	srlg	%r4, %r4, 32
	sar	%a0, %r4
	/* Self-test: a write through tp must land in m0.tls[0]. */
	SET_G	%r5, %r4, %r1
	lg	%r4, M_TLS(%r3)
	cgr	%r4, %r5
	jne	bad_tls
#else
	/* Self-test: the slot reached with the local-exec offset must be the
	 * one reached with the initial-exec offset the linker put in the GOT. */
	SET_G	%r5, %r4, %r2
	larl	%r4, rt0_tls_g@indntpoff
	lg	%r4, 0(%r4)
	TP	%r6
	lg	%r4, 0(%r4, %r6)
	cgr	%r4, %r5
	jne	bad_tls
#endif
	larl	%r1, g0
	SET_G	%r1, %r4, %r2

	lgr	%r2, %r9		/* entry SP */
	brasl	%r14, rt0_go_started
	brasl	%r14, check
	lgfr	%r2, %r7		/* args takes an int32: sign-extended */
	lgr	%r3, %r8
	brasl	%r14, args
	brasl	%r14, osinit
	brasl	%r14, schedinit
	larl	%r2, runtime_main
	lghi	%r3, 0
	brasl	%r14, newproc
	brasl	%r14, mstart
	.word	0			/* mstart never returns */

bad_tls:				/* g is unusable: report without it */
	larl	%r2, bad_tls_msg
	brasl	%r14, fatal_nog
	.word	0
	.cfi_endproc
	.size	runtime_rt0_go, . - runtime_rt0_go

/* mstart: the M's g0 loop. g0.sched records this frame, so every mcall
 * restarts g0 here, with the frames above still leading to runtime_rt0_go. */
	.globl	mstart
	.type	mstart, @function
	.balign	8
mstart:
	.cfi_startproc
	stmg	%r14, %r15, 112(%r15)	/* r14 into runtime_rt0_go */
	.cfi_offset 14, -48
	.cfi_offset 15, -40
	aghi	%r15, -160
	.cfi_adjust_cfa_offset 160
	GET_G	%r2, %r1
	la	%r2, G_SCHED(%r2)
	brasl	%r14, gosave		/* g0.sched: sp = this frame, pc = the next insn */
	brasl	%r14, mstart0
	.word	0
	.cfi_endproc
	.size	mstart, . - mstart

/* gosave(buf): save the caller's context in buf, as if gosave had returned:
 * a leaf, so r15 is the caller's and r14 is where the caller goes on. */
	.globl	gosave
	.type	gosave, @function
	.balign	8
gosave:
	.cfi_startproc
	stg	%r15, GOBUF_SP(%r2)
	stg	%r14, GOBUF_PC(%r2)
	GET_G	%r3, %r4
	stg	%r3, GOBUF_G(%r2)
	lghi	%r0, 0
	stg	%r0, GOBUF_CTXT(%r2)
	stg	%r0, GOBUF_LR(%r2)	/* r14 is volatile: nobody needs it back */
	SAVE_REGS %r2
	SAVE_FPCTL %r2
	br	%r14
	.cfi_endproc
	.size	gosave, . - gosave

/* gogo(buf): switch to buf's goroutine. A new one starts at fn with
 * r2 = arg and r14 = goexit+2 (gostartcall), so fn "returns" into goexit. */
	.globl	gogo
	.type	gogo, @function
	.balign	8
gogo:
	.cfi_startproc
	lg	%r3, GOBUF_G(%r2)
	SET_G	%r3, %r4, %r5
	lg	%r15, GOBUF_SP(%r2)
	LOAD_REGS %r2
	LOAD_FPCTL %r2
	lg	%r14, GOBUF_LR(%r2)
	lg	%r1, GOBUF_PC(%r2)
	lg	%r2, GOBUF_CTXT(%r2)
	br	%r1
	.cfi_endproc
	.size	gogo, . - gogo

/* mcall(fn): save the current goroutine's context in g->sched, switch to
 * g0's stack and call fn(g). fn never returns; the goroutine resumes, by
 * gogo(&g->sched), as if mcall had returned. */
	.globl	mcall
	.type	mcall, @function
	.balign	8
mcall:
	.cfi_startproc
	GET_G	%r3, %r4
	stg	%r15, G_SCHED+GOBUF_SP(%r3)
	stg	%r14, G_SCHED+GOBUF_PC(%r3)
	stg	%r3, G_SCHED+GOBUF_G(%r3)
	lghi	%r0, 0
	stg	%r0, G_SCHED+GOBUF_CTXT(%r3)
	stg	%r0, G_SCHED+GOBUF_LR(%r3)
	SAVE_REGS %r3, G_SCHED
	SAVE_FPCTL %r3, G_SCHED
	lg	%r4, G_M(%r3)
	lg	%r4, M_G0(%r4)
	cgr	%r3, %r4
	je	bad_mcall
	.cfi_remember_state
	SET_G	%r4, %r5, %r1
	/* Onto g0, at the SP mstart had when it called gosave. As a callee of
	 * mstart would, store r14 = g0.sched.pc and r15 = that SP in mstart's
	 * save area (mstart0's, which used it, is gone), then take a save
	 * area of our own for fn: to an unwinder mcall was called from
	 * mstart, right after its gosave, so the walk goes fn -> mcall ->
	 * mstart -> runtime_rt0_go. g0's own callee-saved registers make the
	 * frames above consistent. */
	lg	%r5, G_SCHED+GOBUF_SP(%r4)
	lg	%r0, G_SCHED+GOBUF_PC(%r4)
	LOAD_REGS %r4, G_SCHED
	stg	%r0, 112(%r5)
	stg	%r5, 120(%r5)
	lay	%r15, -160(%r5)
	.cfi_def_cfa 15, 320
	.cfi_offset 14, -48
	.cfi_offset 15, -40
	lgr	%r1, %r2		/* fn */
	lgr	%r2, %r3		/* the old g */
	basr	%r14, %r1
	larl	%r2, bad_mcall_ret_msg
	brasl	%r14, fatal
	.word	0
bad_mcall:
	.cfi_restore_state		/* still on the goroutine's stack */
	larl	%r2, bad_mcall_msg
	brasl	%r14, fatal
	.word	0
	.cfi_endproc
	.size	mcall, . - mcall

/* goexit: every goroutine's entry function returns to goexit+2
 * (PCQuantum), the brasl inside it. It is the outermost frame of a
 * goroutine stack. */
	.globl	goexit
	.type	goexit, @function
	.balign	8
goexit:
	.cfi_startproc
	.cfi_undefined 14
	bcr	0, %r0			/* nopr: 2 bytes */
	brasl	%r14, goexit1
	bcr	0, %r0
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
	stg	%r6, 48(%r15)		/* r6 is callee-saved: the caller's slot */
	lgr	%r6, %r4		/* clone(stk, flags, ptid, ctid, tls) */
	lgr	%r1, %r2
	lgr	%r2, %r3
	lgr	%r3, %r1
	lghi	%r4, 0
	lghi	%r5, 0
	svc	__NR_clone
	ltgr	%r2, %r2
	jz	1f
	lg	%r6, 48(%r15)
	br	%r14
1:	.cfi_undefined r14		/* the child: the outermost frame */
	lg	%r2, 0(%r15)
	SET_G	%r2, %r3, %r4
	lg	%r1, 8(%r15)
	aghi	%r15, -160		/* a register save area, back chain 0 */
	xc	0(8, %r15), 0(%r15)
	basr	%r14, %r1
	.word	0
	.cfi_endproc
	.size	arch_clone, . - arch_clone
#endif

	.section .rodata
	.balign	2
bad_tls_msg:		.asciz "bad TLS: the g slot did not read back"
	.balign	2
bad_mcall_msg:		.asciz "runtime: mcall called on m->g0 stack"
	.balign	2
bad_mcall_ret_msg:	.asciz "runtime: mcall function returned"

	.section .note.GNU-stack, "", @progbits
