/* bench/sched.c: the scheduler's single-P paths of rt0, timed in the
 * program itself: goroutine create+exit, Gosched between two goroutines
 * and an unbuffered channel round trip; then "spread", SPREAD goroutines of
 * CPU work each, whose time per goroutine falls with more Ps. With the
 * argument "spread" only that runs (bench/sched runs it with GOMAXPROCS=2
 * too; the single-P loops below count without atomics). bench/sched.go is
 * the same program in Go; bench/sched runs both and prints ratios. Prints
 * one "rt0 fact NAME_ns=N" line per benchmark (nanoseconds per
 * operation). */
#include "probe_util.h"
#include "rt0.h"

#define BATCH    100 /* goroutines alive at once in create+exit */
#define BATCHES  1000
#define SWITCHES 100000
#define TRIPS    100000
#define SPREAD   8
#define WORK     20000000 /* xorshift rounds per spread goroutine */

static int64_t exited;

static void just_exit(void *arg)
{
	(void)arg;
	exited++;
}

static void yield_n(void *arg)
{
	for (int64_t i = 0; i < (int64_t)(intptr_t)arg; i++)
		rt0_gosched();
	exited++;
}

struct pingpong {
	struct rt0_chan *ping, *pong;
};

static void ponger(void *arg)
{
	struct pingpong *pp = arg;
	for (int i = 0; i < TRIPS; i++)
		rt0_chan_send(pp->pong, rt0_chan_recv(pp->ping) + 1);
}

static uint64_t spread_sink;

static void spread_work(void *done)
{
	uint64_t x = 88172645463325252ull;
	for (int i = 0; i < WORK; i++)
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
	__atomic_fetch_xor(&spread_sink, x, __ATOMIC_RELAXED);
	rt0_chan_send(done, 1);
}

static void spread(void)
{
	struct rt0_chan *done = rt0_chan_make(SPREAD);
	int64_t t0 = pu_monotonic_ns();
	for (int i = 0; i < SPREAD; i++)
		rt0_go(spread_work, done);
	for (int i = 0; i < SPREAD; i++)
		rt0_chan_recv(done);
	rt0_fact_int("spread_ns", (pu_monotonic_ns() - t0) / SPREAD);
}

void main_main(void)
{
	if (rt0_argc() > 1 && rt0_argv(1)[0] == 's') { /* "spread" */
		spread();
		return;
	}
	int64_t t0 = pu_monotonic_ns();
	for (int b = 0; b < BATCHES; b++) {
		exited = 0;
		for (int i = 0; i < BATCH; i++)
			rt0_go(just_exit, NULL);
		while (exited < BATCH)
			rt0_gosched();
	}
	rt0_fact_int("create_exit_ns",
	             (pu_monotonic_ns() - t0) / (BATCH * BATCHES));

	exited = 0;
	t0 = pu_monotonic_ns();
	rt0_go(yield_n, (void *)(intptr_t)(SWITCHES / 2));
	rt0_go(yield_n, (void *)(intptr_t)(SWITCHES / 2));
	while (exited < 2)
		rt0_gosched();
	rt0_fact_int("gosched_ns", (pu_monotonic_ns() - t0) / SWITCHES);

	struct pingpong pp = {rt0_chan_make(0), rt0_chan_make(0)};
	rt0_go(ponger, &pp);
	t0 = pu_monotonic_ns();
	for (uintptr_t i = 0; i < TRIPS; i++)
		if (rt0_chan_recv((rt0_chan_send(pp.ping, i), pp.pong)) !=
		    i + 1)
			rt0_panic("bench: the round trip lost a value");
	rt0_fact_int("chan_roundtrip_ns", (pu_monotonic_ns() - t0) / TRIPS);
	spread();
}
