/* arch/amd64/arch.h: the amd64 (x86-64 System V) parameters of the runtime.
 * Included by both C and assembly; C-only parts are guarded. */
#ifndef RT0_ARCH_H
#define RT0_ARCH_H

#define ARCH_NAME               "amd64"
#define ARCH_PTRSIZE            8
#define ARCH_PCQUANTUM          1 /* goexit+1 lies inside goexit */
#define ARCH_MINFRAMESIZE       0 /* no link register, no fixed frame area */
#define ARCH_STACKALIGN         16 /* SysV: SP+8 is 16-aligned at function entry */
#define ARCH_LINK_REGISTER      0
#define ARCH_ARGS_ON_STACK      0 /* the first argument is in a register */
#define ARCH_BIG_ENDIAN         0
#define ARCH_VDSO_CLOCK_GETTIME "__vdso_clock_gettime"

/* Callee-saved registers a context switch must keep (SysV ABI 3.2.1):
 * rbx, rbp, r12, r13, r14, r15. gobuf.regs holds them in that order. */
#define ARCH_NSAVED 6

/* The floating-point control state a context switch must keep (SysV ABI
 * 3.2.1: "The control bits of the MXCSR register are callee-saved ...
 * the x87 control word is callee-saved"): gobuf.fpctl[0] = MXCSR (its
 * status bits go along; nothing needs them back), fpctl[1] = the x87
 * control word in its low 16 bits. */
#define ARCH_FPCTL "MXCSR and the x87 control word"

/* How g is found: in internal mode through FS, set by arch_prctl to
 * &m0.tls[1], so g lives at -8(%fs) as in Go's ELF TLS layout; under libc,
 * FS belongs to the C library, and g is the thread-local rt0_tls_g. */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct g;

#ifndef RT0_LINK_EXTERNAL /* under libc: runtime.h */
static inline struct g *getg(void)
{
	struct g *gp;
	__asm__ volatile("movq %%fs:-8, %0" : "=r"(gp));
	return gp;
}
static inline void setg_tls(struct g *gp)
{
	__asm__ volatile("movq %0, %%fs:-8" : : "r"(gp) : "memory");
}
#endif

/* The running code's floating-point control state, in gobuf.fpctl's
 * layout: what a new goroutine starts with (C11 7.6: a new thread's
 * floating-point environment is its creator's at creation). */
static inline void arch_fpctl_save(uint32_t fpctl[2])
{
	uint16_t cw;
	__asm__ volatile("stmxcsr %0; fnstcw %1" : "=m"(fpctl[0]), "=m"(cw));
	fpctl[1] = cw;
}

static inline uintptr_t arch_getsp(void)
{
	uintptr_t sp;
	__asm__ volatile("movq %%rsp, %0" : "=r"(sp));
	return sp;
}

/* A raw system call: number in rax, arguments in rdi, rsi, rdx, r10, r8,
 * r9; the kernel clobbers rcx and r11. Returns -errno on failure. */
static inline long arch_syscall6(long nr, long a1, long a2, long a3, long a4,
                                 long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret;
	__asm__ volatile("syscall"
	                 : "=a"(ret)
	                 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10),
	                   "r"(r8), "r"(r9)
	                 : "rcx", "r11", "memory");
	return ret;
}

/* CPU features cpuinit detects (CPUID leaf 1 ECX, leaf 7 EBX); GODEBUG
 * cpu.NAME=off turns one off. aeshash needs aes, ssse3 and sse41, as in
 * Go's alginit. */
#define ARCH_CPU_FEATURES(X) X(aes) X(ssse3) X(sse41) X(avx2)
#define ARCH_AESHASH_NEEDS   ((1u << 0) | (1u << 1) | (1u << 2))

static inline uint32_t arch_cpu_detect(uintptr_t hwcap, uintptr_t hwcap2)
{
	(void)hwcap, (void)hwcap2; /* x86 asks the CPU itself */
	uint32_t a, b, c, d, bits = 0, maxleaf;
	__asm__ volatile("cpuid"
	                 : "=a"(maxleaf), "=b"(b), "=c"(c), "=d"(d)
	                 : "a"(0), "c"(0));
	__asm__ volatile("cpuid"
	                 : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
	                 : "a"(1), "c"(0));
	bits |= (c >> 25 & 1) << 0; /* aes */
	bits |= (c >> 9 & 1) << 1;  /* ssse3 */
	bits |= (c >> 19 & 1) << 2; /* sse4.1 */
	if (maxleaf < 7)
		return bits;
	__asm__ volatile("cpuid"
	                 : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
	                 : "a"(7), "c"(0));
	bits |= (b >> 5 & 1) << 3; /* avx2 */
	return bits;
}

/* A deliberate crash that no handler can mistake for anything else. */
static inline _Noreturn void arch_trap(void)
{
	__asm__ volatile("ud2");
	__builtin_unreachable();
}

/* clone's tls argument for a new M in internal mode (runtime/thread.c):
 * the thread pointer that makes tls[0] its g slot. */
static inline uintptr_t arch_newm_tls(uintptr_t tls[4], uint32_t desc[4])
{
	(void)desc;
	return (uintptr_t)&tls[1]; /* FS; g at -8(%fs), as for m0 */
}

#endif /* __ASSEMBLER__ */
#endif
