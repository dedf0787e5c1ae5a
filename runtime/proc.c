/* proc.c: schedinit, goroutine creation and the scheduler (Go: proc.go).
 *
 * GOMAXPROCS Ps run goroutines, each on an M (a thread), as Go's do: a
 * P's local run queue and runnext, the global queue, work stealing by
 * spinning Ms, idle Ms parked on notes, and goroutines locked to their M
 * (LockOSThread) run only there. A goroutine runs until it blocks, yields
 * or exits: there is no preemption. Ps are made when an M first needs an
 * idle one, not all in procresize, so GOMAXPROCS=2147483647 still starts
 * in bounded memory; the ones never made are counted as idle. */
#include "atomic.h"
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

/* Go: procresize(n) with the world stopped. P0 goes to m0; the other
 * n - 1 are idle, made when an M first takes one (pidleget). */
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
	sched.allp = pp;
	sched.nallp = 1;
	sched.npidle = n - 1;
	sched.mcount = 1; /* m0 */
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

/* The few steps of every goroutine switch, inlined into their callers: a
 * call's frame setup costs as much as the single-P work itself. */
#define SWITCH_PATH static inline __attribute__((always_inline))

static int32_t load32(const int32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void add32(int32_t *p, int32_t v)
{
	rt_xadd32((uint32_t *)p, v);
}

static bool casp(struct g **p, struct g *old, struct g *desired)
{
#if ARCH_PTRSIZE == 8
	return rt_cas64((uint64_t *)p, (uint64_t)old, (uint64_t)desired);
#else
	return rt_cas32((uint32_t *)p, (uint32_t)old, (uint32_t)desired);
#endif
}

static uint32_t load_acq(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_rel(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Ring slots are read by thieves while the owner fills others. */
static struct g *slot_get(struct p *pp, uint32_t i)
{
	return __atomic_load_n(&pp->runq[i % RUNQ_SIZE], __ATOMIC_RELAXED);
}

static void slot_set(struct p *pp, uint32_t i, struct g *gp)
{
	__atomic_store_n(&pp->runq[i % RUNQ_SIZE], gp, __ATOMIC_RELAXED);
}

/* The global run queue (sched.lock held). */
static void globrunqput(struct g *gp, bool front)
{
	gp->schedlink = NULL;
	if (front) {
		gp->schedlink = sched.runqhead;
		sched.runqhead = gp;
		if (sched.runqtail == NULL)
			sched.runqtail = gp;
	} else {
		if (sched.runqtail != NULL)
			sched.runqtail->schedlink = gp;
		else
			sched.runqhead = gp;
		sched.runqtail = gp;
	}
	add32(&sched.runqsize, 1);
}

/* The global queue's head (sched.lock held). Go's globrunqget also moves
 * a fair share into the P's ring; rt0 takes one at a time, so that what
 * waits in the global queue always runs before what a P queued later. */
static struct g *globrunqget(void)
{
	struct g *gp = sched.runqhead;
	if (gp == NULL)
		return NULL;
	sched.runqhead = gp->schedlink;
	if (sched.runqhead == NULL)
		sched.runqtail = NULL;
	add32(&sched.runqsize, -1);
	return gp;
}

/* Go's runqputslow: the local ring is full. Go moves its older half and
 * gp to the global queue; rt0 moves all of it, in order, so the global
 * queue (which findrunnable empties first) holds only what is older than
 * the ring: one P's goroutines stay FIFO past the ring's 256 slots. */
static bool runqputslow(struct p *pp, struct g *gp, uint32_t h, uint32_t t)
{
	struct g *batch[RUNQ_SIZE + 1];
	uint32_t n = t - h;
	for (uint32_t i = 0; i < n; i++)
		batch[i] = slot_get(pp, h + i);
	if (!rt_cas32(&pp->runqhead, h, h + n))
		return false; /* a thief took some: the ring has room now */
	batch[n] = gp;
	mutex_lock(&sched.lock);
	for (uint32_t i = 0; i <= n; i++)
		globrunqput(batch[i], false);
	mutex_unlock(&sched.lock);
	return true;
}

/* runnext's goroutine, if a thief has not just taken it. */
static struct g *runnext_take(struct p *pp)
{
	struct g *next = __atomic_load_n(&pp->runnext, __ATOMIC_ACQUIRE);
	if (next == NULL)
		return NULL;
	if (single_p()) {
		__atomic_store_n(&pp->runnext, NULL, __ATOMIC_RELAXED);
		return next;
	}
	return casp(&pp->runnext, next, NULL) ? next : NULL;
}

/* gp into runnext; returns what was there. */
static struct g *runnext_swap(struct p *pp, struct g *gp)
{
	struct g *old = __atomic_load_n(&pp->runnext, __ATOMIC_ACQUIRE);
	if (single_p())
		__atomic_store_n(&pp->runnext, gp, __ATOMIC_RELEASE);
	else
		while (!casp(&pp->runnext, old, gp))
			old = __atomic_load_n(&pp->runnext, __ATOMIC_ACQUIRE);
	return old;
}

/* Go's runqput: gp to pp's runnext (kicking the old one to the tail) or
 * its tail. Only pp's owner puts. */
SWITCH_PATH void runqput(struct p *pp, struct g *gp, bool next)
{
	if (next) {
		gp = runnext_swap(pp, gp);
		if (gp == NULL)
			return; /* else the old runnext goes to the tail */
	}
	for (;;) {
		uint32_t h = load_acq(&pp->runqhead);
		uint32_t t = pp->runqtail;
		if (t - h < RUNQ_SIZE) {
			slot_set(pp, t, gp);
			store_rel(&pp->runqtail, t + 1);
			return;
		}
		if (runqputslow(pp, gp, h, t))
			return;
	}
}

/* Go's runqget without runnext (findrunnable takes that first): the
 * ring's head. Only pp's owner gets. */
static struct g *runqget_ring(struct p *pp)
{
	struct g *gp;
	for (;;) {
		uint32_t h = load_acq(&pp->runqhead);
		uint32_t t = pp->runqtail;
		if (t == h)
			return NULL;
		gp = slot_get(pp, h);
		if (single_p()) {
			store_rel(&pp->runqhead, h + 1);
			return gp;
		}
		if (rt_cas32(&pp->runqhead, h, h + 1))
			return gp;
	}
}

static bool runqempty(struct p *pp)
{
	for (;;) {
		uint32_t h = load_acq(&pp->runqhead);
		uint32_t t = load_acq(&pp->runqtail);
		struct g *next =
		    __atomic_load_n(&pp->runnext, __ATOMIC_ACQUIRE);
		if (t == load_acq(&pp->runqtail))
			return h == t && next == NULL;
	}
}

/* Go's runqgrab: half of victim's queue into pp's ring from its tail t,
 * or victim's runnext when the queue is empty and steal_next. */
static uint32_t runqgrab(struct p *victim, struct p *pp, uint32_t t,
                         bool steal_next)
{
	for (;;) {
		uint32_t h = load_acq(&victim->runqhead);
		uint32_t vt = load_acq(&victim->runqtail);
		uint32_t n = vt - h;
		n -= n / 2;
		if (n == 0) {
			struct g *next =
			    __atomic_load_n(&victim->runnext, __ATOMIC_ACQUIRE);
			if (!steal_next || next == NULL)
				return 0;
			/* Its owner is likely about to run it: give it the
			 * moment Go does (usleep(3)) before taking it. */
			if (victim->status == P_RUNNING) {
				struct {
					long sec, nsec;
				} ts = {0, 3000};
				sys_nanosleep(&ts);
			}
			if (!casp(&victim->runnext, next, NULL))
				continue;
			slot_set(pp, t, next);
			return 1;
		}
		if (n > RUNQ_SIZE / 2)
			continue; /* read h and vt apart: try again */
		for (uint32_t i = 0; i < n; i++)
			slot_set(pp, t + i, slot_get(victim, h + i));
		if (rt_cas32(&victim->runqhead, h, h + n))
			return n;
	}
}

/* Go's runqsteal: one g to run now, the rest of the grab queued. */
static struct g *runqsteal(struct p *pp, struct p *victim, bool steal_next)
{
	uint32_t t = pp->runqtail;
	uint32_t n = runqgrab(victim, pp, t, steal_next);
	if (n == 0)
		return NULL;
	n--;
	struct g *gp = slot_get(pp, t + n);
	if (n > 0)
		store_rel(&pp->runqtail, t + n);
	return gp;
}

/* Go's pidleget (sched.lock held): an idle P, made now if every idle one
 * is still only counted. */
static struct p *pidleget(void)
{
	struct p *pp = sched.pidle;
	if (pp != NULL) {
		sched.pidle = pp->link;
	} else {
		if (sched.nallp >= rt.gomaxprocs)
			return NULL;
		pp = persistentalloc(sizeof *pp);
		pp->id = sched.nallp++;
		pp->alllink = sched.allp;
		__atomic_store_n(&sched.allp, pp, __ATOMIC_RELEASE);
	}
	add32(&sched.npidle, -1);
	return pp;
}

static void pidleput(struct p *pp)
{
	if (!runqempty(pp))
		fatal("pidleput: P has non-empty run queue");
	pp->link = sched.pidle;
	sched.pidle = pp;
	add32(&sched.npidle, 1);
}

void acquirep(struct p *pp)
{
	struct m *mp = getg()->m;
	if (mp->p != NULL || pp->m != NULL || pp->status != P_IDLE)
		fatal("acquirep: invalid p state");
	mp->p = pp;
	pp->m = mp;
	pp->status = P_RUNNING;
}

static struct p *releasep(void)
{
	struct m *mp = getg()->m;
	struct p *pp = mp->p;
	if (pp == NULL || pp->m != mp || pp->status != P_RUNNING)
		fatal("releasep: invalid p state");
	mp->p = NULL;
	pp->m = NULL;
	pp->status = P_IDLE;
	return pp;
}

/* No goroutine can run: Go's checkdead (sched.lock held), called when an
 * M goes idle. Only the Ms that run goroutines count; those blocked with
 * their P (in a note, a system call) may still make work. */
static void checkdead(void)
{
#ifdef RT0_LIBRARY
	if (rt.islibrary)
		return; /* Go: the host may still call in (proc.go:5023) */
#endif
	if (sched.mcount - sched.nmidle - sched.nmidlelocked > 0)
		return;
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

/* Go's stopm: park this M idle until startm hands it a P. */
static void stopm(void)
{
	struct m *mp = getg()->m;
	if (mp->p != NULL || mp->spinning)
		fatal("stopm holding p or spinning");
	mutex_lock(&sched.lock);
	mp->schedlink = sched.midle;
	sched.midle = mp;
	sched.nmidle++;
	checkdead();
	mutex_unlock(&sched.lock);
	notesleep(&mp->park);
	noteclear(&mp->park);
	acquirep(mp->nextp);
	mp->nextp = NULL;
}

/* Go's startm: run pp (or an idle P) on an idle M, or on a new one. A
 * spinning start owns one count of nmspinning, given back if no P is
 * idle. */
static void startm(struct p *pp, bool spinning)
{
	mutex_lock(&sched.lock);
	if (pp == NULL) {
		pp = pidleget();
		if (pp == NULL) {
			mutex_unlock(&sched.lock);
			if (spinning)
				add32(&sched.nmspinning, -1);
			return;
		}
	}
	struct m *mp = sched.midle;
	if (mp != NULL) {
		sched.midle = mp->schedlink;
		sched.nmidle--;
	}
	mutex_unlock(&sched.lock);
	if (mp == NULL) {
		newm_sched(pp, spinning);
		return;
	}
	mp->spinning = spinning;
	mp->nextp = pp;
	notewakeup(&mp->park);
}

/* Go's wakep: a goroutine became runnable; if a P is idle and no M is
 * already looking for work, start one spinning. */
SWITCH_PATH void wakep(void)
{
	if (single_p() || !rt.main_started || load32(&sched.npidle) == 0)
		return;
	if (load32(&sched.nmspinning) != 0 ||
	    !rt_cas32((uint32_t *)&sched.nmspinning, 0, 1))
		return;
	startm(NULL, true);
}

/* Go's handoffp: this M gives pp up (it blocks, or sleeps locked); run it
 * elsewhere if there is work, else make it idle. */
static void handoffp(struct p *pp)
{
	if (!runqempty(pp) || load32(&sched.runqsize) != 0) {
		startm(pp, false);
		return;
	}
	if (load32(&sched.nmspinning) + load32(&sched.npidle) == 0 &&
	    rt_cas32((uint32_t *)&sched.nmspinning, 0, 1)) {
		startm(pp, true);
		return;
	}
	mutex_lock(&sched.lock);
	if (sched.runqsize != 0) {
		mutex_unlock(&sched.lock);
		startm(pp, false);
		return;
	}
	pidleput(pp);
	mutex_unlock(&sched.lock);
}

/* Go's stoplockedm: this M is its goroutine's alone; give the P away and
 * sleep until that goroutine is runnable and someone hands a P back. */
static void stoplockedm(void)
{
	struct m *mp = getg()->m;
	if (mp->p != NULL)
		handoffp(releasep());
	mutex_lock(&sched.lock);
	sched.nmidlelocked++;
	checkdead();
	mutex_unlock(&sched.lock);
	notesleep(&mp->park);
	noteclear(&mp->park); /* startlockedm took us off nmidlelocked */
	acquirep(mp->nextp);
	mp->nextp = NULL;
	if (mp->lockedg->status != G_RUNNABLE)
		fatal("stoplockedm: inconsistent locking");
}

/* Go's startlockedm: gp may run only on its own M; hand it this M's P,
 * wake it, and go idle. */
static void startlockedm(struct g *gp)
{
	struct m *mp = gp->lockedm;
	if (mp == getg()->m)
		fatal("startlockedm: locked to me");
	mutex_lock(&sched.lock); /* mp is no longer idle: checkdead counts */
	sched.nmidlelocked--;
	mutex_unlock(&sched.lock);
	mp->nextp = releasep();
	notewakeup(&mp->park);
	stopm();
}

/* Go's resetspinning: a spinning M found work; if it was the last one
 * looking, another should look for more. */
static void resetspinning(struct m *mp)
{
	mp->spinning = false;
	add32(&sched.nmspinning, -1);
	if (load32(&sched.nmspinning) < 0)
		fatal("resetspinning: negative nmspinning");
	wakep();
}

/* Go's stealWork: four rounds over every P but our own, taking runnext
 * only in the last (its owner is likely about to run it). */
static struct g *stealwork(struct p *pp)
{
	for (int round = 0; round < 4; round++) {
		struct p *all = __atomic_load_n(&sched.allp, __ATOMIC_ACQUIRE);
		for (struct p *victim = all; victim != NULL;
		     victim = victim->alllink) {
			if (victim == pp || victim->status != P_RUNNING)
				continue;
			struct g *gp = runqsteal(pp, victim, round == 3);
			if (gp != NULL)
				return gp;
		}
	}
	return NULL;
}

static bool any_runq_nonempty(void)
{
	struct p *all = __atomic_load_n(&sched.allp, __ATOMIC_ACQUIRE);
	for (struct p *pp = all; pp != NULL; pp = pp->alllink)
		if (!runqempty(pp))
			return true;
	return false;
}

/* Go's findrunnable: local queue, global queue, stealing; when all are
 * empty, give the P back and sleep until startm hands one over. */
static struct g *findrunnable(struct m *mp)
{
	for (;;) {
		struct p *pp = mp->p;
		struct g *gp;
		/* runnext, then the global queue, then the ring. Go looks at
		 * the global queue only every 61st turn; rt0 empties it
		 * first, since a P's overflow (runqputslow) is older than
		 * what its ring holds. A ring rarely overflows, so the
		 * single-P path rarely takes the lock. */
		if ((gp = runnext_take(pp)) != NULL)
			return gp;
		if (load32(&sched.runqsize) > 0) {
			mutex_lock(&sched.lock);
			gp = globrunqget();
			mutex_unlock(&sched.lock);
			if (gp != NULL)
				return gp;
		}
		if ((gp = runqget_ring(pp)) != NULL)
			return gp;
		/* Steal only while few Ms spin: at most half the busy Ps. */
		int32_t busy = rt.gomaxprocs - load32(&sched.npidle);
		if (mp->spinning || 2 * load32(&sched.nmspinning) < busy) {
			if (!mp->spinning) {
				mp->spinning = true;
				add32(&sched.nmspinning, 1);
			}
			if ((gp = stealwork(pp)) != NULL)
				return gp;
		}
		mutex_lock(&sched.lock);
		if (sched.runqsize != 0) {
			gp = globrunqget();
			mutex_unlock(&sched.lock);
			return gp;
		}
		pidleput(releasep());
		mutex_unlock(&sched.lock);
		if (mp->spinning) {
			/* No longer spinning: a goroutine queued since our
			 * last look would find nmspinning 0 and no M woken
			 * for it, so look once more (Go's "delicate dance"). */
			mp->spinning = false;
			add32(&sched.nmspinning, -1);
			if (any_runq_nonempty()) {
				mutex_lock(&sched.lock);
				pp = pidleget();
				mutex_unlock(&sched.lock);
				if (pp != NULL) {
					acquirep(pp);
					mp->spinning = true;
					add32(&sched.nmspinning, 1);
					continue;
				}
			}
		}
		stopm();
	}
}

/* A P's count of user goroutines, which only its M changes and anyone may
 * read (rt0_num_goroutine): no read-modify-write on the create path. */
static void count_user(struct p *pp, int32_t delta)
{
	__atomic_store_n(&pp->nuser, pp->nuser + delta, __ATOMIC_RELAXED);
}

/* Go's gfget and gfput: a P's own free gs, shared through sched's list
 * in batches. */
static struct g *gfget(struct p *pp)
{
	if (pp->gfree == NULL && load32(&sched.ngfree) != 0) {
		mutex_lock(&sched.lock);
		while (pp->ngfree < GFREE_KEEP / 2 && sched.gfree != NULL) {
			struct g *gp = sched.gfree;
			sched.gfree = gp->schedlink;
			add32(&sched.ngfree, -1);
			gp->schedlink = pp->gfree;
			pp->gfree = gp;
			pp->ngfree++;
		}
		mutex_unlock(&sched.lock);
	}
	struct g *gp = pp->gfree;
	if (gp != NULL) {
		pp->gfree = gp->schedlink;
		pp->ngfree--;
	}
	return gp;
}

static void gfput(struct p *pp, struct g *gp)
{
	gp->schedlink = pp->gfree;
	pp->gfree = gp;
	if (++pp->ngfree < GFREE_KEEP || single_p())
		return; /* with one P there is no one to share with */
	mutex_lock(&sched.lock);
	while (pp->ngfree > GFREE_KEEP / 2) {
		struct g *move = pp->gfree;
		pp->gfree = move->schedlink;
		pp->ngfree--;
		move->schedlink = sched.gfree;
		sched.gfree = move;
		add32(&sched.ngfree, 1);
	}
	mutex_unlock(&sched.lock);
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
	struct g *gp = gfget(pp);
	if (gp == NULL) {
		gp = persistentalloc(sizeof *gp);
		mutex_lock(&sched.lock);
		gp->alllink = sched.allg;
		__atomic_store_n(&sched.allg, gp, __ATOMIC_RELEASE);
		mutex_unlock(&sched.lock);
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
		mutex_lock(&sched.lock);
		sched.goidgen += GOID_BATCH;
		pp->goidcache = sched.goidgen - GOID_BATCH + 1;
		mutex_unlock(&sched.lock);
		pp->goidcacheend = pp->goidcache + GOID_BATCH;
	}
	gp->goid = pp->goidcache++;
	gp->system = system;
	if (!system)
		count_user(pp, 1);
	gp->m = NULL;
	gp->lockedm = NULL;
	gp->waitreason = WAIT_NONE;
	gp->status = G_RUNNABLE;
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
	runqput(pp, gp, true);
	wakep();
	return gp;
}

void newproc(rt0_fn fn, void *arg)
{
	newproc1(fn, arg, false, STACK_USER);
}

SWITCH_PATH _Noreturn void execute(struct g *gp)
{
	struct m *mp = getg()->m;
	mp->curg = gp;
	gp->m = mp;
	gp->status = G_RUNNING;
	TRACE_SCHED("runtime.execute", KV_I("next", gp->goid),
	            KV_I("p", mp->p->id));
	gogo(&gp->sched);
}

_Noreturn void schedule(void)
{
	struct m *mp = getg()->m;
	if (getg() != mp->g0)
		fatal("schedule: not on g0");
	if (mp->lockedg != NULL) {
		stoplockedm();
		execute(mp->lockedg); /* never returns */
	}
	for (;;) {
		rt0_hook_schedule();
		struct g *gp = findrunnable(mp);
		if (mp->spinning)
			resetspinning(mp);
		if (gp->lockedm == NULL)
			execute(gp);
		startlockedm(gp); /* gp runs on its own M; look again */
	}
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
		/* mstart (asm.S) recorded g0.sched in its own frame, above
		 * this one: every mcall restarts there, so hi covers it. */
		if (gp->sched.sp > gp->stack.hi)
			gp->stack.hi = gp->sched.sp;
		gp->stack.lo = gp->stack.hi - size + 1024;
		gp->stackguard0 = gp->stackguard1 = gp->stack.lo + STACK_GUARD;
	}
	if (gp->m != &m0)
		mstart_newm();
	TRACE("runtime.mstart");
	schedule();
}

/* Go's dropg: the M and its goroutine part. */
static void dropg(struct g *gp)
{
	gp->m->curg = NULL;
	gp->m = NULL;
}

static void park_m(struct g *gp)
{
	struct m *mp = gp->m;
	dropg(gp);
	/* Only now, with gp's context saved and gp off this M, may its waker
	 * (who takes this lock to find it) make it runnable. */
	if (mp->waitunlock != NULL) {
		mutex_unlock(mp->waitunlock);
		mp->waitunlock = NULL;
	}
	schedule();
}

/* Go's gopark(unlockf, lock): the goroutine waits; unlock (if any) is
 * released once it is off its M. */
void gopark(enum waitreason reason, struct mutex *unlock)
{
	struct g *gp = getg();
	gp->status = G_WAITING;
	gp->waitreason = reason;
	gp->m->waitunlock = unlock;
	TRACE_SCHED("runtime.gopark", KV_I("reason", reason));
	mcall(park_m);
}

void goready(struct g *gp)
{
	if (gp->status != G_WAITING)
		fatal("goready: bad g status");
	gp->status = G_RUNNABLE;
	gp->waitreason = WAIT_NONE;
	runqput(getg()->m->p, gp, true);
	wakep();
}

/* Go's goschedImpl puts gp on the global queue; rt0 keeps it on its own
 * P's tail, which other Ps steal from as well: no lock on the single-P
 * path, and the order one P runs its goroutines in stays the queue's. */
static void gosched_m(struct g *gp)
{
	gp->status = G_RUNNABLE;
	struct p *pp = gp->m->p;
	dropg(gp);
	runqput(pp, gp, false);
	wakep();
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
		count_user(mp->p, -1);
	if (mp->lockedg == gp) {
		mp->lockedg = NULL;
		mp->locked_ext = mp->locked_int = 0;
	}
	gp->lockedm = NULL;
	dropg(gp);
	stackfree(gp->stack);
	gp->stack = (struct stack){0, 0};
	gfput(mp->p, gp);
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

/* Go's gcount, in its way: each P counts the user goroutines made and
 * ended on it, and the sum is exact whenever no other M is changing one. */
int32_t rt0_num_goroutine(void)
{
	int32_t n = 0;
	struct p *all = __atomic_load_n(&sched.allp, __ATOMIC_ACQUIRE);
	for (struct p *pp = all; pp != NULL; pp = pp->alllink)
		n += __atomic_load_n(&pp->nuser, __ATOMIC_RELAXED);
	return n;
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
