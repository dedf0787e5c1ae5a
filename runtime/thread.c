/* thread.c: Ms beyond m0 (Go: allocm and newm in proc.go, newosproc and
 * minit in os_linux.go) and the futex-based notes they sleep on (Go:
 * lock_futex.go).
 *
 * An M either runs goroutines (the scheduler starts it with a P: startm,
 * newm_sched) or one function on its own g0 without a P, the way Go runs
 * sysmon (newm). Either is a kernel thread of the process made as Go makes it:
 * in internal mode clone(2) with Go's flags, every signal blocked across the
 * call, a 16 KiB g0 from stackalloc and the thread pointer aimed at the M's own
 * TLS block; under libc a pthread, whose own stack is the M's g0, as under cgo.
 */
#include "atomic.h"
#include "runtime.h"
#include <linux/futex.h>
#include <linux/sched.h>
#include <linux/signal.h>

#ifdef RT0_LINK_EXTERNAL
#include <pthread.h>
#endif

/* Go 1.22+'s g0 for a thread it makes itself (go1.23 proc.go:2221,
 * malg(16384 * sys.StackGuardMultiplier); go1.19 took 8 KiB, proc.go:1768). */
#define M_G0_STACK_SIZE 16384

/* Go's cloneFlags (os_linux.go:152): one process, shared everything. Go
 * then sets the child's TLS from the child (settls); here the kernel does
 * it (CLONE_SETTLS), so the child's first instruction already has it. */
#define GO_CLONE_FLAGS                                                         \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_SYSVSEM |   \
	 CLONE_THREAD)
#define NEWM_CLONE_FLAGS (GO_CLONE_FLAGS | CLONE_SETTLS)

static void sigprocmask_all(uint64_t *old)
{
	uint64_t all = ~(uint64_t)0;
	sys_sigprocmask(SIG_SETMASK, &all, old);
}

/* Go's sigsave in schedinit (proc.go:703): the mask every later M gets. */
void sigsave_initial(void)
{
	sys_sigprocmask(SIG_SETMASK, NULL, &rt.init_sigmask);
}

/* Go's mReserveID: m0 takes 0, every later M the next id. */
int64_t mreserveid(void)
{
	return __atomic_fetch_add(&sched.mnext, 1, __ATOMIC_SEQ_CST);
}

/* Go's minit on a new M: the thread id, then the process's first signal
 * mask back (newosproc left every signal blocked). */
static void minit(struct m *mp)
{
	mp->procid = (int32_t)sys_gettid();
	sys_sigprocmask(SIG_SETMASK, &mp->sigmask, NULL);
}

void acquirep(struct p *pp);

/* A new M's first C code, on its g0 (mstart, asm.S, got here through
 * mstart0): Go's mstart1, its function or the scheduler with its P. */
_Noreturn void mstart_newm(void)
{
	struct g *gp = getg();
	struct m *mp = gp->m;
	minit(mp);
	if (mp->mstartfn != NULL) {
		mp->mstartfn(mp->mstartarg);
		fatal("runtime: an M's start function returned");
	}
	acquirep(mp->nextp);
	mp->nextp = NULL;
	schedule();
}

#ifdef RT0_LINK_EXTERNAL
/* Go's cgo thread start (gcc_linux_amd64.c, _cgo_sys_thread_start): the
 * thread's own stack is g0's, its size what pthread gives by default;
 * mstart0 turns that into bounds (proc.go:1359-1374). */
static void *thread_entry(void *arg)
{
	struct m *mp = arg;
	setg_tls(mp->g0);
	mstart();
}

static void newosproc(struct m *mp)
{
	pthread_attr_t attr;
	size_t size = 0;
	pthread_t tid;
	if (pthread_attr_init(&attr) != 0 ||
	    pthread_attr_getstacksize(&attr, &size) != 0)
		fatal("newosproc: pthread_attr");
	mp->g0->stack = (struct stack){0, size}; /* hi = size: mstart0's cue */
	uint64_t old;
	rt.threaded = true;
	sigprocmask_all(&old);
	int err = pthread_create(&tid, &attr, thread_entry, mp);
	sys_sigprocmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (err != 0)
		fatal("runtime: failed to create new OS thread");
}
#else
/* clone(2) in assembly (asm.S): the child starts on stk, where gp and the
 * function it calls lie, with tls as its thread pointer. */
long arch_clone(long flags, uintptr_t *stk, uintptr_t tls);

/* One clone at a time: on qemu-i386 every thread's TLS entry lives in one
 * shared GDT slot, which a child must load before the next CLONE_SETTLS
 * rewrites it (arch/386/asm.S, arch_clone); Ms started by two Ms at once
 * would otherwise swap thread pointers. */
static struct mutex newosproc_lock;

static void newosproc(struct m *mp)
{
	uintptr_t *stk = (uintptr_t *)(mp->g0->stack.hi - 16);
	stk[0] = (uintptr_t)mp->g0;
	stk[1] = (uintptr_t)mstart;
	uintptr_t tls = arch_newm_tls(mp->tls, mp->tls_desc);
	uint64_t old;
	rt.threaded = true;
	sigprocmask_all(&old);
	mutex_lock(&newosproc_lock);
	long r = arch_clone(NEWM_CLONE_FLAGS, stk, tls);
	mutex_unlock(&newosproc_lock);
	sys_sigprocmask(SIG_SETMASK, &old, NULL);
	if (r < 0)
		fatal("runtime: failed to create new OS thread");
}
#endif

/* Go's maxmcount: a runaway program fails instead of exhausting threads. */
#define MAX_M_COUNT 10000

/* Go's allocm: the M and its g0. */
static struct m *allocm(void (*fn)(void *), void *arg)
{
	struct m *mp = persistentalloc(sizeof *mp);
	mp->id = mreserveid();
	if (mp->id >= MAX_M_COUNT)
		fatal("thread exhaustion");
	mp->mstartfn = fn;
	mp->mstartarg = arg;
	mp->sigmask = rt.init_sigmask;
	struct g *g0p = persistentalloc(sizeof *g0p);
	g0p->m = mp;
	g0p->goid = 0;
	g0p->status = G_RUNNING;
	g0p->system = true;
#ifndef RT0_LINK_EXTERNAL
	g0p->stack = stackalloc(M_G0_STACK_SIZE);
	g0p->stackguard0 = g0p->stackguard1 = g0p->stack.lo + STACK_GUARD;
#endif
	mp->g0 = g0p;
	mutex_lock(&sched.lock);
	mp->alllink = sched.allm;
	__atomic_store_n(&sched.allm, mp, __ATOMIC_RELEASE);
	mutex_unlock(&sched.lock);
	return mp;
}

/* Go's newm(fn, nil, -1): an M for one function, without a P. */
struct m *newm(void (*fn)(void *), void *arg)
{
	struct m *mp = allocm(fn, arg);
	newosproc(mp);
	return mp;
}

/* Go's newm(nil or mspinning, pp, -1) from startm: an M that runs
 * goroutines, starting with pp. */
struct m *newm_sched(struct p *pp, bool spinning)
{
	struct m *mp = allocm(NULL, NULL);
	mp->nextp = pp;
	mp->spinning = spinning;
	mutex_lock(&sched.lock);
	sched.mcount++;
	mutex_unlock(&sched.lock);
	newosproc(mp);
	return mp;
}

int64_t rt0_newm(void (*fn)(void *), void *arg)
{
	if (fn == NULL)
		fatal("rt0_newm: nil function");
	return newm(fn, arg)->id;
}

void m_info(const struct m *mp, const struct g *gp, struct rt0_m_info *out)
{
	out->id = mp->id;
	out->is_g0 = gp == mp->g0;
	out->g0_lo = mp->g0->stack.lo;
	out->g0_hi = mp->g0->stack.hi;
	out->procid = mp->procid; /* m0 never ran minit: 0 */
	out->has_p = mp->p != NULL;
}

void rt0_m_self(struct rt0_m_info *out)
{
	struct g *gp = getg();
	m_info(gp->m, gp, out);
}

/* Notes: one waiter, one waker, like Go's (lock_futex.go). key 0 is
 * unset, 1 is set; the waiter sleeps in the kernel until the key moves.
 * The runtime's exchanges (atomic.c), not the compiler's: the wakeup must
 * be a release on every arch (riscv64: arch.h, ARCH_ATOMIC_RMW). */
void noteclear(struct rt0_note *n)
{
	__atomic_store_n(&n->key, 0, __ATOMIC_SEQ_CST);
}

void notewakeup(struct rt0_note *n)
{
	if (rt_xchg32(&n->key, 1) != 0)
		fatal("notewakeup - double wakeup");
	sys_futex(&n->key, FUTEX_WAKE_PRIVATE, 1);
}

void notesleep(struct rt0_note *n)
{
	while (__atomic_load_n(&n->key, __ATOMIC_SEQ_CST) == 0)
		sys_futex(&n->key, FUTEX_WAIT_PRIVATE, 0);
}

void rt0_noteclear(struct rt0_note *n)
{
	noteclear(n);
}

void rt0_notewakeup(struct rt0_note *n)
{
	notewakeup(n);
}

void rt0_notesleep(struct rt0_note *n)
{
	notesleep(n);
}

/* Go's lock_futex.go mutex: take it with one exchange when free; else mark
 * it contended (2) and sleep until an unlock finds the mark and wakes one
 * sleeper. Start-up never contends; Ms handing Ps over do, briefly. */
void mutex_lock(struct mutex *l)
{
	if (rt_cas32(&l->key, 0, 1))
		return;
	while (rt_xchg32(&l->key, 2) != 0)
		sys_futex(&l->key, FUTEX_WAIT_PRIVATE, 2);
}

void mutex_unlock(struct mutex *l)
{
	if (rt_xchg32(&l->key, 0) == 2)
		sys_futex(&l->key, FUTEX_WAKE_PRIVATE, 1);
}
