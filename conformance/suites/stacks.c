/* stacks: goroutine stacks are powers of two from size classes, with a
 * guard page right below each (go-startup-facts.md, "Shared constants";
 * DESIGN.md section 1). Observed through the goroutines probe, which makes
 * several goroutines besides the runtime's own. Each test is named after
 * its invariant (conformance/invariants.toml). */
#include <signal.h>
#include <string.h>

#include "suite.h"

SHARED_PROBE_SUITE(stacks, "goroutines");

/* goroutine 1, forcegc, bgsweep, bgscavenge and three workers */
#define MIN_STACKS 7

static size_t stackallocs(const struct trace_line **out, size_t cap)
{
	size_t n = 0;
	const struct trace_line *ev;
	while (n < cap &&
	       (ev = trace_find_event(&run.t, "runtime.stackalloc", n)))
		out[n++] = ev;
	CHECK(&run, n >= MIN_STACKS,
	      "expected at least %d runtime.stackalloc events (goroutines 1-4 "
	      "and 3 workers), got %zu",
	      MIN_STACKS, n);
	return n;
}

SHARED_TEST(stacks, stacks, stacks_size_pow2)
{
	const struct trace_line *ev[256];
	size_t n = stackallocs(ev, 256);
	for (size_t i = 0; i < n; i++) {
		uint64_t size = trace_u64(ev[i], "size");
		CHECK(&run, is_pow2(size),
		      "expected stackalloc size a power of two, got %llu",
		      (unsigned long long)size);
	}
}

SHARED_TEST(stacks, stacks, stacks_bounds_match_size)
{
	const struct trace_line *ev[256];
	size_t n = stackallocs(ev, 256);
	for (size_t i = 0; i < n; i++) {
		uint64_t size = trace_u64(ev[i], "size"),
		         lo = trace_u64(ev[i], "stacklo"),
		         hi = trace_u64(ev[i], "stackhi");
		CHECK(&run, hi > lo && hi - lo == size,
		      "expected stackhi - stacklo == size=%llu, got [0x%llx, "
		      "0x%llx)",
		      (unsigned long long)size, (unsigned long long)lo,
		      (unsigned long long)hi);
	}
}

SHARED_TEST(stacks, stacks, stacks_guard_page_below)
{
	const struct trace_line *ev[256];
	size_t n = stackallocs(ev, 256);
	uint64_t ps = trace_header_u64(&run.t, "pagesize");
	for (size_t i = 0; i < n; i++) {
		uint64_t guard = trace_u64(ev[i], "guard"),
		         lo = trace_u64(ev[i], "stacklo");
		CHECK(&run, guard + ps == lo,
		      "expected guard + pagesize == stacklo, got guard=0x%llx "
		      "pagesize=%llu stacklo=0x%llx",
		      (unsigned long long)guard, (unsigned long long)ps,
		      (unsigned long long)lo);
	}
}

SHARED_TEST(stacks, stacks, stacks_page_aligned)
{
	const struct trace_line *ev[256];
	size_t n = stackallocs(ev, 256);
	uint64_t ps = trace_header_u64(&run.t, "pagesize");
	for (size_t i = 0; i < n; i++) {
		uint64_t lo = trace_u64(ev[i], "stacklo");
		CHECK(&run, lo % ps == 0,
		      "expected stacklo=0x%llx page-aligned (a guard page can "
		      "only protect whole pages)",
		      (unsigned long long)lo);
	}
}

SHARED_TEST(stacks, stacks, stacks_size_classes)
{
	const struct trace_line *ev[256];
	size_t n = stackallocs(ev, 256);
	for (size_t i = 0; i < n; i++) {
		uint64_t size = trace_u64(ev[i], "size");
		bool ok = false;
		for (int order = 0; order < 4; order++)
			ok |= size == (uint64_t)16384 << order;
		CHECK(
		    &run, ok,
		    "expected a stack size of 16, 32, 64 or 128 KiB, got %llu",
		    (unsigned long long)size);
	}
}

/* The size of goroutine goid's stack, from its newproc event. */
static uint64_t stack_size_of(int64_t goid)
{
	const struct trace_line *ev;
	for (size_t n = 0;
	     (ev = trace_find_event(&run.t, "runtime.newproc", n)) != NULL; n++)
		if (trace_i64(ev, "newg") == goid)
			return trace_u64(ev, "newhi") - trace_u64(ev, "newlo");
	CHECK(&run, false, "expected a runtime.newproc event with newg=%lld",
	      (long long)goid);
	return 0;
}

SHARED_TEST(stacks, stacks, stacks_system_16k)
{
	for (int64_t goid = 2; goid <= 4; goid++) {
		uint64_t size = stack_size_of(goid);
		CHECK(
		    &run, size == 16384,
		    "expected the runtime's goroutine %lld on a 16 KiB stack, "
		    "got %llu bytes",
		    (long long)goid, (unsigned long long)size);
	}
}

SHARED_TEST(stacks, stacks, stacks_user_64k)
{
	static const int64_t goids[] = {1, 5, 6, 7};
	for (size_t i = 0; i < 4; i++) {
		uint64_t size = stack_size_of(goids[i]);
		CHECK(
		    &run, size == 65536,
		    "expected goroutine %lld on a 64 KiB stack, got %llu bytes",
		    (long long)goids[i], (unsigned long long)size);
	}
}

SHARED_TEST(stacks, stacks, stacks_reused)
{
	struct run r;
	const char *args[] = {"reuse", NULL};
	run_probe(&r, "goroutines", args, env_trace);
	CHECK_EXIT(&r, 0);
	uint64_t a = trace_fact_u64(&r.t, "reuse.a.stack.lo");
	uint64_t b = trace_fact_u64(&r.t, "reuse.b.stack.lo");
	CHECK(&r, a == b,
	      "expected the goroutine created after another exited to reuse "
	      "its stack at 0x%llx, got 0x%llx",
	      (unsigned long long)a, (unsigned long long)b);
	run_free(&r);
}

/* Where a stack's memory starts: its guard page, or stacklo where an
 * observed trace has none (Go's stacks have no guard page, so the event
 * has no guard: STACKS-GUARD-PAGE-BELOW is where that difference shows). */
static uint64_t guarded_lo(const struct trace_line *ev)
{
	return trace_field(ev, "guard") ? trace_u64(ev, "guard")
	                                : trace_u64(ev, "stacklo");
}

SHARED_TEST(stacks, stacks, stacks_disjoint)
{
	const struct trace_line *ev[256];
	size_t n = stackallocs(ev, 256);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			uint64_t alo = guarded_lo(ev[i]),
			         ahi = trace_u64(ev[i], "stackhi"),
			         blo = guarded_lo(ev[j]),
			         bhi = trace_u64(ev[j], "stackhi");
			CHECK(&run, ahi <= blo || bhi <= alo,
			      "expected live stacks (with guards) not to "
			      "overlap: [0x%llx, 0x%llx) and [0x%llx, 0x%llx)",
			      (unsigned long long)alo, (unsigned long long)ahi,
			      (unsigned long long)blo, (unsigned long long)bhi);
		}
}

SHARED_TEST(stacks, stacks, stacks_goroutine_from_stackalloc)
{
	/* Every goroutine's stack is one the stack allocator handed out, so
	 * a power of two in size. */
	size_t n = trace_count_events(&run.t, "runtime.newproc");
	CHECK(&run, n >= MIN_STACKS,
	      "expected at least %d runtime.newproc events, got %zu",
	      MIN_STACKS, n);
	for (size_t i = 0; i < n; i++) {
		const struct trace_line *np =
		    trace_find_event(&run.t, "runtime.newproc", i);
		uint64_t lo = trace_u64(np, "newlo"),
		         hi = trace_u64(np, "newhi");
		CHECK(
		    &run, hi > lo && is_pow2(hi - lo),
		    "expected goroutine %lld's stack size a power of two, got "
		    "[0x%llx, 0x%llx) = %llu bytes",
		    (long long)trace_i64(np, "newg"), (unsigned long long)lo,
		    (unsigned long long)hi, (unsigned long long)(hi - lo));
		bool found = false;
		const struct trace_line *sa;
		for (size_t k = 0;
		     (sa = trace_find_event(&run.t, "runtime.stackalloc", k)) !=
		     NULL;
		     k++)
			found |= trace_u64(sa, "stacklo") == lo &&
			         trace_u64(sa, "stackhi") == hi;
		CHECK(
		    &run, found,
		    "expected goroutine %lld's stack [0x%llx, 0x%llx) to come "
		    "from a runtime.stackalloc event",
		    (long long)trace_i64(np, "newg"), (unsigned long long)lo,
		    (unsigned long long)hi);
	}
}

SHARED_TEST(stacks, stacks, stacks_guard_faults)
{
	struct run g;
	const char *args[] = {"guard", NULL};
	run_probe(&g, "goroutines", args, env_trace);
	CHECK(&g, probe_killed_by(&g.r, SIGSEGV),
	      "expected a write to the byte below a goroutine's stack lo to "
	      "die by SIGSEGV (guard page)");
	uint64_t lo = trace_fact_u64(&g.t, "guard.stack.lo");
	uint64_t at = trace_fact_u64(&g.t, "guard.write");
	CHECK(&g, at == lo - 1, "expected the probe to write at lo - 1");
	CHECK(&g, !trace_fact(&g.t, "guard.survived"),
	      "expected the write never to return");
	run_free(&g);
}
