/* arch/amd64/asm.S: runtime_rt0_go and the context switches (x86-64 System V).
 *
 * Registers: rdi, rsi, rdx = first arguments; rsp = SP; the C ABI's
 * callee-saved set is rbx, rbp, r12-r15. g is found through FS: -8(%fs) in
 * internal mode (FS = &m0.tls[1], set by arch_prctl), the thread-local
 * rt0_tls_g under libc (local-exec TLS when the runtime is part of the
 * executable; initial exec in a shared object, library mode's c-shared).
 *
 * Saved context (struct gobuf, offsets from asm_offsets.h):
 *   +0 sp   +8 pc   +16 g   +24 ctxt (rdi when a goroutine starts)
 *   +32 lr (unused here)   +40 rbx  +48 rbp  +56 r12  +64 r13  +72 r14  +80 r15
 *   +88 MXCSR   +92 x87 control word (fpctl; arch.h ARCH_FPCTL says why)
 */
#include "arch.h"
#include "asm_offsets.h"
#include <asm/unistd.h>

#if defined(RT0_LIB_SHARED)
/* Initial exec: a shared object learns its TLS offset from the GOT when it
 * is loaded. r11, the ABI's scratch register, is free at every SET_G. */
#define GET_G(r)                                                               \
	movq rt0_tls_g@gottpoff(%rip), r;                                      \
	movq %fs:(r), r
#define SET_G(r)                                                               \
	movq rt0_tls_g@gottpoff(%rip), %r11;                                   \
	movq r, %fs:(%r11)
#elif defined(RT0_LINK_EXTERNAL)
#define GET_G(r) movq %fs:rt0_tls_g@tpoff, r
#define SET_G(r) movq r, %fs:rt0_tls_g@tpoff
#else
#define GET_G(r) movq %fs:-8, r
#define SET_G(r) movq r, %fs:-8
#endif

#define ARCH_SET_FS 0x1002
#define SYS_arch_prctl 158

	.macro SAVE_REGS base, off=0
	movq	%rbx, \off+GOBUF_REGS+0(\base)
	movq	%rbp, \off+GOBUF_REGS+8(\base)
	movq	%r12, \off+GOBUF_REGS+16(\base)
	movq	%r13, \off+GOBUF_REGS+24(\base)
	movq	%r14, \off+GOBUF_REGS+32(\base)
	movq	%r15, \off+GOBUF_REGS+40(\base)
	.endm

	.macro LOAD_REGS base, off=0
	movq	\off+GOBUF_REGS+0(\base), %rbx
	movq	\off+GOBUF_REGS+8(\base), %rbp
	movq	\off+GOBUF_REGS+16(\base), %r12
	movq	\off+GOBUF_REGS+24(\base), %r13
	movq	\off+GOBUF_REGS+32(\base), %r14
	movq	\off+GOBUF_REGS+40(\base), %r15
	.endm

	/* The floating-point control state: MXCSR's control bits and the x87
	 * control word are callee-saved (SysV ABI 3.2.1). */
	.macro SAVE_FPCTL base, off=0
	stmxcsr	\off+GOBUF_FPCTL(\base)
	fnstcw	\off+GOBUF_FPCTL+4(\base)
	.endm

	.macro LOAD_FPCTL base, off=0
	ldmxcsr	\off+GOBUF_FPCTL(\base)
	fldcw	\off+GOBUF_FPCTL+4(\base)
	.endm

	.text

/* runtime_rt0_go(argc, argv, entrysp): build g0 out of the OS stack, set up g,
 * then check -> args -> osinit -> schedinit -> newproc(runtime.main) ->
 * mstart. Nothing returns here. */
	.globl	runtime_rt0_go
	.type	runtime_rt0_go, @function
runtime_rt0_go:
	.cfi_startproc
	pushq	%rbp			/* CFA stays findable across the AND below */
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset rbp, 0
	movq	%rsp, %rbp
	.cfi_def_cfa_register rbp
	movq	%rdi, %r12		/* argc, argv, entry SP survive the calls */
	movq	%rsi, %r13
	movq	%rdx, %r14
	andq	$~15, %rsp

	/* g0's stack is [SP - 64 KiB, SP): the top of the OS stack. */
	leaq	g0(%rip), %rdi
	movq	%rsp, G_STACK_HI(%rdi)
	leaq	-G0_STACK_SIZE_(%rsp), %rax
	movq	%rax, G_STACK_LO(%rdi)
	addq	$STACK_GUARD_, %rax
	movq	%rax, G_STACKGUARD0(%rdi)
	movq	%rax, G_STACKGUARD1(%rdi)

	/* m0.g0 = &g0; g0.m = &m0 */
	leaq	m0(%rip), %rbx
	movq	%rdi, M_G0(%rbx)
	movq	%rbx, G_M(%rdi)

#ifndef RT0_LINK_EXTERNAL
	/* FS = &m0.tls[1]: ELF TLS puts the thread's data below FS, so the
	 * g slot, -8(%fs), is m0.tls[0]. */
	movq	$SYS_arch_prctl, %rax
	movq	$ARCH_SET_FS, %rdi
	leaq	M_TLS+8(%rbx), %rsi
	syscall
	cmpq	$-4095, %rax
	jae	bad_tls
	/* Self-test: a write through FS must land in m0.tls[0]. */
	movq	$0x123, %rax
	SET_G(%rax)
	cmpq	M_TLS(%rbx), %rax
	jne	bad_tls
#else
	/* Self-test: the slot reached through %fs:tpoff must be the one
	 * reached through the thread pointer stored at %fs:0. */
	movq	$0x123, %rax
	SET_G(%rax)
	movq	%fs:0, %rcx
#ifdef RT0_LIB_SHARED
	addq	rt0_tls_g@gottpoff(%rip), %rcx
	cmpq	(%rcx), %rax
#else
	cmpq	rt0_tls_g@tpoff(%rcx), %rax
#endif
	jne	bad_tls
#endif
	leaq	g0(%rip), %rdi
	SET_G(%rdi)

	cld				/* the ABI wants DF clear; the kernel does not promise it */

	movq	%r14, %rdi
	call	rt0_go_started
	call	check
	movl	%r12d, %edi
	movq	%r13, %rsi
	call	args
	call	osinit
	call	schedinit
	leaq	runtime_main(%rip), %rdi
	xorl	%esi, %esi
	call	newproc
	call	mstart
	ud2				/* mstart never returns */

bad_tls:				/* g is unusable: report without it */
	leaq	bad_tls_msg(%rip), %rdi
	call	fatal_nog
	ud2
	.cfi_endproc
	.size	runtime_rt0_go, . - runtime_rt0_go

/* mstart: the M's g0 loop. g0.sched records this frame, so every mcall
 * restarts g0 here, with the frames above still leading to runtime_rt0_go. */
	.globl	mstart
	.type	mstart, @function
mstart:
	.cfi_startproc
	subq	$8, %rsp
	.cfi_adjust_cfa_offset 8
	GET_G(%rdi)
	leaq	G_SCHED(%rdi), %rdi
	call	gosave
	call	mstart0
	ud2
	.cfi_endproc
	.size	mstart, . - mstart

/* gosave(buf): save the caller's context in buf, as if gosave had returned. */
	.globl	gosave
	.type	gosave, @function
gosave:
	.cfi_startproc
	movq	(%rsp), %rax
	movq	%rax, GOBUF_PC(%rdi)
	leaq	8(%rsp), %rax
	movq	%rax, GOBUF_SP(%rdi)
	GET_G(%rax)
	movq	%rax, GOBUF_G(%rdi)
	movq	$0, GOBUF_CTXT(%rdi)
	SAVE_REGS %rdi
	SAVE_FPCTL %rdi
	ret
	.cfi_endproc
	.size	gosave, . - gosave

/* gogo(buf): switch to buf's goroutine; rdi = buf->ctxt for a new one. */
	.globl	gogo
	.type	gogo, @function
gogo:
	.cfi_startproc
	movq	GOBUF_G(%rdi), %rax
	SET_G(%rax)
	movq	GOBUF_SP(%rdi), %rsp
	LOAD_REGS %rdi
	LOAD_FPCTL %rdi
	movq	GOBUF_PC(%rdi), %rax
	movq	GOBUF_CTXT(%rdi), %rdi
	jmp	*%rax
	.cfi_endproc
	.size	gogo, . - gogo

/* mcall(fn): save the current goroutine's context in g->sched, switch to
 * g0's stack and call fn(g). fn never returns; the goroutine resumes, by
 * gogo(&g->sched), as if mcall had returned. */
	.globl	mcall
	.type	mcall, @function
mcall:
	.cfi_startproc
	GET_G(%rax)
	movq	(%rsp), %rcx
	movq	%rcx, G_SCHED+GOBUF_PC(%rax)
	leaq	8(%rsp), %rcx
	movq	%rcx, G_SCHED+GOBUF_SP(%rax)
	movq	%rax, G_SCHED+GOBUF_G(%rax)
	movq	$0, G_SCHED+GOBUF_CTXT(%rax)
	SAVE_REGS %rax, G_SCHED
	SAVE_FPCTL %rax, G_SCHED
	movq	G_M(%rax), %rcx
	movq	M_G0(%rcx), %rdx
	cmpq	%rax, %rdx
	je	bad_mcall
	SET_G(%rdx)
	movq	G_SCHED+GOBUF_SP(%rdx), %rsp
	/* Now on g0, at the SP mstart saved. Push mstart's saved pc as this
	 * frame's return address, so an unwinder walks fn -> mcall -> mstart
	 * -> runtime_rt0_go, as on the link-register arches; g0's own
	 * callee-saved registers make the frames above consistent. */
	pushq	G_SCHED+GOBUF_PC(%rdx)
	subq	$8, %rsp		/* 16-byte alignment at the call */
	.cfi_def_cfa rsp, 16
	LOAD_REGS %rdx, G_SCHED
	movq	%rdi, %rcx
	movq	%rax, %rdi
	call	*%rcx
	leaq	bad_mcall_ret_msg(%rip), %rdi
	call	fatal
	ud2
bad_mcall:
	leaq	bad_mcall_msg(%rip), %rdi
	call	fatal
	ud2
	.cfi_endproc
	.size	mcall, . - mcall

/* goexit: every goroutine's entry function returns to goexit+1
 * (PCQuantum), which lies inside it. It is the outermost frame of a
 * goroutine stack. */
	.globl	goexit
	.type	goexit, @function
goexit:
	.cfi_startproc
	.cfi_undefined rip
	nop
	call	goexit1
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
	.type	arch_clone, @function
arch_clone:
	.cfi_startproc
	movq	%rdx, %r8		/* clone(flags, stk, ptid, ctid, tls) */
	xorl	%edx, %edx
	xorl	%r10d, %r10d
	movl	$__NR_clone, %eax
	syscall
	testq	%rax, %rax
	jz	1f
	ret
1:	.cfi_undefined rip		/* the child: the outermost frame */
	xorl	%ebp, %ebp
	movq	0(%rsp), %rax
	SET_G(%rax)
	call	*8(%rsp)		/* rsp = stk, 16-aligned at the call */
	ud2
	.cfi_endproc
	.size	arch_clone, . - arch_clone
#endif

	.section .rodata
bad_tls_msg:		.asciz "bad TLS: the g slot did not read back"
bad_mcall_msg:		.asciz "runtime: mcall called on m->g0 stack"
bad_mcall_ret_msg:	.asciz "runtime: mcall function returned"

	.section .note.GNU-stack, "", @progbits
