/* arch/amd64/rt0_linux.S: how a program enters rt0 on linux/amd64.
 *
 * Internal link mode: the kernel jumps to _rt0_amd64_linux with
 *   0(%rsp) = argc, 8(%rsp) = argv[0], ..., NULL, envp..., NULL, auxv...
 * and no return address: this is the outermost frame.
 * External link mode: the C library's start-up calls main(argc, argv) as an
 * ordinary function (rdi = argc, rsi = argv), and main enters the same
 * runtime_rt0_go. Either way rdx carries the SP the entry saw, for the trace. */
#include "arch.h"

	.text

#ifndef RT0_LINK_EXTERNAL
	.globl	_rt0_amd64_linux
	.type	_rt0_amd64_linux, @function
_rt0_amd64_linux:
	.cfi_startproc
	.cfi_undefined rip		/* no caller: unwinders stop here */
	jmp	_rt0_amd64
	.cfi_endproc
	.size	_rt0_amd64_linux, . - _rt0_amd64_linux

	.type	_rt0_amd64, @function
_rt0_amd64:
	.cfi_startproc
	.cfi_undefined rip
	movq	0(%rsp), %rdi		/* argc */
	leaq	8(%rsp), %rsi		/* argv */
	movq	%rsp, %rdx		/* entry SP */
	call	runtime_rt0_go
	ud2				/* runtime_rt0_go never returns */
	.cfi_endproc
	.size	_rt0_amd64, . - _rt0_amd64
#elif !defined(RT0_LIBRARY)
	.globl	main
	.type	main, @function
main:
	.cfi_startproc			/* a normal frame: libc's start-up is above */
	movq	%rsp, %rdx		/* entry SP (points at the return address) */
	subq	$8, %rsp		/* keep the ABI's 16-byte alignment */
	.cfi_adjust_cfa_offset 8
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
	.globl	_rt0_amd64_linux_lib
	.type	_rt0_amd64_linux_lib, @function
_rt0_amd64_linux_lib:
	.cfi_startproc
	jmp	rt0_lib_start
	.cfi_endproc
	.size	_rt0_amd64_linux_lib, . - _rt0_amd64_linux_lib

	.section .init_array, "aw"
	.balign	8
	.globl	rt0_lib_init_entry	/* runtime/lib.c refers to it: linked in */
rt0_lib_init_entry:
	.quad	_rt0_amd64_linux_lib
#endif

	.section .note.GNU-stack, "", @progbits
