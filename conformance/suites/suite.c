/* suite.c: see suite.h. */
#define _GNU_SOURCE
#include "suite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const env_trace[] = {"GODEBUG=rt0trace=1", "GOMAXPROCS=1", NULL};

static void fail_test(const char *msg)
{
	cr_assert_fail("%s", msg);
}

/* A malformed number in a trace fails the test instead of aborting. */
__attribute__((constructor)) static void install_fail_handler(void)
{
	trace_set_fail_handler(fail_test);
}

void run_probe_opts(struct run *run, const char *name,
                    const struct probe_opts *o)
{
	memset(run, 0, sizeof *run);
	cr_assert_not_null(
	    probe_dir(), "RT0_PROBE_DIR is not set: run the suites via ctest");
	cr_assert_eq(probe_run(name, o, &run->r), 0,
	             "the runner failed for probe %s: %m", name);
	cr_assert(run->r.started, "%s", probe_why(&run->r));
	bool ok = trace_parse(run->r.err, run->r.err_len, &run->t);
	CHECK(run, ok,
	      "expected stderr to follow the trace protocol (TRACE.md); %zu "
	      "bad lines, first: %s",
	      run->t.nerrors, run->t.error);
}

void run_probe(struct run *run, const char *name, const char *const *args,
               const char *const *env)
{
	struct probe_opts o = {.args = args, .env = env};
	run_probe_opts(run, name, &o);
}

void run_free(struct run *run)
{
	trace_free(&run->t);
	probe_result_free(&run->r);
}

const char *want_arch(void)
{
	const char *a = getenv("RT0_ARCH");
	cr_assert(a && *a, "RT0_ARCH is not set: run the suites via ctest");
	return a;
}

const char *want_link(void)
{
	const char *l = getenv("RT0_LINK");
	cr_assert(l && *l, "RT0_LINK is not set: run the suites via ctest");
	return l;
}

bool link_is(const char *mode)
{
	return strcmp(want_link(), mode) == 0;
}

const char *probe_path(const char *name, char *buf, size_t cap)
{
	cr_assert_not_null(probe_dir(), "RT0_PROBE_DIR is not set");
	snprintf(buf, cap, "%s/%s", probe_dir(), name);
	return buf;
}

long other_line(struct run *run, const char *s)
{
	for (size_t i = 0; i < run->t.nother; i++)
		if (strcmp(run->t.other[i], s) == 0)
			return (long)i;
	return -1;
}

long other_line_prefix(struct run *run, const char *prefix)
{
	size_t n = strlen(prefix);
	for (size_t i = 0; i < run->t.nother; i++)
		if (strncmp(run->t.other[i], prefix, n) == 0)
			return (long)i;
	return -1;
}

const char *need_fact(struct run *run, const char *key)
{
	const char *v = trace_fact(&run->t, key);
	cr_assert_not_null(v,
	                   "expected fact %s from probe %s, it is missing\n"
	                   "  -- %s",
	                   key, run->r.name, probe_why(&run->r));
	return v;
}

const struct trace_line *need_event(struct run *run, const char *phase,
                                    size_t nth)
{
	const struct trace_line *ev = trace_find_event(&run->t, phase, nth);
	cr_assert_not_null(
	    ev,
	    "expected event #%zu of phase %s (with GODEBUG=rt0trace=1); the "
	    "trace has %zu of them\n  -- %s",
	    nth + 1, phase, trace_count_events(&run->t, phase),
	    probe_why(&run->r));
	return ev;
}
