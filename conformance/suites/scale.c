/* scale: the invariants that rest on a batch, a cache or a table, well past
 * its first boundary (probes/scale.c lists the runtime's limits): thousands
 * of goroutines alive at once, stacks freed and reused wave after wave,
 * channel rings that wrap hundreds of times. The probe checks what it can
 * measure itself and states the first thing wrong as a fact; the tests add
 * what the trace says where it can be held against those facts. Each test
 * is named after its invariant (conformance/invariants-observed.toml). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite.h"

static void run_scale(struct run *r, const char *scenario)
{
	const char *args[] = {scenario, NULL};
	run_probe_shared(r, "scale", args, env_trace);
	CHECK_EXIT(r, 0);
}

/* No fact under prefix: the probe found nothing wrong there. */
static void no_fact(struct run *r, const char *key, const char *what)
{
	const char *v = trace_fact(&r->t, key);
	CHECK(r, v == NULL, "expected %s; the probe found: %s", what, v);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

Test(stacks, stacks_scale_disjoint)
{
	struct run r;
	run_scale(&r, "many");
	CHECK(&r, trace_fact_i64(&r.t, "scale.many.n") == 2000,
	      "expected 2000 goroutines");
	no_fact(&r, "scale.many.stack.outside",
	        "every goroutine's locals inside its own stack");
	no_fact(&r, "scale.many.stack.overlap",
	        "no two of 2000 live goroutines' stacks (and guards) to "
	        "overlap");
	no_fact(&r, "scale.many.stack.clobbered",
	        "every goroutine's mark on its stack intact after all the "
	        "others ran");
	/* The trace: every stack handed out while all are alive, guards
	 * included, disjoint. */
	size_t n = trace_count_events(&r.t, "runtime.stackalloc");
	CHECK(&r, n >= 2004, "expected 2004 stackalloc events, got %zu", n);
	uint64_t(*spans)[2] = calloc(n, sizeof *spans);
	cr_assert_not_null(spans);
	for (size_t i = 0; i < n; i++) {
		const struct trace_line *ev =
		    trace_find_event(&r.t, "runtime.stackalloc", i);
		spans[i][0] = trace_u64(ev, "guard");
		spans[i][1] = trace_u64(ev, "stackhi");
	}
	qsort(spans, n, sizeof *spans, cmp_u64);
	for (size_t i = 1; i < n; i++)
		CHECK(&r, spans[i - 1][1] <= spans[i][0],
		      "expected the trace's stacks disjoint: [0x%llx, 0x%llx) "
		      "and [0x%llx, 0x%llx)",
		      (unsigned long long)spans[i - 1][0],
		      (unsigned long long)spans[i - 1][1],
		      (unsigned long long)spans[i][0],
		      (unsigned long long)spans[i][1]);
	free(spans);
	run_free(&r);
}

Test(stacks, stacks_scale_reused)
{
	struct run r;
	run_scale(&r, "waves");
	int64_t total = trace_fact_i64(&r.t, "scale.waves.goroutines");
	int64_t wave = trace_fact_i64(&r.t, "scale.waves.per_wave");
	int64_t stacks = trace_fact_i64(&r.t, "scale.waves.stacks");
	CHECK(&r, total == 2000 && stacks == wave,
	      "expected %lld goroutines in waves of %lld, each wave started "
	      "once the last had exited, to run on %lld stacks in all (the "
	      "pool's), got %lld stacks",
	      (long long)total, (long long)wave, (long long)wave,
	      (long long)stacks);
	no_fact(&r, "scale.waves.touch.bad",
	        "every page of every reused stack writable");
	/* The trace agrees: no more stacks than one wave's were mapped. */
	size_t n = trace_count_events(&r.t, "runtime.stackalloc"), maps = 0;
	uint64_t *los = calloc(n + 1, sizeof *los);
	cr_assert_not_null(los);
	for (size_t i = 0; i < r.t.nevents; i++) {
		const char *p = trace_field(r.t.events[i], "phase");
		/* User goroutines' stacks (64 KiB); the runtime's own and
		 * the Ms' g0s (16 KiB) come and go with the scheduler's
		 * threads, which a run may start more or fewer of. */
		if (p && strcmp(p, "runtime.stackalloc") == 0 && maps < n &&
		    trace_i64(r.t.events[i], "size") == 65536)
			los[maps++] = trace_u64(r.t.events[i], "stacklo");
	}
	qsort(los, maps, sizeof *los, cmp_u64);
	size_t distinct = 0;
	for (size_t i = 0; i < maps; i++)
		distinct += i == 0 || los[i] != los[i - 1];
	free(los);
	maps = distinct;
	CHECK(&r, maps <= (size_t)wave + 1,
	      "expected at most %lld distinct 64 KiB stacks in the trace (a "
	      "wave's and goroutine 1's), got %zu",
	      (long long)wave, maps);
	run_free(&r);
}

Test(mstart, mstart_scale_runq_fifo)
{
	struct run r;
	run_scale(&r, "many");
	CHECK(&r, trace_fact_i64(&r.t, "scale.many.rounds") == 3,
	      "expected 3 rounds");
	no_fact(&r, "scale.many.runq.bad",
	        "2000 runnable goroutines to take their turns in the same "
	        "order every round (FIFO past Go's 256-slot ring)");
	run_free(&r);
}

Test(main, main_chan_scale_ring_fifo)
{
	struct run r;
	run_scale(&r, "chan");
	CHECK(&r, trace_fact_i64(&r.t, "scale.chan.values") == 1000,
	      "expected 1000 values");
	no_fact(&r, "scale.chan.cap3.bad",
	        "1000 values through a 3-slot channel in order");
	no_fact(&r, "scale.chan.cap7.bad",
	        "1000 values through a 7-slot channel in order");
	no_fact(&r, "scale.chan.unbuffered.bad",
	        "1000 unbuffered hand-offs in order");
	run_free(&r);
}
