/* arch/arm/arch.h: the arm (ARMv7-A, hard-float EABI: AAPCS with VFP
 * arguments, Linux) parameters of the runtime. Everything is ARM state
 * (-marm, toolchain.cmake), as in Go's arm port: 4-byte instructions, r11
 * as the frame pointer and r7 free for the system call number. Included by
 * both C and assembly; C-only parts are guarded. */
#ifndef RT0_ARCH_H
#define RT0_ARCH_H

#define ARCH_NAME               "arm"
#define ARCH_PTRSIZE            4
#define ARCH_PCQUANTUM          4 /* ARM state: goexit+4 is its BL */
#define ARCH_MINFRAMESIZE       4 /* Go's: the saved-LR word of a frame */
#define ARCH_STACKALIGN         8 /* AAPCS 5.2.1.2: SP 8-aligned at public calls */
#define ARCH_LINK_REGISTER      1 /* lr (r14) holds the return address */
#define ARCH_ARGS_ON_STACK      0 /* the first argument is in r0 */
#define ARCH_BIG_ENDIAN         0
#define ARCH_VDSO_CLOCK_GETTIME "__vdso_clock_gettime"

/* Callee-saved registers a context switch must keep (AAPCS 5.1.1 and
 * 5.1.2.1): r4-r11 (r11 = fp), then d8-d15, 64 bits each, so two words
 * apiece: gobuf.regs holds 8 + 16 words. */
#define ARCH_NSAVED 24

/* The floating-point control state a context switch must keep (AAPCS,
 * "VFP system registers"): FPSCR is a global register whose
 * exception-control (8-12, 15), rounding-mode (22-23) and flush-to-zero
 * (24) bits only support functions changing the application's global
 * state may modify, so a call into the scheduler must return with the
 * caller's. Its flags (0-4, 7, 27-31) need not survive a call but go along.
 * gobuf.fpctl[0] = FPSCR. */
#define ARCH_FPCTL "FPSCR"

/* How g is found: through the thread pointer, TPIDRURO (CP15 c13, c0, 3),
 * which user space reads but only the kernel writes (set_tls). Go keeps g
 * in R10; here g must survive C code, which allocates r10 freely, as libc
 * and libunwind do. Internal mode: rt0_go asks for TPIDRURO = &m0.tls[0]
 * (the ARM-private system call set_tls), so g lives at [tp + 0]. External
 * mode: TPIDRURO belongs to the C library, and g is the C thread-local
 * rt0_tls_g; assembly reaches it with local-exec relocations, since the
 * runtime is always in the executable. */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct g;

#ifndef RT0_LINK_EXTERNAL /* under libc: runtime.h */
static inline struct g **arch_gslot(void)
{
	struct g **slot;
	__asm__ volatile("mrc p15, 0, %0, c13, c0, 3" : "=r"(slot));
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
	uint32_t fpscr;
	__asm__ volatile("vmrs %0, fpscr" : "=r"(fpscr));
	fpctl[0] = fpscr;
	fpctl[1] = 0;
}

static inline uintptr_t arch_getsp(void)
{
	uintptr_t sp;
	__asm__ volatile("mov %0, sp" : "=r"(sp));
	return sp;
}

/* A raw system call (EABI): number in r7, arguments in r0-r5, result in r0
 * (-errno on failure); svc clobbers nothing else. r7 is free in ARM state,
 * where the frame pointer is r11. */
static inline long arch_syscall6(long nr, long a1, long a2, long a3, long a4,
                                 long a5, long a6)
{
	register long r7 __asm__("r7") = nr;
	register long r0 __asm__("r0") = a1;
	register long r1 __asm__("r1") = a2;
	register long r2 __asm__("r2") = a3;
	register long r3 __asm__("r3") = a4;
	register long r4 __asm__("r4") = a5;
	register long r5 __asm__("r5") = a6;
	__asm__ volatile("svc #0"
	                 : "+r"(r0)
	                 : "r"(r7), "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5)
	                 : "memory");
	return r0;
}

/* CPU features cpuinit detects, from the kernel's AT_HWCAP bits (Linux's
 * arch/arm/include/uapi/asm/hwcap.h; Go's internal/cpu/cpu_arm.go reads
 * vfpv4 and idiva the same way). GODEBUG cpu.NAME=off turns one off. */
#define ARCH_CPU_FEATURES(X) X(neon) X(vfpv3) X(vfpv4) X(idiva)

/* No AES hash: Go's arm uses the portable memhash (useAeshash is only
 * ever set on amd64, 386 and arm64). 0 means "never"; alginit honours it. */
#define ARCH_AESHASH_NEEDS 0u

static inline uint32_t arch_cpu_detect(uintptr_t hwcap, uintptr_t hwcap2)
{
	(void)hwcap2; /* the crypto bits: nothing cpuinit uses */
	uint32_t bits = 0;
	bits |= (uint32_t)(hwcap >> 12 & 1) << 0; /* HWCAP_NEON */
	bits |= (uint32_t)(hwcap >> 13 & 1) << 1; /* HWCAP_VFPv3 */
	bits |= (uint32_t)(hwcap >> 16 & 1) << 2; /* HWCAP_VFPv4 */
	bits |= (uint32_t)(hwcap >> 17 & 1) << 3; /* HWCAP_IDIVA */
	return bits;
}

/* A deliberate crash that no handler can mistake for anything else: a
 * permanently undefined instruction (SIGILL), like amd64's ud2. */
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
