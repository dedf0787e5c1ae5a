/* arch/ppc64le/rt0_linux.S: how a program enters rt0 on linux/ppc64le.
 *
 * Registers: r1 = SP, r2 = TOC pointer, r3-r5 = runtime_rt0_go's arguments,
 * r12 = a function's own address at its global entry point, LR (DWARF 65)
 * = return address.
 *
 * Internal link mode: the kernel jumps to _rt0_ppc64le_linux with
 *   0(r1) = argc, 8(r1) = argv[0], ..., NULL, envp..., NULL, auxv...
 * and no caller: this is the outermost frame. Nothing has set r2, which
 * every C function reaches its data through, so it is set here, before any
 * C runs (crt1's job, and there is no crt1).
 * External link mode: the C library's start-up calls main(argc, argv)
 * through a function pointer, so at main's global entry point r12 = main
 * and r2 = the C library's TOC; main computes the program's own from r12
 * (ELFv2 2.3.2.1) and enters the same runtime_rt0_go. Either way r5
 * carries the SP the entry saw, for the trace. */
#include "arch.h"

	.abiversion 2

#define LR 65 /* DWARF's number for the link register */

	.text

#ifndef RT0_LINK_EXTERNAL
	.globl	_rt0_ppc64le_linux
	.type	_rt0_ppc64le_linux, @function
	.balign	16
_rt0_ppc64le_linux:
	.cfi_startproc
	.cfi_undefined LR		/* no caller: unwinders stop here */
	b	_rt0_ppc64le
	.cfi_endproc
	.size	_rt0_ppc64le_linux, . - _rt0_ppc64le_linux

	.type	_rt0_ppc64le, @function
	.balign	16
_rt0_ppc64le:
	.cfi_startproc
	.cfi_undefined LR
	/* r2 = .TOC., found pc-relatively (the kernel's r12 is not promised
	 * by every loader, qemu-user's included). */
	bcl	20, 31, 1f
1:	mflr	%r12
	addis	%r2, %r12, (.TOC.-1b)@ha
	addi	%r2, %r2, (.TOC.-1b)@l
	ld	%r3, 0(%r1)		/* argc */
	addi	%r4, %r1, 8		/* argv */
	mr	%r5, %r1		/* entry SP */
	/* A frame header for runtime_rt0_go to store LR in (at 16(r1)), with
	 * a back chain of 0: the end of the chain. */
	li	%r0, 0
	stdu	%r0, -32(%r1)
	mtlr	%r0
	bl	runtime_rt0_go
	nop
	trap				/* runtime_rt0_go never returns */
	.cfi_endproc
	.size	_rt0_ppc64le, . - _rt0_ppc64le
#elif !defined(RT0_LIBRARY)
	.globl	main
	.type	main, @function
	.balign	16
main:
	.cfi_startproc			/* a normal frame: libc's start-up is above */
0:	addis	%r2, %r12, (.TOC.-0b)@ha
	addi	%r2, %r2, (.TOC.-0b)@l
	.localentry main, . - main
	mr	%r5, %r1		/* entry SP */
	mflr	%r0
	std	%r0, 16(%r1)		/* into libc: walkers go on there */
	.cfi_offset LR, 16
	stdu	%r1, -32(%r1)		/* the header runtime_rt0_go stores LR in */
	.cfi_def_cfa_offset 32
	bl	runtime_rt0_go
	nop
	trap
	.cfi_endproc
	.size	main, . - main
#else
/* Library mode (Go's c-archive): the C library's start-up calls every
 * .init_array entry as f(argc, argv, envp) before main, and this one is
 * ours. rt0_lib_start (runtime/lib.c) is C, so the caller's callee-saved
 * registers are kept as the ABI asks; it starts rt0_go on a thread of its
 * own and returns at once. */
	.globl	_rt0_ppc64le_linux_lib
	.type	_rt0_ppc64le_linux_lib, @function
	.balign	16
_rt0_ppc64le_linux_lib:
	.cfi_startproc
0:	addis	%r2, %r12, (.TOC.-0b)@ha	/* called through a pointer: r12 is here */
	addi	%r2, %r2, (.TOC.-0b)@l
	.localentry _rt0_ppc64le_linux_lib, . - _rt0_ppc64le_linux_lib
	b	rt0_lib_start
	.cfi_endproc
	.size	_rt0_ppc64le_linux_lib, . - _rt0_ppc64le_linux_lib

	.section .init_array, "aw"
	.balign	8
	.globl	rt0_lib_init_entry	/* runtime/lib.c refers to it: linked in */
rt0_lib_init_entry:
	.quad	_rt0_ppc64le_linux_lib
#endif

	.section .note.GNU-stack, "", @progbits
