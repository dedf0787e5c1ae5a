/* arch/arm/asm.S: runtime_rt0_go and the context switches (ARMv7-A, ARM
 * state, AAPCS hard-float).
 *
 * Registers: r0-r3 = arguments and results (scratch); r4-r11 callee-saved
 * (r11 = fp); r12 = ip (scratch); r13 = sp, 8-aligned at every public call;
 * r14 = lr (return address); d8-d15 callee-saved; r7 = system call number.
 * g is found through TPIDRURO (arch.h): [tp] in internal mode, the
 * thread-local rt0_tls_g under libc (local-exec TLS in an executable,
 * initial exec in a shared object). Data is reached pc-relatively (external
 * mode is PIE), ADDR below.
 *
 * Unwind tables, both kinds, as gcc emits them for C here: DWARF CFI in
 * .debug_frame (.cfi_*) and ARM EHABI index entries (.fnstart ... .fnend,
 * with .save/.setfp describing the frame, .cantunwind for the outermost
 * frames). libunwind reads either.
 *
 * Saved context (struct gobuf, offsets from asm_offsets.h):
 *   +0 sp   +4 pc   +8 g   +12 ctxt (r0 when a goroutine starts)
 *   +16 lr (lr when gogo starts a goroutine: goexit+4)
 *   +20 r4  +24 r5  +28 r6  +32 r7  +36 r8  +40 r9  +44 r10  +48 r11
 *   +52 d8  +60 d9  +68 d10  +76 d11  +84 d12  +92 d13  +100 d14  +108 d15
 *   +116 FPSCR (fpctl; arch.h ARCH_FPCTL says why)
 */
#include "arch.h"
#include "asm_offsets.h"
#include <asm/unistd.h>

	.syntax	unified
	.arm
	.cfi_sections .debug_frame

#define ARM_NR_set_tls 0x0f0005 /* __ARM_NR_BASE + 5 */

#if ARCH_NSAVED != 24
#error "SAVE_REGS/LOAD_REGS keep r4-r11, d8-d15: update them with arch.h"
#endif

	/* r = &sym, pc-relative (in ARM state pc reads as . + 8). */
	.macro ADDR r, sym
	movw	\r, #:lower16:(\sym - (1f + 8))
	movt	\r, #:upper16:(\sym - (1f + 8))
1:	add	\r, pc, \r
	.endm

#if defined(RT0_LIB_SHARED)
	/* Initial exec: in a shared object the offset is the loader's, read
	 * from the GOT entry the literal leads to pc-relatively. */
	.macro GSLOT r, tmp		@ r = &rt0_tls_g
	ldr	\tmp, 1f
2:	ldr	\tmp, [pc, \tmp]
	mrc	p15, 0, \r, c13, c0, 3
	add	\r, \r, \tmp
	b	3f
1:	.word	rt0_tls_g(gottpoff) + (. - 2b - 8)
3:
	.endm
#elif defined(RT0_LINK_EXTERNAL)
	.macro GSLOT r, tmp		@ r = &rt0_tls_g
	mrc	p15, 0, \r, c13, c0, 3
	ldr	\tmp, 1f
	add	\r, \r, \tmp
	b	2f
1:	.word	rt0_tls_g(tpoff)
2:
	.endm
#else
	.macro GSLOT r, tmp		@ r = &m0.tls[0]
	mrc	p15, 0, \r, c13, c0, 3
	.endm
#endif

	.macro GET_G r, tmp
	GSLOT	\r, \tmp
	ldr	\r, [\r]
	.endm

	.macro SET_G r, tmp, tmp2
	GSLOT	\tmp, \tmp2
	str	\r, [\tmp]
	.endm

	/* tmp is left pointing past the saved registers. */
	.macro SAVE_REGS base, off, tmp
	add	\tmp, \base, #\off+GOBUF_REGS
	stmia	\tmp!, {r4-r11}
	vstmia	\tmp, {d8-d15}
	.endm

	.macro LOAD_REGS base, off, tmp
	add	\tmp, \base, #\off+GOBUF_REGS
	ldmia	\tmp!, {r4-r11}
	vldmia	\tmp, {d8-d15}
	.endm

	/* The floating-point control state: FPSCR's control bits are the
	 * caller's (AAPCS, "VFP system registers"). */
	.macro SAVE_FPCTL base, off, tmp
	vmrs	\tmp, fpscr
	str	\tmp, [\base, #\off+GOBUF_FPCTL]
	.endm

	.macro LOAD_FPCTL base, off, tmp
	ldr	\tmp, [\base, #\off+GOBUF_FPCTL]
	vmsr	fpscr, \tmp
	.endm

	.text

/* runtime_rt0_go(argc, argv, entrysp): build g0 out of the OS stack, set up g,
 * then check -> args -> osinit -> schedinit -> newproc(runtime.main) ->
 * mstart. Nothing returns here. */
	.globl	runtime_rt0_go
	.type	runtime_rt0_go, %function
	.balign	4
runtime_rt0_go:
	.fnstart
	.cfi_startproc
	push	{r4, r5, r6, r7, fp, lr}
	.save	{r4, r5, r6, r7, fp, lr}
	.cfi_def_cfa_offset 24
	.cfi_offset r4, -24
	.cfi_offset r5, -20
	.cfi_offset r6, -16
	.cfi_offset r7, -12
	.cfi_offset fp, -8
	.cfi_offset lr, -4
	.setfp	fp, sp, #16		@ CFA stays findable across the BIC below
	add	fp, sp, #16
	.cfi_def_cfa fp, 8
	mov	r4, r0			@ argc, argv, entry SP survive the calls
	mov	r5, r1
	mov	r6, r2
	mov	r3, sp
	bic	r3, r3, #7
	mov	sp, r3

	/* g0's stack is [SP - 64 KiB, SP): the top of the OS stack. */
	ADDR	r0, g0
	str	r3, [r0, #G_STACK_HI]
	sub	r1, r3, #G0_STACK_SIZE_
	str	r1, [r0, #G_STACK_LO]
	add	r1, r1, #STACK_GUARD_
	str	r1, [r0, #G_STACKGUARD0]
	str	r1, [r0, #G_STACKGUARD1]

	/* m0.g0 = &g0; g0.m = &m0 */
	ADDR	r1, m0
	str	r0, [r1, #M_G0]
	str	r1, [r0, #G_M]

	movw	r2, #0x123		@ TLS self-test marker
#ifndef RT0_LINK_EXTERNAL
	/* TPIDRURO = &m0.tls[0]: the g slot. Only the kernel writes it. */
	add	r0, r1, #M_TLS
	movw	r7, #:lower16:ARM_NR_set_tls
	movt	r7, #:upper16:ARM_NR_set_tls
	svc	#0
	cmp	r0, #0
	bne	bad_tls
	/* Self-test: a write through TPIDRURO must land in m0.tls[0]. */
	SET_G	r2, r0, r3
	ADDR	r1, m0
	ldr	r3, [r1, #M_TLS]
	cmp	r3, r2
	bne	bad_tls
#else
	/* Self-test: the slot GET_G/SET_G reach (local-exec) must be the one
	 * reached through the initial-exec offset, which the linker puts in
	 * the GOT. */
	SET_G	r2, r0, r3
	ldr	r1, 1f
2:	ldr	r1, [pc, r1]		@ the GOT entry: rt0_tls_g's offset from tp
	mrc	p15, 0, r3, c13, c0, 3
	ldr	r3, [r3, r1]
	cmp	r3, r2
	bne	bad_tls
	b	3f
1:	.word	rt0_tls_g(gottpoff) + (. - 2b - 8)
3:
#endif
	ADDR	r0, g0
	SET_G	r0, r1, r3

	mov	r0, r6
	bl	rt0_go_started
	bl	check
	mov	r0, r4
	mov	r1, r5
	bl	args
	bl	osinit
	bl	schedinit
	ADDR	r0, runtime_main
	mov	r1, #0
	bl	newproc
	bl	mstart
	udf	#0			@ mstart never returns

bad_tls:				@ g is unusable: report without it
	ADDR	r0, bad_tls_msg
	bl	fatal_nog
	udf	#0
	.cfi_endproc
	.fnend
	.size	runtime_rt0_go, . - runtime_rt0_go

/* mstart: the M's g0 loop. g0.sched records this frame, so every mcall
 * restarts g0 here, with the frames above still leading to runtime_rt0_go. */
	.globl	mstart
	.type	mstart, %function
	.balign	4
mstart:
	.fnstart
	.cfi_startproc
	push	{fp, lr}		@ 8 bytes: SP stays 8-aligned
	.save	{fp, lr}
	.cfi_def_cfa_offset 8
	.cfi_offset fp, -8
	.cfi_offset lr, -4
	GET_G	r0, r1
	add	r0, r0, #G_SCHED
	bl	gosave			@ g0.sched: sp = this frame, pc = the next insn
	bl	mstart0
	udf	#0
	.cfi_endproc
	.fnend
	.size	mstart, . - mstart

/* gosave(buf): save the caller's context in buf, as if gosave had returned:
 * a leaf, so sp is the caller's and lr is where the caller goes on. */
	.globl	gosave
	.type	gosave, %function
	.balign	4
gosave:
	.fnstart
	.cfi_startproc
	mov	r1, sp
	str	r1, [r0, #GOBUF_SP]
	str	lr, [r0, #GOBUF_PC]
	GET_G	r1, r2
	str	r1, [r0, #GOBUF_G]
	mov	r1, #0
	str	r1, [r0, #GOBUF_CTXT]
	str	r1, [r0, #GOBUF_LR]	@ lr is caller-saved: nobody needs it back
	SAVE_REGS r0, 0, r1
	SAVE_FPCTL r0, 0, r1
	bx	lr
	.cfi_endproc
	.fnend
	.size	gosave, . - gosave

/* gogo(buf): switch to buf's goroutine. A new one starts at fn with
 * r0 = arg and lr = goexit+4 (gostartcall), so fn "returns" into goexit. */
	.globl	gogo
	.type	gogo, %function
	.balign	4
gogo:
	.fnstart
	.cfi_startproc
	ldr	r1, [r0, #GOBUF_G]
	SET_G	r1, r2, r3
	ldr	sp, [r0, #GOBUF_SP]
	LOAD_REGS r0, 0, r1
	LOAD_FPCTL r0, 0, r1
	ldr	lr, [r0, #GOBUF_LR]
	ldr	r1, [r0, #GOBUF_PC]
	ldr	r0, [r0, #GOBUF_CTXT]
	bx	r1
	.cfi_endproc
	.fnend
	.size	gogo, . - gogo

/* mcall(fn): save the current goroutine's context in g->sched, switch to
 * g0's stack and call fn(g). fn never returns; the goroutine resumes, by
 * gogo(&g->sched), as if mcall had returned. */
	.globl	mcall
	.type	mcall, %function
	.balign	4
mcall:
	.fnstart
	.cfi_startproc
	GET_G	r2, r3
	mov	r3, sp
	str	r3, [r2, #G_SCHED+GOBUF_SP]
	str	lr, [r2, #G_SCHED+GOBUF_PC]
	str	r2, [r2, #G_SCHED+GOBUF_G]
	mov	r3, #0
	str	r3, [r2, #G_SCHED+GOBUF_CTXT]
	str	r3, [r2, #G_SCHED+GOBUF_LR]
	SAVE_REGS r2, G_SCHED, r3
	SAVE_FPCTL r2, G_SCHED, r3
	ldr	r3, [r2, #G_M]
	ldr	r3, [r3, #M_G0]
	cmp	r2, r3
	beq	bad_mcall
	.cfi_remember_state
	SET_G	r3, r1, ip
	/* Onto g0, at the SP mstart had when it called gosave, and below it a
	 * frame {g0's fp, g0.sched.pc}, as mstart's push would leave it: to
	 * an unwinder mcall was called from mstart, right after its gosave,
	 * so the walk goes fn -> mcall -> mstart -> runtime_rt0_go. g0's own
	 * callee-saved registers (fp above all: runtime_rt0_go's CFA) make
	 * the frames above consistent. lr is free: g->sched holds it. */
	ldr	r1, [r3, #G_SCHED+GOBUF_SP]
	ldr	ip, [r3, #G_SCHED+GOBUF_PC]
	LOAD_REGS r3, G_SCHED, lr
	str	ip, [r1, #-4]
	str	fp, [r1, #-8]
	sub	sp, r1, #8
	.save	{fp, lr}		@ the EHABI view of that frame (g0's side only)
	.cfi_def_cfa sp, 8
	.cfi_offset fp, -8
	.cfi_offset lr, -4
	mov	r1, r0			@ fn
	mov	r0, r2			@ the old g
	blx	r1
	ADDR	r0, bad_mcall_ret_msg
	bl	fatal
	udf	#0
bad_mcall:
	.cfi_restore_state		@ still on the goroutine's stack
	ADDR	r0, bad_mcall_msg
	bl	fatal
	udf	#0
	.cfi_endproc
	.fnend
	.size	mcall, . - mcall

/* goexit: every goroutine's entry function returns to goexit+4
 * (PCQuantum), the BL inside it. It is the outermost frame of a goroutine
 * stack: the DWARF rule leaves lr undefined, the EHABI entry says
 * "cannot unwind". */
	.globl	goexit
	.type	goexit, %function
	.balign	4
goexit:
	.fnstart
	.cantunwind
	.cfi_startproc
	.cfi_undefined lr
	nop
	bl	goexit1
	nop
	.cfi_endproc
	.fnend
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
	.fnstart
	.cantunwind
	.cfi_startproc
	push	{r4, r7}
	.cfi_adjust_cfa_offset 8
	mov	r3, r2			@ clone(flags, stk, ptid, tls, ctid)
	mov	r2, #0
	mov	r4, #0
	mov	r7, #__NR_clone
	svc	#0
	cmp	r0, #0
	beq	1f
	pop	{r4, r7}
	.cfi_adjust_cfa_offset -8
	bx	lr
1:	.cfi_undefined lr		@ the child: the outermost frame
	mov	fp, #0
	mov	lr, #0
	ldr	r0, [sp]
	SET_G	r0, r1, r2
	ldr	r1, [sp, #4]
	blx	r1
	udf	#0
	.cfi_endproc
	.fnend
	.size	arch_clone, . - arch_clone
#endif

	.section .rodata
bad_tls_msg:		.asciz "bad TLS: the g slot did not read back"
bad_mcall_msg:		.asciz "runtime: mcall called on m->g0 stack"
bad_mcall_ret_msg:	.asciz "runtime: mcall function returned"

	.section .note.GNU-stack, "", %progbits
