/* arch/s390x/arch.h: the s390x (z/Architecture ELF ABI, big-endian, Linux)
 * parameters of the runtime. Included by both C and assembly; C-only parts
 * are guarded. */
#ifndef RT0_ARCH_H
#define RT0_ARCH_H

#define ARCH_NAME    "s390x"
#define ARCH_PTRSIZE 8
/* Instructions are 2, 4 or 6 bytes: goexit starts with a 2-byte nopr, so
 * goexit+2 is its brasl, as in Go. */
#define ARCH_PCQUANTUM 2
/* s390x ELF ABI supplement, "Stack frame": every caller provides a 160-byte
 * register save area at the bottom of its frame, where the callee stores
 * r6-r15 (at 48..127) before it allocates its own. A new goroutine's entry
 * function does so at once, so its first frame must be at least that.
 * (Go's own MinFrameSize is 8: Go's ABI saves nothing in its caller's
 * frame; here the goroutine frames are C frames.) */
#define ARCH_MINFRAMESIZE       160
#define ARCH_STACKALIGN         8 /* the ABI keeps r15 doubleword-aligned */
#define ARCH_LINK_REGISTER      1 /* r14 holds the return address */
#define ARCH_ARGS_ON_STACK      0 /* the first argument is in r2 */
#define ARCH_BIG_ENDIAN         1
#define ARCH_VDSO_CLOCK_GETTIME "__kernel_clock_gettime"
/* Linux's s390x mmap is the old_mmap of 31-bit days: one argument, the
 * address of the six (runtime/sys.c). */
#define ARCH_MMAP_ARGS_IN_MEMORY 1

/* Callee-saved registers a context switch must keep (ELF ABI supplement,
 * "Register usage"): r6-r13 (r15, the SP, is gobuf.sp; r14 is the return
 * address) and f8-f15. gobuf.regs holds them in that order: 8 + 8. */
#define ARCH_NSAVED 16

/* The floating-point control state a context switch must keep: the ABI's
 * register table does not name the floating-point control register, but
 * C11 7.6 gives the floating-point environment (FPC's exception masks and
 * rounding modes) thread storage duration, so each goroutine keeps its
 * own. gobuf.fpctl[0] = FPC (its flags and DXC go along). */
#define ARCH_FPCTL "FPC"

/* How g is found: through the thread pointer, which s390x keeps in the
 * access registers a0 (high half) and a1 (low half). User space sets them
 * with sar, no system call; no compiler allocates them, and the kernel
 * keeps them per thread. Go keeps g in R13, which C code allocates freely,
 * as libc does. Internal mode: rt0_go sets the thread pointer to
 * &m0.tls[0], so g lives at 0(tp). External mode: the thread pointer
 * belongs to the C library, and g is the C thread-local rt0_tls_g, reached
 * from assembly with local-exec offsets, since the runtime is always in
 * the executable. */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct g;

#ifndef RT0_LINK_EXTERNAL /* under libc: runtime.h */
static inline struct g **arch_gslot(void)
{
	uintptr_t tp;
	/* ear writes the low 32 bits only: high half first, then shift. */
	__asm__ volatile("ear %0, %%a0\n\t"
	                 "sllg %0, %0, 32\n\t"
	                 "ear %0, %%a1"
	                 : "=&d"(tp));
	return (struct g **)tp;
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
	__asm__ volatile("stfpc %0" : "=Q"(fpctl[0]));
	fpctl[1] = 0;
}

static inline uintptr_t arch_getsp(void)
{
	uintptr_t sp;
	__asm__ volatile("lgr %0, %%r15" : "=d"(sp));
	return sp;
}

/* A raw system call: number in r1, arguments in r2-r7, result in r2
 * (-errno on failure); svc clobbers nothing else. */
static inline long arch_syscall6(long nr, long a1, long a2, long a3, long a4,
                                 long a5, long a6)
{
	register long r1 __asm__("r1") = nr;
	register long r2 __asm__("r2") = a1;
	register long r3 __asm__("r3") = a2;
	register long r4 __asm__("r4") = a3;
	register long r5 __asm__("r5") = a4;
	register long r6 __asm__("r6") = a5;
	register long r7 __asm__("r7") = a6;
	__asm__ volatile("svc 0"
	                 : "+d"(r2)
	                 : "d"(r1), "d"(r3), "d"(r4), "d"(r5), "d"(r6), "d"(r7)
	                 : "memory");
	return r2;
}

/* CPU features cpuinit detects, from the kernel's AT_HWCAP bits (Linux's
 * arch/s390/include/asm/elf.h HWCAP_S390_*; Go's internal/cpu for s390x
 * names the same facilities). GODEBUG cpu.NAME=off turns one off. */
#define ARCH_CPU_FEATURES(X) X(zarch) X(stfle) X(ldisp) X(eimm) X(dfp) X(vx)

/* No AES hash: Go's s390x uses the portable memhash (useAeshash is only
 * ever set on amd64, 386 and arm64). 0 means "never"; alginit honours it. */
#define ARCH_AESHASH_NEEDS 0u

static inline uint32_t arch_cpu_detect(uintptr_t hwcap, uintptr_t hwcap2)
{
	(void)hwcap2; /* s390x has none */
	uint32_t bits = 0;
	bits |= (uint32_t)(hwcap >> 1 & 1) << 0;  /* HWCAP_S390_ZARCH */
	bits |= (uint32_t)(hwcap >> 2 & 1) << 1;  /* HWCAP_S390_STFLE */
	bits |= (uint32_t)(hwcap >> 4 & 1) << 2;  /* HWCAP_S390_LDISP */
	bits |= (uint32_t)(hwcap >> 5 & 1) << 3;  /* HWCAP_S390_EIMM */
	bits |= (uint32_t)(hwcap >> 6 & 1) << 4;  /* HWCAP_S390_DFP */
	bits |= (uint32_t)(hwcap >> 11 & 1) << 5; /* HWCAP_S390_VXRS */
	return bits;
}

/* A deliberate crash that no handler can mistake for anything else: the
 * all-zero halfword is no instruction (SIGILL), like amd64's ud2. */
static inline _Noreturn void arch_trap(void)
{
	__asm__ volatile(".word 0");
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
