/* initorder: package initialisation by Go 1.21's rule, on goroutine 1,
 * and refusal of import cycles and missing packages
 * (go-startup-facts.md G, H; probes/initorder.c explains the packages).
 * Each test is named after its invariant (conformance/invariants.toml). */
#include <stdio.h>
#include <string.h>

#include "suite.h"

SHARED_PROBE_SUITE(initorder, "initorder");

/* Go 1.21: sorted by path, repeatedly the first package whose imports are
 * done. (Go 1.19 would give common zeta alpha tie/c tie/a tie/b main.) */
static const char *const go121_packages[] = {
    "common", "alpha", "tie/a", "tie/b", "tie/c", "zeta", "main"};
static const int ninits[] = {3, 2, 2, 2, 2, 2, 2};
#define NPKG   7
#define NINITS 15

static const char *init_at(int n)
{
	char key[64];
	snprintf(key, sizeof key, "init.%d", n);
	return need_fact(&run, key);
}

SHARED_TEST(initorder, initorder, initorder_go121_order)
{
	CHECK_EXIT(&run, 0);
	char want[NINITS][32], got[1024] = "";
	int n = 0;
	for (int p = 0; p < NPKG; p++)
		for (int k = 0; k < ninits[p]; k++)
			snprintf(want[n++], sizeof want[0], "%s.%d",
			         go121_packages[p], k);
	int64_t count = trace_fact_i64(&run.t, "init.count");
	for (int i = 0; i < count && i < 64; i++) {
		char key[64];
		snprintf(key, sizeof key, "init.%d", i);
		const char *v = trace_fact(&run.t, key);
		strncat(got, v ? v : "?", sizeof got - strlen(got) - 1);
		strncat(got, " ", sizeof got - strlen(got) - 1);
	}
	CHECK(&run, count == NINITS,
	      "expected %d init functions to run, got %lld: %s", NINITS,
	      (long long)count, got);
	for (int i = 0; i < NINITS; i++)
		CHECK(&run, strcmp(init_at(i), want[i]) == 0,
		      "expected init #%d to be %s (Go 1.21 order), got %s\n"
		      "  whole order: %s",
		      i, want[i], init_at(i), got);
}

SHARED_TEST(initorder, initorder, initorder_inits_in_declared_order)
{
	CHECK_EXIT(&run, 0);
	/* Whatever the package order, a package's inits run in the order
	 * they are declared, one after another. */
	for (int i = 0; i < NINITS; i++) {
		const char *v = init_at(i);
		const char *dot = strrchr(v, '.');
		CHECK(&run, dot != NULL, "malformed init fact %s", v);
		int k = dot[1] - '0';
		if (k == 0)
			continue;
		const char *prev = init_at(i - 1);
		char want[32];
		snprintf(want, sizeof want, "%.*s.%d", (int)(dot - v), v,
		         k - 1);
		CHECK(&run, strcmp(prev, want) == 0,
		      "expected %s right before %s, got %s", want, v, prev);
	}
}

SHARED_TEST(initorder, initorder, initorder_on_goroutine_1)
{
	CHECK_EXIT(&run, 0);
	for (int i = 0; i < NINITS; i++) {
		char key[64];
		snprintf(key, sizeof key, "init.%d.goid", i);
		int64_t goid = trace_fact_i64(&run.t, key);
		CHECK(&run, goid == 1, "expected %s on goroutine 1, got %lld",
		      init_at(i), (long long)goid);
	}
}

SHARED_TEST(initorder, initorder, initorder_numgoroutine_1)
{
	CHECK_EXIT(&run, 0);
	for (int i = 0; i < NINITS; i++) {
		char key[64];
		snprintf(key, sizeof key, "init.%d.numgoroutine", i);
		int64_t n = trace_fact_i64(&run.t, key);
		CHECK(&run, n == 1,
		      "expected NumGoroutine()=1 in %s (system goroutines are "
		      "not counted), got %lld",
		      init_at(i), (long long)n);
	}
}

SHARED_TEST(initorder, initorder, initorder_doinit_events)
{
	CHECK_EXIT(&run, 0);
	size_t n = trace_count_events(&run.t, "runtime.doInit");
	CHECK(&run, n == NPKG, "expected %d runtime.doInit events, got %zu",
	      NPKG, n);
	for (int p = 0; p < NPKG; p++) {
		const struct trace_line *ev =
		    need_event(&run, "runtime.doInit", (size_t)p);
		const char *pkg = trace_field(ev, "pkg");
		CHECK(&run, pkg && strcmp(pkg, go121_packages[p]) == 0,
		      "expected doInit #%d for package %s, got %s", p,
		      go121_packages[p], pkg ? pkg : "(no pkg field)");
		CHECK(&run, trace_i64(ev, "n") == ninits[p],
		      "expected doInit of %s with n=%d, got %lld",
		      go121_packages[p], ninits[p],
		      (long long)trace_i64(ev, "n"));
		CHECK(&run, trace_i64(ev, "goid") == 1,
		      "expected doInit of %s on goroutine 1",
		      go121_packages[p]);
	}
}

SHARED_TEST(initorder, main, main_inits_after_gcenable)
{
	CHECK_EXIT(&run, 0);
	size_t done = trace_event_index(
	    &run.t, need_event(&run, "runtime.gcenable.done", 0));
	for (int p = 0; p < NPKG; p++) {
		size_t at = trace_event_index(
		    &run.t, need_event(&run, "runtime.doInit", (size_t)p));
		CHECK(&run, at > done,
		      "expected doInit of %s after gcenable.done (event %zu), "
		      "it is event %zu",
		      go121_packages[p], done, at);
	}
}

SHARED_TEST(initorder, main, main_main_after_inits)
{
	CHECK_EXIT(&run, 0);
	size_t mainev =
	    trace_event_index(&run.t, need_event(&run, "main.main", 0));
	for (int p = 0; p < NPKG; p++) {
		size_t at = trace_event_index(
		    &run.t, need_event(&run, "runtime.doInit", (size_t)p));
		CHECK(&run, at < mainev,
		      "expected doInit of %s before main.main (event %zu), it "
		      "is event %zu",
		      go121_packages[p], mainev, at);
	}
	int64_t seen = trace_fact_i64(&run.t, "init.count");
	CHECK(&run, seen == NINITS,
	      "expected main_main to see all %d inits done, saw %lld", NINITS,
	      (long long)seen);
	/* Without packages main.main directly follows gcenable: hello's
	 * next event of the main line after gcenable.done is main.main. */
	struct run h;
	run_probe_shared(&h, "hello", NULL, env_trace);
	size_t done =
	    trace_event_index(&h.t, need_event(&h, "runtime.gcenable.done", 0));
	size_t m = trace_event_index(&h.t, need_event(&h, "main.main", 0));
	for (size_t i = done + 1; i < m; i++) {
		const char *ph = trace_field(h.t.events[i], "phase");
		CHECK(&h, ph && strncmp(ph, "runtime.", 8) != 0,
		      "expected main.main right after gcenable.done in hello, "
		      "got %s between them",
		      ph ? ph : "?");
	}
	run_free(&h);
}

/* Position of package pkg's first init in the order the inits ran. */
static int first_init_of(const char *pkg)
{
	size_t n = strlen(pkg);
	for (int i = 0; i < NINITS; i++) {
		const char *v = init_at(i);
		if (strncmp(v, pkg, n) == 0 && v[n] == '.')
			return i;
	}
	CHECK(&run, false, "expected an init of package %s", pkg);
	return -1;
}

/* Position of package pkg's last init. */
static int last_init_of(const char *pkg)
{
	size_t n = strlen(pkg);
	int last = -1;
	for (int i = 0; i < NINITS; i++) {
		const char *v = init_at(i);
		if (strncmp(v, pkg, n) == 0 && v[n] == '.')
			last = i;
	}
	CHECK(&run, last >= 0, "expected an init of package %s", pkg);
	return last;
}

SHARED_TEST(initorder, initorder, initorder_imports_first)
{
	CHECK_EXIT(&run, 0);
	/* The probe's imports (probes/initorder.c). */
	static const char *const edges[][2] = {
	    {"main", "zeta"},    {"main", "alpha"}, {"main", "tie/c"},
	    {"main", "tie/a"},   {"main", "tie/b"}, {"zeta", "common"},
	    {"alpha", "common"},
	};
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
		int importer = first_init_of(edges[i][0]);
		int imported = last_init_of(edges[i][1]);
		CHECK(&run, imported < importer,
		      "expected every init of %s (imported) before %s's, got "
		      "%s's last init at #%d and %s's first at #%d",
		      edges[i][1], edges[i][0], edges[i][1], imported,
		      edges[i][0], importer);
	}
}

SHARED_TEST(initorder, initorder, initorder_tie_by_path)
{
	CHECK_EXIT(&run, 0);
	/* main imports tie/c, tie/a, tie/b in that order, declared in yet
	 * another; all three are ready together. */
	int a = first_init_of("tie/a"), b = first_init_of("tie/b"),
	    c = first_init_of("tie/c");
	CHECK(&run, a < b && b < c,
	      "expected the ready packages in path order tie/a, tie/b, tie/c, "
	      "got their first inits at #%d, #%d, #%d",
	      a, b, c);
}

SHARED_TEST(initorder, initorder, initorder_runtime_first)
{
	CHECK_EXIT(&run, 0);
	size_t rt =
	    trace_event_index(&run.t, need_event(&run, "runtime.init", 0));
	size_t first =
	    trace_event_index(&run.t, need_event(&run, "runtime.doInit", 0));
	CHECK(&run, rt < first,
	      "expected the runtime's own init (event %zu) before the first "
	      "program package (event %zu)",
	      rt, first);
}

/* A fatal error line, its text after "fatal error: ", or NULL. */
static const char *fatal_text(struct run *r)
{
	long i = other_line_prefix(r, "fatal error: ");
	return i < 0 ? NULL : r->t.other[i] + strlen("fatal error: ");
}

Test(initorder, initorder_cycle_fatal)
{
	struct run r;
	run_probe(&r, "initcycle", NULL, env_trace);
	CHECK_EXIT(&r, 2);
	const char *msg = fatal_text(&r);
	CHECK(&r, msg != NULL, "expected a \"fatal error: \" line");
	/* The cycle may start at any of its packages. */
	static const char *const rotations[] = {
	    "import cycle not allowed: cyc/a -> cyc/b -> cyc/c -> cyc/a",
	    "import cycle not allowed: cyc/b -> cyc/c -> cyc/a -> cyc/b",
	    "import cycle not allowed: cyc/c -> cyc/a -> cyc/b -> cyc/c"};
	bool ok = false;
	for (int i = 0; i < 3; i++)
		ok |= strcmp(msg, rotations[i]) == 0;
	CHECK(&r, ok,
	      "expected \"fatal error: %s\" (or a rotation), got \"fatal "
	      "error: %s\"",
	      rotations[0], msg);
	CHECK(&r,
	      !trace_fact(&r.t, "init.ran") && !trace_fact(&r.t, "main.ran"),
	      "expected no init and no main.main to run");
	run_free(&r);
}

Test(initorder, initorder_missing_fatal)
{
	struct run r;
	run_probe(&r, "initmissing", NULL, env_trace);
	CHECK_EXIT(&r, 2);
	const char *msg = fatal_text(&r);
	CHECK(&r, msg != NULL, "expected a \"fatal error: \" line");
	CHECK(&r, strstr(msg, "ghost/pkg") && strstr(msg, "needy"),
	      "expected the fatal error to name the missing ghost/pkg and its "
	      "importer needy, got \"%s\"",
	      msg);
	CHECK(&r,
	      !trace_fact(&r.t, "init.ran") && !trace_fact(&r.t, "main.ran"),
	      "expected no init and no main.main to run");
	run_free(&r);
}
