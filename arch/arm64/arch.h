/* arch/arm64/arch.h: the arm64 (AArch64 Linux, AAPCS64) parameters of the
 * runtime. Included by both C and assembly; C-only parts are guarded. */
#ifndef RT0_ARCH_H
#define RT0_ARCH_H

#define ARCH_NAME               "arm64"
#define ARCH_PTRSIZE            8
#define ARCH_PCQUANTUM          4 /* fixed-size instructions: goexit+4 is its BL */
#define ARCH_MINFRAMESIZE       8 /* Go's: the saved-LR slot of a frame */
#define ARCH_STACKALIGN         16 /* AAPCS64: SP is 16-aligned at every access */
#define ARCH_LINK_REGISTER      1 /* x30 holds the return address */
#define ARCH_ARGS_ON_STACK      0 /* the first argument is in a register */
#define ARCH_BIG_ENDIAN         0
#define ARCH_VDSO_CLOCK_GETTIME "__kernel_clock_gettime"

/* Callee-saved registers a context switch must keep (AAPCS64 6.1.1 and
 * 6.1.2): x19-x28, x29 (FP), then d8-d15 (only their low 64 bits are
 * callee-saved). gobuf.regs holds them in that order: 11 + 8. */
#define ARCH_NSAVED 19

/* The floating-point control state a context switch must keep: FPCR
 * (rounding mode, flush-to-zero, default NaN, trap enables). AAPCS64
 * ("SIMD and Floating-Point Registers") makes it a global register of a
 * thread of execution that only support functions changing the
 * application's global state (fesetround and the like) may modify, so a
 * call into the scheduler must return with the caller's FPCR. FPSR, the
 * cumulative exception flags, is not preserved across calls. gobuf.fpctl[0]
 * = FPCR (its significant bits are all in the low 32). */
#define ARCH_FPCTL "FPCR"

/* How g is found: through the thread pointer, TPIDR_EL0, not a register.
 * Go reserves R28 for g because its compiler never allocates it; here the
 * runtime is C, and gcc uses x28 freely, as do libc and libunwind, which
 * call back into us (signal handlers): a reserved register would need
 * -ffixed-x28 on all code in the process. The thread pointer is kept per
 * thread by the kernel and no C code changes it.
 * Internal mode: rt0_go sets TPIDR_EL0 to &m0.tls[0] (msr tpidr_el0), and
 * g lives at [tpidr_el0 + 0]; with no libc there is no other TLS to clash.
 * External mode: TPIDR_EL0 belongs to the C library (it points at the TCB),
 * and g is the C thread-local rt0_tls_g; assembly reaches it with
 * local-exec relocations, since the runtime is always in the executable. */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct g;

#ifndef RT0_LINK_EXTERNAL /* under libc: runtime.h */
static inline struct g **arch_gslot(void)
{
	struct g **slot;
	__asm__ volatile("mrs %0, tpidr_el0" : "=r"(slot));
	return slot;
}
/* The slot is read and written in C, so the compiler orders these with
 * the memory accesses around them. */
static inline struct g *getg(void)
{
	return *arch_gslot();
}
static inline void setg_tls(struct g *gp)
{
	*arch_gslot() = gp;
}
#endif

/* The running code's floating-point control state, in gobuf.fpctl's
 * layout: what a new goroutine starts with (C11 7.6: a new thread's
 * floating-point environment is its creator's at creation). */
static inline void arch_fpctl_save(uint32_t fpctl[2])
{
	uint64_t fpcr;
	__asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
	fpctl[0] = (uint32_t)fpcr;
	fpctl[1] = 0;
}

static inline uintptr_t arch_getsp(void)
{
	uintptr_t sp;
	__asm__ volatile("mov %0, sp" : "=r"(sp));
	return sp;
}

/* A raw system call: number in x8, arguments in x0-x5, result in x0; the
 * kernel preserves every other register. Returns -errno on failure. */
static inline long arch_syscall6(long nr, long a1, long a2, long a3, long a4,
                                 long a5, long a6)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a1;
	register long x1 __asm__("x1") = a2;
	register long x2 __asm__("x2") = a3;
	register long x3 __asm__("x3") = a4;
	register long x4 __asm__("x4") = a5;
	register long x5 __asm__("x5") = a6;
	__asm__ volatile("svc #0"
	                 : "+r"(x0)
	                 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
	                 : "memory");
	return x0;
}

/* CPU features cpuinit detects, from the kernel's AT_HWCAP bits (arm64
 * user space cannot read the ID registers portably; Go's
 * internal/cpu/cpu_arm64_hwcap.go does the same). GODEBUG cpu.NAME=off
 * turns one off. aeshash needs aes only, as in Go's arm64 alginit. */
#define ARCH_CPU_FEATURES(X) X(aes) X(pmull) X(sha1) X(sha2) X(crc32) X(atomics)
#define ARCH_AESHASH_NEEDS   (1u << 0)

static inline uint32_t arch_cpu_detect(uintptr_t hwcap, uintptr_t hwcap2)
{
	(void)hwcap2; /* nothing cpuinit uses lives there */
	uint32_t bits = 0;
	bits |= (uint32_t)(hwcap >> 3 & 1) << 0; /* HWCAP_AES */
	bits |= (uint32_t)(hwcap >> 4 & 1) << 1; /* HWCAP_PMULL */
	bits |= (uint32_t)(hwcap >> 5 & 1) << 2; /* HWCAP_SHA1 */
	bits |= (uint32_t)(hwcap >> 6 & 1) << 3; /* HWCAP_SHA2 */
	bits |= (uint32_t)(hwcap >> 7 & 1) << 4; /* HWCAP_CRC32 */
	bits |= (uint32_t)(hwcap >> 8 & 1) << 5; /* HWCAP_ATOMICS */
	return bits;
}

/* A deliberate crash that no handler can mistake for anything else:
 * a permanently undefined instruction (SIGILL, like amd64's ud2). */
static inline _Noreturn void arch_trap(void)
{
	__asm__ volatile("udf #0");
	__builtin_unreachable();
}

/* clone's tls argument for a new M in internal mode (runtime/thread.c):
 * the thread pointer that makes tls[0] its g slot. */
static inline uintptr_t arch_newm_tls(uintptr_t tls[4], uint32_t desc[4])
{
	(void)desc;
	return (uintptr_t)&tls[0];
}

#endif /* __ASSEMBLER__ */
#endif
