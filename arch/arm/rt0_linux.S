/* arch/arm/rt0_linux.S: how a program enters rt0 on linux/arm.
 *
 * Internal link mode: the kernel jumps to _rt0_arm_linux with
 *   [sp] = argc, [sp+4] = argv[0], ..., NULL, envp..., NULL, auxv...
 * and no caller: this is the outermost frame.
 * External link mode: the C library's start-up calls main(argc, argv) as an
 * ordinary AAPCS function (r0 = argc, r1 = argv, lr = return address), and
 * main enters the same runtime_rt0_go. Either way r2 carries the SP the
 * entry saw, for the trace.
 *
 * Registers: r0-r2 = runtime_rt0_go's arguments, r11 = fp, r14 = lr.
 * Unwind tables as in asm.S: DWARF CFI in .debug_frame and EHABI entries. */
#include "arch.h"

	.syntax	unified
	.arm
	.cfi_sections .debug_frame

	.text

#ifndef RT0_LINK_EXTERNAL
	.globl	_rt0_arm_linux
	.type	_rt0_arm_linux, %function
	.balign	4
_rt0_arm_linux:
	.fnstart
	.cantunwind			@ no caller: unwinders stop here
	.cfi_startproc
	.cfi_undefined lr
	b	_rt0_arm
	.cfi_endproc
	.fnend
	.size	_rt0_arm_linux, . - _rt0_arm_linux

	.type	_rt0_arm, %function
	.balign	4
_rt0_arm:
	.fnstart
	.cantunwind
	.cfi_startproc
	.cfi_undefined lr
	mov	fp, #0			@ end of the frame-pointer chain
	mov	lr, #0
	ldr	r0, [sp]		@ argc
	add	r1, sp, #4		@ argv
	mov	r2, sp			@ entry SP
	bl	runtime_rt0_go
	udf	#0			@ runtime_rt0_go never returns
	.cfi_endproc
	.fnend
	.size	_rt0_arm, . - _rt0_arm

/* What the EABI toolchain expects a program to define, and libgcc only
 * provides together with the C library:
 * - the personality routines every compact EHABI index entry names (the
 *   assembler makes each entry refer to its routine, so the linker wants
 *   it): they run only while an exception propagates, and nothing in a
 *   libc-free program throws;
 * - the division-by-zero hooks of libgcc's 64-bit division (print_int's),
 *   whose own versions call raise(): the runtime never divides by zero.
 * Each traps if it ever runs. */
	.macro TRAP_STUB name
	.globl	\name
	.type	\name, %function
	.balign	4
\name:
	.fnstart
	.cantunwind
	.cfi_startproc
	udf	#0
	.cfi_endproc
	.fnend
	.size	\name, . - \name
	.endm

	TRAP_STUB __aeabi_unwind_cpp_pr0
	TRAP_STUB __aeabi_unwind_cpp_pr1
	TRAP_STUB __aeabi_unwind_cpp_pr2
	TRAP_STUB __aeabi_idiv0
	TRAP_STUB __aeabi_ldiv0
#elif !defined(RT0_LIBRARY)
	.globl	main
	.type	main, %function
	.balign	4
main:
	.fnstart			@ a normal frame: libc's start-up is above
	.cfi_startproc
	mov	r2, sp			@ entry SP
	push	{fp, lr}		@ frame record: walkers go on into libc
	.save	{fp, lr}
	.cfi_def_cfa_offset 8
	.cfi_offset fp, -8
	.cfi_offset lr, -4
	bl	runtime_rt0_go
	udf	#0
	.cfi_endproc
	.fnend
	.size	main, . - main
#else
/* Library mode (Go's c-archive): the C library's start-up calls every
 * .init_array entry as f(argc, argv, envp) before main, and this one is
 * ours. rt0_lib_start (runtime/lib.c) is C, so the caller's callee-saved
 * registers are kept as the ABI asks; it starts rt0_go on a thread of its
 * own and returns at once. */
	.globl	_rt0_arm_linux_lib
	.type	_rt0_arm_linux_lib, %function
	.balign	4
_rt0_arm_linux_lib:
	.fnstart
	.cfi_startproc
	b	rt0_lib_start
	.cfi_endproc
	.fnend
	.size	_rt0_arm_linux_lib, . - _rt0_arm_linux_lib

	.section .init_array, "aw"
	.balign	4
	.globl	rt0_lib_init_entry	/* runtime/lib.c refers to it: linked in */
rt0_lib_init_entry:
	.word	_rt0_arm_linux_lib
#endif

	.section .note.GNU-stack, "", %progbits
