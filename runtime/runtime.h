/* runtime.h: the reference runtime's internal types and entry points.
 * Assembly sees g, m and gobuf through asm_offsets.h, generated from these
 * structs at build time (asm_offsets.c), so no offset is typed twice. */
#ifndef RT0_RUNTIME_H
#define RT0_RUNTIME_H

#include "arch.h"
#include "knobs.h"
#include "rt0.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Under libc the thread pointer belongs to the C library on every arch, so
 * g is a C thread-local (asm reaches it with local-exec TLS); in internal
 * mode arch.h reads it through the thread pointer. */
#ifdef RT0_LINK_EXTERNAL
extern _Thread_local struct g *rt0_tls_g;
static inline struct g *getg(void)
{
	return rt0_tls_g;
}
static inline void setg_tls(struct g *gp)
{
	rt0_tls_g = gp;
}
#endif

#define G0_STACK_SIZE 65536     /* Go: 64 KiB carved from the OS stack */
#define STACK_GUARD   928       /* Go's StackGuard: the guard words above lo */
#define STACK_ORDERS  4         /* like Go's 4 orders, but for C frames: */
#define STACK_MIN     16384     /* 16, 32, 64 and 128 KiB */
#define STACK_SYSTEM  STACK_MIN /* the runtime's own goroutines */
#define STACK_USER    65536     /* goroutine 1 and the program's goroutines */

#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~(uintptr_t)((a)-1))

/* A start-up step that is a function of its own, never inlined or cloned
 * (as Go's are): the conformance observer stops at each step's entry by its
 * symbol, so the order of the steps, the g and the stack each runs on are
 * measured rather than taken from the trace (DESIGN 3a). Without it a
 * static step called once is folded into its caller and has no entry. */
#define STARTUP_STEP __attribute__((noinline, noclone))

enum gstatus { G_IDLE, G_RUNNABLE, G_RUNNING, G_SYSCALL, G_WAITING, G_DEAD };

enum waitreason {
	WAIT_NONE,
	WAIT_CHAN_RECEIVE,
	WAIT_CHAN_SEND,
	WAIT_FORCEGC_IDLE,
	WAIT_GC_SWEEP,
	WAIT_GC_SCAVENGE,
};

struct stack {
	uintptr_t lo, hi;
};

/* A goroutine's saved context: what gogo restores. regs holds the
 * callee-saved registers of the C ABI (arch.h lists them), since a
 * goroutine may be switched out from the middle of C code. fpctl holds its
 * floating-point control state (arch.h: ARCH_FPCTL says which), which the
 * ABIs make callee-saved or per-thread: a goroutine that set a rounding
 * mode finds it again after a switch, whatever the others set. */
struct gobuf {
	uintptr_t sp;
	uintptr_t pc;
	struct g *g;
	uintptr_t ctxt; /* first argument register when gogo starts a fn */
	uintptr_t lr;   /* link-register arches: the return address */
	uintptr_t regs[ARCH_NSAVED];
	uint32_t fpctl[2];
};

struct g {
	struct stack stack;
	uintptr_t stackguard0, stackguard1;
	struct gobuf sched;
	struct m *m;
	struct m *lockedm;
	int64_t goid;
	uint32_t status;
	uint32_t waitreason;
	bool system;         /* the runtime's own: not counted, not deadlock */
	struct g *schedlink; /* run queue, wait queue or free list */
	struct g *alllink;   /* every g ever made */
	uintptr_t param;     /* a channel value handed to a parked g */
};

/* Go's futex mutex (lock_futex.go): key 0 unlocked, 1 locked, 2 locked
 * with sleepers. */
struct mutex {
	uint32_t key;
};
void mutex_lock(struct mutex *l);
void mutex_unlock(struct mutex *l);
void notesleep(struct rt0_note *n);
void notewakeup(struct rt0_note *n);
void noteclear(struct rt0_note *n);

struct m {
	struct g *g0;
	struct g *curg;
	uintptr_t tls[4]; /* internal mode: the thread pointer reaches tls[0] */
	uint32_t tls_desc[4]; /* 386: the user_desc clone gives the kernel */
	int64_t id;
	struct p *p;
	struct g *lockedg;
	uint32_t locked_ext; /* LockOSThread nesting by the program */
	uint32_t locked_int; /* by the runtime (runtime.main during init) */
	struct m *alllink;   /* every M but m0, newest first */
	void (*mstartfn)(void *); /* what a new M runs on its g0 */
	void *mstartarg;
	int32_t procid;           /* the kernel's thread id (minit) */
	uint64_t sigmask;         /* the mask minit installs */
	struct p *nextp;          /* the P a woken or new M takes (startm) */
	bool spinning;            /* looking for work with a P (findrunnable) */
	struct rt0_note park;     /* an idle or locked M sleeps here */
	struct m *schedlink;      /* the idle M list */
	struct mutex *waitunlock; /* gopark's lock, released on g0 */
	uint32_t printlock;       /* print.c's lock, held this deep */
};

enum pstatus { P_IDLE, P_RUNNING };

#define GOID_BATCH 16 /* Go hands out goids to each P in batches of 16 */

#define RUNQ_SIZE  256 /* Go's local run queue: a ring of 256 */
#define GFREE_KEEP 64  /* dead gs a P keeps before sharing half */

struct free_stack;

/* A P's run queue is Go's (proc.go runqput/runqget/runqgrab): the owner
 * writes the tail, anyone may take from the head by CAS, runnext by CAS;
 * so the single-P paths take no lock. Its free gs and stacks are its own
 * too, shared through sched only in batches. */
struct p {
	int32_t id;
	uint32_t status;
	struct m *m;
	int64_t goidcache, goidcacheend;
	struct g *runnext;
	uint32_t runqhead, runqtail;
	struct g *runq[RUNQ_SIZE];
	struct g *gfree;
	int32_t ngfree;
	int32_t nuser; /* user goroutines made here less those ended here */
	struct {
		struct free_stack *head;
		uint32_t n;
	} stackcache[STACK_ORDERS];
	struct p *link;    /* the idle P list */
	struct p *alllink; /* every P made so far */
};

/* The choices that differ between Go releases, in one place (DESIGN 1):
 * this runtime follows current Go. A Go 1.19 profile would use
 * INITORDER_GO119 and, on amd64/386/arm, a g0 stack 104 bytes short. */
#define INIT_ORDER_RULE INITORDER_GO121

/* Everything schedinit and friends establish, in one place. */
struct runtime_state {
	int32_t argc;
	char **argv, **envp;
	uintptr_t entrysp;
	uintptr_t pagesize, hugepagesize;
	const uint8_t *random16; /* AT_RANDOM: 16 bytes from the kernel */
	uintptr_t hwcap, hwcap2, vdso;
	int32_t ncpu;
	uint32_t cpu; /* 1 << CPU_x for each feature arch.h detects */
	bool use_aeshash;
	uint64_t hashkey[2];
	uint64_t fastrand;
	const char **args; /* goargs' verbatim copy */
	int32_t nargs;
	const char **envs; /* goenvs' verbatim copy */
	int32_t nenvs;
	bool envs_loaded;
	struct godebug debug;
	struct knob_traceback traceback;
	int32_t gogc;
	int64_t gomemlimit;
	int32_t gomaxprocs;
	bool main_started;
	/* runtime.main holds the thread for the inits; Go's deferred
	 * unlockOSThread would run if a panic unwound it (rt0_panic). */
	bool main_defer_unlock;
	int64_t init_time;
	uint64_t init_sigmask; /* Go's initSigmask: each new M's mask */
	bool islibrary;        /* started by _rt0_<arch>_linux_lib (lib.c) */
	bool threaded; /* a second thread may exist: print.c must lock */
};

/* Everything below lock is under it, but for the counters read without it
 * (atomics: npidle, nmspinning, runqsize) and the lists only ever
 * pushed to (allg, allp, allm: read by walking from a published head). */
struct sched {
	struct mutex lock;
	int64_t goidgen;
	struct g *allg;
	struct g *gfree; /* dead gs, stacks already freed */
	int32_t ngfree;
	int32_t npidle;  /* idle Ps, counting those never made */
	int32_t nallp;   /* Ps made: P ids 0..nallp-1 */
	struct p *pidle; /* idle Ps made so far */
	struct p *allp;
	struct p *p0;
	int32_t nmspinning;
	struct m *midle; /* idle Ms */
	int32_t nmidle, nmidlelocked;
	int32_t mcount;                /* Ms that run goroutines, m0 included */
	struct g *runqhead, *runqtail; /* the global run queue */
	int32_t runqsize;
	struct g *maing;
	int64_t mnext;  /* the next M's id */
	struct m *allm; /* Ms made by newm */
};

enum cpu_feature {
#define CPU_ENUM(name) CPU_##name,
	ARCH_CPU_FEATURES(CPU_ENUM)
#undef CPU_ENUM
};

extern struct runtime_state rt;

/* With one P no other M touches a P's queue or a channel: only the M that
 * holds the P runs goroutines (no M spins without one), and the P passes
 * between Ms through notes, which order memory. There the read-modify-
 * writes that guard against thieves and other Ms become plain (relaxed)
 * loads and stores, so one P costs what it did before there were Ms. */
static inline bool single_p(void)
{
	return rt.gomaxprocs == 1;
}
extern struct sched sched;
extern struct m m0;
extern struct g g0;

/* Assembly (arch/<arch>/asm.S). */
void gogo(struct gobuf *buf) __attribute__((noreturn));
void gosave(struct gobuf *buf);
void mcall(void (*fn)(struct g *));
void goexit(void);
void mstart(void) __attribute__((noreturn));

/* The assembly entry every start-up goes through (arch/<arch>/asm.S). */
_Noreturn void runtime_rt0_go(int32_t argc, char **argv, uintptr_t entrysp);

/* Library mode (lib.c; under libc only). */
void rt0_lib_start(int argc, char **argv);
void lib_inits_done(void);

/* Start-up, called from rt0_go in this order. */
void rt0_go_started(uintptr_t entrysp);
void check(void);
void check_report(void); /* the passed checks as facts (check.c) */
void args(int32_t argc, char **argv);
void osinit(void);
void schedinit(void);
void newproc(rt0_fn fn, void *arg);
void mstart0(void) __attribute__((noreturn));
void runtime_main(void *unused);

/* schedinit's steps that live outside proc.c. */
void goargs(void);
void goenvs(void);
void parsedebugvars(void);
void gcinit(void);
int32_t read_gomaxprocs(void);
void doinit_packages(void);
void get_random_data(uint8_t *buf, size_t n);

/* Scheduler. */
struct g *newproc1(rt0_fn fn, void *arg, bool system, uintptr_t stacksize);
_Noreturn void schedule(void);
void gopark(enum waitreason reason, struct mutex *unlock);
void goready(struct g *gp);
_Noreturn void goexit1(void);
void gcenable(void);
void forcegc_start(void);

/* Ms (thread.c). */
int64_t mreserveid(void);
struct m *newm(void (*fn)(void *), void *arg);
struct m *newm_sched(struct p *pp, bool spinning);
void m_info(const struct m *mp, const struct g *gp, struct rt0_m_info *out);
void sysmon_start(void);
_Noreturn void mstart_newm(void);
void sigsave_initial(void);

/* Stacks and memory. */
void stackinit(void);
struct stack stackalloc(uintptr_t size);
void stackfree(struct stack st);
void mallocinit(void);
void *persistentalloc(uintptr_t size);

/* The initial process image (args.c), pure so it can be fuzzed. */
struct startup_image {
	int32_t argc;
	char **argv;
	char **envp;
	int32_t envc;
	uintptr_t *auxv; /* NULL when there is none: fall back to /proc */
	uintptr_t pagesize, random, hwcap, hwcap2, sysinfo_ehdr;
};
bool parse_startup_image(int32_t argc, char **argv, uintptr_t *end,
                         struct startup_image *out);
size_t parse_auxv(const uintptr_t *auxv, size_t nwords,
                  struct startup_image *out);
/* Verbatim copies of argv or envp (env.c), pure so they can be fuzzed:
 * strings_size is the bytes copy_strings needs (SIZE_MAX if that does not
 * fit); copy_strings packs src[0..n) into buf in order, NULs included,
 * points dst[i] at the copy of src[i] and sets dst[n] = NULL. */
size_t strings_size(char *const *src, size_t n);
void copy_strings(char *const *src, size_t n, const char **dst, char *buf);

/* Output, time, exits. */
void print_str(const char *s);
void print_bytes(const char *s, size_t n);
void print_int(int64_t v);
void print_hex(uintptr_t v);
void print_encoded(const char *s, size_t n);
void print_flush(void);
void printlock(void); /* recursive per M: one M's lines stay whole */
void printunlock(void);
_Noreturn void fatal(const char *msg);
_Noreturn void fatal_nog(const char *msg);
void lock_os_thread_internal(void);
void unlock_os_thread_internal(void);
_Noreturn void exit_process(int32_t code);
int64_t nanotime(void);
void vdso_init(uintptr_t ehdr);

/* The start-up trace (conformance/TRACE.md). */
enum kv_kind { KV_INT, KV_HEX, KV_STR };
struct trace_kv {
	const char *key;
	enum kv_kind kind;
	union {
		int64_t i;
		uintptr_t u;
		const char *s;
	} v;
};
#define KV_I(k, x) ((struct trace_kv){k, KV_INT, {.i = (int64_t)(x)}})
#define KV_X(k, x) ((struct trace_kv){k, KV_HEX, {.u = (uintptr_t)(x)}})
#define KV_S(k, x) ((struct trace_kv){k, KV_STR, {.s = (x)}})
void trace_event(const char *phase, const struct trace_kv *kv, size_t nkv);
void trace_sched_event(const char *phase, const struct trace_kv *kv,
                       size_t nkv);
void trace_env_known(void);
/* Whether trace_sched_event prints (or keeps) anything: the switch paths
 * test it before they build their fields. */
extern bool trace_sched_on;
#define TRACE_SCHED(phase, ...)                                                \
	do {                                                                   \
		if (trace_sched_on) {                                          \
			struct trace_kv kv_[] = {__VA_ARGS__};                 \
			trace_sched_event(phase, kv_,                          \
			                  sizeof kv_ / sizeof kv_[0]);         \
		}                                                              \
	} while (0)
#define TRACE(phase) trace_event(phase, NULL, 0)

/* System calls (raw, through arch.h). */
long sys_write(int fd, const void *p, size_t n);
long sys_read(int fd, void *p, size_t n);
long sys_openat(const char *path, int flags);
long sys_close(int fd);
void *sys_mmap(void *addr, size_t n, int prot, int flags);
long sys_mprotect(void *addr, size_t n, int prot);
long sys_sched_getaffinity(size_t n, void *mask);
long sys_clock_gettime(int clk, void *ts);
_Noreturn void sys_exit_group(int code);
long sys_gettid(void);
long sys_nanosleep(const void *ts);
long sys_sigprocmask(int how, const uint64_t *set, uint64_t *old);
long sys_futex(uint32_t *word, int op, uint32_t val);
long sys_raise(int sig);

/* Small freestanding string helpers. */
size_t rt_strlen(const char *s);
bool rt_streq(const char *a, const char *b);

#endif
