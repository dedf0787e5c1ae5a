/* walk: stack walks as the second witness of what runs on g0 and what on
 * goroutines (catalogue group "walk": conformance/invariants-walk.toml;
 * docs/go-facts.md F, G, I; DESIGN.md 7). The walk probe
 * prints six walks as facts (probes/walk.c); in internal mode the tracer
 * in walk_ptrace.c takes them from outside. Frame lists are the
 * catalogue's data (walk_frames.h is generated from it); stack bounds are
 * the trace's (GODEBUG=rt0trace=1): g0's from the runtime.rt0_go event,
 * each goroutine's from its runtime.newproc event. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite.h"
#include "walk_frames.h"
#include "walk_ptrace.h"

/* The probe's depth cap (probes/walk.c, walk_ptrace.c). */
#define WALK_MAX_FRAMES 32

static struct run run;
static bool ran;

static void stop(void)
{
	if (ran)
		run_free(&run);
}

/* Runs the probe: in-process walks in external mode (one run shared by
 * the suite's tests: under qemu-user each run costs a fifth of a second);
 * in internal mode (no libc, so no libunwind inside) under the ptrace
 * tracer, natively. */
static void start(void)
{
	if (!link_is("internal")) {
		run_probe_shared(&run, "walk", NULL, env_trace);
	} else {
		memset(&run, 0, sizeof run);
		cr_assert_not_null(probe_dir(), "RT0_PROBE_DIR is not set");
		cr_assert_eq(walk_ptrace_run("walk", env_trace, &run.r), 0,
		             "the ptrace tracer failed: %m\n  -- %s",
		             probe_why(&run.r));
		bool ok = trace_parse(run.r.err, run.r.err_len, &run.t);
		CHECK(&run, ok,
		      "expected stderr to follow the trace protocol; %zu bad "
		      "lines, first: %s",
		      run.t.nerrors, run.t.error);
	}
	ran = true;
	atexit(stop); /* each test is a process of its own */
	CHECK_EXIT(&run, 0);
}

struct frame {
	const char *name, *obj;
	uint64_t off, pc, sp;
	uint64_t exec; /* 1: the pc lies in executable code */
};

struct walk {
	const char *where;
	size_t n;
	struct frame f[WALK_MAX_FRAMES];
	const char *end;
	int64_t step;
};

static const char *wfact(const char *where, long i, const char *field)
{
	char key[96];
	if (i < 0)
		snprintf(key, sizeof key, "walk.%s.%s", where, field);
	else
		snprintf(key, sizeof key, "walk.%s.%ld.%s", where, i, field);
	return need_fact(&run, key);
}

static uint64_t wfact_u64(const char *where, long i, const char *field)
{
	uint64_t v;
	const char *s = wfact(where, i, field);
	CHECK(&run, trace_parse_u64(s, &v),
	      "expected a number in fact walk.%s.%ld.%s, got %s", where, i,
	      field, s);
	return v;
}

static void get_walk(const char *where, struct walk *w)
{
	memset(w, 0, sizeof *w);
	w->where = where;
	w->end = wfact(where, -1, "end");
	uint64_t n = wfact_u64(where, -1, "n");
	CHECK(&run, n >= 1 && n <= WALK_MAX_FRAMES,
	      "expected 1..%d frames in walk %s, the probe says %llu",
	      WALK_MAX_FRAMES, where, (unsigned long long)n);
	w->n = (size_t)n;
	CHECK(&run, trace_parse_i64(wfact(where, -1, "step"), &w->step),
	      "expected a number in fact walk.%s.step", where);
	for (size_t i = 0; i < w->n; i++) {
		struct frame *f = &w->f[i];
		f->name = wfact(where, (long)i, "name");
		f->obj = wfact(where, (long)i, "obj");
		f->off = wfact_u64(where, (long)i, "off");
		f->pc = wfact_u64(where, (long)i, "pc");
		f->sp = wfact_u64(where, (long)i, "sp");
		f->exec = wfact_u64(where, (long)i, "exec");
	}
}

/* "a <- b <- c", for messages. */
static const char *walk_str(const struct walk *w, char *buf, size_t cap)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < w->n && o < cap; i++)
		o += (size_t)snprintf(
		    buf + o, cap - o, "%s%s+0x%llx@%s sp=0x%llx",
		    i ? "\n      <- " : "", w->f[i].name,
		    (unsigned long long)w->f[i].off, w->f[i].obj,
		    (unsigned long long)w->f[i].sp);
	if (o < cap)
		snprintf(buf + o, cap - o, "\n      (%s, unw_step %lld)",
		         w->end, (long long)w->step);
	return buf;
}

static const struct walk_frames *expected(const char *where)
{
	for (size_t i = 0;
	     i < sizeof walk_frames_table / sizeof walk_frames_table[0]; i++) {
		const struct walk_frames *x = &walk_frames_table[i];
		if (strcmp(x->arch, want_arch()) == 0 &&
		    strcmp(x->mode, want_link()) == 0 &&
		    strcmp(x->where, where) == 0)
			return x;
	}
	cr_assert_fail("no expected frames for walk %s on %s/%s: add "
	               "walk.frames.%s.%s.%s to the catalogue",
	               where, want_arch(), want_link(), want_arch(),
	               want_link(), where);
	return NULL;
}

/* The unwinder said it reached the outermost frame: unw_step 0; on arm,
 * where libunwind reads the EHABI index, -UNW_ESTOPUNWIND ("stop") at the
 * EXIDX_CANTUNWIND entry that marks an outermost frame (DESIGN.md 7), and
 * only that: there an unw_step of 0 comes without the mark (goexit without
 * .cantunwind ends a walk that way). */
static bool clean_end(const struct walk *w)
{
	if (strcmp(want_arch(), "arm") == 0)
		return strcmp(w->end, "stop") == 0;
	return strcmp(w->end, "end") == 0 && w->step == 0;
}

/* A table entry is "name" or "name@file". */
static bool frame_matches(const struct frame *f, const char *want)
{
	const char *at = strchr(want, '@');
	size_t len = at ? (size_t)(at - want) : strlen(want);
	if (strlen(f->name) != len || strncmp(f->name, want, len) != 0)
		return false;
	return !at || strcmp(f->obj, at + 1) == 0;
}

/* The walk is exactly the catalogue's list for this arch and mode, and
 * the unwinder ended it there. */
static void check_frames(const char *where)
{
	start();
	struct walk w;
	get_walk(where, &w);
	const struct walk_frames *x = expected(where);
	char want[2048], got[4096];
	size_t o = 0;
	for (size_t i = 0; i < x->n && o < sizeof want; i++)
		o += (size_t)snprintf(want + o, sizeof want - o, "%s%s",
		                      i ? " <- " : "", x->frames[i]);
	bool same = w.n == x->n && clean_end(&w);
	for (size_t i = 0; same && i < x->n; i++)
		same = frame_matches(&w.f[i], x->frames[i]);
	CHECK(&run, same,
	      "expected walk %s on %s/%s to be exactly\n      %s\n      "
	      "(then a clean end), got\n      %s",
	      where, want_arch(), want_link(), want,
	      walk_str(&w, got, sizeof got));
}

Test(walk, walk_main_frames)
{
	SKIP_IF_EXCEPTION("WALK-MAIN-FRAMES");
	check_frames("main");
}

Test(walk, walk_init_frames)
{
	SKIP_IF_EXCEPTION("WALK-INIT-FRAMES");
	check_frames("init");
}

Test(walk, walk_goroutine_frames)
{
	SKIP_IF_EXCEPTION("WALK-GOROUTINE-FRAMES");
	check_frames("goroutine");
}

Test(walk, walk_schedinit_frames)
{
	SKIP_IF_EXCEPTION("WALK-SCHEDINIT-FRAMES");
	check_frames("schedinit");
}

Test(walk, walk_sched_frames)
{
	SKIP_IF_EXCEPTION("WALK-SCHED-FRAMES");
	check_frames("sched");
}

Test(walk, walk_m_frames)
{
	SKIP_IF_EXCEPTION("WALK-M-FRAMES");
	check_frames("m");
}

static const char *const all_walks[] = {"main",      "init",  "goroutine",
                                        "schedinit", "sched", "m"};

Test(walk, walk_ends_clean)
{
	SKIP_IF_EXCEPTION("WALK-ENDS-CLEAN");
	start();
	char got[4096];
	for (size_t k = 0; k < sizeof all_walks / sizeof all_walks[0]; k++) {
		struct walk w;
		get_walk(all_walks[k], &w);
		walk_str(&w, got, sizeof got);
		CHECK(&run, clean_end(&w),
		      "expected walk %s to end at its outermost frame "
		      "(unw_step 0; arm: \"stop\" at EXIDX_CANTUNWIND), it "
		      "ended: "
		      "%s (unw_step %lld):\n      %s",
		      w.where, w.end, (long long)w.step, got);
		for (size_t i = 0; i < w.n; i++) {
			CHECK(&run, strcmp(w.f[i].obj, "?") != 0,
			      "expected every pc of walk %s in a mapped file; "
			      "frame %zu (pc 0x%llx) is in none: garbage\n"
			      "      %s",
			      w.where, i, (unsigned long long)w.f[i].pc, got);
			CHECK(
			    &run, w.f[i].exec == 1,
			    "expected every pc of walk %s in executable code; "
			    "frame %zu (pc 0x%llx, in %s) is in data: a word "
			    "taken for a return address, garbage\n      %s",
			    w.where, i, (unsigned long long)w.f[i].pc,
			    w.f[i].obj, got);
			if (i == 0)
				continue;
			CHECK(&run, w.f[i].sp >= w.f[i - 1].sp,
			      "expected SP never to decrease along walk %s; "
			      "frame %zu's is below frame %zu's\n      %s",
			      w.where, i, i - 1, got);
			for (size_t j = 0; j < i; j++)
				CHECK(&run,
				      w.f[i].pc != w.f[j].pc ||
				          w.f[i].sp != w.f[j].sp,
				      "expected no frame twice in walk %s; "
				      "frames %zu and %zu are the same (a "
				      "loop)\n      %s",
				      w.where, j, i, got);
		}
	}
}

Test(walk, walk_goexit_pcquantum)
{
	SKIP_IF_EXCEPTION("WALK-GOEXIT-PCQUANTUM");
	start();
	const struct arch_expect *x = arch_expect_find(want_arch());
	cr_assert_not_null(x, "no host-side expectations for arch %s",
	                   want_arch());
	uint64_t goexit = trace_header_u64(&run.t, "goexit");
	char got[4096];
	for (size_t k = 0; k < 3; k++) { /* the goroutine walks */
		struct walk w;
		get_walk(all_walks[k], &w);
		const struct frame *top = &w.f[w.n - 1];
		CHECK(&run, top->pc == goexit + x->pcquantum,
		      "expected walk %s's outermost pc to be goexit+%u = "
		      "0x%llx, got 0x%llx (%s+0x%llx)\n      %s",
		      w.where, x->pcquantum,
		      (unsigned long long)(goexit + x->pcquantum),
		      (unsigned long long)top->pc, top->name,
		      (unsigned long long)top->off,
		      walk_str(&w, got, sizeof got));
	}
}

/* A goroutine's stack as its runtime.newproc event reports it. */
static void goroutine_bounds(uint64_t goid, uint64_t *lo, uint64_t *hi)
{
	const struct trace_line *ev;
	for (size_t n = 0;
	     (ev = trace_find_event(&run.t, "runtime.newproc", n)) != NULL; n++)
		if (trace_u64(ev, "newg") == goid) {
			*lo = trace_u64(ev, "newlo");
			*hi = trace_u64(ev, "newhi");
			return;
		}
	cr_assert_fail("expected a runtime.newproc event with newg=%llu "
	               "(GODEBUG=rt0trace=1)\n  -- %s",
	               (unsigned long long)goid, probe_why(&run.r));
}

/* Every SP of the walk up to and including base's frame in [lo, hi], the
 * stack's own frames; every frame beyond it above hi, on the OS stack the
 * runtime made that stack out of. base NULL: every frame is the stack's.
 * hi itself is an empty stack's SP. */
static void check_stack_base(const char *where, const char *stack,
                             const char *base, uint64_t lo, uint64_t hi)
{
	struct walk w;
	char got[4096];
	get_walk(where, &w);
	walk_str(&w, got, sizeof got);
	size_t top = base ? w.n : w.n - 1;
	for (size_t i = 0; base && i < w.n && top == w.n; i++)
		if (strcmp(w.f[i].name, base) == 0)
			top = i;
	CHECK(&run, top < w.n,
	      "expected walk %s to reach %s, the base of %s's stack\n      %s",
	      where, base, stack, got);
	for (size_t i = 0; i < w.n; i++) {
		bool in = w.f[i].sp >= lo && w.f[i].sp <= hi;
		if (i <= top)
			CHECK(&run, in,
			      "expected every SP of walk %s up to %s in %s's "
			      "stack [0x%llx, 0x%llx]; frame %zu (%s) has SP "
			      "0x%llx\n      %s",
			      where, base ? base : "its end", stack,
			      (unsigned long long)lo, (unsigned long long)hi, i,
			      w.f[i].name, (unsigned long long)w.f[i].sp, got);
		else
			CHECK(&run, w.f[i].sp > hi,
			      "expected the frames beyond %s of walk %s above "
			      "%s's stack (hi 0x%llx) on the OS stack; frame "
			      "%zu (%s) has SP 0x%llx\n      %s",
			      base, where, stack, (unsigned long long)hi, i,
			      w.f[i].name, (unsigned long long)w.f[i].sp, got);
	}
}

Test(walk, walk_main_sp_in_g1)
{
	SKIP_IF_EXCEPTION("WALK-MAIN-SP-IN-G1");
	start();
	uint64_t lo, hi;
	goroutine_bounds(1, &lo, &hi);
	check_stack_base("main", "goroutine 1", NULL, lo, hi);
	check_stack_base("init", "goroutine 1", NULL, lo, hi);
}

/* The goroutine is the one whose newproc entry (newpc) is the function the
 * walk starts in: the walk's own frame 0 names it, not the runtime. */
Test(walk, walk_goroutine_sp_in_own_stack)
{
	SKIP_IF_EXCEPTION("WALK-GOROUTINE-SP-IN-OWN-STACK");
	start();
	struct walk w;
	get_walk("goroutine", &w);
	uint64_t entry = w.f[0].pc - w.f[0].off;
	const struct trace_line *ev, *mine = NULL;
	for (size_t n = 0;
	     (ev = trace_find_event(&run.t, "runtime.newproc", n)) != NULL; n++)
		if (trace_u64(ev, "newpc") == entry)
			mine = ev;
	CHECK(&run, mine != NULL,
	      "expected a runtime.newproc event with newpc=0x%llx (%s, "
	      "where walk goroutine starts)",
	      (unsigned long long)entry, w.f[0].name);
	char name[64];
	snprintf(name, sizeof name, "goroutine %llu",
	         (unsigned long long)trace_u64(mine, "newg"));
	check_stack_base("goroutine", name, NULL, trace_u64(mine, "newlo"),
	                 trace_u64(mine, "newhi"));
}

Test(walk, walk_g0_sp_in_g0)
{
	SKIP_IF_EXCEPTION("WALK-G0-SP-IN-G0");
	start();
	const struct trace_line *ev = need_event(&run, "runtime.rt0_go", 0);
	CHECK(&run, trace_u64(ev, "g0") == 1,
	      "expected the runtime.rt0_go event on g0");
	uint64_t lo = trace_u64(ev, "lo"), hi = trace_u64(ev, "hi");
	check_stack_base("schedinit", "g0", "runtime_rt0_go", lo, hi);
	check_stack_base("sched", "g0", "runtime_rt0_go", lo, hi);
}

/* The M's g0 bounds as the runtime records them (walk.m.g0_lo/hi, from
 * rt0_m_self on that thread). Internally the M runs on the g0 stack newm
 * allocated and cloned onto, down to arch_clone; under libc g0 is the
 * pthread's stack, and Go's mstart0 takes hi from its own frame, so the
 * frames past mstart0 lie above it (go1.19 proc.go:1359-1374). */
Test(walk, walk_m_sp_in_own_g0)
{
	SKIP_IF_EXCEPTION("WALK-M-SP-IN-OWN-G0");
	start();
	check_stack_base("m", "the new M's g0",
	                 link_is("internal") ? NULL : "mstart",
	                 trace_fact_u64(&run.t, "walk.m.g0_lo"),
	                 trace_fact_u64(&run.t, "walk.m.g0_hi"));
}
