/* arch/s390x/rt0_linux.S: how a program enters rt0 on linux/s390x.
 *
 * Registers: r2-r4 = runtime_rt0_go's arguments, r14 = return address,
 * r15 = SP; every callee stores its registers in a 160-byte save area its
 * caller provides at 0(r15).
 *
 * Internal link mode: the kernel jumps to _rt0_s390x_linux with
 *   0(r15) = argc, 8(r15) = argv[0], ..., NULL, envp..., NULL, auxv...
 * and no caller: this is the outermost frame.
 * External link mode: the C library's start-up calls main(argc, argv) as an
 * ordinary function (r2 = argc, r3 = argv, r14 = return address), and main
 * enters the same runtime_rt0_go. Either way r4 carries the SP the entry
 * saw, for the trace. */
#include "arch.h"

	.text

#ifndef RT0_LINK_EXTERNAL
	.globl	_rt0_s390x_linux
	.type	_rt0_s390x_linux, @function
	.balign	8
_rt0_s390x_linux:
	.cfi_startproc
	.cfi_undefined 14		/* no caller: unwinders stop here */
	j	_rt0_s390x
	.cfi_endproc
	.size	_rt0_s390x_linux, . - _rt0_s390x_linux

	.type	_rt0_s390x, @function
	.balign	8
_rt0_s390x:
	.cfi_startproc
	.cfi_undefined 14
	lg	%r2, 0(%r15)		/* argc */
	la	%r3, 8(%r15)		/* argv */
	lgr	%r4, %r15		/* entry SP */
	aghi	%r15, -160		/* runtime_rt0_go's register save area, */
	xc	0(8, %r15), 0(%r15)	/* its back chain 0: the end of the chain */
	lghi	%r14, 0
	brasl	%r14, runtime_rt0_go
	.word	0			/* runtime_rt0_go never returns */
	.cfi_endproc
	.size	_rt0_s390x, . - _rt0_s390x
#elif !defined(RT0_LIBRARY)
	.globl	main
	.type	main, @function
	.balign	8
main:
	.cfi_startproc			/* a normal frame: libc's start-up is above */
	lgr	%r4, %r15		/* entry SP */
	stmg	%r14, %r15, 112(%r15)	/* r14 into libc: walkers go on there */
	.cfi_offset 14, -48
	.cfi_offset 15, -40
	aghi	%r15, -160		/* runtime_rt0_go's register save area */
	.cfi_adjust_cfa_offset 160
	brasl	%r14, runtime_rt0_go
	.word	0
	.cfi_endproc
	.size	main, . - main
#else
/* Library mode (Go's c-archive): the C library's start-up calls every
 * .init_array entry as f(argc, argv, envp) before main, and this one is
 * ours. rt0_lib_start (runtime/lib.c) is C, so the caller's callee-saved
 * registers are kept as the ABI asks; it starts rt0_go on a thread of its
 * own and returns at once. */
	.globl	_rt0_s390x_linux_lib
	.type	_rt0_s390x_linux_lib, @function
	.balign	8
_rt0_s390x_linux_lib:
	.cfi_startproc
	jg	rt0_lib_start
	.cfi_endproc
	.size	_rt0_s390x_linux_lib, . - _rt0_s390x_linux_lib

	.section .init_array, "aw"
	.balign	8
	.globl	rt0_lib_init_entry	/* runtime/lib.c refers to it: linked in */
rt0_lib_init_entry:
	.quad	_rt0_s390x_linux_lib
#endif

	.section .note.GNU-stack, "", @progbits
