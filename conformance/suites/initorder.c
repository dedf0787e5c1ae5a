/* initorder: package initialisation by Go 1.21's rule, on goroutine 1,
 * and refusal of import cycles and missing packages
 * (go-startup-facts.md G, H; probes/initorder.c explains the packages). */
#include <stdio.h>
#include <string.h>

#include "suite.h"

static struct run run;

static void run_initorder(void)
{
	run_probe(&run, "initorder", NULL, env_trace);
	CHECK_EXIT(&run, 0);
}

static void free_initorder(void)
{
	run_free(&run);
}

TestSuite(initorder, .init = run_initorder, .fini = free_initorder);

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

Test(initorder, go121_order)
{
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

Test(initorder, inits_in_declared_order_within_package)
{
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

Test(initorder, inits_on_goroutine_1)
{
	for (int i = 0; i < NINITS; i++) {
		char key[64];
		snprintf(key, sizeof key, "init.%d.goid", i);
		int64_t goid = trace_fact_i64(&run.t, key);
		CHECK(&run, goid == 1, "expected %s on goroutine 1, got %lld",
		      init_at(i), (long long)goid);
	}
}

Test(initorder, numgoroutine_1_in_init)
{
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

Test(initorder, doinit_events_in_package_order)
{
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

Test(initorder, inits_after_gcenable_before_main)
{
	size_t done = trace_event_index(
	    &run.t, need_event(&run, "runtime.gcenable.done", 0));
	size_t mainev =
	    trace_event_index(&run.t, need_event(&run, "main.main", 0));
	for (int p = 0; p < NPKG; p++) {
		size_t at = trace_event_index(
		    &run.t, need_event(&run, "runtime.doInit", (size_t)p));
		CHECK(&run, at > done && at < mainev,
		      "expected doInit of %s between gcenable.done (event %zu) "
		      "and main.main (event %zu), it is event %zu",
		      go121_packages[p], done, mainev, at);
	}
	int64_t seen = trace_fact_i64(&run.t, "init.count");
	CHECK(&run, seen == NINITS,
	      "expected main_main to see all %d inits done, saw %lld", NINITS,
	      (long long)seen);
}

/* A fatal error line, its text after "fatal error: ", or NULL. */
static const char *fatal_text(struct run *r)
{
	long i = other_line_prefix(r, "fatal error: ");
	return i < 0 ? NULL : r->t.other[i] + strlen("fatal error: ");
}

Test(initorder_errors, import_cycle_is_fatal)
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

Test(initorder_errors, missing_import_is_fatal)
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
