/* startup: the start-up contract as hello's trace, ELF file and system
 * calls show it (conformance/TRACE.md; shared/notes/go-startup-facts.md A,
 * D, F, G). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "suite.h"

static struct run run;

static void run_hello(void)
{
	run_probe(&run, "hello", NULL, env_trace);
}

static void free_hello(void)
{
	run_free(&run);
}

TestSuite(startup, .init = run_hello, .fini = free_hello);

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
 * last) runs before it. The checks below pin what Go does guarantee. */
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

/* g0's stack is the one rt0_go runs on. */
static void g0_bounds(uint64_t *lo, uint64_t *hi)
{
	const struct trace_line *ev = need_event(&run, "runtime.rt0_go", 0);
	*lo = trace_u64(ev, "lo");
	*hi = trace_u64(ev, "hi");
}

/* Goroutine 1's stack, as newproc made it. */
static const struct trace_line *newproc_of(uint64_t goid)
{
	const struct trace_line *ev;
	for (size_t n = 0;
	     (ev = trace_find_event(&run.t, "runtime.newproc", n)) != NULL; n++)
		if (trace_u64(ev, "newg") == goid)
			return ev;
	cr_assert_fail("expected a runtime.newproc event with newg=%llu\n"
	               "  -- %s",
	               (unsigned long long)goid, probe_why(&run.r));
	return NULL;
}

Test(startup, hello_prints_and_exits_0)
{
	CHECK_EXIT(&run, 0);
	CHECK(&run, strcmp(run.r.out, "hello, world\n") == 0,
	      "expected stdout \"hello, world\\n\", got \"%s\"", run.r.out);
}

Test(startup, header_present_v1)
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

Test(startup, header_arch_matches)
{
	const char *a = trace_header(&run.t, "arch");
	CHECK(&run, a && strcmp(a, want_arch()) == 0,
	      "expected header arch=%s, got arch=%s", want_arch(),
	      a ? a : "(missing)");
}

Test(startup, header_link_matches)
{
	const char *l = trace_header(&run.t, "link");
	CHECK(&run, l && strcmp(l, want_link()) == 0,
	      "expected header link=%s, got link=%s", want_link(),
	      l ? l : "(missing)");
}

Test(startup, header_constants_match_arch_table)
{
	const struct arch_expect *x = arch_expect_find(want_arch());
	cr_assert_not_null(x,
	                   "no host-side expectations for arch %s in "
	                   "conformance/lib/arches.c",
	                   want_arch());
	struct {
		const char *key;
		unsigned want;
	} rows[] = {{"ptrsize", x->ptrsize},
	            {"pcquantum", x->pcquantum},
	            {"minframe", x->minframe},
	            {"stackalign", x->stackalign},
	            {"g0stack", x->g0stack}};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		uint64_t got = trace_header_u64(&run.t, rows[i].key);
		CHECK(&run, got == rows[i].want,
		      "expected header %s=%u for %s (%s), got %llu",
		      rows[i].key, rows[i].want, x->goarch, x->source,
		      (unsigned long long)got);
	}
}

Test(startup, goexitret_is_goexit_plus_pcquantum)
{
	const struct arch_expect *x = arch_expect_find(want_arch());
	cr_assert_not_null(x, "no expectations for arch %s", want_arch());
	uint64_t goexit = trace_header_u64(&run.t, "goexit");
	uint64_t ret = trace_header_u64(&run.t, "goexitret");
	CHECK(&run, ret == goexit + x->pcquantum,
	      "expected goexitret == goexit + %u = 0x%llx, got 0x%llx",
	      x->pcquantum, (unsigned long long)(goexit + x->pcquantum),
	      (unsigned long long)ret);
}

Test(startup, pagesize_is_the_systems)
{
	uint64_t ps = trace_header_u64(&run.t, "pagesize");
	CHECK(&run, is_pow2(ps), "expected a power-of-two pagesize, got %llu",
	      (unsigned long long)ps);
	if (!probe_emulator())
		CHECK(&run, ps == (uint64_t)sysconf(_SC_PAGESIZE),
		      "expected pagesize=%ld (the host's AT_PAGESZ), got %llu",
		      sysconf(_SC_PAGESIZE), (unsigned long long)ps);
}

Test(startup, phases_in_go_order)
{
	/* The main line's phases in the order they happened; newproc only
	 * for goroutine 1 (later goroutines add their own newproc events).
	 * Other phases (the background goroutines', stackalloc, user.*,
	 * exit) are not part of this order. */
	const char *seen[256];
	size_t n = 0;
	char got[4096] = "";
	for (size_t i = 0; i < run.t.nevents && n < 256; i++) {
		const struct trace_line *ev = run.t.events[i];
		const char *p = phase(ev);
		if (!is_table_phase(p))
			continue;
		if (strcmp(p, "runtime.newproc") == 0 &&
		    trace_u64(ev, "newg") != 1)
			continue;
		seen[n++] = p;
		strncat(got, p, sizeof got - strlen(got) - 1);
		strncat(got, " ", sizeof got - strlen(got) - 1);
	}
	for (size_t i = 0; i < NPHASES; i++) {
		CHECK(&run, i < n && strcmp(seen[i], go_phases[i]) == 0,
		      "expected phase #%zu to be %s, got %s\n  whole order: %s",
		      i, go_phases[i], i < n ? seen[i] : "(end of trace)", got);
	}
	CHECK(&run, n == NPHASES,
	      "expected nothing from the table after main.main, got %s",
	      n > NPHASES ? seen[NPHASES] : "");
}

Test(startup, every_phase_once)
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
}

Test(startup, seq_starts_at_0)
{
	CHECK(&run, run.t.nevents > 0, "expected events, got none");
	int64_t s = trace_i64(run.t.events[0], "seq");
	CHECK(&run, s == 0, "expected the first event's seq=0, got %lld",
	      (long long)s);
}

Test(startup, seq_strictly_increasing)
{
	CHECK(&run, run.t.nevents > 1, "expected events, got %zu",
	      run.t.nevents);
	for (size_t i = 1; i < run.t.nevents; i++) {
		int64_t a = trace_i64(run.t.events[i - 1], "seq");
		int64_t b = trace_i64(run.t.events[i], "seq");
		CHECK(&run, b > a,
		      "expected seq to increase, got %lld after %lld (event "
		      "%zu, %s)",
		      (long long)b, (long long)a, i, phase(run.t.events[i]));
	}
}

Test(startup, ns_non_decreasing)
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

Test(startup, bootstrap_on_g0_of_m0)
{
	/* Everything from rt0_go through mstart runs on m0's g0. */
	const struct trace_line *mstart = need_event(&run, "runtime.mstart", 0);
	size_t end = trace_event_index(&run.t, mstart);
	for (size_t i = 0; i <= end; i++) {
		const struct trace_line *ev = run.t.events[i];
		int64_t goid = trace_i64(ev, "goid"), m = trace_i64(ev, "m"),
		        g0 = trace_i64(ev, "g0");
		CHECK(
		    &run, goid == 0 && m == 0 && g0 == 1,
		    "expected %s on g0 of m0 (goid=0 m=0 g0=1), got goid=%lld "
		    "m=%lld g0=%lld",
		    phase(ev), (long long)goid, (long long)m, (long long)g0);
	}
}

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

Test(startup, runtime_main_on_goroutine_1)
{
	check_on_goroutine_1("runtime.main");
}

Test(startup, main_main_on_goroutine_1)
{
	check_on_goroutine_1("main.main");
	check_on_goroutine_1("user.main");
	int64_t goid = trace_fact_i64(&run.t, "main.goid");
	CHECK(&run, goid == 1, "expected rt0_goid()=1 in main_main, got %lld",
	      (long long)goid);
}

Test(startup, numgoroutine_1_at_main)
{
	int64_t n = trace_fact_i64(&run.t, "main.numgoroutine");
	CHECK(&run, n == 1,
	      "expected NumGoroutine()=1 at main.main (system goroutines "
	      "are not counted), got %lld",
	      (long long)n);
}

static void check_sp_on_goroutine_1(const char *ph)
{
	const struct trace_line *np = newproc_of(1);
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

Test(startup, runtime_main_sp_in_goroutine_1_stack)
{
	check_sp_on_goroutine_1("runtime.main");
}

Test(startup, main_sp_in_goroutine_1_stack)
{
	check_sp_on_goroutine_1("main.main");
	check_sp_on_goroutine_1("user.main");
}

Test(startup, main_stack_bounds_are_goroutine_1s)
{
	const struct trace_line *np = newproc_of(1);
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

Test(startup, goroutine_1_created_on_g0_before_mstart)
{
	const struct trace_line *np = newproc_of(1);
	const struct trace_line *ms = need_event(&run, "runtime.mstart", 0);
	CHECK(&run,
	      trace_event_index(&run.t, np) < trace_event_index(&run.t, ms),
	      "expected newproc(runtime.main) before mstart");
	uint64_t sp = trace_u64(np, "newsp"), lo = trace_u64(np, "newlo"),
	         hi = trace_u64(np, "newhi");
	CHECK(&run, sp > lo && sp < hi,
	      "expected goroutine 1's initial sp=0x%llx inside its stack "
	      "[0x%llx, 0x%llx)",
	      (unsigned long long)sp, (unsigned long long)lo,
	      (unsigned long long)hi);
}

Test(startup, g0_stack_is_64k)
{
	uint64_t lo, hi;
	g0_bounds(&lo, &hi);
	CHECK(&run, hi - lo == 65536,
	      "expected g0's stack hi - lo == 65536, got [0x%llx, 0x%llx) = "
	      "%llu bytes",
	      (unsigned long long)lo, (unsigned long long)hi,
	      (unsigned long long)(hi - lo));
}

Test(startup, g0_hi_just_below_entry_sp)
{
	/* rt0_go aligns the entry SP down and takes g0's stack from there:
	 * hi lies within 64 bytes below entrysp, ABI-aligned. */
	const struct arch_expect *x = arch_expect_find(want_arch());
	cr_assert_not_null(x, "no expectations for arch %s", want_arch());
	uint64_t lo, hi;
	g0_bounds(&lo, &hi);
	uint64_t entry = trace_header_u64(&run.t, "entrysp");
	CHECK(&run, hi <= entry && entry - hi < 64,
	      "expected g0's hi=0x%llx within 64 bytes below entrysp=0x%llx",
	      (unsigned long long)hi, (unsigned long long)entry);
	CHECK(&run, hi % x->stackalign == 0,
	      "expected g0's hi=0x%llx aligned to %u", (unsigned long long)hi,
	      x->stackalign);
}

Test(startup, g0_events_sp_in_g0_stack)
{
	uint64_t lo, hi;
	g0_bounds(&lo, &hi);
	size_t checked = 0;
	for (size_t i = 0; i < run.t.nevents; i++) {
		const struct trace_line *ev = run.t.events[i];
		if (trace_i64(ev, "g0") != 1 || trace_i64(ev, "m") != 0)
			continue;
		uint64_t sp = trace_u64(ev, "sp");
		CHECK(&run, sp >= lo && sp < hi,
		      "expected %s (on g0) sp=0x%llx inside g0's stack "
		      "[0x%llx, 0x%llx)",
		      phase(ev), (unsigned long long)sp, (unsigned long long)lo,
		      (unsigned long long)hi);
		CHECK(&run,
		      trace_u64(ev, "lo") == lo && trace_u64(ev, "hi") == hi,
		      "expected %s (on g0) to report g0's bounds", phase(ev));
		checked++;
	}
	CHECK(&run, checked >= 17,
	      "expected at least the 17 bootstrap events on g0, got %zu",
	      checked);
}

static void check_system_goroutine(const char *ph, int64_t want)
{
	const struct trace_line *ev = need_event(&run, ph, 0);
	int64_t goid = trace_i64(ev, "goid"), g0 = trace_i64(ev, "g0");
	CHECK(&run, goid == want && g0 == 0,
	      "expected %s on goroutine %lld (as Go numbers it), got "
	      "goid=%lld g0=%lld",
	      ph, (long long)want, (long long)goid, (long long)g0);
	const struct trace_line *np = newproc_of((uint64_t)want);
	uint64_t sp = trace_u64(ev, "sp");
	CHECK(&run, sp >= trace_u64(np, "newlo") && sp < trace_u64(np, "newhi"),
	      "expected %s's sp inside its own stack", ph);
}

Test(startup, forcegchelper_on_goroutine_2)
{
	check_system_goroutine("runtime.forcegchelper", 2);
}

Test(startup, bgsweep_on_goroutine_3)
{
	check_system_goroutine("runtime.bgsweep", 3);
}

Test(startup, bgscavenge_on_goroutine_4)
{
	check_system_goroutine("runtime.bgscavenge", 4);
}

Test(startup, forcegchelper_runs_after_runtime_init)
{
	/* runtime's own init creates it (proc.go init: go forcegchelper()); it
	 * must have run by the time gcenable is done, because runtime.main
	 * blocks there and lets the runnable goroutines run. */
	size_t init =
	    trace_event_index(&run.t, need_event(&run, "runtime.init", 0));
	size_t helper = trace_event_index(
	    &run.t, need_event(&run, "runtime.forcegchelper", 0));
	size_t done = trace_event_index(
	    &run.t, need_event(&run, "runtime.gcenable.done", 0));
	CHECK(&run, init < helper && helper < done,
	      "expected runtime.forcegchelper (event %zu) after runtime.init "
	      "(%zu) and before gcenable.done (%zu)",
	      helper, init, done);
}

Test(startup, bg_goroutines_run_inside_gcenable)
{
	size_t start =
	    trace_event_index(&run.t, need_event(&run, "runtime.gcenable", 0));
	for (size_t i = 1; i < 3; i++) {
		size_t at = trace_event_index(
		    &run.t, need_event(&run, background_phases[i], 0));
		CHECK(&run, at > start,
		      "expected %s (event %zu) after gcenable started (%zu)",
		      background_phases[i], at, start);
	}
}

Test(startup, bg_goroutines_first_run_in_runnext_order)
{
	/* As Go schedules them with one P: forcegchelper, bgsweep and
	 * bgscavenge are created in that order, each new one taking runnext
	 * and pushing the previous to the run queue; when runtime.main
	 * blocks in gcenable, runnext (bgscavenge) runs first, then the
	 * queue in order. (TRACE.md's phase table lists them otherwise.) */
	static const char *const want[] = {
	    "runtime.bgscavenge", "runtime.forcegchelper", "runtime.bgsweep"};
	size_t prev = 0;
	for (size_t i = 0; i < 3; i++) {
		size_t at =
		    trace_event_index(&run.t, need_event(&run, want[i], 0));
		CHECK(&run, i == 0 || at > prev,
		      "expected %s to first run after %s (Go's runnext order: "
		      "bgscavenge, forcegchelper, bgsweep)",
		      want[i], want[i - (i > 0)]);
		prev = at;
	}
}

Test(startup, gcenable_done_after_both)
{
	size_t done = trace_event_index(
	    &run.t, need_event(&run, "runtime.gcenable.done", 0));
	size_t sweep =
	    trace_event_index(&run.t, need_event(&run, "runtime.bgsweep", 0));
	size_t scav = trace_event_index(
	    &run.t, need_event(&run, "runtime.bgscavenge", 0));
	CHECK(&run, done > sweep && done > scav,
	      "expected gcenable.done (event %zu) after bgsweep (%zu) and "
	      "bgscavenge (%zu)",
	      done, sweep, scav);
	const struct trace_line *ev = run.t.events[done];
	CHECK(&run, trace_i64(ev, "goid") == 1,
	      "expected gcenable.done on goroutine 1, got goid=%lld",
	      (long long)trace_i64(ev, "goid"));
}

Test(startup, exit_event_code_0)
{
	const struct trace_line *ev = need_event(&run, "runtime.exit", 0);
	int64_t code = trace_i64(ev, "code");
	CHECK(&run, code == 0, "expected runtime.exit code=0, got %lld",
	      (long long)code);
	CHECK(&run, ev == run.t.events[run.t.nevents - 1],
	      "expected runtime.exit to be the last event");
}

/* The ELF file of hello. */
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

TestSuite(startup_elf, .init = open_hello_elf, .fini = close_hello_elf);

Test(startup_elf, internal_hello_is_static)
{
	ONLY_IN_LINK_MODE("internal");
	cr_assert(!elf.has_interp,
	          "expected no PT_INTERP in internal-mode hello, got "
	          "interpreter %s",
	          elf.interp);
	cr_assert(!elf.has_dynamic,
	          "expected no PT_DYNAMIC in internal-mode hello");
}

Test(startup_elf, internal_hello_has_no_libc)
{
	ONLY_IN_LINK_MODE("internal");
	cr_assert(!elf_needs_shared_libs(&elf),
	          "expected no DT_NEEDED in internal-mode hello, got %zu "
	          "(first: %s)",
	          elf.nneeded, elf.nneeded ? elf.needed[0] : "");
	uint64_t v;
	cr_assert(!elf_symbol(&elf, "__libc_start_main", &v),
	          "expected no __libc_start_main in internal-mode hello");
}

Test(startup_elf, internal_entry_is_rt0_linux)
{
	ONLY_IN_LINK_MODE("internal");
	const struct arch_expect *x = arch_expect_find(want_arch());
	cr_assert_not_null(x, "no expectations for arch %s", want_arch());
	uint64_t sym;
	cr_assert(elf_symbol(&elf, x->entry_symbol, &sym),
	          "expected a symbol %s in hello's .symtab", x->entry_symbol);
	cr_assert_eq(elf.entry, sym,
	             "expected e_entry == %s = 0x%llx, got 0x%llx",
	             x->entry_symbol, (unsigned long long)sym,
	             (unsigned long long)elf.entry);
	cr_assert_eq(elf.machine, x->elf_machine,
	             "expected e_machine %u for %s, got %u", x->elf_machine,
	             x->goarch, elf.machine);
}

Test(startup_elf, external_hello_uses_libc)
{
	ONLY_IN_LINK_MODE("external");
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

Test(startup_elf, external_hello_has_main)
{
	ONLY_IN_LINK_MODE("external");
	uint64_t v;
	cr_assert(elf_symbol(&elf, "main", &v),
	          "expected a `main` symbol (the external-link entry that "
	          "enters rt0_go)");
}

/* Start-up stays lean: the internal-mode hello makes fewer than 30 system
 * calls (Go makes about 211, static C about 16). */
static bool find_in_path(const char *prog, char *buf, size_t cap)
{
	const char *path = getenv("PATH");
	const char *p = path && *path ? path : "/usr/bin:/bin";
	while (*p) {
		size_t n = strcspn(p, ":");
		int w = snprintf(buf, cap, "%.*s/%s", (int)n, p, prog);
		if (w > 0 && (size_t)w < cap && access(buf, X_OK) == 0)
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

Test(startup_syscalls, internal_hello_under_30_syscalls)
{
	ONLY_IN_LINK_MODE("internal");
	if (probe_emulator())
		cr_skip_test("strace would trace the emulator, not the probe");
	char strace[4096], hello[4096], out[] = "/tmp/rt0-strace-XXXXXX";
	cr_assert(find_in_path("strace", strace, sizeof strace),
	          "install strace (apt-get install strace)");
	int fd = mkstemp(out);
	cr_assert(fd >= 0, "mkstemp: %m");
	close(fd);
	probe_path("hello", hello, sizeof hello);
	/* Run strace itself through the runner: RT0_PROBE_DIR names its
	 * directory for this one run. */
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", strace);
	*strrchr(dir, '/') = '\0';
	char *saved = strdup(probe_dir());
	setenv("RT0_PROBE_DIR", dir, 1);
	const char *args[] = {"-f", "-o", out, hello, NULL};
	struct run r;
	run_probe(&r, "strace", args, NULL);
	setenv("RT0_PROBE_DIR", saved, 1);
	free(saved);
	CHECK_EXIT(&r, 0);
	FILE *f = fopen(out, "r");
	cr_assert_not_null(f, "cannot read %s: %m", out);
	char line[4096];
	size_t calls = 0;
	char seen[8192] = "";
	while (fgets(line, sizeof line, f)) {
		/* "+++ exited with 0 +++" and "--- SIG... ---" are not calls */
		if (strstr(line, "+++ ") || strstr(line, "--- "))
			continue;
		calls++;
		strncat(seen, line, sizeof seen - strlen(seen) - 1);
	}
	fclose(f);
	unlink(out);
	cr_assert_lt(calls, 30,
	             "expected fewer than 30 system calls (execve included), "
	             "got %zu:\n%s",
	             calls, seen);
	cr_assert_gt(calls, 1, "expected strace to record hello's calls");
	run_free(&r);
}
