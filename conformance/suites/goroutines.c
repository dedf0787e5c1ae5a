/* goroutines: goids, NumGoroutine and Gosched interleaving, with one P
 * (go-startup-facts.md F: with GOMAXPROCS=1 goids are deterministic; the
 * runtime has the system goroutines 2, 3, 4 and no finalizer goroutine,
 * so the first user goroutine is 5). Each test is named after its
 * invariant (conformance/invariants.toml). */
#include <stdio.h>
#include <string.h>

#include "suite.h"

#define NWORKERS 3
#define ROUNDS   4

SHARED_PROBE_SUITE(goroutines, "goroutines");

static int64_t fact_i(const char *fmt, int i)
{
	char key[64];
	snprintf(key, sizeof key, fmt, i);
	return trace_fact_i64(&run.t, key);
}

static uint64_t fact_u(const char *fmt, int i)
{
	char key[64];
	snprintf(key, sizeof key, fmt, i);
	return trace_fact_u64(&run.t, key);
}

SHARED_TEST(goroutines, goid, goid_first_user_is_5)
{
	CHECK_EXIT(&run, 0);
	for (int i = 0; i < NWORKERS; i++) {
		int64_t goid = fact_i("spawn.%d.goid", i);
		CHECK(&run, goid == 5 + i,
		      "expected worker %d to get goid %d (after the runtime's "
		      "2, 3, 4), got %lld",
		      i, 5 + i, (long long)goid);
	}
}

SHARED_TEST(goroutines, goid, goid_self_matches_spawn)
{
	CHECK_EXIT(&run, 0);
	for (int i = 0; i < NWORKERS; i++) {
		int64_t spawned = fact_i("spawn.%d.goid", i);
		int64_t self = fact_i("g.%d.goid", i);
		CHECK(&run, self == spawned,
		      "expected worker %d's rt0_goid()=%lld (what rt0_go "
		      "returned), got %lld",
		      i, (long long)spawned, (long long)self);
	}
}

SHARED_TEST(goroutines, newproc, newproc_counted)
{
	CHECK_EXIT(&run, 0);
	int64_t before = trace_fact_i64(&run.t, "numgoroutine.before");
	int64_t spawned = trace_fact_i64(&run.t, "numgoroutine.spawned");
	int64_t after = trace_fact_i64(&run.t, "numgoroutine.after");
	CHECK(&run, before == 1 && spawned == 1 + NWORKERS && after == 1,
	      "expected NumGoroutine 1, then %d after spawning, then 1 when "
	      "they finished; got %lld, %lld, %lld",
	      1 + NWORKERS, (long long)before, (long long)spawned,
	      (long long)after);
}

/* The interleaving tests run the probe without the trace: on Go a traced
 * run is an observed one (gotrace.c), and a goroutine held at a breakpoint
 * for longer than 10 ms is preempted by sysmon, which changes the order
 * they check. One P, as Go's GOMAXPROCS=1. */
static const char *const env_sched[] = {"GOMAXPROCS=1", NULL};

/* A runtime that preempts a goroutine after it ran for a while (Go's
 * sysmon: 10 ms, forcePreemptNS) can reorder the rounds when host load
 * stalls a worker; the Go twin says how long its workers took from a yield
 * before the first spawn (interleave.elapsed_ns), and a run that took 10 ms
 * or more is run again: none of its rounds can be told from a preempted
 * one. rt0 never preempts and its probe does not say. */
#define PREEMPT_AFTER_NS 10000000
#define INTERLEAVE_RUNS  5

static const char *interleave(struct run *r)
{
	int64_t elapsed = 0;
	for (int attempt = 0; attempt < INTERLEAVE_RUNS; attempt++) {
		if (attempt > 0)
			run_free(r);
		run_probe(r, "goroutines", NULL, env_sched);
		CHECK_EXIT(r, 0);
		if (!trace_fact(&r->t, "interleave.elapsed_ns"))
			break;
		elapsed = trace_fact_i64(&r->t, "interleave.elapsed_ns");
		if (elapsed < PREEMPT_AFTER_NS)
			break;
	}
	CHECK(r, elapsed < PREEMPT_AFTER_NS,
	      "expected a run whose workers took under 10 ms (longer ones may "
	      "have been preempted); %d runs, the last took %lld ns",
	      INTERLEAVE_RUNS, (long long)elapsed);
	return need_fact(r, "interleave");
}

Test(mstart, mstart_gosched_round_robin)
{
	struct run run;
	const char *il = interleave(&run);
	CHECK(&run, strlen(il) == NWORKERS * ROUNDS,
	      "expected %d rounds in all, got \"%s\"", NWORKERS * ROUNDS, il);
	/* Each Gosched puts the worker behind the others: the rounds come in
	 * blocks, each block the same order of all workers. */
	for (int b = 0; b < ROUNDS; b++) {
		bool seen[NWORKERS] = {false};
		for (int k = 0; k < NWORKERS; k++) {
			int w = il[b * NWORKERS + k] - '0';
			CHECK(&run, w >= 0 && w < NWORKERS && !seen[w],
			      "expected every block of %d rounds to hold each "
			      "worker once (round-robin), got \"%s\"",
			      NWORKERS, il);
			seen[w] = true;
			CHECK(&run, il[b * NWORKERS + k] == il[k],
			      "expected every block in the same order as the "
			      "first, got \"%s\"",
			      il);
		}
	}
	run_free(&run);
}

Test(newproc, newproc_runnext)
{
	/* Go's newproc puts the new goroutine in runnext, pushing the
	 * previous one to the run queue's tail (go-startup-facts.md F), and
	 * Gosched sends the caller to the back: workers 0, 1, 2 spawned in a
	 * row first run as 2, 0, 1, and keep that order. */
	struct run run;
	const char *il = interleave(&run);
	CHECK(&run, strcmp(il, "201201201201") == 0,
	      "expected Go's order with runnext, \"201201201201\", got \"%s\"",
	      il);
	run_free(&run);
}

Test(mstart, mstart_deterministic)
{
	struct run run;
	const char *first = interleave(&run);
	for (int i = 0; i < 3; i++) {
		struct run again;
		const char *il = interleave(&again);
		CHECK(&again, strcmp(il, first) == 0,
		      "expected the same interleaving on every run, got \"%s\" "
		      "then \"%s\"",
		      first, il);
		run_free(&again);
	}
	run_free(&run);
}

SHARED_TEST(goroutines, newproc, newproc_locals_on_own_stack)
{
	CHECK_EXIT(&run, 0);
	for (int i = 0; i < NWORKERS; i++) {
		uint64_t lo = fact_u("g.%d.stack.lo", i),
		         hi = fact_u("g.%d.stack.hi", i),
		         sp = fact_u("g.%d.sp", i);
		CHECK(&run, sp >= lo && sp < hi,
		      "expected worker %d's local at 0x%llx inside its stack "
		      "[0x%llx, 0x%llx)",
		      i, (unsigned long long)sp, (unsigned long long)lo,
		      (unsigned long long)hi);
	}
}

SHARED_TEST(goroutines, newproc, newproc_stack_reported)
{
	CHECK_EXIT(&run, 0);
	for (int i = 0; i < NWORKERS; i++) {
		int64_t goid = fact_i("g.%d.goid", i);
		uint64_t lo = fact_u("g.%d.stack.lo", i),
		         hi = fact_u("g.%d.stack.hi", i);
		const struct trace_line *np = NULL, *ev;
		for (size_t n = 0;
		     (ev = trace_find_event(&run.t, "runtime.newproc", n)); n++)
			if (trace_i64(ev, "newg") == goid)
				np = ev;
		CHECK(&run, np != NULL,
		      "expected a runtime.newproc event with newg=%lld",
		      (long long)goid);
		CHECK(&run,
		      trace_u64(np, "newlo") == lo &&
		          trace_u64(np, "newhi") == hi,
		      "expected worker %d's rt0_stack_bounds [0x%llx, 0x%llx) "
		      "== newproc's [0x%llx, 0x%llx)",
		      i, (unsigned long long)lo, (unsigned long long)hi,
		      (unsigned long long)trace_u64(np, "newlo"),
		      (unsigned long long)trace_u64(np, "newhi"));
	}
}

SHARED_TEST(goroutines, newproc, newproc_by_creator)
{
	CHECK_EXIT(&run, 0);
	/* Workers are created by main (goroutine 1), not on g0. */
	for (int i = 0; i < NWORKERS; i++) {
		int64_t goid = fact_i("spawn.%d.goid", i);
		const struct trace_line *ev;
		for (size_t n = 0;
		     (ev = trace_find_event(&run.t, "runtime.newproc", n)); n++)
			if (trace_i64(ev, "newg") == goid)
				break;
		CHECK(&run, ev && trace_i64(ev, "goid") == 1,
		      "expected goroutine %lld created by goroutine 1",
		      (long long)goid);
	}
	/* So are the runtime's own (runtime's init and gcenable run on
	 * goroutine 1). */
	for (int64_t goid = 2; goid <= 4; goid++) {
		const struct trace_line *ev;
		for (size_t n = 0;
		     (ev = trace_find_event(&run.t, "runtime.newproc", n)); n++)
			if (trace_i64(ev, "newg") == goid)
				break;
		CHECK(&run,
		      ev && trace_i64(ev, "goid") == 1 &&
		          trace_i64(ev, "g0") == 0,
		      "expected goroutine %lld created on goroutine 1",
		      (long long)goid);
	}
}

SHARED_TEST(goroutines, goid, goid_dense_one_p)
{
	CHECK_EXIT(&run, 0);
	size_t n = trace_count_events(&run.t, "runtime.newproc");
	CHECK(&run, n >= 4 + NWORKERS,
	      "expected newproc events for goroutines 1-4 and %d workers, got "
	      "%zu",
	      NWORKERS, n);
	for (size_t i = 0; i < n; i++) {
		const struct trace_line *ev =
		    trace_find_event(&run.t, "runtime.newproc", i);
		int64_t goid = trace_i64(ev, "newg");
		CHECK(
		    &run, goid == (int64_t)i + 1,
		    "expected the goroutine created #%zu to get goid %zu (one "
		    "P: consecutive ids), got %lld",
		    i + 1, i + 1, (long long)goid);
	}
}

/* goroutine A runs and exits, then B is created (the probe's "reuse"). */
static void run_reuse(struct run *r)
{
	const char *args[] = {"reuse", NULL};
	run_probe(r, "goroutines", args, env_trace);
	CHECK_EXIT(r, 0);
}

SHARED_TEST(goroutines, goid, goid_not_reused)
{
	struct run r;
	run_reuse(&r);
	int64_t a = trace_fact_i64(&r.t, "reuse.a.goid");
	int64_t b = trace_fact_i64(&r.t, "reuse.b.goid");
	CHECK(&r, a == 5 && b == 6,
	      "expected the goroutine created after goroutine %lld exited to "
	      "get a new id (5 then 6), got %lld then %lld",
	      (long long)a, (long long)a, (long long)b);
	run_free(&r);
}
