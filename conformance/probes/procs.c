/* procs: goroutines on several Ps, and goroutines locked to their M.
 *
 * Which thread a goroutine runs on is measured by the probe itself, with
 * gettid, not asked of the runtime:
 *   - two goroutines, each locked to its thread, that spin until the
 *     other has arrived (for at most SPIN_NS): with two Ps both arrive, on
 *     two threads at once; with one P the first gives up before the second
 *     ever runs;
 *   - a goroutine locked to its thread blocks ROUNDS times on a channel that
 *     another goroutine feeds, and must wake on its own thread every time
 *     (the feeder's M has to hand its P over, not run it);
 *   - a package init blocks the same way: runtime.main is locked to m0
 *     during the inits, so it resumes on the main thread (tid == pid).
 * GOMAXPROCS comes from the environment. */
#include "arch.h"
#include "probe_util.h"
#include "rt0.h"
#include <asm/unistd.h>

#define SPIN_NS       2000000000ll /* long enough for qemu to start a thread */
#define ROUNDS        50
#define FEED_WAIT_NS  50000000ll /* for the feeder to start on another M */
#define FEED_DELAY_NS 200000ll   /* for the blocked goroutine to block */

static long sys0(long nr)
{
	return arch_syscall6(nr, 0, 0, 0, 0, 0, 0);
}

struct feed {
	struct rt0_chan *c;
	uint32_t running; /* the feeder has started */
};

/* Sends one value a moment after it starts: with two Ps it runs on the
 * other M while the blocked goroutine waits, and readies it from there. */
static void feeder(void *arg)
{
	struct feed *f = arg;
	__atomic_store_n(&f->running, 1, __ATOMIC_SEQ_CST);
	int64_t until = pu_monotonic_ns() + FEED_DELAY_NS;
	while (pu_monotonic_ns() < until)
		;
	rt0_chan_send(f->c, 1);
}

/* Blocks ROUNDS times, each time woken by a new goroutine; returns how
 * many times it woke on a thread other than the one it started on. Before
 * it blocks it waits (FEED_WAIT_NS at most) until the feeder runs, so that
 * with two Ps the feeder runs on the other M and the waker's M is not the
 * one this goroutine left; with GOMAXPROCS=1 the feeder could not run, and
 * there is no wait. */
static int32_t block_rounds(long *tid)
{
	struct feed f = {rt0_chan_make(0), 0};
	const char *procs = rt0_getenv("GOMAXPROCS");
	int64_t wait = pu_streq(procs, "1") ? 0 : FEED_WAIT_NS;
	*tid = sys0(__NR_gettid);
	int32_t moved = 0;
	for (int i = 0; i < ROUNDS; i++) {
		__atomic_store_n(&f.running, 0, __ATOMIC_SEQ_CST);
		rt0_go(feeder, &f);
		int64_t give_up = pu_monotonic_ns() + wait;
		while (!__atomic_load_n(&f.running, __ATOMIC_SEQ_CST) &&
		       pu_monotonic_ns() < give_up)
			;
		rt0_chan_recv(f.c);
		moved += sys0(__NR_gettid) != *tid;
	}
	return moved;
}

static long init_tid;
static int32_t init_moved;

static void procs_init(void)
{
	init_moved = block_rounds(&init_tid);
}

RT0_PACKAGE(pkg_main, "main", RT0_NO_IMPORTS, RT0_INITS(procs_init));

struct spinner {
	long tid;
	int64_t mid;
	bool saw_other;
	struct rt0_chan *done;
};

static uint32_t arrived;

/* Each spinner holds its thread (LockOSThread), as the Go twin's must: Go
 * preempts a goroutine after 10 ms, and two unlocked spinners could then
 * take turns on one thread and still see each other arrive. */
static void spinner(void *arg)
{
	struct spinner *s = arg;
	rt0_lock_os_thread();
	struct rt0_m_info mi;
	rt0_m_self(&mi);
	s->mid = mi.id;
	s->tid = sys0(__NR_gettid);
	__atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
	int64_t deadline = pu_monotonic_ns() + SPIN_NS;
	while (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < 2 &&
	       pu_monotonic_ns() < deadline)
		;
	s->saw_other = __atomic_load_n(&arrived, __ATOMIC_SEQ_CST) >= 2;
	rt0_unlock_os_thread();
	rt0_chan_send(s->done, 1);
}

static struct spinner spinners[2];
static int32_t locked_moved;
static long locked_tid;

static void locked(void *done)
{
	rt0_lock_os_thread();
	locked_moved = block_rounds(&locked_tid);
	rt0_unlock_os_thread();
	rt0_chan_send(done, 1);
}

void main_main(void)
{
	char k[64];
	rt0_fact_int("procs.pid", sys0(__NR_getpid));
	rt0_fact_int("procs.init.tid", init_tid);
	rt0_fact_int("procs.init.moved", init_moved);
	rt0_fact_int("procs.rounds", ROUNDS);

	struct rt0_chan *done = rt0_chan_make(2);
	for (int i = 0; i < 2; i++) {
		spinners[i].done = done;
		rt0_go(spinner, &spinners[i]);
	}
	rt0_chan_recv(done);
	rt0_chan_recv(done);
	for (int i = 0; i < 2; i++) {
		rt0_fact_int(pu_key(k, "procs.spinner.", i, ".tid"),
		             spinners[i].tid);
		rt0_fact_int(pu_key(k, "procs.spinner.", i, ".m"),
		             spinners[i].mid);
		rt0_fact_int(pu_key(k, "procs.spinner.", i, ".saw_other"),
		             spinners[i].saw_other);
	}

	rt0_go(locked, done);
	rt0_chan_recv(done);
	rt0_fact_int("procs.locked.tid", locked_tid);
	rt0_fact_int("procs.locked.moved", locked_moved);
}
