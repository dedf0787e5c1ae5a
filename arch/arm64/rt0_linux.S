/* arch/arm64/rt0_linux.S: how a program enters rt0 on linux/arm64.
 *
 * Internal link mode: the kernel jumps to _rt0_arm64_linux with
 *   [sp] = argc, [sp+8] = argv[0], ..., NULL, envp..., NULL, auxv...
 * SP 16-aligned, and x30 = 0: there is no caller, this is the outermost frame.
 * External link mode: the C library's start-up calls main(argc, argv) as an
 * ordinary AAPCS64 function (x0 = argc, x1 = argv, x30 = return address),
 * and main enters the same runtime_rt0_go. Either way x2 carries the SP the
 * entry saw, for the trace.
 *
 * Registers: x0-x2 = runtime_rt0_go's arguments, x29 = FP, x30 = LR. */
#include "arch.h"

	.text

#ifndef RT0_LINK_EXTERNAL
	.globl	_rt0_arm64_linux
	.type	_rt0_arm64_linux, %function
_rt0_arm64_linux:
	.cfi_startproc
	.cfi_undefined x30		// no caller: unwinders stop here
	b	_rt0_arm64
	.cfi_endproc
	.size	_rt0_arm64_linux, . - _rt0_arm64_linux

	.type	_rt0_arm64, %function
_rt0_arm64:
	.cfi_startproc
	.cfi_undefined x30
	mov	x29, xzr		// end of the frame-pointer chain
	mov	x30, xzr
	ldr	x0, [sp]		// argc
	add	x1, sp, #8		// argv
	mov	x2, sp			// entry SP
	bl	runtime_rt0_go
	udf	#0			// runtime_rt0_go never returns
	.cfi_endproc
	.size	_rt0_arm64, . - _rt0_arm64
#elif !defined(RT0_LIBRARY)
	.globl	main
	.type	main, %function
main:
	.cfi_startproc			// a normal frame: libc's start-up is above
	mov	x2, sp			// entry SP
	stp	x29, x30, [sp, #-16]!	// frame record: FP walkers go on into libc
	.cfi_def_cfa_offset 16
	.cfi_offset x29, -16
	.cfi_offset x30, -8
	mov	x29, sp
	bl	runtime_rt0_go
	udf	#0
	.cfi_endproc
	.size	main, . - main
#else
/* Library mode (Go's c-archive): the C library's start-up calls every
 * .init_array entry as f(argc, argv, envp) before main, and this one is
 * ours. rt0_lib_start (runtime/lib.c) is C, so the caller's callee-saved
 * registers are kept as the ABI asks; it starts rt0_go on a thread of its
 * own and returns at once. */
	.globl	_rt0_arm64_linux_lib
	.type	_rt0_arm64_linux_lib, %function
_rt0_arm64_linux_lib:
	.cfi_startproc
	b	rt0_lib_start
	.cfi_endproc
	.size	_rt0_arm64_linux_lib, . - _rt0_arm64_linux_lib

	.section .init_array, "aw"
	.balign	8
	.globl	rt0_lib_init_entry	/* runtime/lib.c refers to it: linked in */
rt0_lib_init_entry:
	.quad	_rt0_arm64_linux_lib
#endif

	.section .note.GNU-stack, "", %progbits
