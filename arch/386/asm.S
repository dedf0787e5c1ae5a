/* arch/386/asm.S: runtime_rt0_go, the context switches and the system call
 * (i386 System V psABI, Linux).
 *
 * Registers: arguments on the stack (cdecl: the first at 4(%esp) on entry,
 * the caller pops them), result in eax; eax, ecx, edx = scratch; ebx, esi,
 * edi, ebp = callee-saved; esp 16-aligned at every call. Position-
 * independent code (external mode is PIE) reaches data through the GOT
 * base, GOTBASE below. g is found through GS: -4(%gs) in internal mode
 * (GS's GDT entry has base &m0.tls[1], set up here with set_thread_area),
 * the thread-local rt0_tls_g under libc (local-exec TLS in an executable,
 * initial exec in a shared object).
 *
 * Saved context (struct gobuf, offsets from asm_offsets.h):
 *   +0 sp   +4 pc   +8 g   +12 ctxt (unused: a new goroutine's argument is
 *   on its stack, runtime/proc.c gostartcall)   +16 lr (unused here)
 *   +20 ebx  +24 esi  +28 edi  +32 ebp
 *   +36 the x87 control word (fpctl; arch.h ARCH_FPCTL says why)
 */
#include "arch.h"
#include "asm_offsets.h"
#include <asm/unistd.h>

#if defined(RT0_LIB_SHARED)
/* Initial exec: in a shared object the offset is the loader's, read from
 * the GOT (GOTBASE below); SET_G borrows ecx, so r must be another. */
#define GET_G(r)                                                               \
	GOTBASE r;                                                             \
	movl rt0_tls_g@gotntpoff(r), r;                                       \
	movl %gs:(r), r
#define SET_G(r)                                                               \
	pushl %ecx;                                                            \
	GOTBASE %ecx;                                                          \
	movl rt0_tls_g@gotntpoff(%ecx), %ecx;                                 \
	movl r, %gs:(%ecx);                                                    \
	popl %ecx
#elif defined(RT0_LINK_EXTERNAL)
#define GET_G(r) movl %gs:rt0_tls_g@ntpoff, r
#define SET_G(r) movl r, %gs:rt0_tls_g@ntpoff
#else
#define GET_G(r) movl %gs:-4, r
#define SET_G(r) movl r, %gs:-4
#endif

#define SYS_set_thread_area 243

#if ARCH_NSAVED != 4
#error "SAVE_REGS/LOAD_REGS keep ebx, esi, edi, ebp: update them with arch.h"
#endif

	.macro SAVE_REGS base, off=0
	movl	%ebx, \off+GOBUF_REGS+0(\base)
	movl	%esi, \off+GOBUF_REGS+4(\base)
	movl	%edi, \off+GOBUF_REGS+8(\base)
	movl	%ebp, \off+GOBUF_REGS+12(\base)
	.endm

	.macro LOAD_REGS base, off=0
	movl	\off+GOBUF_REGS+0(\base), %ebx
	movl	\off+GOBUF_REGS+4(\base), %esi
	movl	\off+GOBUF_REGS+8(\base), %edi
	movl	\off+GOBUF_REGS+12(\base), %ebp
	.endm

	/* The floating-point control state: the x87 control word is
	 * callee-saved (i386 psABI 2.2.1). fnstcw writes 16 bits: the rest of
	 * fpctl stays as newproc1 left it. */
	.macro SAVE_FPCTL base, off=0
	fnstcw	\off+GOBUF_FPCTL(\base)
	.endm

	.macro LOAD_FPCTL base, off=0
	fldcw	\off+GOBUF_FPCTL(\base)
	.endm

	/* r = the GOT's address, the base of @GOTOFF addressing: i386 has
	 * no pc-relative data access. The call pushes a word: only for
	 * frames whose CFA does not depend on esp. */
	.macro GOTBASE r
	call	1f
1:	popl	\r
	addl	$_GLOBAL_OFFSET_TABLE_+(.-1b), \r
	.endm

	.text

/* runtime_rt0_go(argc, argv, entrysp): build g0 out of the OS stack, set up g,
 * then check -> args -> osinit -> schedinit -> newproc(runtime.main) ->
 * mstart. Nothing returns here. */
	.globl	runtime_rt0_go
	.type	runtime_rt0_go, @function
runtime_rt0_go:
	.cfi_startproc
	pushl	%ebp			/* CFA stays findable across the AND below */
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset ebp, 0
	movl	%esp, %ebp
	.cfi_def_cfa_register ebp
	pushl	%ebx			/* the caller's, for unwinders (no caller */
	.cfi_offset ebx, -12		/* returns here, but a walk goes on past) */
	pushl	%esi
	.cfi_offset esi, -16
	pushl	%edi
	.cfi_offset edi, -20
	GOTBASE	%ebx			/* kept in ebx for the whole function */
	movl	8(%ebp), %esi		/* argc, argv survive the calls */
	movl	12(%ebp), %edi
	andl	$~15, %esp

	/* g0's stack is [SP - 64 KiB, SP): the top of the OS stack. */
	leal	g0@GOTOFF(%ebx), %ecx
	movl	%esp, G_STACK_HI(%ecx)
	leal	-G0_STACK_SIZE_(%esp), %eax
	movl	%eax, G_STACK_LO(%ecx)
	addl	$STACK_GUARD_, %eax
	movl	%eax, G_STACKGUARD0(%ecx)
	movl	%eax, G_STACKGUARD1(%ecx)

	/* m0.g0 = &g0; g0.m = &m0 */
	leal	m0@GOTOFF(%ebx), %edx
	movl	%ecx, M_G0(%edx)
	movl	%edx, G_M(%ecx)

#ifndef RT0_LINK_EXTERNAL
	/* A GDT entry with base &m0.tls[1], loaded into GS: -4(%gs) is then
	 * m0.tls[0], the g slot, and 0(%gs) = m0.tls[1] holds the base itself,
	 * the self pointer an ELF thread control block begins with. The
	 * struct user_desc goes on the stack (linux/asm/ldt.h):
	 *   +0 entry_number (-1: the kernel picks a free entry)
	 *   +4 base_addr  +8 limit (0xfffff pages: all 4 GiB, so that -4 wraps)
	 *   +12 flags: seg_32bit (1) | limit_in_pages (0x10) | useable (0x40) */
	leal	M_TLS+4(%edx), %eax
	movl	%eax, M_TLS+4(%edx)
	subl	$16, %esp
	movl	$-1, 0(%esp)
	movl	%eax, 4(%esp)
	movl	$0xfffff, 8(%esp)
	movl	$0x51, 12(%esp)
	pushl	%ebx			/* ebx carries the system call's argument */
	leal	4(%esp), %ebx
	movl	$SYS_set_thread_area, %eax
	int	$0x80
	popl	%ebx
	cmpl	$-4095, %eax
	jae	bad_tls
	/* selector = entry * 8 + 3: a GDT entry (TI 0), user privilege */
	movl	0(%esp), %eax
	leal	3(, %eax, 8), %eax
	movw	%ax, %gs
	addl	$16, %esp
	/* Self-test: a write through GS must land in m0.tls[0], and 0(%gs)
	 * must be the self pointer. */
	leal	m0@GOTOFF(%ebx), %edx
	movl	$0x123, %eax
	SET_G(%eax)
	cmpl	M_TLS(%edx), %eax
	jne	bad_tls
	movl	%gs:0, %eax
	leal	M_TLS+4(%edx), %ecx
	cmpl	%ecx, %eax
	jne	bad_tls
#else
	/* Self-test: the slot reached through %gs:ntpoff must be the one
	 * reached through the thread pointer stored at %gs:0 (the C library's
	 * TCB self pointer). */
	movl	$0x123, %eax
	SET_G(%eax)
	movl	%gs:0, %ecx
#ifdef RT0_LIB_SHARED
	addl	rt0_tls_g@gotntpoff(%ebx), %ecx
	cmpl	(%ecx), %eax
#else
	cmpl	rt0_tls_g@ntpoff(%ecx), %eax
#endif
	jne	bad_tls
#endif
	leal	g0@GOTOFF(%ebx), %eax
	SET_G(%eax)

	cld				/* the ABI wants DF clear; the kernel does not promise it */

	subl	$16, %esp		/* outgoing arguments; esp stays 16-aligned */
	movl	16(%ebp), %eax		/* entry SP */
	movl	%eax, 0(%esp)
	call	rt0_go_started
	call	check
	movl	%esi, 0(%esp)
	movl	%edi, 4(%esp)
	call	args
	call	osinit
	call	schedinit
	leal	runtime_main@GOTOFF(%ebx), %eax
	movl	%eax, 0(%esp)
	movl	$0, 4(%esp)
	call	newproc
	call	mstart
	ud2				/* mstart never returns */

bad_tls:				/* g is unusable: report without it */
	andl	$~15, %esp
	subl	$16, %esp
	leal	bad_tls_msg@GOTOFF(%ebx), %eax
	movl	%eax, 0(%esp)
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
	subl	$12, %esp		/* esp+4 was 16-aligned: now esp is */
	.cfi_adjust_cfa_offset 12
	GET_G(%eax)
	leal	G_SCHED(%eax), %eax
	movl	%eax, 0(%esp)
	call	gosave			/* g0.sched.sp = this esp, pc = the next insn */
	call	mstart0
	ud2
	.cfi_endproc
	.size	mstart, . - mstart

/* gosave(buf): save the caller's context in buf, as if gosave had returned
 * (cdecl: the caller pops the argument, so sp is just above the return
 * address). */
	.globl	gosave
	.type	gosave, @function
gosave:
	.cfi_startproc
	movl	4(%esp), %edx
	movl	0(%esp), %eax
	movl	%eax, GOBUF_PC(%edx)
	leal	4(%esp), %eax
	movl	%eax, GOBUF_SP(%edx)
	GET_G(%eax)
	movl	%eax, GOBUF_G(%edx)
	movl	$0, GOBUF_CTXT(%edx)
	SAVE_REGS %edx
	SAVE_FPCTL %edx
	ret
	.cfi_endproc
	.size	gosave, . - gosave

/* gogo(buf): switch to buf's goroutine. A new one finds its argument and
 * its return address, goexit+1, on its stack already (gostartcall). */
	.globl	gogo
	.type	gogo, @function
gogo:
	.cfi_startproc
	movl	4(%esp), %edx
	movl	GOBUF_G(%edx), %eax
	SET_G(%eax)
	movl	GOBUF_SP(%edx), %esp
	LOAD_REGS %edx
	LOAD_FPCTL %edx
	movl	GOBUF_PC(%edx), %eax
	jmp	*%eax
	.cfi_endproc
	.size	gogo, . - gogo

/* mcall(fn): save the current goroutine's context in g->sched, switch to
 * g0's stack and call fn(g). fn never returns; the goroutine resumes, by
 * gogo(&g->sched), as if mcall had returned. */
	.globl	mcall
	.type	mcall, @function
mcall:
	.cfi_startproc
	movl	4(%esp), %ecx		/* fn */
	GET_G(%eax)
	movl	0(%esp), %edx
	movl	%edx, G_SCHED+GOBUF_PC(%eax)
	leal	4(%esp), %edx
	movl	%edx, G_SCHED+GOBUF_SP(%eax)
	movl	%eax, G_SCHED+GOBUF_G(%eax)
	movl	$0, G_SCHED+GOBUF_CTXT(%eax)
	SAVE_REGS %eax, G_SCHED
	SAVE_FPCTL %eax, G_SCHED
	movl	G_M(%eax), %edx
	movl	M_G0(%edx), %edx
	cmpl	%eax, %edx
	je	bad_mcall
	.cfi_remember_state
	SET_G(%edx)
	/* Onto g0, at the SP mstart had when it called gosave, with mstart's
	 * saved pc stored below it as this frame's return address: to an
	 * unwinder mcall was called from mstart, so the walk goes fn -> mcall
	 * -> mstart -> runtime_rt0_go. The frame is written before esp moves
	 * onto it. g0's own callee-saved registers (ebp above all:
	 * runtime_rt0_go's CFA) make the frames above consistent. */
	movl	G_SCHED+GOBUF_SP(%edx), %esi
	movl	G_SCHED+GOBUF_PC(%edx), %edi
	movl	%edi, -4(%esi)
	leal	-4(%esi), %esp
	.cfi_def_cfa esp, 4
	.cfi_offset eip, -4
	LOAD_REGS %edx, G_SCHED
	subl	$8, %esp		/* g0.sched.sp is 16-aligned: so is the call */
	.cfi_adjust_cfa_offset 8
	pushl	%eax			/* fn(g) */
	.cfi_adjust_cfa_offset 4
	call	*%ecx
	GOTBASE	%ebx
	leal	bad_mcall_ret_msg@GOTOFF(%ebx), %eax
	movl	%eax, 0(%esp)
	call	fatal
	ud2
bad_mcall:
	.cfi_restore_state		/* still on the goroutine's stack */
	andl	$~15, %esp		/* fatal never returns: the frame is lost */
	GOTBASE	%ebx
	leal	bad_mcall_msg@GOTOFF(%ebx), %eax
	subl	$16, %esp
	movl	%eax, 0(%esp)
	call	fatal
	ud2
	.cfi_endproc
	.size	mcall, . - mcall

/* goexit: every goroutine's entry function returns to goexit+1
 * (PCQuantum), which lies inside it, with esp 16-aligned again (the
 * entry's argument slot and its 12 bytes of padding above, gostartcall).
 * It is the outermost frame of a goroutine stack. */
	.globl	goexit
	.type	goexit, @function
goexit:
	.cfi_startproc
	.cfi_undefined eip
	nop
	call	goexit1
	nop
	.cfi_endproc
	.size	goexit, . - goexit

/* arch_syscall6(nr, a1, ..., a6): int $0x80 with eax = nr and the
 * arguments in ebx, ecx, edx, esi, edi, ebp (arch.h says why it is not
 * inline). The kernel returns -errno in eax and preserves everything else. */
	.globl	arch_syscall6
	.type	arch_syscall6, @function
arch_syscall6:
	.cfi_startproc
	pushl	%ebp
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset ebp, 0
	pushl	%edi
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset edi, 0
	pushl	%esi
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset esi, 0
	pushl	%ebx
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset ebx, 0
	movl	20(%esp), %eax		/* 16 saved + the return address */
	movl	24(%esp), %ebx
	movl	28(%esp), %ecx
	movl	32(%esp), %edx
	movl	36(%esp), %esi
	movl	40(%esp), %edi
	movl	44(%esp), %ebp
	int	$0x80
	popl	%ebx
	.cfi_adjust_cfa_offset -4
	.cfi_restore ebx
	popl	%esi
	.cfi_adjust_cfa_offset -4
	.cfi_restore esi
	popl	%edi
	.cfi_adjust_cfa_offset -4
	.cfi_restore edi
	popl	%ebp
	.cfi_adjust_cfa_offset -4
	.cfi_restore ebp
	ret
	.cfi_endproc
	.size	arch_syscall6, . - arch_syscall6

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
	pushl	%ebx
	.cfi_adjust_cfa_offset 4
	pushl	%esi
	.cfi_adjust_cfa_offset 4
	pushl	%edi
	.cfi_adjust_cfa_offset 4
	movl	16(%esp), %ebx		/* clone(flags, stk, ptid, tls, ctid) */
	movl	20(%esp), %ecx
	xorl	%edx, %edx
	movl	24(%esp), %esi		/* tls: a struct user_desc */
	xorl	%edi, %edi
	movl	$0, 8(%ecx)		/* stk[2]: the child's "GS loaded" */
	movl	$__NR_clone, %eax
	int	$0x80
	testl	%eax, %eax
	jz	1f
	jl	3f
	/* qemu-i386 keeps one GDT for all threads, where a kernel keeps the
	 * TLS entries per thread: the child's GS base is its own only if it
	 * loads GS before the next CLONE_SETTLS rewrites the shared entry.
	 * Wait until it has (ecx = stk survives the system call). */
2:	cmpl	$0, 8(%ecx)
	jne	3f
	pause
	jmp	2b
3:	popl	%edi
	.cfi_adjust_cfa_offset -4
	popl	%esi
	.cfi_adjust_cfa_offset -4
	popl	%ebx
	.cfi_adjust_cfa_offset -4
	ret
1:	.cfi_undefined eip		/* the child: the outermost frame */
	movw	%gs, %ax		/* GS's base from this thread's entry */
	movw	%ax, %gs
	xorl	%ebp, %ebp
	movl	0(%esp), %eax
	SET_G(%eax)
	movl	$1, 8(%esp)		/* the creator may go on */
	call	*4(%esp)		/* esp = stk, 16-aligned at the call */
	ud2
	.cfi_endproc
	.size	arch_clone, . - arch_clone
#endif

	.section .rodata
bad_tls_msg:		.asciz "bad TLS: the g slot did not read back"
bad_mcall_msg:		.asciz "runtime: mcall called on m->g0 stack"
bad_mcall_ret_msg:	.asciz "runtime: mcall function returned"

	.section .note.GNU-stack, "", @progbits
