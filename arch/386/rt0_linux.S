/* arch/386/rt0_linux.S: how a program enters rt0 on linux/386.
 *
 * Registers: arguments on the stack (cdecl); esi = scratch kept across the
 * call, ebp = 0 ends the frame-pointer chain.
 *
 * Internal link mode: the kernel jumps to _rt0_386_linux with
 *   0(%esp) = argc, 4(%esp) = argv[0], ..., NULL, envp..., NULL, auxv...
 * and no return address: this is the outermost frame.
 * External link mode: the C library's start-up calls main(argc, argv) as an
 * ordinary cdecl function (4(%esp) = argc, 8(%esp) = argv), and main enters
 * the same runtime_rt0_go. Either way its third argument is the SP the
 * entry saw, for the trace. */
#include "arch.h"

	.text

#ifndef RT0_LINK_EXTERNAL
	.globl	_rt0_386_linux
	.type	_rt0_386_linux, @function
_rt0_386_linux:
	.cfi_startproc
	.cfi_undefined eip		/* no caller: unwinders stop here */
	jmp	_rt0_386
	.cfi_endproc
	.size	_rt0_386_linux, . - _rt0_386_linux

	.type	_rt0_386, @function
_rt0_386:
	.cfi_startproc
	.cfi_undefined eip
	xorl	%ebp, %ebp		/* end of the frame-pointer chain */
	movl	%esp, %esi		/* entry SP; the CFA is found through it */
	.cfi_def_cfa esi, 4		/* across the AND below */
	andl	$~15, %esp
	subl	$4, %esp		/* 3 arguments: the call is 16-aligned */
	pushl	%esi			/* entry SP */
	leal	4(%esi), %eax
	pushl	%eax			/* argv */
	pushl	0(%esi)			/* argc */
	call	runtime_rt0_go
	ud2				/* runtime_rt0_go never returns */
	.cfi_endproc
	.size	_rt0_386, . - _rt0_386
#elif !defined(RT0_LIBRARY)
	.globl	main
	.type	main, @function
main:
	.cfi_startproc			/* a normal frame: libc's start-up is above */
	movl	%esp, %ecx		/* entry SP (points at the return address) */
	pushl	%ecx			/* esp+4 was 16-aligned at entry: after */
	.cfi_adjust_cfa_offset 4	/* three pushes the call is as well */
	pushl	12(%esp)		/* argv */
	.cfi_adjust_cfa_offset 4
	pushl	12(%esp)		/* argc */
	.cfi_adjust_cfa_offset 4
	call	runtime_rt0_go
	ud2
	.cfi_endproc
	.size	main, . - main
#else
/* Library mode (Go's c-archive): the C library's start-up calls every
 * .init_array entry as f(argc, argv, envp) before main, and this one is
 * ours. rt0_lib_start (runtime/lib.c) is C, so the caller's callee-saved
 * registers are kept as the ABI asks; it starts rt0_go on a thread of its
 * own and returns at once. */
	.globl	_rt0_386_linux_lib
	.type	_rt0_386_linux_lib, @function
_rt0_386_linux_lib:
	.cfi_startproc
	jmp	rt0_lib_start		/* its arguments stay where the caller put them */
	.cfi_endproc
	.size	_rt0_386_linux_lib, . - _rt0_386_linux_lib

	.section .init_array, "aw"
	.balign	4
	.globl	rt0_lib_init_entry	/* runtime/lib.c refers to it: linked in */
rt0_lib_init_entry:
	.long	_rt0_386_linux_lib
#endif

	.section .note.GNU-stack, "", @progbits
