/* startup: the start-up contract as hello's trace, ELF file and system
 * calls show it (conformance/TRACE.md; docs/go-facts.md A,
 * C, D, F, G). Each test checks one invariant of the catalogue
 * (conformance/invariants.toml) and is named after its id. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt0obs/targets.h"
#include "suite.h"

SHARED_PROBE_SUITE(startup, "hello");

/* The start-up phases on the main line, in TRACE.md's order: rt0_go's
 * steps on g0, schedinit's sub-steps in Go's order (proc.go:658-751), then
 * runtime.main's steps on goroutine 1. */
static const char *const go_phases[] = {
    "runtime.rt0_go",
    "runtime.check",
    "runtime.args",
    "runtime.osinit",
    "runtime.schedinit",
    "runtime.stackinit",
    "runtime.mallocinit",
    "runtime.cpuinit",
    "runtime.alginit",
    "runtime.fastrandinit",
    "runtime.mcommoninit",
    "runtime.goargs",
    "runtime.goenvs",
    "runtime.parsedebugvars",
    "runtime.gcinit",
    "runtime.procresize",
    "runtime.newproc",
    "runtime.mstart",
    "runtime.main",
    "runtime.init",
    "runtime.gcenable",
    "runtime.gcenable.done",
    /* runtime.doInit, once per program package: hello has none */
    "main.main",
};
#define NPHASES (sizeof go_phases / sizeof go_phases[0])

/* The first run of each background goroutine. When they run is the
 * scheduler's choice, not a fixed point on the main line: in Go the
 * forcegc helper, created by runtime's init, first runs only once
 * runtime.main blocks in gcenable, and with runnext bgscavenge (created
 * last) runs before it. */
static const char *const background_phases[] = {
    "runtime.forcegchelper", "runtime.bgsweep", "runtime.bgscavenge"};

static bool is_table_phase(const char *p)
{
	for (size_t i = 0; i < NPHASES; i++)
		if (strcmp(go_phases[i], p) == 0)
			return true;
	return false;
}

static const char *phase(const struct trace_line *ev)
{
	const char *p = trace_field(ev, "phase");
	cr_assert_not_null(p, "an event without a phase field");
	return p;
}

/* The main line: the table's phases in the order they happened; newproc
 * only for goroutine 1 (later goroutines add their own newproc events).
 * Other phases (the background goroutines', stackalloc, user.*, exit) are
 * not part of it. An observed trace (src=obs, TRACE.md) has no newg: at
 * newproc's entry the goroutine does not exist yet. There goroutine 1's is
 * the first newproc, the one rt0_go makes before mstart (GOID-MAIN-IS-1
 * checks that the first goroutine made is 1 wherever newg is known). */
struct mainline {
	const char *seen[256];
	size_t n;
	char all[4096];
};

static void mainline(struct mainline *ml)
{
	ml->n = 0;
	ml->all[0] = '\0';
	for (size_t i = 0; i < run.t.nevents && ml->n < 256; i++) {
		const struct trace_line *ev = run.t.events[i];
		const char *p = phase(ev);
		if (!is_table_phase(p))
			continue;
		bool first_newproc =
		    trace_find_event(&run.t, "runtime.newproc", 0) == ev;
		if (strcmp(p, "runtime.newproc") == 0 &&
		    (trace_field(ev, "newg") ? trace_u64(ev, "newg") != 1
		                             : !first_newproc))
			continue;
		ml->seen[ml->n++] = p;
		strncat(ml->all, p, sizeof ml->all - strlen(ml->all) - 1);
		strncat(ml->all, " ", sizeof ml->all - strlen(ml->all) - 1);
	}
}

/* On the main line, step `next` directly follows step `prev`. */
static void expect_follows(const char *prev, const char *next)
{
	struct mainline ml;
	mainline(&ml);
	size_t i = 0;
	while (i < ml.n && strcmp(ml.seen[i], prev) != 0)
		i++;
	CHECK(&run, i < ml.n,
	      "expected step %s on the main line\n  whole "
	      "order: %s",
	      prev, ml.all);
	CHECK(&run, i + 1 < ml.n && strcmp(ml.seen[i + 1], next) == 0,
	      "expected %s directly after %s, got %s\n  whole order: %s", next,
	      prev, i + 1 < ml.n ? ml.seen[i + 1] : "(end of trace)", ml.all);
}

/* g0's stack is the one rt0_go runs on. */
static void g0_bounds(uint64_t *lo, uint64_t *hi)
{
	const struct trace_line *ev = need_event(&run, "runtime.rt0_go", 0);
	*lo = trace_u64(ev, "lo");
	*hi = trace_u64(ev, "hi");
}

/* The newproc event that created goroutine goid. */
static const struct trace_line *newproc_of(struct run *r, uint64_t goid)
{
	const struct trace_line *ev;
	for (size_t n = 0;
	     (ev = trace_find_event(&r->t, "runtime.newproc", n)) != NULL; n++)
		if (trace_u64(ev, "newg") == goid)
			return ev;
	cr_assert_fail("expected a runtime.newproc event with newg=%llu\n"
	               "  -- %s",
	               (unsigned long long)goid, probe_why(&r->r));
	return NULL;
}

static size_t index_of(const char *ph)
{
	return trace_event_index(&run.t, need_event(&run, ph, 0));
}

/* How many events rt0_go through mstart give at least: rt0's 17 (rt0_go,
 * its 15 steps through newproc, mstart). An observed trace (src=obs) has an
 * event only where a step has an entry to stop at: a step Go's compiler
 * inlined has none (TRACE.md), so there it is the events the trace has up
 * to mstart, every one of which ENTRY-BOOTSTRAP-ON-G0 also puts on g0. */
static size_t bootstrap_events(void)
{
	const char *src = trace_header(&run.t, "src");
	if (src && strcmp(src, "obs") == 0)
		return index_of("runtime.mstart") + 1;
	return 17;
}

/* ---- entry ------------------------------------------------------------ */

SHARED_TEST(startup, entry, entry_rt0_go_first)
{
	CHECK(&run, run.t.nevents > 0, "expected events, got none");
	const struct trace_line *ev = run.t.events[0];
	CHECK(&run, strcmp(phase(ev), "runtime.rt0_go") == 0,
	      "expected the first event to be runtime.rt0_go, got %s",
	      phase(ev));
	CHECK(&run, trace_i64(ev, "seq") == 0,
	      "expected runtime.rt0_go to have seq=0, got %lld",
	      (long long)trace_i64(ev, "seq"));
}

SHARED_TEST(startup, entry, entry_check_first)
{
	expect_follows("runtime.rt0_go", "runtime.check");
}

SHARED_TEST(startup, entry, entry_args_after_check)
{
	expect_follows("runtime.check", "runtime.args");
}

SHARED_TEST(startup, entry, entry_osinit_after_args)
{
	expect_follows("runtime.args", "runtime.osinit");
}

SHARED_TEST(startup, entry, entry_schedinit_after_osinit)
{
	expect_follows("runtime.osinit", "runtime.schedinit");
}

SHARED_TEST(startup, entry, entry_newproc_after_schedinit)
{
	expect_follows("runtime.procresize", "runtime.newproc");
}

SHARED_TEST(startup, entry, entry_mstart_after_newproc)
{
	expect_follows("runtime.newproc", "runtime.mstart");
}

SHARED_TEST(startup, entry, entry_bootstrap_on_g0)
{
	/* Everything from rt0_go through mstart runs on g0. */
	size_t end = index_of("runtime.mstart");
	for (size_t i = 0; i <= end; i++) {
		const struct trace_line *ev = run.t.events[i];
		int64_t g0 = trace_i64(ev, "g0");
		CHECK(&run, g0 == 1,
		      "expected %s (event %zu) on g0, got g0=%lld", phase(ev),
		      i, (long long)g0);
	}
}

SHARED_TEST(startup, entry, entry_each_step_once)
{
	for (size_t i = 0; i < 3; i++) {
		size_t c = trace_count_events(&run.t, background_phases[i]);
		CHECK(&run, c == 1, "expected phase %s exactly once, got %zu",
		      background_phases[i], c);
	}
	for (size_t i = 0; i < NPHASES; i++) {
		if (strcmp(go_phases[i], "runtime.newproc") == 0)
			continue;
		size_t c = trace_count_events(&run.t, go_phases[i]);
		CHECK(&run, c == 1, "expected phase %s exactly once, got %zu",
		      go_phases[i], c);
	}
	struct mainline ml;
	mainline(&ml);
	CHECK(&run, ml.n == NPHASES,
	      "expected the %zu steps of the main line once each, got %zu: %s",
	      NPHASES, ml.n, ml.all);
}

SHARED_TEST(startup, entry, entry_trace_header_first)
{
	CHECK(&run, run.t.header != NULL,
	      "expected a header line \"rt0 trace v=1 ...\" with "
	      "GODEBUG=rt0trace=1, found none");
	const char *v = trace_header(&run.t, "v");
	CHECK(&run, v && strcmp(v, "1") == 0, "expected header v=1, got v=%s",
	      v ? v : "(missing)");
	CHECK(&run, run.t.header == &run.t.lines[0],
	      "expected the header before any other protocol line, it is "
	      "line %zu",
	      run.t.header->lineno);
}

SHARED_TEST(startup, entry, entry_trace_seq_from_0)
{
	CHECK(&run, run.t.nevents > 0, "expected events, got none");
	int64_t s = trace_i64(run.t.events[0], "seq");
	CHECK(&run, s == 0, "expected the first event's seq=0, got %lld",
	      (long long)s);
}

SHARED_TEST(startup, entry, entry_trace_seq_consecutive)
{
	CHECK(&run, run.t.nevents > 1, "expected events, got %zu",
	      run.t.nevents);
	for (size_t i = 1; i < run.t.nevents; i++) {
		int64_t a = trace_i64(run.t.events[i - 1], "seq");
		int64_t b = trace_i64(run.t.events[i], "seq");
		CHECK(&run, b == a + 1,
		      "expected seq to increase by one, got %lld after %lld "
		      "(event %zu, %s)",
		      (long long)b, (long long)a, i, phase(run.t.events[i]));
	}
}

/* ---- g0 and TLS --------------------------------------------------------- */

SHARED_TEST(startup, g0_tls, g0_stack_64k)
{
	uint64_t lo, hi;
	g0_bounds(&lo, &hi);
	CHECK(&run, hi - lo == 65536,
	      "expected g0's stack hi - lo == 65536, got [0x%llx, 0x%llx) = "
	      "%llu bytes",
	      (unsigned long long)lo, (unsigned long long)hi,
	      (unsigned long long)(hi - lo));
	uint64_t h = trace_header_u64(&run.t, "g0stack");
	CHECK(&run, h == 65536, "expected header g0stack=65536, got %llu",
	      (unsigned long long)h);
}

SHARED_TEST(startup, g0_tls, g0_stack_top_of_os_stack)
{
	/* rt0_go aligns the entry SP down and takes g0's stack from there:
	 * hi lies within 64 bytes below entrysp, plus the two fixed frame
	 * areas the C ABI may put in between (ppc64le's 32-byte headers,
	 * s390x's 160-byte save areas): the one the entry gives rt0_go, and
	 * the one rt0_go gives its callees. */
	const struct arch_expect *x = want_arch_expect();
	uint64_t lo, hi;
	g0_bounds(&lo, &hi);
	uint64_t entry = trace_header_u64(&run.t, "entrysp");
	uint64_t bound = 64 + 2 * (uint64_t)x->minframe;
	CHECK(&run, hi <= entry && entry - hi < bound,
	      "expected g0's hi=0x%llx within %llu bytes below entrysp=0x%llx",
	      (unsigned long long)hi, (unsigned long long)bound,
	      (unsigned long long)entry);
}

SHARED_TEST(startup, g0_tls, g0_hi_aligned)
{
	const struct arch_expect *x = want_arch_expect();
	uint64_t lo, hi;
	g0_bounds(&lo, &hi);
	CHECK(&run, hi % x->stackalign == 0,
	      "expected g0's hi=0x%llx aligned to %u", (unsigned long long)hi,
	      x->stackalign);
}

SHARED_TEST(startup, g0_tls, g0_stackguard)
{
	uint64_t lo, hi;
	g0_bounds(&lo, &hi);
	const struct trace_line *ev = need_event(&run, "runtime.rt0_go", 0);
	uint64_t g0 = trace_u64(ev, "guard0"), g1 = trace_u64(ev, "guard1");
	CHECK(&run, g0 == lo + 928 && g1 == lo + 928,
	      "expected g0's stackguard0 and stackguard1 == lo + 928 = 0x%llx, "
	      "got 0x%llx and 0x%llx",
	      (unsigned long long)(lo + 928), (unsigned long long)g0,
	      (unsigned long long)g1);
}

SHARED_TEST(startup, g0_tls, g0_events_on_g0_stack)
{
	uint64_t lo, hi;
	g0_bounds(&lo, &hi);
	size_t checked = 0;
	for (size_t i = 0; i < run.t.nevents; i++) {
		const struct trace_line *ev = run.t.events[i];
		if (trace_i64(ev, "g0") != 1 || trace_i64(ev, "m") != 0)
			continue;
		uint64_t sp = trace_u64(ev, "sp");
		/* An observed entry SP can be hi itself (g0_tls_from_rt0_go).
		 */
		CHECK(&run, sp >= lo && sp <= hi,
		      "expected %s (on g0) sp=0x%llx inside g0's stack "
		      "[0x%llx, 0x%llx]",
		      phase(ev), (unsigned long long)sp, (unsigned long long)lo,
		      (unsigned long long)hi);
		CHECK(&run,
		      trace_u64(ev, "lo") == lo && trace_u64(ev, "hi") == hi,
		      "expected %s (on g0) to report g0's bounds", phase(ev));
		checked++;
	}
	CHECK(&run, checked >= bootstrap_events(),
	      "expected at least the %zu bootstrap events on g0, got %zu",
	      bootstrap_events(), checked);
}

SHARED_TEST(startup, g0_tls, g0_tls_from_rt0_go)
{
	const struct trace_line *ev = need_event(&run, "runtime.rt0_go", 0);
	int64_t goid = trace_i64(ev, "goid"), m = trace_i64(ev, "m"),
	        g0 = trace_i64(ev, "g0");
	CHECK(&run, g0 == 1 && goid == 0 && m == 0,
	      "expected runtime.rt0_go to find g0 of m0 through TLS (g0=1 "
	      "goid=0 m=0), got g0=%lld goid=%lld m=%lld",
	      (long long)g0, (long long)goid, (long long)m);
	uint64_t lo = trace_u64(ev, "lo"), hi = trace_u64(ev, "hi"),
	         sp = trace_u64(ev, "sp");
	/* hi itself is on the stack too: an observed event's SP is the one
	 * a function is entered with, and on link-register arches a call
	 * from the stack's top frame pushes nothing (Go's rt0_go calls check
	 * with SP at g0's hi: go1.19 asm_arm64.s:34-39, :74). */
	CHECK(&run,
	      hi - lo == trace_header_u64(&run.t, "g0stack") && sp >= lo &&
	          sp <= hi,
	      "expected runtime.rt0_go to report g0's stack around its sp, got "
	      "[0x%llx, 0x%llx] sp=0x%llx",
	      (unsigned long long)lo, (unsigned long long)hi,
	      (unsigned long long)sp);
}

/* A TLS set-up that fails must still be reported: without g (fatal_nog),
 * since fatal's traceback would fault on the bad g before the message is
 * flushed. The probe's TLS system call is made to fail with EPERM. */
Test(g0_tls, g0_tls_setup_failure_fatal)
{
	SKIP_IF_EXCEPTION("G0-TLS-SETUP-FAILURE-FATAL");
	const struct arch_expect *x = want_arch_expect();
	cr_assert(x->tls_setup_syscall != 0,
	          "conformance/lib/arches.c: %s has no tls_setup_syscall",
	          x->goarch);
	struct probe_opts o = {.env = env_trace,
	                       .deny_syscall = x->tls_setup_syscall};
	struct run r;
	run_probe_opts(&r, "hello", &o);
	CHECK_EXIT(&r, 2);
	CHECK(
	    &r,
	    other_line(&r, "fatal error: bad TLS: the g slot did not read "
	                   "back") >= 0,
	    "expected \"fatal error: bad TLS: the g slot did not read back\"");
	CHECK(&r, r.t.nevents == 0,
	      "expected no trace event before the TLS is set up, got %zu",
	      r.t.nevents);
	run_free(&r);
}

/* ---- args --------------------------------------------------------------- */

SHARED_TEST(startup, args, args_pagesize_pow2)
{
	uint64_t ps = trace_header_u64(&run.t, "pagesize");
	CHECK(&run, is_pow2(ps), "expected a power-of-two pagesize, got %llu",
	      (unsigned long long)ps);
}

SHARED_TEST(startup, args, args_pagesize_from_auxv)
{
	uint64_t ps = trace_header_u64(&run.t, "pagesize");
	CHECK(&run, ps == (uint64_t)sysconf(_SC_PAGESIZE),
	      "expected pagesize=%ld (the kernel's AT_PAGESZ), got %llu",
	      sysconf(_SC_PAGESIZE), (unsigned long long)ps);
}

SHARED_TEST(startup, args, args_nanotime_monotonic)
{
	CHECK(&run, run.t.nevents > 1, "expected events, got %zu",
	      run.t.nevents);
	for (size_t i = 1; i < run.t.nevents; i++) {
		uint64_t a = trace_u64(run.t.events[i - 1], "ns");
		uint64_t b = trace_u64(run.t.events[i], "ns");
		CHECK(&run, b >= a,
		      "expected ns not to decrease, got %llu after %llu "
		      "(event %zu, %s)",
		      (unsigned long long)b, (unsigned long long)a, i,
		      phase(run.t.events[i]));
	}
}

/* ---- schedinit ---------------------------------------------------------- */

SHARED_TEST(startup, schedinit, schedinit_stackinit_first)
{
	expect_follows("runtime.schedinit", "runtime.stackinit");
}

SHARED_TEST(startup, schedinit, schedinit_mallocinit_after_stackinit)
{
	expect_follows("runtime.stackinit", "runtime.mallocinit");
}

SHARED_TEST(startup, schedinit, schedinit_cpuinit_after_mallocinit)
{
	expect_follows("runtime.mallocinit", "runtime.cpuinit");
}

SHARED_TEST(startup, schedinit, schedinit_alginit_after_cpuinit)
{
	expect_follows("runtime.cpuinit", "runtime.alginit");
}

SHARED_TEST(startup, schedinit, schedinit_fastrandinit_after_alginit)
{
	expect_follows("runtime.alginit", "runtime.fastrandinit");
}

SHARED_TEST(startup, schedinit, schedinit_mcommoninit_after_fastrandinit)
{
	expect_follows("runtime.fastrandinit", "runtime.mcommoninit");
}

SHARED_TEST(startup, schedinit, schedinit_goargs_after_mcommoninit)
{
	expect_follows("runtime.mcommoninit", "runtime.goargs");
}

SHARED_TEST(startup, schedinit, schedinit_goenvs_after_goargs)
{
	expect_follows("runtime.goargs", "runtime.goenvs");
}

SHARED_TEST(startup, schedinit, schedinit_parsedebugvars_after_goenvs)
{
	expect_follows("runtime.goenvs", "runtime.parsedebugvars");
}

SHARED_TEST(startup, schedinit, schedinit_gcinit_after_parsedebugvars)
{
	expect_follows("runtime.parsedebugvars", "runtime.gcinit");
}

SHARED_TEST(startup, schedinit, schedinit_procresize_last)
{
	expect_follows("runtime.gcinit", "runtime.procresize");
	/* Nothing of schedinit's after it: the next step is newproc. */
	expect_follows("runtime.procresize", "runtime.newproc");
}

SHARED_TEST(startup, schedinit, schedinit_m0_id_0)
{
	/* m0 (id 0) runs g0's bootstrap and goroutine 1 until main.main,
	 * locked to it during the inits; the background goroutines run
	 * while goroutine 1 is blocked in gcenable, so on another M (m0
	 * sleeps in stoplockedm, having handed its P over). */
	size_t others = 0;
	for (size_t i = 0; i < run.t.nevents; i++) {
		const struct trace_line *ev = run.t.events[i];
		if (strcmp(phase(ev), "main.main") == 0)
			break;
		int64_t m = trace_i64(ev, "m"), goid = trace_i64(ev, "goid");
		if (goid <= 1 && !(goid == 0 && m != 0))
			CHECK(&run, m == 0,
			      "expected %s (event %zu, goroutine %lld) on m0, "
			      "got m=%lld",
			      phase(ev), i, (long long)goid, (long long)m);
		if (goid > 1) {
			CHECK(&run, m > 0,
			      "expected %s (event %zu, goroutine %lld, run "
			      "while goroutine 1 is blocked and locked to m0) "
			      "on another M, got m=%lld",
			      phase(ev), i, (long long)goid, (long long)m);
			others++;
		}
	}
	CHECK(&run, others >= 3,
	      "expected the events of the 3 background goroutines before "
	      "main.main, got %zu",
	      others);
}

/* ---- newproc, goid, mstart ----------------------------------------------- */

SHARED_TEST(startup, newproc, newproc_main_on_g0)
{
	const struct trace_line *np = newproc_of(&run, 1);
	CHECK(&run, trace_i64(np, "g0") == 1 && trace_i64(np, "goid") == 0,
	      "expected goroutine 1 to be created on g0 (g0=1 goid=0), got "
	      "g0=%lld goid=%lld",
	      (long long)trace_i64(np, "g0"), (long long)trace_i64(np, "goid"));
	CHECK(&run, trace_event_index(&run.t, np) < index_of("runtime.mstart"),
	      "expected newproc(runtime.main) before mstart");
	uint64_t sp = trace_u64(np, "newsp"), lo = trace_u64(np, "newlo"),
	         hi = trace_u64(np, "newhi");
	CHECK(&run, sp > lo && sp < hi,
	      "expected goroutine 1's initial sp=0x%llx inside its stack "
	      "[0x%llx, 0x%llx)",
	      (unsigned long long)sp, (unsigned long long)lo,
	      (unsigned long long)hi);
}

SHARED_TEST(startup, newproc, newproc_initial_sp)
{
	/* Go's newproc1: sp = hi - alignUp(4*PtrSize + MinFrameSize,
	 * StackAlign); gostartcall then pushes the return address where the
	 * ABI keeps it on the stack. */
	const struct arch_expect *x = want_arch_expect();
	uint64_t frame = 4 * x->ptrsize + x->minframe;
	frame = (frame + x->stackalign - 1) / x->stackalign * x->stackalign;
	if (strcmp(x->retloc, "stack") == 0)
		frame += x->ptrsize;
	size_t n = trace_count_events(&run.t, "runtime.newproc");
	CHECK(&run, n >= 4, "expected newproc events for goroutines 1-4");
	for (size_t i = 0; i < n; i++) {
		const struct trace_line *ev =
		    trace_find_event(&run.t, "runtime.newproc", i);
		uint64_t hi = trace_u64(ev, "newhi"),
		         sp = trace_u64(ev, "newsp");
		CHECK(&run, sp == hi - frame,
		      "%s: expected goroutine %lld's initial sp == hi - %llu = "
		      "0x%llx, got 0x%llx (hi - %lld)",
		      x->goarch, (long long)trace_i64(ev, "newg"),
		      (unsigned long long)frame,
		      (unsigned long long)(hi - frame), (unsigned long long)sp,
		      (long long)(hi - sp));
	}
}

SHARED_TEST(startup, newproc, newproc_stackguard)
{
	size_t n = trace_count_events(&run.t, "runtime.newproc");
	CHECK(&run, n >= 4, "expected newproc events for goroutines 1-4");
	for (size_t i = 0; i < n; i++) {
		const struct trace_line *ev =
		    trace_find_event(&run.t, "runtime.newproc", i);
		uint64_t lo = trace_u64(ev, "newlo"),
		         guard = trace_u64(ev, "newguard");
		CHECK(&run, guard == lo + 928,
		      "expected goroutine %lld's stackguard0 == lo + 928 = "
		      "0x%llx, got 0x%llx",
		      (long long)trace_i64(ev, "newg"),
		      (unsigned long long)(lo + 928),
		      (unsigned long long)guard);
	}
}

SHARED_TEST(startup, newproc, newproc_returns_to_goexit)
{
	uint64_t goexitret = trace_header_u64(&run.t, "goexitret");
	const struct trace_line *ev;
	size_t n = 0;
	while ((ev = trace_find_event(&run.t, "runtime.newproc", n)) != NULL) {
		uint64_t ret = trace_u64(ev, "newret");
		CHECK(&run, ret == goexitret,
		      "goroutine %lld returns to %#llx, expected goexit + "
		      "PCQuantum = %#llx",
		      (long long)trace_i64(ev, "newg"), (unsigned long long)ret,
		      (unsigned long long)goexitret);
		n++;
	}
	CHECK(&run, n >= 4,
	      "expected newproc events for goroutines 1-4, saw %zu", n);
}

static void check_system_goroutine(const char *ph, int64_t want)
{
	const struct trace_line *ev = need_event(&run, ph, 0);
	int64_t goid = trace_i64(ev, "goid"), g0 = trace_i64(ev, "g0");
	CHECK(&run, goid == want && g0 == 0,
	      "expected %s on goroutine %lld (as Go numbers it), got "
	      "goid=%lld g0=%lld",
	      ph, (long long)want, (long long)goid, (long long)g0);
	const struct trace_line *np = newproc_of(&run, (uint64_t)want);
	uint64_t sp = trace_u64(ev, "sp");
	CHECK(&run, sp >= trace_u64(np, "newlo") && sp < trace_u64(np, "newhi"),
	      "expected %s's sp inside its own stack", ph);
}

SHARED_TEST(startup, goid, goid_g0_is_0)
{
	size_t checked = 0;
	for (size_t i = 0; i < run.t.nevents; i++) {
		const struct trace_line *ev = run.t.events[i];
		if (trace_i64(ev, "g0") != 1)
			continue;
		int64_t goid = trace_i64(ev, "goid");
		CHECK(
		    &run, goid == 0,
		    "expected %s (event %zu, on g0) to report goid 0, got %lld",
		    phase(ev), i, (long long)goid);
		checked++;
	}
	CHECK(&run, checked >= bootstrap_events(),
	      "expected at least the %zu bootstrap events on g0, got %zu",
	      bootstrap_events(), checked);
}

SHARED_TEST(startup, goid, goid_main_is_1)
{
	const struct trace_line *first = need_event(&run, "runtime.newproc", 0);
	CHECK(&run, trace_i64(first, "newg") == 1,
	      "expected the first goroutine created to get goid 1, got %lld",
	      (long long)trace_i64(first, "newg"));
	int64_t goid = trace_fact_i64(&run.t, "main.goid");
	CHECK(&run, goid == 1, "expected rt0_goid()=1 in main_main, got %lld",
	      (long long)goid);
}

SHARED_TEST(startup, goid, goid_forcegc_is_2)
{
	check_system_goroutine("runtime.forcegchelper", 2);
}

SHARED_TEST(startup, goid, goid_bgsweep_is_3)
{
	check_system_goroutine("runtime.bgsweep", 3);
}

SHARED_TEST(startup, goid, goid_bgscavenge_is_4)
{
	check_system_goroutine("runtime.bgscavenge", 4);
}

SHARED_TEST(startup, mstart, mstart_on_g0)
{
	const struct trace_line *ev = need_event(&run, "runtime.mstart", 0);
	int64_t goid = trace_i64(ev, "goid"), m = trace_i64(ev, "m"),
	        g0 = trace_i64(ev, "g0");
	CHECK(&run, g0 == 1 && goid == 0 && m == 0,
	      "expected runtime.mstart on g0 of m0 (g0=1 goid=0 m=0), got "
	      "g0=%lld goid=%lld m=%lld",
	      (long long)g0, (long long)goid, (long long)m);
}

SHARED_TEST(startup, mstart, mstart_bg_first_run_order)
{
	/* As Go schedules them with one P: forcegchelper, bgsweep and
	 * bgscavenge are created in that order, each new one taking runnext
	 * and pushing the previous to the run queue; when runtime.main
	 * blocks in gcenable, runnext (bgscavenge) runs first, then the
	 * queue in order. (TRACE.md's phase table lists them otherwise.) */
	static const char *const want[] = {
	    "runtime.bgscavenge", "runtime.forcegchelper", "runtime.bgsweep"};
	/* An observed Go run says how often runtime.main was preempted
	 * before gcenable returned (TRACE.md): once sent to the back of the
	 * queue, it no longer decides who runs first. */
	const char *preempts = trace_header(&run.t, "mainpreempts");
	CHECK(&run, !preempts || strcmp(preempts, "0") == 0,
	      "expected runtime.main not preempted in start-up, observed %s "
	      "times (the observer holds sysmon's thread until main.main)",
	      preempts);
	size_t prev = 0;
	for (size_t i = 0; i < 3; i++) {
		size_t at = index_of(want[i]);
		CHECK(&run, i == 0 || at > prev,
		      "expected %s to first run after %s (Go's runnext order: "
		      "bgscavenge, forcegchelper, bgsweep)",
		      want[i], want[i - (i > 0)]);
		prev = at;
	}
}

/* With rt0trace=2: the scheduler's own events. */
static void run_sched_trace(struct run *r)
{
	const char *env[] = {"GODEBUG=rt0trace=2", "GOMAXPROCS=1", NULL};
	run_probe(r, "hello", NULL, env);
	CHECK_EXIT(r, 0);
}

SHARED_TEST(startup, mstart, mstart_runs_main_first)
{
	expect_follows("runtime.mstart", "runtime.main");
	struct run r;
	run_sched_trace(&r);
	const struct trace_line *ex = need_event(&r, "runtime.execute", 0);
	CHECK(&r, trace_i64(ex, "next") == 1,
	      "expected the scheduler to run goroutine 1 first, got next=%lld",
	      (long long)trace_i64(ex, "next"));
	size_t ms =
	    trace_event_index(&r.t, need_event(&r, "runtime.mstart", 0));
	CHECK(&r, trace_event_index(&r.t, ex) > ms,
	      "expected the first runtime.execute after mstart");
	run_free(&r);
}

SHARED_TEST(startup, mstart, mstart_execute_on_g0)
{
	struct run r;
	run_sched_trace(&r);
	size_t n = trace_count_events(&r.t, "runtime.execute");
	CHECK(&r, n >= 4,
	      "expected runtime.execute events with rt0trace=2 (goroutines "
	      "1-4 at least), got %zu",
	      n);
	for (size_t i = 0; i < n; i++) {
		const struct trace_line *ev =
		    trace_find_event(&r.t, "runtime.execute", i);
		CHECK(&r,
		      trace_i64(ev, "g0") == 1 && trace_i64(ev, "goid") == 0,
		      "expected runtime.execute #%zu (next=%lld) on g0, got "
		      "g0=%lld goid=%lld",
		      i, (long long)trace_i64(ev, "next"),
		      (long long)trace_i64(ev, "g0"),
		      (long long)trace_i64(ev, "goid"));
	}
	run_free(&r);
}

/* ---- runtime.main -------------------------------------------------------- */

static void check_on_goroutine_1(const char *ph)
{
	const struct trace_line *ev = need_event(&run, ph, 0);
	int64_t goid = trace_i64(ev, "goid"), g0 = trace_i64(ev, "g0"),
	        m = trace_i64(ev, "m");
	CHECK(&run, goid == 1 && g0 == 0,
	      "expected %s on goroutine 1, not on g0 (goid=1 g0=0), got "
	      "goid=%lld g0=%lld",
	      ph, (long long)goid, (long long)g0);
	/* runtime.main locks itself to m0 ("runtime.main not on m0"). */
	CHECK(&run, m == 0, "expected %s on m0 (locked), got m=%lld", ph,
	      (long long)m);
}

SHARED_TEST(startup, main, main_on_goroutine_1)
{
	check_on_goroutine_1("runtime.main");
}

SHARED_TEST(startup, main, main_main_on_goroutine_1)
{
	check_on_goroutine_1("main.main");
	/* user.main is the C probe's own mark (rt0_mark); Go's twin makes
	 * none, and its observed trace has main.main's entry instead. */
	const char *src = trace_header(&run.t, "src");
	if (!src || strcmp(src, "obs") != 0)
		check_on_goroutine_1("user.main");
	int64_t goid = trace_fact_i64(&run.t, "main.goid");
	CHECK(&run, goid == 1, "expected rt0_goid()=1 in main_main, got %lld",
	      (long long)goid);
}

SHARED_TEST(startup, main, main_after_mstart)
{
	expect_follows("runtime.mstart", "runtime.main");
}

SHARED_TEST(startup, main, main_runtime_init_first)
{
	expect_follows("runtime.main", "runtime.init");
}

SHARED_TEST(startup, main, main_gcenable_after_runtime_init)
{
	expect_follows("runtime.init", "runtime.gcenable");
}

SHARED_TEST(startup, main, main_forcegc_from_runtime_init)
{
	const struct trace_line *np = newproc_of(&run, 2);
	size_t at = trace_event_index(&run.t, np);
	size_t init = index_of("runtime.init"),
	       gce = index_of("runtime.gcenable");
	CHECK(&run, at > init && at < gce,
	      "expected goroutine 2 to be created between runtime.init (event "
	      "%zu) and gcenable (event %zu), it is event %zu",
	      init, gce, at);
	CHECK(&run, trace_i64(np, "goid") == 1,
	      "expected goroutine 2 created by goroutine 1, got goid=%lld",
	      (long long)trace_i64(np, "goid"));
}

SHARED_TEST(startup, main, main_gcenable_starts_bg)
{
	size_t start = index_of("runtime.gcenable");
	size_t done = index_of("runtime.gcenable.done");
	for (int64_t g = 3; g <= 4; g++) {
		const struct trace_line *np = newproc_of(&run, (uint64_t)g);
		size_t at = trace_event_index(&run.t, np);
		CHECK(&run,
		      at > start && at < done && trace_i64(np, "goid") == 1,
		      "expected goroutine %lld created by goroutine 1 inside "
		      "gcenable (events %zu-%zu), it is event %zu on goid %lld",
		      (long long)g, start, done, at,
		      (long long)trace_i64(np, "goid"));
	}
	for (size_t i = 1; i < 3; i++) {
		size_t at = index_of(background_phases[i]);
		CHECK(&run, at > start,
		      "expected %s (event %zu) after gcenable started (%zu)",
		      background_phases[i], at, start);
	}
}

SHARED_TEST(startup, main, main_gcenable_waits_both)
{
	size_t done = index_of("runtime.gcenable.done");
	size_t sweep = index_of("runtime.bgsweep");
	size_t scav = index_of("runtime.bgscavenge");
	CHECK(&run, done > sweep && done > scav,
	      "expected gcenable.done (event %zu) after bgsweep (%zu) and "
	      "bgscavenge (%zu)",
	      done, sweep, scav);
	const struct trace_line *ev = run.t.events[done];
	CHECK(&run, trace_i64(ev, "goid") == 1,
	      "expected gcenable.done on goroutine 1, got goid=%lld",
	      (long long)trace_i64(ev, "goid"));
}

SHARED_TEST(startup, main, main_forcegc_runs_in_gcenable)
{
	/* runtime's own init creates it (proc.go init: go forcegchelper()); it
	 * must have run by the time gcenable is done, because runtime.main
	 * blocks there and lets the runnable goroutines run. */
	size_t init = index_of("runtime.init");
	size_t helper = index_of("runtime.forcegchelper");
	size_t done = index_of("runtime.gcenable.done");
	CHECK(&run, init < helper && helper < done,
	      "expected runtime.forcegchelper (event %zu) after runtime.init "
	      "(%zu) and before gcenable.done (%zu)",
	      helper, init, done);
}

SHARED_TEST(startup, main, main_numgoroutine_1)
{
	int64_t n = trace_fact_i64(&run.t, "main.numgoroutine");
	CHECK(&run, n == 1,
	      "expected NumGoroutine()=1 at main.main (system goroutines "
	      "are not counted), got %lld",
	      (long long)n);
}

static void check_sp_on_goroutine_1(const char *ph)
{
	const struct trace_line *np = newproc_of(&run, 1);
	uint64_t lo = trace_u64(np, "newlo"), hi = trace_u64(np, "newhi");
	uint64_t g0lo, g0hi;
	g0_bounds(&g0lo, &g0hi);
	const struct trace_line *ev = need_event(&run, ph, 0);
	uint64_t sp = trace_u64(ev, "sp");
	CHECK(&run, sp >= lo && sp < hi,
	      "expected %s's sp=0x%llx inside goroutine 1's stack "
	      "[0x%llx, 0x%llx)",
	      ph, (unsigned long long)sp, (unsigned long long)lo,
	      (unsigned long long)hi);
	CHECK(&run, !(sp >= g0lo && sp < g0hi),
	      "expected %s's sp=0x%llx outside g0's stack [0x%llx, 0x%llx)", ph,
	      (unsigned long long)sp, (unsigned long long)g0lo,
	      (unsigned long long)g0hi);
	CHECK(&run, trace_u64(ev, "lo") == lo && trace_u64(ev, "hi") == hi,
	      "expected %s's reported stack to be goroutine 1's [0x%llx, "
	      "0x%llx), got [0x%llx, 0x%llx)",
	      ph, (unsigned long long)lo, (unsigned long long)hi,
	      (unsigned long long)trace_u64(ev, "lo"),
	      (unsigned long long)trace_u64(ev, "hi"));
}

SHARED_TEST(startup, main, main_on_g1_stack)
{
	check_sp_on_goroutine_1("runtime.main");
}

SHARED_TEST(startup, main, main_main_on_g1_stack)
{
	check_sp_on_goroutine_1("main.main");
	check_sp_on_goroutine_1("user.main");
	const struct trace_line *np = newproc_of(&run, 1);
	uint64_t lo = trace_fact_u64(&run.t, "main.stack.lo");
	uint64_t hi = trace_fact_u64(&run.t, "main.stack.hi");
	CHECK(&run,
	      lo == trace_u64(np, "newlo") && hi == trace_u64(np, "newhi"),
	      "expected rt0_stack_bounds in main_main == newproc's [0x%llx, "
	      "0x%llx), got [0x%llx, 0x%llx)",
	      (unsigned long long)trace_u64(np, "newlo"),
	      (unsigned long long)trace_u64(np, "newhi"),
	      (unsigned long long)lo, (unsigned long long)hi);
}

/* ---- exits and knobs as hello shows them ----------------------------------
 */

SHARED_TEST(startup, exits, exits_main_return_0)
{
	CHECK_EXIT(&run, 0);
	CHECK(&run, strcmp(run.r.out, "hello, world\n") == 0,
	      "expected stdout \"hello, world\\n\", got \"%s\"", run.r.out);
}

SHARED_TEST(startup, exits, exits_exit_event_last)
{
	const struct trace_line *ev = need_event(&run, "runtime.exit", 0);
	int64_t code = trace_i64(ev, "code");
	CHECK(&run, code == 0, "expected runtime.exit code=0, got %lld",
	      (long long)code);
	CHECK(&run, ev == run.t.events[run.t.nevents - 1],
	      "expected runtime.exit to be the last event");
	CHECK(&run, trace_event_index(&run.t, ev) > index_of("main.main"),
	      "expected runtime.exit after main.main");
}

SHARED_TEST(startup, knobs, knobs_rt0trace_off_by_default)
{
	static const char *const envs[][3] = {
	    {"GOMAXPROCS=1", NULL, NULL},
	    {"GODEBUG=rt0trace=0", "GOMAXPROCS=1", NULL},
	    {"GODEBUG=gctrace=1", NULL, NULL},
	};
	for (size_t i = 0; i < sizeof envs / sizeof envs[0]; i++) {
		struct run r;
		run_probe(&r, "hello", NULL, envs[i]);
		CHECK_EXIT(&r, 0);
		CHECK(&r,
		      r.t.header == NULL && r.t.nevents == 0 &&
		          trace_count_facts(&r.t, "check.") == 0,
		      "with env %s expected no header, no event and no check "
		      "fact, got %s header, %zu events, %zu check facts",
		      envs[i][0], r.t.header ? "a" : "no", r.t.nevents,
		      trace_count_facts(&r.t, "check."));
		run_free(&r);
	}
}

SHARED_TEST(startup, knobs, knobs_rt0trace_levels)
{
	CHECK(&run, run.t.nevents > 0, "expected events with rt0trace=1");
	CHECK(&run,
	      trace_count_events(&run.t, "runtime.execute") == 0 &&
	          trace_count_events(&run.t, "runtime.gopark") == 0,
	      "expected no scheduler events with rt0trace=1, got %zu execute "
	      "and %zu gopark",
	      trace_count_events(&run.t, "runtime.execute"),
	      trace_count_events(&run.t, "runtime.gopark"));
	struct run r;
	run_sched_trace(&r);
	CHECK(&r,
	      trace_count_events(&r.t, "runtime.execute") > 0 &&
	          trace_count_events(&r.t, "runtime.gopark") > 0,
	      "expected runtime.execute and runtime.gopark with rt0trace=2");
	CHECK(&r, trace_count_events(&r.t, "runtime.schedinit") == 1,
	      "expected the start-up events with rt0trace=2 as well");
	run_free(&r);
}

/* ---- arch: the header against the host's table ------------------------- */

static void check_header_constant(const char *key, unsigned want)
{
	const struct arch_expect *x = want_arch_expect();
	uint64_t got = trace_header_u64(&run.t, key);
	CHECK(&run, got == want, "expected header %s=%u for %s (%s), got %llu",
	      key, want, x->goarch, x->source, (unsigned long long)got);
}

SHARED_TEST(startup, arch, arch_header_arch)
{
	const char *a = trace_header(&run.t, "arch");
	CHECK(&run, a && strcmp(a, want_arch()) == 0,
	      "expected header arch=%s, got arch=%s", want_arch(),
	      a ? a : "(missing)");
}

SHARED_TEST(startup, arch, arch_header_link)
{
	const char *l = trace_header(&run.t, "link");
	CHECK(&run, l && strcmp(l, want_link()) == 0,
	      "expected header link=%s, got link=%s", want_link(),
	      l ? l : "(missing)");
}

SHARED_TEST(startup, arch, arch_ptrsize)
{
	check_header_constant("ptrsize", want_arch_expect()->ptrsize);
}

SHARED_TEST(startup, arch, arch_pcquantum)
{
	check_header_constant("pcquantum", want_arch_expect()->pcquantum);
}

SHARED_TEST(startup, arch, arch_minframe)
{
	check_header_constant("minframe", want_arch_expect()->minframe);
}

SHARED_TEST(startup, arch, arch_stackalign)
{
	check_header_constant("stackalign", want_arch_expect()->stackalign);
}

SHARED_TEST(startup, arch, arch_goexitret)
{
	const struct arch_expect *x = want_arch_expect();
	uint64_t goexit = trace_header_u64(&run.t, "goexit");
	uint64_t ret = trace_header_u64(&run.t, "goexitret");
	CHECK(&run, ret == goexit + x->pcquantum,
	      "expected goexitret == goexit + %u = 0x%llx, got 0x%llx",
	      x->pcquantum, (unsigned long long)(goexit + x->pcquantum),
	      (unsigned long long)ret);
}

SHARED_TEST(startup, arch, arch_return_address_place)
{
	const struct arch_expect *x = want_arch_expect();
	const struct trace_line *ev;
	size_t n = 0;
	while ((ev = trace_find_event(&run.t, "runtime.newproc", n)) != NULL) {
		const char *loc = trace_field(ev, "newretloc");
		CHECK(&run, loc != NULL && strcmp(loc, x->retloc) == 0,
		      "%s: expected goroutine %lld's return address in %s, "
		      "the trace says %s",
		      x->goarch, (long long)trace_i64(ev, "newg"), x->retloc,
		      loc ? loc : "(no newretloc)");
		n++;
	}
	CHECK(&run, n >= 4,
	      "expected newproc events for goroutines 1-4, saw %zu", n);
}

/* ---- the ELF file of hello ---------------------------------------------- */

static struct elf_info elf;

static void open_hello_elf(void)
{
	char path[4096];
	probe_path("hello", path, sizeof path);
	cr_assert(elf_open(path, &elf), "%s", elf.error);
}

static void close_hello_elf(void)
{
	elf_close(&elf);
}

Test(entry, entry_internal_static, .init = open_hello_elf,
     .fini = close_hello_elf)
{
	SKIP_IF_EXCEPTION("ENTRY-INTERNAL-STATIC");
	cr_assert(!elf.has_interp,
	          "expected no PT_INTERP in internal-mode hello, got "
	          "interpreter %s",
	          elf.interp);
	cr_assert(!elf.has_dynamic,
	          "expected no PT_DYNAMIC in internal-mode hello");
}

Test(entry, entry_internal_no_libc, .init = open_hello_elf,
     .fini = close_hello_elf)
{
	SKIP_IF_EXCEPTION("ENTRY-INTERNAL-NO-LIBC");
	cr_assert(!elf_needs_shared_libs(&elf),
	          "expected no DT_NEEDED in internal-mode hello, got %zu "
	          "(first: %s)",
	          elf.nneeded, elf.nneeded ? elf.needed[0] : "");
	uint64_t v;
	cr_assert(!elf_symbol(&elf, "__libc_start_main", &v),
	          "expected no __libc_start_main in internal-mode hello");
}

Test(entry, entry_internal_entry_symbol, .init = open_hello_elf,
     .fini = close_hello_elf)
{
	SKIP_IF_EXCEPTION("ENTRY-INTERNAL-ENTRY-SYMBOL");
	const struct arch_expect *x = want_arch_expect();
	uint64_t sym;
	cr_assert(elf_symbol(&elf, x->entry_symbol, &sym),
	          "expected a symbol %s in hello's .symtab", x->entry_symbol);
	cr_assert_eq(elf.entry, sym,
	             "expected e_entry == %s = 0x%llx, got 0x%llx",
	             x->entry_symbol, (unsigned long long)sym,
	             (unsigned long long)elf.entry);
}

Test(arch, arch_elf_machine, .init = open_hello_elf, .fini = close_hello_elf)
{
	const struct arch_expect *x = want_arch_expect();
	cr_assert_eq(elf.machine, x->elf_machine,
	             "expected e_machine %u for %s, got %u", x->elf_machine,
	             x->goarch, elf.machine);
}

Test(entry, entry_external_libc, .init = open_hello_elf,
     .fini = close_hello_elf)
{
	SKIP_IF_EXCEPTION("ENTRY-EXTERNAL-LIBC");
	cr_assert(elf.has_interp && elf.has_dynamic,
	          "expected external-mode hello to be dynamically linked "
	          "(PT_INTERP and PT_DYNAMIC)");
	bool libc = false;
	for (size_t i = 0; i < elf.nneeded && i < 16; i++)
		libc |= strncmp(elf.needed[i], "libc.so", 7) == 0;
	cr_assert(libc,
	          "expected external-mode hello to need libc.so.*, "
	          "got %zu DT_NEEDED entries",
	          elf.nneeded);
}

Test(entry, entry_external_main, .init = open_hello_elf,
     .fini = close_hello_elf)
{
	SKIP_IF_EXCEPTION("ENTRY-EXTERNAL-MAIN");
	uint64_t v;
	cr_assert(elf_symbol(&elf, "main", &v),
	          "expected a `main` symbol (the external-link entry that "
	          "enters rt0_go)");
}

/* The difference between run-time addresses and the ELF file's symbol
 * values (0 for a static executable, the load address for a PIE), from
 * goexit, which the trace header names. */
/* The runtime's name for goexit and for runtime.main's function: rt0's C
 * symbols, or the ones of the Go toolchain under test (rt0obs/targets.h;
 * Go's goexit is assembly, NAME.abi0 where the port has ABI wrappers). */
static const char *goexit_symbol(void)
{
	const struct obs_impl *go =
	    impl_is_go() ? obs_impl_find(getenv("RT0_IMPL")) : NULL;
	return go ? go->goexit : "goexit";
}

static const char *main_symbol(void)
{
	return impl_is_go() ? "runtime.main" : "runtime_main";
}

static uint64_t load_bias(struct run *r, uint64_t *goexit_sym,
                          uint64_t *goexit_size)
{
	cr_assert(
	    obs_symbol_sized(&elf, goexit_symbol(), goexit_sym, goexit_size),
	    "expected a symbol %s in hello's .symtab", goexit_symbol());
	return trace_header_u64(&r->t, "goexit") - *goexit_sym;
}

Test(newproc, newproc_main_entry, .init = open_hello_elf,
     .fini = close_hello_elf)
{
	struct run r;
	run_probe_shared(&r, "hello", NULL, env_trace);
	uint64_t gsym, gsize, main_sym;
	uint64_t bias = load_bias(&r, &gsym, &gsize);
	cr_assert(elf_symbol(&elf, main_symbol(), &main_sym),
	          "expected a symbol %s in hello's .symtab", main_symbol());
	const struct trace_line *np = newproc_of(&r, 1);
	uint64_t pc = trace_u64(np, "newpc");
	CHECK(&r, pc == main_sym + bias,
	      "expected goroutine 1's entry pc to be %s = 0x%llx, got 0x%llx",
	      main_symbol(), (unsigned long long)(main_sym + bias),
	      (unsigned long long)pc);
	run_free(&r);
}

Test(newproc, newproc_goexitret_inside_goexit, .init = open_hello_elf,
     .fini = close_hello_elf)
{
	struct run r;
	run_probe_shared(&r, "hello", NULL, env_trace);
	uint64_t gsym, gsize;
	uint64_t bias = load_bias(&r, &gsym, &gsize);
	uint64_t ret = trace_header_u64(&r.t, "goexitret") - bias;
	CHECK(&r, gsize > 0 && ret > gsym && ret < gsym + gsize,
	      "expected goexitret (goexit + 0x%llx) inside goexit [0x%llx, "
	      "0x%llx)",
	      (unsigned long long)(ret - gsym), (unsigned long long)gsym,
	      (unsigned long long)(gsym + gsize));
	run_free(&r);
}

/* ---- system calls, under strace (natively only) ----------------------------
 */

/* Runs hello under strace -f with the environment env and returns its
 * system call lines (one per call, signals and exit notes left out) in
 * buf. */
static size_t strace_hello(char *buf, size_t cap, const char *const *env)
{
	char out[4096];
	struct run r;
	strace_probe(&r, "hello", NULL, NULL, env, out, sizeof out);
	run_free(&r);
	FILE *f = fopen(out, "r");
	cr_assert_not_null(f, "cannot read %s: %m", out);
	char line[4096];
	size_t calls = 0;
	buf[0] = '\0';
	while (fgets(line, sizeof line, f)) {
		/* "+++ exited with 0 +++" and "--- SIG... ---" are not calls */
		if (strstr(line, "+++ ") || strstr(line, "--- "))
			continue;
		calls++;
		strncat(buf, line, cap - strlen(buf) - 1);
	}
	fclose(f);
	unlink(out);
	cr_assert_gt(calls, 1, "expected strace to record hello's calls");
	return calls;
}

/* The calls in strace -f's output that the first line's thread (the main
 * one, which execve'd) made: its lines, less those where a call another
 * thread's line interrupted goes on ("<... clone resumed>"). */
static size_t main_thread_calls(const char *seen)
{
	long main_tid = strtol(seen, NULL, 10);
	size_t n = 0;
	for (const char *l = seen; *l;) {
		const char *eol = strchr(l, '\n');
		const char *resumed = strstr(l, " resumed>");
		n += strtol(l, NULL, 10) == main_tid &&
		     !(resumed && (!eol || resumed < eol));
		l = eol ? eol + 1 : "";
	}
	return n;
}

Test(entry, entry_lean_syscalls)
{
	SKIP_IF_EXCEPTION("ENTRY-LEAN-SYSCALLS");
	char seen[65536];
	strace_hello(seen, sizeof seen, NULL);
	size_t calls = main_thread_calls(seen);
	cr_assert_lt(calls, 50,
	             "expected fewer than 50 system calls by the main thread "
	             "(execve included), got %zu:\n%s",
	             calls, seen);
}

Test(args, args_nanotime_vdso)
{
	/* With the trace on, every event reads the clock. The two recorded
	 * before args has found the vDSO (rt0_go, check) may use the system
	 * call; none after osinit's first call (sched_getaffinity) may. */
	SKIP_IF_EXCEPTION("ARGS-NANOTIME-VDSO");
	char seen[65536];
	strace_hello(seen, sizeof seen, env_trace);
	const char *osinit = strstr(seen, "sched_getaffinity(");
	cr_assert_not_null(osinit, "expected osinit's sched_getaffinity call");
	cr_assert_null(strstr(osinit, "clock_gettime"),
	               "expected nanotime through the vDSO once args has "
	               "found it (no clock_gettime system call after "
	               "osinit), got:\n%s",
	               seen);
}

Test(schedinit, schedinit_seed_from_at_random)
{
	SKIP_IF_EXCEPTION("SCHEDINIT-SEED-FROM-AT-RANDOM");
	char seen[65536];
	strace_hello(seen, sizeof seen, env_trace);
	/* schedinit seeds before runtime.main makes the first thread; from
	 * there on the calls are not start-up's (glibc's pthread_create calls
	 * getrandom for its malloc's tcache key). newosproc blocks every
	 * signal first, in rt0 and in Go (go1.19 os_linux.go:176), and
	 * _cgo_thread_start likewise (gcc_linux_amd64.c). */
	char *first_thread = strstr(seen, "SIG_SETMASK, ~[]");
	if (first_thread)
		*first_thread = '\0';
	cr_assert(strstr(seen, "/dev/urandom") == NULL &&
	              strstr(seen, "getrandom(") == NULL,
	          "expected the seeds from AT_RANDOM alone (no /dev/urandom, "
	          "no getrandom) before the first thread, got:\n%s",
	          seen);
}
