/* proc.c: schedinit, goroutine creation and the scheduler (Go: proc.go).
 *
 * One M (m0, the process's only thread) runs every goroutine; a goroutine
 * runs until it blocks, yields or exits. GOMAXPROCS Ps are accounted for,
 * but only P0 is materialised: with one M no other P could ever run, and
 * GOMAXPROCS=2147483647 must still start in bounded memory. */
#include "runtime.h"

struct runtime_state rt;
struct sched sched;
struct m m0;
struct g g0;
#ifdef RT0_LINK_EXTERNAL
_Thread_local struct g *rt0_tls_g; /* arch.h: g's home under libc */
#endif

/* Test hooks; a probe's strong definitions replace these. */
__attribute__((weak)) void rt0_hook_schedinit(void)
{
}

__attribute__((weak)) void rt0_hook_schedule(void)
{
}

void rt0_go_started(uintptr_t entrysp)
{
	rt.entrysp = entrysp;
	/* g0's guards, as rt0_go set them (Go: mstart0, lo + StackGuard). */
	struct trace_kv kv[] = {KV_X("guard0", g0.stackguard0),
	                        KV_X("guard1", g0.stackguard1)};
	trace_event("runtime.rt0_go", kv, 2);
}

/* What Go's processOptions prints about GODEBUG's cpu options. */
static void cpu_warning(void *ctx, enum knob_cpu_warning w, const char *a,
                        size_t alen, const char *b, size_t blen)
{
	(void)ctx;
	switch (w) {
	case KNOB_CPU_NO_VALUE:
		print_str("GODEBUG: no value specified for \"");
		print_bytes(a, alen);
		print_str("\"\n");
		break;
	case KNOB_CPU_BAD_VALUE:
		print_str("GODEBUG: value \"");
		print_bytes(a, alen);
		print_str("\" not supported for cpu option \"");
		print_bytes(b, blen);
		print_str("\"\n");
		break;
	case KNOB_CPU_NO_SUPPORT:
		print_str("GODEBUG: can not enable \"");
		print_bytes(a, alen);
		print_str("\", missing CPU support\n");
		break;
	}
}

/* Go's cpuinit reads GODEBUG straight from envp, before goenvs: the first
 * "GODEBUG=" entry only, for its cpu.* options (knob_godebug_cpu). */
STARTUP_STEP static void cpuinit(void)
{
	static const char *const names[] = {
#define CPU_NAME(name) #name,
	    ARCH_CPU_FEATURES(CPU_NAME)
#undef CPU_NAME
	};
	size_t nenv = 0;
	while (rt.envp[nenv] != NULL)
		nenv++;
	const char *s =
	    knob_env_lookup((const char *const *)rt.envp, nenv, "GODEBUG", 7);
	rt.cpu = knob_godebug_cpu(s, s != NULL ? rt_strlen(s) : 0, names,
	                          sizeof names / sizeof names[0],
	                          arch_cpu_detect(rt.hwcap, rt.hwcap2),
	                          cpu_warning, NULL);
	TRACE("runtime.cpuinit");
}

/* Go's getRandomData: the kernel's 16 AT_RANDOM bytes, stretched when more
 * are wanted; /dev/urandom only when there is no AT_RANDOM. */
void get_random_data(uint8_t *buf, size_t n)
{
	size_t have = 0;
	if (rt.random16 != NULL) {
		for (; have < n && have < 16; have++)
			buf[have] = rt.random16[have];
	} else {
		long fd = sys_openat("/dev/urandom", 0);
		if (fd >= 0) {
			long r = sys_read((int)fd, buf, n);
			sys_close((int)fd);
			have = r > 0 ? (size_t)r : 0;
		}
	}
	uint64_t x = 0x9e3779b97f4a7c15ull ^ (uint64_t)nanotime();
	for (size_t i = 0; i < have; i++)
		x = (x ^ buf[i]) * 0x100000001b3ull;
	for (size_t i = have; i < n; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		buf[i] = (uint8_t)(x >> 32);
	}
}

STARTUP_STEP static void alginit(void)
{
	/* ARCH_AESHASH_NEEDS 0: the arch has no AES hash at all (Go's own
	 * useAeshash is only ever set on 386, amd64 and arm64). */
	rt.use_aeshash = ARCH_AESHASH_NEEDS != 0 &&
	                 (rt.cpu & ARCH_AESHASH_NEEDS) == ARCH_AESHASH_NEEDS;
	get_random_data((uint8_t *)rt.hashkey, sizeof rt.hashkey);
	rt.hashkey[0] |= 1; /* Go: hash keys must be odd */
	TRACE("runtime.alginit");
}

STARTUP_STEP static void fastrandinit(void)
{
	get_random_data((uint8_t *)&rt.fastrand, sizeof rt.fastrand);
	TRACE("runtime.fastrandinit");
}

STARTUP_STEP static void mcommoninit(struct m *mp)
{
	mp->id = mreserveid();
	TRACE("runtime.mcommoninit");
}

/* Go: procresize(n) with the world stopped. P0 goes to m0; the others
 * would be idle, and are only counted. */
STARTUP_STEP static void procresize(int32_t n)
{
	if (n <= 0)
		fatal("procresize: invalid arg");
	rt.gomaxprocs = n;
	struct p *pp = persistentalloc(sizeof *pp);
	pp->id = 0;
	pp->status = P_RUNNING;
	pp->m = &m0;
	m0.p = pp;
	sched.p0 = pp;
	sched.npidle = n - 1;
	struct trace_kv kv[] = {KV_I("nprocs", n)};
	trace_event("runtime.procresize", kv, 1);
}

void schedinit(void)
{
	TRACE("runtime.schedinit");
	stackinit();
	mallocinit();
	cpuinit();
	alginit();
	fastrandinit();
	mcommoninit(&m0);
	sigsave_initial(); /* Go's initSigmask (proc.go:703) */
	rt0_hook_schedinit();
	goargs();
	goenvs();
	parsedebugvars();
	gcinit();
	procresize(read_gomaxprocs());
}

static void runqput(struct p *pp, struct g *gp, bool next)
{
	if (next) {
		struct g *old = pp->runnext;
		pp->runnext = gp;
		if (old == NULL)
			return;
		gp = old; /* the old runnext goes to the tail */
	}
	gp->schedlink = NULL;
	if (pp->runqtail != NULL)
		pp->runqtail->schedlink = gp;
	else
		pp->runqhead = gp;
	pp->runqtail = gp;
}

static struct g *runqget(struct p *pp)
{
	struct g *gp = pp->runnext;
	if (gp != NULL) {
		pp->runnext = NULL;
		return gp;
	}
	gp = pp->runqhead;
	if (gp != NULL) {
		pp->runqhead = gp->schedlink;
		if (pp->runqhead == NULL)
			pp->runqtail = NULL;
	}
	return gp;
}

/* Go's gostartcall: make the goroutine look as if its entry function had
 * been called from buf->pc (goexit + PCQuantum), and start at fn. */
static void gostartcall(struct gobuf *buf, rt0_fn fn, void *arg)
{
#if ARCH_ARGS_ON_STACK
	/* cdecl: the entry function reads its argument from the slot just
	 * above its return address (pushed below), not from buf->ctxt. */
	*(uintptr_t *)buf->sp = (uintptr_t)arg;
#endif
#if ARCH_LINK_REGISTER
	/* As Go's newproc1 on link-register arches: the word at SP is 0; to
	 * the ppc64le and s390x C ABIs it is the back chain, ending here. */
	*(uintptr_t *)buf->sp = 0;
	buf->lr = buf->pc;
#else
	buf->sp -= ARCH_PTRSIZE;
	*(uintptr_t *)buf->sp = buf->pc;
#endif
	buf->pc = (uintptr_t)fn;
	buf->ctxt = (uintptr_t)arg;
}

struct g *newproc1(rt0_fn fn, void *arg, bool system, uintptr_t stacksize)
{
	if (fn == NULL)
		fatal("go of nil func value");
	struct p *pp = getg()->m->p;
	struct g *gp = sched.gfree;
	if (gp != NULL) {
		sched.gfree = gp->schedlink;
	} else {
		gp = persistentalloc(sizeof *gp);
		gp->alllink = sched.allg;
		sched.allg = gp;
	}
	gp->stack = stackalloc(stacksize);
	gp->stackguard0 = gp->stackguard1 = gp->stack.lo + STACK_GUARD;
	uintptr_t frame =
	    ALIGN_UP(4 * ARCH_PTRSIZE + ARCH_MINFRAMESIZE, ARCH_STACKALIGN);
	gp->sched = (struct gobuf){
	    .sp = gp->stack.hi - frame,
	    .pc = (uintptr_t)goexit + ARCH_PCQUANTUM,
	    .g = gp,
	};
	gostartcall(&gp->sched, fn, arg);
	arch_fpctl_save(gp->sched.fpctl);
	if (pp->goidcache == pp->goidcacheend) {
		sched.goidgen += GOID_BATCH;
		pp->goidcache = sched.goidgen - GOID_BATCH + 1;
		pp->goidcacheend = pp->goidcache + GOID_BATCH;
	}
	gp->goid = pp->goidcache++;
	gp->system = system;
	gp->m = NULL;
	gp->lockedm = NULL;
	gp->waitreason = WAIT_NONE;
	gp->status = G_RUNNABLE;
	if (!system)
		sched.nuser++;
	runqput(pp, gp, true);
	/* Where the entry function will find its return address: in the link
	 * register, or at SP (conformance/TRACE.md). */
#if ARCH_LINK_REGISTER
	uintptr_t ret = gp->sched.lr;
	const char *retloc = "lr";
#else
	uintptr_t ret = *(uintptr_t *)gp->sched.sp;
	const char *retloc = "stack";
#endif
	struct trace_kv kv[] = {
	    KV_I("newg", gp->goid),      KV_X("newlo", gp->stack.lo),
	    KV_X("newhi", gp->stack.hi), KV_X("newsp", gp->sched.sp),
	    KV_X("newpc", gp->sched.pc), KV_X("newret", ret),
	    KV_S("newretloc", retloc),   KV_X("newguard", gp->stackguard0),
	};
	trace_event("runtime.newproc", kv, sizeof kv / sizeof kv[0]);
	return gp;
}

void newproc(rt0_fn fn, void *arg)
{
	newproc1(fn, arg, false, STACK_USER);
}

/* No goroutine can run: Go's checkdead. System goroutines do not count. */
static _Noreturn void checkdead(void)
{
#ifdef RT0_LIBRARY
	if (rt.islibrary)
		lib_park_forever();
#endif
	int32_t waiting = 0;
	for (struct g *gp = sched.allg; gp != NULL; gp = gp->alllink) {
		if (gp->system || gp->status == G_DEAD)
			continue;
		if (gp->status != G_WAITING)
			fatal("checkdead: runnable g");
		waiting++;
	}
	if (waiting == 0)
		fatal("no goroutines (main called runtime.Goexit) - deadlock!");
	fatal("all goroutines are asleep - deadlock!");
}

static _Noreturn void execute(struct g *gp)
{
	struct m *mp = getg()->m;
	mp->curg = gp;
	gp->m = mp;
	gp->status = G_RUNNING;
	struct trace_kv kv[] = {KV_I("next", gp->goid)};
	trace_sched_event("runtime.execute", kv, 1);
	gogo(&gp->sched);
}

_Noreturn void schedule(void)
{
	struct m *mp = getg()->m;
	if (getg() != mp->g0)
		fatal("schedule: not on g0");
	rt0_hook_schedule();
	struct g *gp = runqget(mp->p);
	if (gp == NULL)
		checkdead();
	execute(gp);
}

void mstart0(void)
{
	struct g *gp = getg();
	if (gp != gp->m->g0)
		fatal("bad runtime·mstart");
	if (gp->stack.lo == 0) {
		/* Go's mstart0 on a thread's own stack (a pthread's): hi is
		 * the size it was given; the bounds start here, and the 1024
		 * bytes stand for what lies above (proc.go:1359-1374). */
		uintptr_t size = gp->stack.hi;
		gp->stack.hi = (uintptr_t)&size;
		gp->stack.lo = gp->stack.hi - size + 1024;
		gp->stackguard0 = gp->stackguard1 = gp->stack.lo + STACK_GUARD;
	}
	if (gp->m != &m0)
		mstart_newm();
	TRACE("runtime.mstart");
	schedule();
}

static void park_m(struct g *gp)
{
	gp->m->curg = NULL;
	schedule();
}

void gopark(enum waitreason reason)
{
	struct g *gp = getg();
	gp->status = G_WAITING;
	gp->waitreason = reason;
	struct trace_kv kv[] = {KV_I("reason", reason)};
	trace_sched_event("runtime.gopark", kv, 1);
	mcall(park_m);
}

void goready(struct g *gp)
{
	if (gp->status != G_WAITING)
		fatal("goready: bad g status");
	gp->status = G_RUNNABLE;
	gp->waitreason = WAIT_NONE;
	runqput(getg()->m->p, gp, true);
}

static void gosched_m(struct g *gp)
{
	gp->status = G_RUNNABLE;
	gp->m->curg = NULL;
	runqput(gp->m->p, gp, false);
	schedule();
}

void rt0_gosched(void)
{
	mcall(gosched_m);
}

static void goexit0(struct g *gp)
{
	struct m *mp = gp->m;
	gp->status = G_DEAD;
	if (!gp->system)
		sched.nuser--;
	if (mp->lockedg == gp) {
		mp->lockedg = NULL;
		mp->locked_ext = mp->locked_int = 0;
	}
	gp->lockedm = NULL;
	gp->m = NULL;
	mp->curg = NULL;
	stackfree(gp->stack);
	gp->stack = (struct stack){0, 0};
	gp->schedlink = sched.gfree;
	sched.gfree = gp;
	schedule();
}

_Noreturn void goexit1(void)
{
	mcall(goexit0);
	arch_trap(); /* goexit0 never returns here */
}

int64_t rt0_go(rt0_fn fn, void *arg)
{
	return newproc1(fn, arg, false, STACK_USER)->goid;
}

_Noreturn void rt0_goexit(void)
{
	goexit1();
}

int64_t rt0_goid(void)
{
	return getg()->goid;
}

int32_t rt0_num_goroutine(void)
{
	return sched.nuser;
}

static void lock_update(struct g *gp)
{
	struct m *mp = gp->m;
	bool locked = mp->locked_ext != 0 || mp->locked_int != 0;
	mp->lockedg = locked ? gp : NULL;
	gp->lockedm = locked ? mp : NULL;
}

void rt0_lock_os_thread(void)
{
	struct g *gp = getg();
	gp->m->locked_ext++;
	lock_update(gp);
}

void rt0_unlock_os_thread(void)
{
	struct g *gp = getg();
	if (gp->m->locked_ext > 0)
		gp->m->locked_ext--;
	lock_update(gp);
}

void lock_os_thread_internal(void)
{
	struct g *gp = getg();
	gp->m->locked_int++;
	lock_update(gp);
}

void unlock_os_thread_internal(void)
{
	struct g *gp = getg();
	if (gp->m->locked_int == 0)
		fatal("unlockOSThread: not locked");
	gp->m->locked_int--;
	lock_update(gp);
}

void rt0_stack_bounds(uintptr_t *lo, uintptr_t *hi)
{
	struct g *gp = getg();
	*lo = gp->stack.lo;
	*hi = gp->stack.hi;
}
