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
#else
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
#endif

	.section .note.GNU-stack, "", @progbits
