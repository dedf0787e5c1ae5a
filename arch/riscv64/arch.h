/* arch/riscv64/arch.h: the riscv64 (RV64GC, LP64D psABI) parameters of the
 * runtime. Included by both C and assembly; C-only parts are guarded. */
#ifndef RT0_ARCH_H
#define RT0_ARCH_H

#define ARCH_NAME      "riscv64"
#define ARCH_PTRSIZE   8
#define ARCH_PCQUANTUM 4 /* goexit is assembled without RVC: 4-byte steps */
/* (A wrong PCQuantum: 2 returns into the zero upper half of goexit's nop,
 * an illegal instruction; 1 goes unseen at run time, since jalr clears bit
 * 0, and only the trace header's goexitret shows it.) */
#define ARCH_MINFRAMESIZE       8  /* Go's: the saved-LR word of a frame */
#define ARCH_STACKALIGN         16 /* psABI: sp is 16-aligned at all times */
#define ARCH_LINK_REGISTER      1 /* ra holds the return address, not the stack */
#define ARCH_ARGS_ON_STACK      0 /* the first argument is in a register */
#define ARCH_BIG_ENDIAN         0
#define ARCH_VDSO_CLOCK_GETTIME "__vdso_clock_gettime"

/* Callee-saved registers a context switch must keep (psABI, "Integer and
 * floating-point register convention"): s0-s11 and fs0-fs11. gobuf.regs
 * holds them in that order: regs[0..11] = s0..s11, regs[12..23] =
 * fs0..fs11 (the low 64 bits: D is the widest FLEN of LP64D). */
#define ARCH_NSAVED 24

/* The floating-point control state a context switch must keep: fcsr, the
 * dynamic rounding mode (frm) with the accrued exception flags (fflags).
 * The psABI ("Floating-point Register Convention"): "The Floating-Point
 * Control and Status Register (fcsr) must have thread storage duration in
 * accordance with C11 section 7.6", so each goroutine keeps its own.
 * gobuf.fpctl[0] = fcsr. */
#define ARCH_FPCTL "fcsr"

/* How g is found: through the thread pointer, as on amd64, not in a
 * reserved register. Go keeps g in X27 (s11), but here g must survive C
 * code, which allocates s11 freely (and libc's too in external mode);
 * reserving it would need -ffixed-s11 on every C file and still not cover
 * libc. tp is never allocated by the compiler. In internal mode rt0_go sets
 * tp to &m0.tls[0], so g lives at 0(tp) (variant I TLS: the block starts at
 * tp). Under libc, tp belongs to the C library, and g is the thread-local
 * rt0_tls_g, reached from assembly with local-exec TLS (the runtime is
 * always part of the executable). */

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

struct g;

#ifndef RT0_LINK_EXTERNAL /* under libc: runtime.h */
static inline struct g *getg(void)
{
	struct g *gp;
	__asm__ volatile("ld %0, 0(tp)" : "=r"(gp));
	return gp;
}
static inline void setg_tls(struct g *gp)
{
	__asm__ volatile("sd %0, 0(tp)" : : "r"(gp) : "memory");
}
#endif

/* The running code's floating-point control state, in gobuf.fpctl's
 * layout: what a new goroutine starts with (C11 7.6: a new thread's
 * floating-point environment is its creator's at creation). */
static inline void arch_fpctl_save(uint32_t fpctl[2])
{
	uint32_t fcsr;
	__asm__ volatile("frcsr %0" : "=r"(fcsr));
	fpctl[0] = fcsr;
	fpctl[1] = 0;
}

static inline uintptr_t arch_getsp(void)
{
	uintptr_t sp;
	__asm__ volatile("mv %0, sp" : "=r"(sp));
	return sp;
}

/* A raw system call: number in a7, arguments in a0-a5, result in a0
 * (-errno on failure); ecall clobbers nothing else. */
static inline long arch_syscall6(long nr, long a1, long a2, long a3, long a4,
                                 long a5, long a6)
{
	register long r_a7 __asm__("a7") = nr;
	register long r_a0 __asm__("a0") = a1;
	register long r_a1 __asm__("a1") = a2;
	register long r_a2 __asm__("a2") = a3;
	register long r_a3 __asm__("a3") = a4;
	register long r_a4 __asm__("a4") = a5;
	register long r_a5 __asm__("a5") = a6;
	__asm__ volatile("ecall"
	                 : "+r"(r_a0)
	                 : "r"(r_a7), "r"(r_a1), "r"(r_a2), "r"(r_a3),
	                   "r"(r_a4), "r"(r_a5)
	                 : "memory");
	return r_a0;
}

/* CPU features cpuinit detects: AT_HWCAP has bit (letter - 'a') for each
 * single-letter ISA extension (Linux's COMPAT_HWCAP_ISA_*); GODEBUG
 * cpu.NAME=off turns one off. The list's order gives the bit numbers. */
#define ARCH_CPU_FEATURES(X) X(a) X(c) X(d) X(f) X(m) X(v)

/* No AES hash: Go's riscv64 uses the portable memhash (useAeshash is only
 * ever set on amd64, 386 and arm64). 0 means "never"; alginit honours it. */
#define ARCH_AESHASH_NEEDS 0u

static inline uint32_t arch_cpu_detect(uintptr_t hwcap, uintptr_t hwcap2)
{
	(void)hwcap2; /* no multi-letter extensions are asked for */
	uint32_t bits = 0, i = 0;
#define RV_HWCAP_BIT(l) bits |= (uint32_t)(hwcap >> (#l[0] - 'a') & 1) << i++;
	ARCH_CPU_FEATURES(RV_HWCAP_BIT)
#undef RV_HWCAP_BIT
	return bits;
}

/* A deliberate crash that no handler can mistake for anything else: an
 * illegal instruction (SIGILL), like amd64's ud2. */
static inline _Noreturn void arch_trap(void)
{
	__asm__ volatile("unimp");
	__builtin_unreachable();
}

/* Sequentially consistent read-modify-writes as the RISC-V psABI maps
 * them (ISA manual table A.6: amo<op>.aqrl; lr.aqrl/sc.rl) and as Go's
 * assembler encodes its own (aq and rl set on every AMO and LR/SC). GCC 12
 * maps C11 seq_cst to "fence iorw,ow; amo<op>.aq" and "lr.aq ... sc.aq"
 * instead, a mapping that is sequentially consistent only among code
 * compiled the same way: under libc the runtime shares words with code
 * built by newer compilers, which use table A.6 (runtime/atomic.c). */
#define ARCH_ATOMIC_RMW 1

#define ARCH_AMO(name, type, insn)                                             \
	static inline type arch_##name(type *p, type v)                        \
	{                                                                      \
		type old;                                                      \
		__asm__ volatile(insn " %0, %2, %1"                            \
		                 : "=r"(old), "+A"(*p)                         \
		                 : "r"(v)                                      \
		                 : "memory");                                  \
		return old;                                                    \
	}
ARCH_AMO(fetch_add32, uint32_t, "amoadd.w.aqrl")
ARCH_AMO(fetch_add64, uint64_t, "amoadd.d.aqrl")
ARCH_AMO(xchg32, uint32_t, "amoswap.w.aqrl")
ARCH_AMO(xchg64, uint64_t, "amoswap.d.aqrl")
ARCH_AMO(fetch_or32, uint32_t, "amoor.w.aqrl")
ARCH_AMO(fetch_and32, uint32_t, "amoand.w.aqrl")
#undef ARCH_AMO

/* lr.w sign-extends the word it loads, so the expected value is compared
 * sign-extended too. */
static inline bool arch_cas32(uint32_t *p, uint32_t old, uint32_t new)
{
	long seen;
	long failed;
	__asm__ volatile("1: lr.w.aqrl %0, %2\n"
	                 "   bne %0, %3, 2f\n"
	                 "   sc.w.rl %1, %4, %2\n"
	                 "   bnez %1, 1b\n"
	                 "2:"
	                 : "=&r"(seen), "=&r"(failed), "+A"(*p)
	                 : "r"((long)(int32_t)old), "r"(new)
	                 : "memory");
	return seen == (long)(int32_t)old;
}

static inline bool arch_cas64(uint64_t *p, uint64_t old, uint64_t new)
{
	uint64_t seen;
	long failed;
	__asm__ volatile("1: lr.d.aqrl %0, %2\n"
	                 "   bne %0, %3, 2f\n"
	                 "   sc.d.rl %1, %4, %2\n"
	                 "   bnez %1, 1b\n"
	                 "2:"
	                 : "=&r"(seen), "=&r"(failed), "+A"(*p)
	                 : "r"(old), "r"(new)
	                 : "memory");
	return seen == old;
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
