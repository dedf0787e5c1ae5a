/* arch/riscv64/rt0_linux.S: how a program enters rt0 on linux/riscv64.
 *
 * Registers: a0, a1, a2 = first arguments; sp = x2; ra = x1 (return
 * address); gp = x3 (global pointer, for linker relaxation).
 *
 * Internal link mode: the kernel jumps to _rt0_riscv64_linux with
 *   0(sp) = argc, 8(sp) = argv[0], ..., NULL, envp..., NULL, auxv...
 * and ra undefined: this is the outermost frame. Nothing has set gp, so it
 * is set here, before any C runs.
 * External link mode: the C library's start-up calls main(argc, argv) as an
 * ordinary function (a0 = argc, a1 = argv; libc has set gp), and main enters
 * the same runtime_rt0_go. Either way a2 carries the SP the entry saw, for
 * the trace. */
#include "arch.h"

	.text

#ifndef RT0_LINK_EXTERNAL
	.globl	_rt0_riscv64_linux
	.type	_rt0_riscv64_linux, @function
_rt0_riscv64_linux:
	.cfi_startproc
	.cfi_undefined ra		/* no caller: unwinders stop here */
	/* The linker relaxes global accesses into gp-relative ones, so gp
	 * must hold __global_pointer$ (crt1's job, and there is no crt1).
	 * norelax: this one instruction pair must not become gp-relative. */
	.option	push
	.option	norelax
	lla	gp, __global_pointer$	/* pc-relative, whatever -fpic says */
	.option	pop
	j	_rt0_riscv64
	.cfi_endproc
	.size	_rt0_riscv64_linux, . - _rt0_riscv64_linux

	.type	_rt0_riscv64, @function
_rt0_riscv64:
	.cfi_startproc
	.cfi_undefined ra
	ld	a0, 0(sp)		/* argc */
	addi	a1, sp, 8		/* argv */
	mv	a2, sp			/* entry SP */
	call	runtime_rt0_go
	unimp				/* runtime_rt0_go never returns */
	.cfi_endproc
	.size	_rt0_riscv64, . - _rt0_riscv64
#elif !defined(RT0_LIBRARY)
	.globl	main
	.type	main, @function
main:
	.cfi_startproc			/* a normal frame: libc's start-up is above */
	mv	a2, sp			/* entry SP */
	addi	sp, sp, -16		/* the psABI's 16-byte alignment */
	.cfi_adjust_cfa_offset 16
	sd	ra, 8(sp)		/* call clobbers ra: keep libc's for unwinders */
	.cfi_rel_offset ra, 8
	call	runtime_rt0_go
	unimp
	.cfi_endproc
	.size	main, . - main
#else
/* Library mode (Go's c-archive): the C library's start-up calls every
 * .init_array entry as f(argc, argv, envp) before main, and this one is
 * ours. rt0_lib_start (runtime/lib.c) is C, so the caller's callee-saved
 * registers are kept as the ABI asks; it starts rt0_go on a thread of its
 * own and returns at once. */
	.globl	_rt0_riscv64_linux_lib
	.type	_rt0_riscv64_linux_lib, @function
_rt0_riscv64_linux_lib:
	.cfi_startproc
	tail	rt0_lib_start
	.cfi_endproc
	.size	_rt0_riscv64_linux_lib, . - _rt0_riscv64_linux_lib

	.section .init_array, "aw"
	.balign	8
	.globl	rt0_lib_init_entry	/* runtime/lib.c refers to it: linked in */
rt0_lib_init_entry:
	.quad	_rt0_riscv64_linux_lib
#endif

	.section .note.GNU-stack, "", @progbits
