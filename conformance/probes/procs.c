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
 * With argv[1] "counts" main.main measures Ms and their threads instead, as
 * the kernel counts them (/proc/self/task, each thread's schedstat and
 * stat), never as the runtime does:
 *   - how many threads the process has after COUNTS_WARMUP rounds of work
 *     that makes Ms sleep and wake, and after COUNTS_ROUNDS more: the idle
 *     Ms must be reused, not replaced;
 *   - then main.main computes alone, locked to its thread, for
 *     COUNTS_CPU_NS of its own CPU time, and every other thread a goroutine
 *     of the probe ran on (their gettid, recorded) must have slept meanwhile.
 * GOMAXPROCS comes from the environment. */
#include "arch.h"
#include "probe_util.h"
#include "rt0.h"
#include <asm/unistd.h>

#define SPIN_NS       2000000000ll /* long enough for qemu to start a thread */
#define ROUNDS        50
#define FEED_WAIT_NS  50000000ll /* for the feeder to start on another M */
#define FEED_DELAY_NS 200000ll   /* for the blocked goroutine to block */

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
	*tid = pu_sys3(__NR_gettid, 0, 0, 0);
	int32_t moved = 0;
	for (int i = 0; i < ROUNDS; i++) {
		__atomic_store_n(&f.running, 0, __ATOMIC_SEQ_CST);
		rt0_go(feeder, &f);
		int64_t give_up = pu_monotonic_ns() + wait;
		while (!__atomic_load_n(&f.running, __ATOMIC_SEQ_CST) &&
		       pu_monotonic_ns() < give_up)
			;
		rt0_chan_recv(f.c);
		moved += pu_sys3(__NR_gettid, 0, 0, 0) != *tid;
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
	s->tid = pu_sys3(__NR_gettid, 0, 0, 0);
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

/* ---- counts: Ms as the kernel counts them ---- */

#define COUNTS_WARMUP   30
#define COUNTS_ROUNDS   300
#define COUNTS_PINGS    20
#define COUNTS_WAKES    5
#define COUNTS_CPU_NS   200000000ll   /* main.main's own CPU time */
#define COUNTS_WALL_NS  20000000000ll /* to give up under any load */
#define COUNTS_CHUNK    100000
#define COUNTS_MAX_TIDS 64

/* The threads the probe's goroutines ran on, each once; only main.main
 * adds to it, from what each goroutine measured and sent it. */
static long worker_tids[COUNTS_MAX_TIDS];
static uint32_t nworker_tids;

static void note_tid(long tid)
{
	uint32_t i = 0;
	while (i < nworker_tids && worker_tids[i] != tid)
		i++;
	if (i == nworker_tids && i < COUNTS_MAX_TIDS)
		worker_tids[nworker_tids++] = tid;
}

/* How many threads /proc/self/task lists (getdents64): every entry but
 * "." and "..". */
static int64_t count_tasks(void)
{
	long fd = pu_sys3(__NR_openat, -100 /* AT_FDCWD */,
	                  (long)"/proc/self/task", 0 /* O_RDONLY */);
	if (fd < 0)
		return -1;
	static char buf[4096] __attribute__((aligned(8)));
	int64_t n = 0;
	long got;
	while ((got = pu_sys3(__NR_getdents64, fd, (long)buf, sizeof buf)) > 0)
		for (long off = 0; off < got;) {
			/* linux_dirent64: ino, off, reclen (u16), type, name */
			const char *name = buf + off + 19;
			n += name[0] != '.';
			off += *(unsigned short *)(buf + off + 16);
		}
	pu_sys3(__NR_close, fd, 0, 0);
	return n;
}

/* Reads /proc/self/task/TID/<file> into buf; its length, or -1 when the
 * thread is gone. */
static long read_task_file(long tid, const char *file, char *buf, long cap)
{
	char path[64];
	pu_key(path, "/proc/self/task/", tid, file);
	long fd = pu_sys3(__NR_openat, -100 /* AT_FDCWD */, (long)path, 0);
	if (fd < 0)
		return -1;
	long n = pu_sys3(__NR_read, fd, (long)buf, cap - 1);
	pu_sys3(__NR_close, fd, 0, 0);
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? n : -1;
}

/* The thread's CPU time in ns: schedstat's first field. */
static int64_t task_cpu_ns(long tid)
{
	char buf[128];
	if (read_task_file(tid, "/schedstat", buf, sizeof buf) < 0)
		return -1;
	int64_t v = 0;
	for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (*p - '0');
	return v;
}

/* The thread's state letter in stat, after the ") " that ends its name. */
static char task_state(long tid)
{
	char buf[512];
	long n = read_task_file(tid, "/stat", buf, sizeof buf);
	while (--n > 0 && buf[n] != ')')
		;
	return n > 0 && buf[n + 1] == ' ' ? buf[n + 2] : '?';
}

struct pingpong {
	struct rt0_chan *ping, *pong, *done;
};

static void pinger(void *arg)
{
	struct pingpong *pp = arg;
	for (int i = 0; i < COUNTS_PINGS; i++) {
		rt0_chan_send(pp->ping, (uintptr_t)i);
		rt0_chan_recv(pp->pong);
	}
	rt0_chan_send(pp->done, (uintptr_t)pu_sys3(__NR_gettid, 0, 0, 0));
}

static void ponger(void *arg)
{
	struct pingpong *pp = arg;
	for (int i = 0; i < COUNTS_PINGS; i++)
		rt0_chan_send(pp->pong, rt0_chan_recv(pp->ping));
	rt0_chan_send(pp->done, (uintptr_t)pu_sys3(__NR_gettid, 0, 0, 0));
}

static void waker(void *c)
{
	rt0_chan_send(c, 1);
}

/* Locked to its thread, it blocks COUNTS_WAKES times, each time woken by
 * a new goroutine: its M sleeps and the waker's M hands it the P. */
static void locked_waiter(void *done)
{
	rt0_lock_os_thread();
	struct rt0_chan *c = rt0_chan_make(0);
	for (int i = 0; i < COUNTS_WAKES; i++) {
		rt0_go(waker, c);
		rt0_chan_recv(c);
	}
	long tid = pu_sys3(__NR_gettid, 0, 0, 0);
	rt0_unlock_os_thread();
	rt0_chan_send(done, (uintptr_t)tid);
}

/* One round: two goroutines hand a value back and forth (each wakes the
 * other, through wakep and an idle P), and a locked one sleeps and wakes;
 * main.main waits for all three, so the other Ms go idle again. */
static void counts_round(void)
{
	static struct pingpong pp;
	pp.ping = rt0_chan_make(0);
	pp.pong = rt0_chan_make(0);
	pp.done = rt0_chan_make(3);
	rt0_go(pinger, &pp);
	rt0_go(ponger, &pp);
	rt0_go(locked_waiter, pp.done);
	for (int i = 0; i < 3; i++)
		note_tid((long)rt0_chan_recv(pp.done));
}

/* Two goroutines, each locked to its thread, spin until both have
 * arrived: with two Ps at least two threads have run the probe's
 * goroutines, so one of them stays idle while main.main computes. */
static void counts_spinner(void *done)
{
	rt0_lock_os_thread();
	long tid = pu_sys3(__NR_gettid, 0, 0, 0);
	__atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
	int64_t deadline = pu_monotonic_ns() + SPIN_NS;
	while (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < 2 &&
	       pu_monotonic_ns() < deadline)
		;
	rt0_unlock_os_thread();
	rt0_chan_send(done, (uintptr_t)tid);
}

static int64_t cpu_before[COUNTS_MAX_TIDS];
static int64_t asleep[COUNTS_MAX_TIDS];

static void main_counts(void)
{
	char k[64];
	struct rt0_chan *done = rt0_chan_make(2);
	rt0_go(counts_spinner, done);
	rt0_go(counts_spinner, done);
	note_tid((long)rt0_chan_recv(done));
	note_tid((long)rt0_chan_recv(done));
	for (int i = 0; i < COUNTS_WARMUP; i++)
		counts_round();
	int64_t before = count_tasks();
	for (int i = 0; i < COUNTS_ROUNDS; i++)
		counts_round();
	int64_t after = count_tasks();
	rt0_fact_int("procs.counts.rounds", COUNTS_ROUNDS);
	rt0_fact_int("procs.counts.threads.before", before);
	rt0_fact_int("procs.counts.threads.after", after);

	/* Alone: nothing else is runnable until main.main ends. Its CPU
	 * time, not the clock, measures the window, so that a loaded machine
	 * only stretches it. */
	rt0_lock_os_thread();
	long me = pu_sys3(__NR_gettid, 0, 0, 0);
	uint32_t n = nworker_tids;
	for (uint32_t i = 0; i < n; i++)
		cpu_before[i] = task_cpu_ns(worker_tids[i]);
	int64_t start = task_cpu_ns(me), now = start;
	int64_t give_up = pu_monotonic_ns() + COUNTS_WALL_NS;
	int64_t samples = 0;
	volatile uint32_t x = 1;
	while (now - start < COUNTS_CPU_NS && pu_monotonic_ns() < give_up) {
		for (int j = 0; j < COUNTS_CHUNK; j++)
			x = x * 1103515245u + 12345u;
		samples++;
		for (uint32_t i = 0; i < n; i++)
			asleep[i] += task_state(worker_tids[i]) == 'S';
		now = task_cpu_ns(me);
	}
	rt0_fact_int("procs.counts.tid", me);
	rt0_fact_int("procs.counts.cpu_ns", now - start);
	rt0_fact_int("procs.counts.samples", samples);
	rt0_fact_int("procs.counts.workers", n);
	for (uint32_t i = 0; i < n; i++) {
		int64_t cpu = task_cpu_ns(worker_tids[i]);
		rt0_fact_int(pu_key(k, "procs.counts.worker.", i, ".tid"),
		             worker_tids[i]);
		rt0_fact_int(
		    pu_key(k, "procs.counts.worker.", i, ".cpu_ns"),
		    cpu < 0 || cpu_before[i] < 0 ? -1 : cpu - cpu_before[i]);
		rt0_fact_int(pu_key(k, "procs.counts.worker.", i, ".asleep"),
		             asleep[i]);
	}
	rt0_unlock_os_thread();
}

void main_main(void)
{
	char k[64];
	if (pu_streq(PU_SCENARIO(), "counts")) {
		main_counts();
		return;
	}
	rt0_fact_int("procs.pid", pu_sys3(__NR_getpid, 0, 0, 0));
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
