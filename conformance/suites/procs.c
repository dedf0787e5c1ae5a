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
