/* arch/386/arch.h: the 386 (i386 System V psABI, Linux) parameters of the
 * runtime. Included by both C and assembly; C-only parts are guarded. */
#ifndef RT0_ARCH_H
#define RT0_ARCH_H

#define ARCH_NAME         "386"
#define ARCH_PTRSIZE      4
#define ARCH_PCQUANTUM    1 /* goexit+1 lies inside goexit */
#define ARCH_MINFRAMESIZE 0 /* no link register, no fixed frame area */
/* i386 psABI 2.2.2 as Linux and gcc (>= 4.5) keep it: esp is 16-aligned at
 * every call, so esp+4 is at every function entry. */
#define ARCH_STACKALIGN    16
#define ARCH_LINK_REGISTER 0
/* cdecl: a function's first argument lies just above its return address,
 * so a new goroutine's argument goes on its stack (runtime/proc.c). */
#define ARCH_ARGS_ON_STACK      1
#define ARCH_BIG_ENDIAN         0
#define ARCH_VDSO_CLOCK_GETTIME "__vdso_clock_gettime"

/* Callee-saved registers a context switch must keep (i386 psABI 2.2.1,
 * "Registers and the Stack Frame"): ebx, esi, edi, ebp. gobuf.regs holds
 * them in that order. */
#define ARCH_NSAVED 4

/* The floating-point control state a context switch must keep (i386 psABI
 * 2.2.1: "the x87 control word is callee-saved"): gobuf.fpctl[0] = the x87
 * control word in its low 16 bits. MXCSR is not kept: the build is x87 only
 * (i686, -mfpmath=387, no SSE), and ldmxcsr would fault on the CPUs
 * without SSE that the i686 baseline still allows. */
#define ARCH_FPCTL "the x87 control word"

/* How g is found: through GS, as Go's 386 port does. In internal mode
 * rt0_go asks the kernel for a GDT entry (set_thread_area) whose base is
 * &m0.tls[1] and loads its selector into GS; g lives at -4(%gs), which is
 * m0.tls[0], and 0(%gs) holds the base itself, the self pointer an ELF
 * thread control block starts with (variant II TLS: data below the
 * pointer). Under libc, GS belongs to the C library, and g is the
 * thread-local rt0_tls_g, reached from assembly with local-exec TLS (the
 * runtime is always part of the executable). */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct g;

#ifndef RT0_LINK_EXTERNAL /* under libc: runtime.h */
static inline struct g *getg(void)
{
	struct g *gp;
	__asm__ volatile("movl %%gs:-4, %0" : "=r"(gp));
	return gp;
}
static inline void setg_tls(struct g *gp)
{
	__asm__ volatile("movl %0, %%gs:-4" : : "r"(gp) : "memory");
}
#endif

/* The running code's floating-point control state, in gobuf.fpctl's
 * layout: what a new goroutine starts with (C11 7.6: a new thread's
 * floating-point environment is its creator's at creation). */
static inline void arch_fpctl_save(uint32_t fpctl[2])
{
	uint16_t cw;
	__asm__ volatile("fnstcw %0" : "=m"(cw));
	fpctl[0] = cw;
	fpctl[1] = 0;
}

static inline uintptr_t arch_getsp(void)
{
	uintptr_t sp;
	__asm__ volatile("movl %%esp, %0" : "=r"(sp));
	return sp;
}

/* A raw system call: number in eax, arguments in ebx, ecx, edx, esi, edi,
 * ebp, through int $0x80. Six arguments need every general register,
 * ebp included, which C code keeps as its frame pointer, so this one is
 * out of line in asm.S. Returns -errno on failure. */
long arch_syscall6(long nr, long a1, long a2, long a3, long a4, long a5,
                   long a6);

/* CPU features cpuinit detects (CPUID leaf 1 ECX, leaf 7 EBX), the same
 * as amd64's; GODEBUG cpu.NAME=off turns one off. aeshash needs aes,
 * ssse3 and sse41, as in Go's alginit for 386. */
#define ARCH_CPU_FEATURES(X) X(aes) X(ssse3) X(sse41) X(avx2)
#define ARCH_AESHASH_NEEDS   ((1u << 0) | (1u << 1) | (1u << 2))

static inline uint32_t arch_cpu_detect(uintptr_t hwcap, uintptr_t hwcap2)
{
	(void)hwcap, (void)hwcap2; /* x86 asks the CPU itself */
	uint32_t a, b, c, d, bits = 0, maxleaf;
	/* Every CPU the i686 baseline allows has CPUID; ebx is free to name
	 * here even in PIC code (gcc >= 5 saves the GOT pointer itself). */
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
 * the thread pointer that makes tls[0] its g slot, given as the user_desc of GS's GDT entry, which the kernel
 * keeps per thread: the child keeps m0's selector with its own base. */
static inline uintptr_t arch_newm_tls(uintptr_t tls[4], uint32_t desc[4])
{
	uint32_t gs;
	__asm__ volatile("movl %%gs, %0" : "=r"(gs));
	tls[1] = (uintptr_t)&tls[1]; /* the self pointer at 0(%gs) */
	desc[0] = gs >> 3;           /* entry_number: m0's */
	desc[1] = (uint32_t)&tls[1]; /* base_addr */
	desc[2] = 0xfffff;           /* limit: 4 GiB in pages, so -4 wraps */
	desc[3] = 0x51;              /* seg_32bit | limit_in_pages | useable */
	return (uintptr_t)desc;
}

#endif /* __ASSEMBLER__ */
#endif
