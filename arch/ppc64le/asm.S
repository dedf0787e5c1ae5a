/* arch/ppc64le/asm.S: runtime_rt0_go and the context switches (64-bit
 * ELF V2 ABI, little-endian).
 *
 * Registers: r1 = SP (16-aligned; 0(r1) is the back chain, the caller's
 * r1); r2 = TOC pointer (every global is reached through it: @toc@ha/@l);
 * r3-r10 = arguments, r3 = result; r0, r11, r12 = scratch (r12 = the
 * callee's address at a global entry point, from which the callee computes
 * its TOC); r13 = thread pointer; r14-r31, f14-f31, v20-v31 and CR2-CR4 =
 * callee-saved; LR = return address, which a callee stores at 16(r1) of its
 * caller's frame before it allocates its own (stdu: 32 bytes at least).
 * g is found through r13 (arch.h): 0(r13) in internal mode, the
 * thread-local rt0_tls_g under libc (local-exec TLS; initial exec in a
 * shared object). Calls to C are "bl f; nop": the linker may put a TOC
 * restore in the nop.
 *
 * Saved context (struct gobuf, offsets from asm_offsets.h):
 *   +0 sp   +8 pc   +16 g   +24 ctxt (r3 when a goroutine starts)
 *   +32 lr (LR when gogo starts a goroutine: goexit+4)
 *   +40 r14 ... +176 r31 (8 bytes each, in order)
 *   +184 f14 ... +320 f31 (8 bytes each, in order)
 *   +328 CR (the whole register; CR2-CR4 are restored)
 *   +336 v20 ... +512 v31 (16 bytes each, in order)
 *   +528 FPSCR, all 64 bits (fpctl; arch.h ARCH_FPCTL says why)
 */
#include "arch.h"
#include "asm_offsets.h"
#include <asm/unistd.h>

	.abiversion 2

#define LR 65 /* DWARF's number for the link register */

#define SYS_write      4
#define SYS_exit_group 234

#if ARCH_NSAVED != 61
#error "SAVE_REGS/LOAD_REGS keep r14-r31, f14-f31, CR, v20-v31: update them with arch.h"
#endif

#if defined(RT0_LIB_SHARED)
	/* Initial exec: in a shared object the offset is the loader's, in
	 * the GOT, reached through the TOC (r2: the object's own at every
	 * use, which all run inside it). */
	.macro GET_G rd, tmp
	addis	\tmp, %r2, rt0_tls_g@got@tprel@ha
	ld	\tmp, rt0_tls_g@got@tprel@l(\tmp)
	ldx	\rd, \tmp, rt0_tls_g@tls
	.endm
	.macro SET_G rs, tmp
	addis	\tmp, %r2, rt0_tls_g@got@tprel@ha
	ld	\tmp, rt0_tls_g@got@tprel@l(\tmp)
	stdx	\rs, \tmp, rt0_tls_g@tls
	.endm
#elif defined(RT0_LINK_EXTERNAL)
	/* Local exec: r13 + the link-time offset of rt0_tls_g. */
	.macro GET_G rd, tmp
	addis	\tmp, %r13, rt0_tls_g@tprel@ha
	ld	\rd, rt0_tls_g@tprel@l(\tmp)
	.endm
	.macro SET_G rs, tmp
	addis	\tmp, %r13, rt0_tls_g@tprel@ha
	std	\rs, rt0_tls_g@tprel@l(\tmp)
	.endm
#else
	.macro GET_G rd, tmp
	ld	\rd, 0(%r13)
	.endm
	.macro SET_G rs, tmp
	std	\rs, 0(%r13)
	.endm
#endif

	.macro ADDR r, sym		/* r = &sym, through the TOC */
	addis	\r, %r2, \sym@toc@ha
	addi	\r, \r, \sym@toc@l
	.endm

	/* The callee-saved state into base+off+GOBUF_REGS; tmp is clobbered. */
	.macro SAVE_REGS base, off, tmp
	std	%r14, \off+GOBUF_REGS+0(\base)
	std	%r15, \off+GOBUF_REGS+8(\base)
	std	%r16, \off+GOBUF_REGS+16(\base)
	std	%r17, \off+GOBUF_REGS+24(\base)
	std	%r18, \off+GOBUF_REGS+32(\base)
	std	%r19, \off+GOBUF_REGS+40(\base)
	std	%r20, \off+GOBUF_REGS+48(\base)
	std	%r21, \off+GOBUF_REGS+56(\base)
	std	%r22, \off+GOBUF_REGS+64(\base)
	std	%r23, \off+GOBUF_REGS+72(\base)
	std	%r24, \off+GOBUF_REGS+80(\base)
	std	%r25, \off+GOBUF_REGS+88(\base)
	std	%r26, \off+GOBUF_REGS+96(\base)
	std	%r27, \off+GOBUF_REGS+104(\base)
	std	%r28, \off+GOBUF_REGS+112(\base)
	std	%r29, \off+GOBUF_REGS+120(\base)
	std	%r30, \off+GOBUF_REGS+128(\base)
	std	%r31, \off+GOBUF_REGS+136(\base)
	stfd	%f14, \off+GOBUF_REGS+144(\base)
	stfd	%f15, \off+GOBUF_REGS+152(\base)
	stfd	%f16, \off+GOBUF_REGS+160(\base)
	stfd	%f17, \off+GOBUF_REGS+168(\base)
	stfd	%f18, \off+GOBUF_REGS+176(\base)
	stfd	%f19, \off+GOBUF_REGS+184(\base)
	stfd	%f20, \off+GOBUF_REGS+192(\base)
	stfd	%f21, \off+GOBUF_REGS+200(\base)
	stfd	%f22, \off+GOBUF_REGS+208(\base)
	stfd	%f23, \off+GOBUF_REGS+216(\base)
	stfd	%f24, \off+GOBUF_REGS+224(\base)
	stfd	%f25, \off+GOBUF_REGS+232(\base)
	stfd	%f26, \off+GOBUF_REGS+240(\base)
	stfd	%f27, \off+GOBUF_REGS+248(\base)
	stfd	%f28, \off+GOBUF_REGS+256(\base)
	stfd	%f29, \off+GOBUF_REGS+264(\base)
	stfd	%f30, \off+GOBUF_REGS+272(\base)
	stfd	%f31, \off+GOBUF_REGS+280(\base)
	mfcr	\tmp
	std	\tmp, \off+GOBUF_REGS+288(\base)
	/* stxvd2x takes no displacement, and no alignment either. */
	addi	\tmp, \base, \off+GOBUF_REGS+296
	stxvd2x	%vs52, 0, \tmp
	addi	\tmp, \tmp, 16
	stxvd2x	%vs53, 0, \tmp
	addi	\tmp, \tmp, 16
	stxvd2x	%vs54, 0, \tmp
	addi	\tmp, \tmp, 16
	stxvd2x	%vs55, 0, \tmp
	addi	\tmp, \tmp, 16
	stxvd2x	%vs56, 0, \tmp
	addi	\tmp, \tmp, 16
	stxvd2x	%vs57, 0, \tmp
	addi	\tmp, \tmp, 16
	stxvd2x	%vs58, 0, \tmp
	addi	\tmp, \tmp, 16
	stxvd2x	%vs59, 0, \tmp
	addi	\tmp, \tmp, 16
	stxvd2x	%vs60, 0, \tmp
	addi	\tmp, \tmp, 16
	stxvd2x	%vs61, 0, \tmp
	addi	\tmp, \tmp, 16
	stxvd2x	%vs62, 0, \tmp
	addi	\tmp, \tmp, 16
	stxvd2x	%vs63, 0, \tmp
	.endm

	.macro LOAD_REGS base, off, tmp
	ld	%r14, \off+GOBUF_REGS+0(\base)
	ld	%r15, \off+GOBUF_REGS+8(\base)
	ld	%r16, \off+GOBUF_REGS+16(\base)
	ld	%r17, \off+GOBUF_REGS+24(\base)
	ld	%r18, \off+GOBUF_REGS+32(\base)
	ld	%r19, \off+GOBUF_REGS+40(\base)
	ld	%r20, \off+GOBUF_REGS+48(\base)
	ld	%r21, \off+GOBUF_REGS+56(\base)
	ld	%r22, \off+GOBUF_REGS+64(\base)
	ld	%r23, \off+GOBUF_REGS+72(\base)
	ld	%r24, \off+GOBUF_REGS+80(\base)
	ld	%r25, \off+GOBUF_REGS+88(\base)
	ld	%r26, \off+GOBUF_REGS+96(\base)
	ld	%r27, \off+GOBUF_REGS+104(\base)
	ld	%r28, \off+GOBUF_REGS+112(\base)
	ld	%r29, \off+GOBUF_REGS+120(\base)
	ld	%r30, \off+GOBUF_REGS+128(\base)
	ld	%r31, \off+GOBUF_REGS+136(\base)
	lfd	%f14, \off+GOBUF_REGS+144(\base)
	lfd	%f15, \off+GOBUF_REGS+152(\base)
	lfd	%f16, \off+GOBUF_REGS+160(\base)
	lfd	%f17, \off+GOBUF_REGS+168(\base)
	lfd	%f18, \off+GOBUF_REGS+176(\base)
	lfd	%f19, \off+GOBUF_REGS+184(\base)
	lfd	%f20, \off+GOBUF_REGS+192(\base)
	lfd	%f21, \off+GOBUF_REGS+200(\base)
	lfd	%f22, \off+GOBUF_REGS+208(\base)
	lfd	%f23, \off+GOBUF_REGS+216(\base)
	lfd	%f24, \off+GOBUF_REGS+224(\base)
	lfd	%f25, \off+GOBUF_REGS+232(\base)
	lfd	%f26, \off+GOBUF_REGS+240(\base)
	lfd	%f27, \off+GOBUF_REGS+248(\base)
	lfd	%f28, \off+GOBUF_REGS+256(\base)
	lfd	%f29, \off+GOBUF_REGS+264(\base)
	lfd	%f30, \off+GOBUF_REGS+272(\base)
	lfd	%f31, \off+GOBUF_REGS+280(\base)
	ld	\tmp, \off+GOBUF_REGS+288(\base)
	mtcrf	0x38, \tmp		/* CR2, CR3, CR4: the callee-saved fields */
	addi	\tmp, \base, \off+GOBUF_REGS+296
	lxvd2x	%vs52, 0, \tmp
	addi	\tmp, \tmp, 16
	lxvd2x	%vs53, 0, \tmp
	addi	\tmp, \tmp, 16
	lxvd2x	%vs54, 0, \tmp
	addi	\tmp, \tmp, 16
	lxvd2x	%vs55, 0, \tmp
	addi	\tmp, \tmp, 16
	lxvd2x	%vs56, 0, \tmp
	addi	\tmp, \tmp, 16
	lxvd2x	%vs57, 0, \tmp
	addi	\tmp, \tmp, 16
	lxvd2x	%vs58, 0, \tmp
	addi	\tmp, \tmp, 16
	lxvd2x	%vs59, 0, \tmp
	addi	\tmp, \tmp, 16
	lxvd2x	%vs60, 0, \tmp
	addi	\tmp, \tmp, 16
	lxvd2x	%vs61, 0, \tmp
	addi	\tmp, \tmp, 16
	lxvd2x	%vs62, 0, \tmp
	addi	\tmp, \tmp, 16
	lxvd2x	%vs63, 0, \tmp
	.endm

	/* The floating-point control state: FPSCR's control bits are
	 * limited-access (ELFv2 2.2.1.2). Through f0, which is volatile;
	 * mtfsf with L = 1 writes all 64 bits back. */
	.macro SAVE_FPCTL base, off
	mffs	%f0
	stfd	%f0, \off+GOBUF_FPCTL(\base)
	.endm

	.macro LOAD_FPCTL base, off
	lfd	%f0, \off+GOBUF_FPCTL(\base)
	mtfsf	0xff, %f0, 1, 0
	.endm

	/* Ahead of the code: bad_toc_len is an immediate there. */
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
	mr	%r6, %r5		/* clone(flags, stk, ptid, tls, ctid) */
	li	%r5, 0
	li	%r7, 0
	li	%r0, __NR_clone
	sc
	bns+	1f
	neg	%r3, %r3		/* CR0.SO: r3 is a positive errno */
	blr
1:	cmpdi	%r3, 0
	beq	2f
	blr
2:	.cfi_undefined lr		/* the child: the outermost frame */
	ld	%r3, 0(%r1)
	SET_G	%r3, %r9
	ld	%r12, 8(%r1)		/* r12: the global entry finds its TOC */
	li	%r0, 0
	stdu	%r0, -32(%r1)		/* a minimal frame, back chain 0 */
	mtctr	%r12
	bctrl
	trap
	.cfi_endproc
	.size	arch_clone, . - arch_clone
#endif

	.section .rodata
bad_tls_msg:		.asciz "bad TLS: the g slot did not read back"
bad_mcall_msg:		.asciz "runtime: mcall called on m->g0 stack"
bad_mcall_ret_msg:	.asciz "runtime: mcall function returned"
bad_toc_msg:		.ascii "fatal error: bad TOC: r2 is not this program's .TOC.\n"
	.set	bad_toc_len, . - bad_toc_msg

	.text

/* runtime_rt0_go(argc, argv, entrysp): build g0 out of the OS stack, set up g,
 * then check -> args -> osinit -> schedinit -> newproc(runtime.main) ->
 * mstart. Nothing returns here. Its caller (the entry, or main) has set r2
 * to the TOC and given it a frame header to store LR in. */
	.globl	runtime_rt0_go
	.type	runtime_rt0_go, @function
	.balign	16
runtime_rt0_go:
	.cfi_startproc
	/* Self-test, before anything reaches data through r2: r2 must be this
	 * program's .TOC., which the entry (internal) or main's global entry
	 * (external) computed. Found here pc-relatively, independently,
	 * once the return address is out of LR (bcl overwrites it). */
	mflr	%r0
	.cfi_register LR, 0
	bcl	20, 31, 1f		/* LR = 1f; the form that leaves the */
1:	mflr	%r11			/* return predictor alone */
	addis	%r11, %r11, (.TOC.-1b)@ha
	addi	%r11, %r11, (.TOC.-1b)@l
	cmpd	%r11, %r2
	bne-	bad_toc
	std	%r0, 16(%r1)		/* LR into the caller's frame header */
	.cfi_offset LR, 16
	stdu	%r1, -48(%r1)		/* header + argc + argv; the ABI keeps */
	.cfi_def_cfa_offset 48		/* r1 16-aligned, so no AND here */
	std	%r3, 32(%r1)		/* argc, argv survive the calls */
	std	%r4, 40(%r1)

	/* g0's stack is [SP - 64 KiB, SP): the top of the OS stack. */
	ADDR	%r6, g0
	std	%r1, G_STACK_HI(%r6)
	addis	%r7, %r1, -(G0_STACK_SIZE_ >> 16)
	std	%r7, G_STACK_LO(%r6)
	addi	%r7, %r7, STACK_GUARD_
	std	%r7, G_STACKGUARD0(%r6)
	std	%r7, G_STACKGUARD1(%r6)

	/* m0.g0 = &g0; g0.m = &m0 */
	ADDR	%r8, m0
	std	%r6, M_G0(%r8)
	std	%r8, G_M(%r6)

	li	%r9, 0x123		/* TLS self-test marker */
#ifndef RT0_LINK_EXTERNAL
	/* r13 = &m0.tls[0]: the g slot is 0(r13). r13 is an ordinary
	 * register to the kernel: no system call, unlike amd64's arch_prctl. */
	addi	%r13, %r8, M_TLS
	/* Self-test: a write through r13 must land in m0.tls[0]. */
	SET_G	%r9, %r10
	ld	%r10, M_TLS(%r8)
	cmpd	%r9, %r10
	bne-	bad_tls
#else
	/* Self-test: the slot reached with the local-exec offset must be the
	 * one reached with the initial-exec sequence, computed separately by
	 * the linker (which, in an executable, rewrites it into local-exec
	 * form itself: the @tls marker tells it which ldx adds r13). */
	SET_G	%r9, %r10
	addis	%r10, %r2, rt0_tls_g@got@tprel@ha
	ld	%r10, rt0_tls_g@got@tprel@l(%r10)
	ldx	%r10, %r10, rt0_tls_g@tls
	cmpd	%r9, %r10
	bne-	bad_tls
#endif
	SET_G	%r6, %r10

	mr	%r3, %r5		/* entry SP */
	bl	rt0_go_started
	nop
	bl	check
	nop
	lwa	%r3, 32(%r1)		/* args takes an int32: sign-extended */
	ld	%r4, 40(%r1)
	bl	args
	nop
	bl	osinit
	nop
	bl	schedinit
	nop
	ADDR	%r3, runtime_main	/* its global entry: newproc's fn pointer */
	li	%r4, 0
	bl	newproc
	nop
	bl	mstart
	nop
	trap				/* mstart never returns */

bad_tls:				/* g is unusable: report without it */
	ADDR	%r3, bad_tls_msg
	bl	fatal_nog
	nop
	trap

bad_toc:
	/* Nothing that needs r2 may run: the message goes out with raw
	 * system calls, its address found pc-relatively. */
	bcl	20, 31, 2f
2:	mflr	%r4
	addis	%r4, %r4, (bad_toc_msg-2b)@ha
	addi	%r4, %r4, (bad_toc_msg-2b)@l
	li	%r5, bad_toc_len
	li	%r3, 2
	li	%r0, SYS_write
	sc
	li	%r3, 2
	li	%r0, SYS_exit_group
	sc
	trap
	.cfi_endproc
	.size	runtime_rt0_go, . - runtime_rt0_go

/* mstart: the M's g0 loop. g0.sched records this frame, so every mcall
 * restarts g0 here, with the frames above still leading to runtime_rt0_go. */
	.globl	mstart
	.type	mstart, @function
	.balign	16
mstart:
	.cfi_startproc
	mflr	%r0
	std	%r0, 16(%r1)		/* into runtime_rt0_go */
	.cfi_offset LR, 16
	stdu	%r1, -32(%r1)
	.cfi_def_cfa_offset 32
	GET_G	%r3, %r4
	addi	%r3, %r3, G_SCHED
	bl	gosave			/* g0.sched: sp = this frame, pc = the next insn */
	nop
	bl	mstart0
	nop
	trap
	.cfi_endproc
	.size	mstart, . - mstart

/* gosave(buf): save the caller's context in buf, as if gosave had returned:
 * a leaf, so r1 is the caller's and LR is where the caller goes on. */
	.globl	gosave
	.type	gosave, @function
	.balign	16
gosave:
	.cfi_startproc
	std	%r1, GOBUF_SP(%r3)
	mflr	%r0
	std	%r0, GOBUF_PC(%r3)
	GET_G	%r4, %r5
	std	%r4, GOBUF_G(%r3)
	li	%r0, 0
	std	%r0, GOBUF_CTXT(%r3)
	std	%r0, GOBUF_LR(%r3)	/* LR is volatile: nobody needs it back */
	SAVE_REGS %r3, 0, %r4
	SAVE_FPCTL %r3, 0
	blr
	.cfi_endproc
	.size	gosave, . - gosave

/* gogo(buf): switch to buf's goroutine. A new one starts at fn's global
 * entry with r12 = fn (from which it computes its TOC), r3 = arg and
 * LR = goexit+4 (gostartcall), so fn "returns" into goexit. */
	.globl	gogo
	.type	gogo, @function
	.balign	16
gogo:
	.cfi_startproc
	ld	%r4, GOBUF_G(%r3)
	SET_G	%r4, %r5
	ld	%r1, GOBUF_SP(%r3)
	LOAD_REGS %r3, 0, %r4
	LOAD_FPCTL %r3, 0
	ld	%r0, GOBUF_LR(%r3)
	mtlr	%r0
	ld	%r12, GOBUF_PC(%r3)
	mtctr	%r12
	ld	%r3, GOBUF_CTXT(%r3)
	bctr
	.cfi_endproc
	.size	gogo, . - gogo

/* mcall(fn): save the current goroutine's context in g->sched, switch to
 * g0's stack and call fn(g). fn never returns; the goroutine resumes, by
 * gogo(&g->sched), as if mcall had returned. */
	.globl	mcall
	.type	mcall, @function
	.balign	16
mcall:
	.cfi_startproc
	GET_G	%r4, %r5
	std	%r1, G_SCHED+GOBUF_SP(%r4)
	mflr	%r0
	std	%r0, G_SCHED+GOBUF_PC(%r4)
	std	%r4, G_SCHED+GOBUF_G(%r4)
	li	%r0, 0
	std	%r0, G_SCHED+GOBUF_CTXT(%r4)
	std	%r0, G_SCHED+GOBUF_LR(%r4)
	SAVE_REGS %r4, G_SCHED, %r5
	SAVE_FPCTL %r4, G_SCHED
	ld	%r5, G_M(%r4)
	ld	%r5, M_G0(%r5)
	cmpd	%r4, %r5
	beq-	bad_mcall
	.cfi_remember_state
	SET_G	%r5, %r6
	/* Onto g0, at the SP mstart had when it called gosave. As a callee of
	 * mstart would, store the return address, g0.sched.pc, at 16 of that
	 * frame (mstart0's, which used the slot, is gone), then allocate a
	 * frame header whose back chain is mstart's SP: to an unwinder mcall
	 * was called from mstart, right after its gosave, so the walk goes
	 * fn -> mcall -> mstart -> runtime_rt0_go. g0's own callee-saved
	 * registers make the frames above consistent. */
	ld	%r6, G_SCHED+GOBUF_SP(%r5)
	ld	%r0, G_SCHED+GOBUF_PC(%r5)
	std	%r0, 16(%r6)
	LOAD_REGS %r5, G_SCHED, %r7
	stdu	%r6, -32(%r6)		/* back chain written before r1 moves */
	mr	%r1, %r6
	.cfi_def_cfa %r1, 32
	.cfi_offset LR, 16
	mr	%r12, %r3		/* fn's global entry computes its TOC */
	mtctr	%r12
	mr	%r3, %r4		/* the old g */
	bctrl
	ADDR	%r3, bad_mcall_ret_msg
	bl	fatal
	nop
	trap
bad_mcall:
	.cfi_restore_state		/* still on the goroutine's stack */
	mflr	%r0
	std	%r0, 16(%r1)
	stdu	%r1, -32(%r1)
	ADDR	%r3, bad_mcall_msg
	bl	fatal
	nop
	trap
	.cfi_endproc
	.size	mcall, . - mcall

/* goexit: every goroutine's entry function returns to goexit+4
 * (PCQuantum), the bl inside it. It is the outermost frame of a goroutine
 * stack (newproc made its back chain 0). */
	.globl	goexit
	.type	goexit, @function
	.balign	16
goexit:
	.cfi_startproc
	.cfi_undefined LR
	nop
	bl	goexit1
	nop
	.cfi_endproc
	.size	goexit, . - goexit

	.section .note.GNU-stack, "", @progbits
