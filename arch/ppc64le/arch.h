/* arch/ppc64le/arch.h: the ppc64le (64-bit ELF V2 ABI, little-endian,
 * Linux) parameters of the runtime. Included by both C and assembly; C-only
 * parts are guarded. */
#ifndef RT0_ARCH_H
#define RT0_ARCH_H

#define ARCH_NAME      "ppc64le"
#define ARCH_PTRSIZE   8
#define ARCH_PCQUANTUM 4 /* fixed-size instructions: goexit+4 is its bl */
/* ELFv2 2.2.2.1: every frame starts with a 32-byte header the callee may
 * write (back chain at 0, CR at 8, LR at 16, TOC at 24): a new goroutine's
 * entry function stores its return address at 16(r1). Go's MinFrameSize. */
#define ARCH_MINFRAMESIZE       32
#define ARCH_STACKALIGN         16 /* ELFv2 2.2.2.1: r1 quadword-aligned always */
#define ARCH_LINK_REGISTER      1 /* LR holds the return address */
#define ARCH_ARGS_ON_STACK      0 /* the first argument is in r3 */
#define ARCH_BIG_ENDIAN         0
#define ARCH_VDSO_CLOCK_GETTIME "__kernel_clock_gettime"

/* Callee-saved ("nonvolatile") state a context switch must keep (ELFv2
 * 2.2.1.1): r14-r31, f14-f31, the condition register fields CR2-CR4 and
 * v20-v31 (16 bytes each). gobuf.regs holds r14..r31, f14..f31, CR, then
 * v20..v31 as two words apiece: 18 + 18 + 1 + 24. r2, the TOC pointer, is
 * the same everywhere in the one module the runtime lives in. */
#define ARCH_NSAVED 61

/* The floating-point control state a context switch must keep (ELFv2
 * 2.2.1.2, "Limited-Access Bits"): FPSCR's rounding mode RN, non-IEEE mode
 * NI and exception enables VE, OE, UE, ZE and XE may be changed only by
 * functions whose purpose is to change them, so a call into the scheduler
 * must return with the caller's. gobuf.fpctl holds the whole 64-bit FPSCR
 * as mffs reads it (its flags go along): fpctl[0] is its low word, where
 * those bits are. */
#define ARCH_FPCTL "FPSCR"

/* How g is found: through r13, the thread pointer the ABI reserves (ELFv2
 * 3.7.2): no compiler allocates it and the kernel keeps it per thread. Go
 * keeps g in R30, which C code allocates freely, as libc does. Internal
 * mode: rt0_go sets r13 = &m0.tls[0], so g lives at 0(r13); with no libc
 * there is no other TLS to clash. External mode: r13 belongs to the C
 * library, and g is the C thread-local rt0_tls_g, reached from assembly
 * with local-exec relocations, since the runtime is always in the
 * executable. */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct g;

#ifndef RT0_LINK_EXTERNAL /* under libc: runtime.h */
static inline struct g *getg(void)
{
	struct g *gp;
	__asm__ volatile("ld %0, 0(13)" : "=r"(gp));
	return gp;
}
static inline void setg_tls(struct g *gp)
{
	__asm__ volatile("std %0, 0(13)" : : "r"(gp) : "memory");
}
#endif

/* The running code's floating-point control state, in gobuf.fpctl's
 * layout: what a new goroutine starts with (C11 7.6: a new thread's
 * floating-point environment is its creator's at creation). */
static inline void arch_fpctl_save(uint32_t fpctl[2])
{
	double fpscr;
	__asm__ volatile("mffs %0" : "=d"(fpscr));
	__builtin_memcpy(fpctl, &fpscr, sizeof fpscr);
}

static inline uintptr_t arch_getsp(void)
{
	uintptr_t sp;
	__asm__ volatile("mr %0, 1" : "=r"(sp));
	return sp;
}

/* A raw system call: number in r0, arguments in r3-r8, result in r3; on
 * failure the kernel sets CR0[SO] and returns the positive errno, negated
 * here so callers see -errno as on the other arches. It may clobber r0,
 * r4-r12, CR0, CTR and XER (the kernel's syscall ABI). */
static inline long arch_syscall6(long nr, long a1, long a2, long a3, long a4,
                                 long a5, long a6)
{
	register long r0 __asm__("r0") = nr;
	register long r3 __asm__("r3") = a1;
	register long r4 __asm__("r4") = a2;
	register long r5 __asm__("r5") = a3;
	register long r6 __asm__("r6") = a4;
	register long r7 __asm__("r7") = a5;
	register long r8 __asm__("r8") = a6;
	__asm__ volatile("sc\n\t"
	                 "bns+ 1f\n\t"
	                 "neg %1, %1\n"
	                 "1:"
	                 : "+r"(r0), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6),
	                   "+r"(r7), "+r"(r8)
	                 :
	                 : "r9", "r10", "r11", "r12", "cr0", "ctr", "xer",
	                   "memory");
	return r3;
}

/* CPU features cpuinit detects, from the kernel's AT_HWCAP2 bits (Linux's
 * arch/powerpc/include/uapi/asm/cputable.h; Go's internal/cpu for ppc64x
 * reads the same ones). GODEBUG cpu.NAME=off turns one off. */
#define ARCH_CPU_FEATURES(X) X(power8) X(power9) X(power10) X(darn) X(scv)

/* No AES hash: Go's ppc64le uses the portable memhash (useAeshash is only
 * ever set on amd64, 386 and arm64). 0 means "never"; alginit honours it. */
#define ARCH_AESHASH_NEEDS 0u

static inline uint32_t arch_cpu_detect(uintptr_t hwcap, uintptr_t hwcap2)
{
	(void)hwcap; /* the ISA levels and these features are all in HWCAP2 */
	uint32_t bits = 0;
	bits |= (uint32_t)(hwcap2 >> 31 & 1) << 0; /* PPC_FEATURE2_ARCH_2_07 */
	bits |= (uint32_t)(hwcap2 >> 23 & 1) << 1; /* PPC_FEATURE2_ARCH_3_00 */
	bits |= (uint32_t)(hwcap2 >> 18 & 1) << 2; /* PPC_FEATURE2_ARCH_3_1 */
	bits |= (uint32_t)(hwcap2 >> 21 & 1) << 3; /* PPC_FEATURE2_DARN */
	bits |= (uint32_t)(hwcap2 >> 20 & 1) << 4; /* PPC_FEATURE2_SCV */
	return bits;
}

/* A deliberate crash that no handler can mistake for anything else: an
 * unconditional trap (SIGTRAP), Power's own. */
static inline _Noreturn void arch_trap(void)
{
	__asm__ volatile("trap");
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
