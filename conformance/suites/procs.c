/* procs: goroutines on several Ps and goroutines locked to their M
 * (probes/procs.c; conformance/invariants-procs.toml). Every thread is the
 * kernel's word: the probe's own gettid on the goroutine, held against the
 * process id and the other goroutines' threads. */
#include <stdlib.h>
#include <string.h>

#include "suite.h"

static const char *const env_two[] = {"GOMAXPROCS=2", NULL};
static const char *const env_one[] = {"GOMAXPROCS=1", NULL};

/* One run with two Ps and one with one, each made once for every test
 * (run_probe_shared). */
static struct run run2, run1;

static void runs_make(void)
{
	run_probe_shared(&run2, "procs", NULL, env_two);
	run_probe_shared(&run1, "procs", NULL, env_one);
}

static void runs_free(void)
{
	run_free(&run2);
	run_free(&run1);
}

#define PROCS_TEST(test) Test(procs, test, .init = runs_make, .fini = runs_free)

static int64_t spinner_fact(struct run *r, int i, const char *key)
{
	char k[64];
	snprintf(k, sizeof k, "procs.spinner.%d.%s", i, key);
	return trace_fact_i64(&r->t, k);
}

static void expect_parallel(struct run *r)
{
	CHECK_EXIT(r, 0);
	for (int i = 0; i < 2; i++)
		CHECK(r, spinner_fact(r, i, "saw_other") == 1,
		      "expected both spinning goroutines to see each other "
		      "arrive with GOMAXPROCS=2 (two Ps, so two Ms at once); "
		      "goroutine %d waited 2 s in vain",
		      i);
	long t0 = (long)spinner_fact(r, 0, "tid");
	long t1 = (long)spinner_fact(r, 1, "tid");
	CHECK(r, t0 > 0 && t1 > 0 && t0 != t1,
	      "expected the two goroutines on two kernel threads, got tids "
	      "%ld and %ld",
	      t0, t1);
	CHECK(r, spinner_fact(r, 0, "m") != spinner_fact(r, 1, "m"),
	      "expected the runtime to put them on two Ms, got m%lld twice",
	      (long long)spinner_fact(r, 0, "m"));
}

PROCS_TEST(procs_goroutines_run_in_parallel)
{
	expect_parallel(&run2);
}

PROCS_TEST(procs_one_p_spinner_keeps_it)
{
	CHECK_EXIT(&run1, 0);
	int64_t saw = spinner_fact(&run1, 0, "saw_other") +
	              spinner_fact(&run1, 1, "saw_other");
	CHECK(&run1, saw == 1,
	      "expected exactly one of the two spinning goroutines to see "
	      "the other with GOMAXPROCS=1 (the first runs alone until it "
	      "gives up, then the second finds it arrived), got %lld",
	      (long long)saw);
}

static void expect_locked_stays(struct run *r, const char *procs)
{
	CHECK_EXIT(r, 0);
	int64_t rounds = trace_fact_i64(&r->t, "procs.rounds");
	int64_t moved = trace_fact_i64(&r->t, "procs.locked.moved");
	CHECK(r, rounds >= 50 && moved == 0,
	      "expected a goroutine locked to its thread to wake on it after "
	      "each of %lld blocks (%s), it woke elsewhere %lld times",
	      (long long)rounds, procs, (long long)moved);
}

PROCS_TEST(procs_locked_goroutine_stays)
{
	expect_locked_stays(&run2, "GOMAXPROCS=2");
	expect_locked_stays(&run1, "GOMAXPROCS=1");
}

static void expect_init_on_main_thread(struct run *r, const char *procs)
{
	CHECK_EXIT(r, 0);
	int64_t pid = trace_fact_i64(&r->t, "procs.pid");
	int64_t tid = trace_fact_i64(&r->t, "procs.init.tid");
	int64_t moved = trace_fact_i64(&r->t, "procs.init.moved");
	CHECK(r, pid > 0 && tid == pid && moved == 0,
	      "expected a package init on the main thread (tid %lld == pid "
	      "%lld) before and after each of its blocks (%s), it woke "
	      "elsewhere %lld times",
	      (long long)tid, (long long)pid, procs, (long long)moved);
}

PROCS_TEST(procs_inits_on_main_thread)
{
	expect_init_on_main_thread(&run2, "GOMAXPROCS=2");
	expect_init_on_main_thread(&run1, "GOMAXPROCS=1");
}

/* The counts scenario, with two Ps: its own run, which the other tests do
 * not need. */
static const char *const args_counts[] = {"counts", NULL};
static struct run runc;

static void counts_make(void)
{
	run_probe_shared(&runc, "procs", args_counts, env_two);
}

static void counts_free(void)
{
	run_free(&runc);
}

#define COUNTS_TEST(test)                                                      \
	Test(procs, test, .init = counts_make, .fini = counts_free)

/* Go's count grew by 0 to 4 threads over the rounds (go1.19 and go1.23,
 * every arch): an M that wakes the moment another gives up its P can find
 * no idle M yet and make one, and Ms are never freed. A runtime that
 * replaces idle Ms instead of reusing them grows by about one a round. */
#define COUNTS_MAX_GROWTH 8

COUNTS_TEST(procs_idle_ms_reused)
{
	CHECK_EXIT(&runc, 0);
	int64_t rounds = trace_fact_i64(&runc.t, "procs.counts.rounds");
	int64_t before = trace_fact_i64(&runc.t, "procs.counts.threads.before");
	int64_t after = trace_fact_i64(&runc.t, "procs.counts.threads.after");
	CHECK(&runc, before >= 2 && after >= 2,
	      "expected /proc/self/task to list the main thread and sysmon's "
	      "at least, got %lld threads before the rounds and %lld after",
	      (long long)before, (long long)after);
	CHECK(&runc, rounds >= 300 && after - before <= COUNTS_MAX_GROWTH,
	      "expected the process's threads to grow by at most %d over %lld "
	      "rounds of goroutines waking idle Ms (GOMAXPROCS=2: an idle M "
	      "is reused, not replaced), got %lld threads before and %lld "
	      "after",
	      COUNTS_MAX_GROWTH, (long long)rounds, (long long)before,
	      (long long)after);
}

static int64_t worker_fact(struct run *r, int64_t i, const char *key)
{
	char k[80];
	snprintf(k, sizeof k, "procs.counts.worker.%lld.%s", (long long)i, key);
	return trace_fact_i64(&r->t, k);
}

COUNTS_TEST(procs_idle_ms_asleep)
{
	CHECK_EXIT(&runc, 0);
	int64_t me = trace_fact_i64(&runc.t, "procs.counts.tid");
	int64_t cpu = trace_fact_i64(&runc.t, "procs.counts.cpu_ns");
	int64_t n = trace_fact_i64(&runc.t, "procs.counts.workers");
	int64_t samples = trace_fact_i64(&runc.t, "procs.counts.samples");
	/* Its own CPU time ends the window; only a 20 s deadline cuts it. */
	CHECK(&runc, cpu >= 100000000,
	      "expected main.main to compute alone for 200 ms of its own CPU "
	      "time, it got %lld ns in 20 s",
	      (long long)cpu);
	int64_t idle = 0;
	for (int64_t i = 0; i < n; i++) {
		int64_t tid = worker_fact(&runc, i, "tid");
		if (tid == me)
			continue;
		idle++;
		int64_t used = worker_fact(&runc, i, "cpu_ns");
		int64_t asleep = worker_fact(&runc, i, "asleep");
		CHECK(&runc, used >= 0,
		      "expected thread %lld, where goroutines ran, to be "
		      "listed still in /proc/self/task while main.main "
		      "computes (Ms are kept, idle)",
		      (long long)tid);
		/* A spinning M takes a CPU of its own, or under load about
		 * main.main's share: a quarter leaves room for a sleeper's
		 * wake-ups under qemu (Go's worst: 30 ms of 200). */
		CHECK(
		    &runc, used * 4 < cpu && asleep > 0,
		    "expected every idle M to sleep while main.main computes "
		    "alone with GOMAXPROCS=2 (nothing else is runnable): "
		    "thread %lld, where goroutines ran, used %lld ns of CPU "
		    "while main.main used %lld ns, and was seen asleep (state "
		    "S) in %lld of %lld samples",
		    (long long)tid, (long long)used, (long long)cpu,
		    (long long)asleep, (long long)samples);
	}
	CHECK(&runc, idle >= 1,
	      "expected goroutines to have run on a thread other than "
	      "main.main's (two locked spinners saw each other), got %lld "
	      "threads, all main.main's",
	      (long long)n);
}
