/* suite.c: see suite.h. */
#define _GNU_SOURCE
#include "suite.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalogue_rules.h" /* generated from the catalogue */

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

/* Runs a probe and parses its stderr; true when the trace keeps to the
 * grammar. */
static bool run_and_parse(struct run *run, const char *name,
                          const struct probe_opts *o)
{
	memset(run, 0, sizeof *run);
	cr_assert_not_null(
	    probe_dir(), "RT0_PROBE_DIR is not set: run the suites via ctest");
	if (go_trace_wanted(name, o))
		go_observed_run(name, o, &run->r);
	else
		cr_assert_eq(probe_run(name, o, &run->r), 0,
		             "the runner failed for probe %s: %m", name);
	cr_assert(run->r.started, "%s", probe_why(&run->r));
	/* A runtime starts no process of its own: one left running is a bug
	 * the runner had to clean up after. */
	cr_assert(run->r.leftovers == 0,
	          "expected probe %s to leave nothing "
	          "running when it ended\n  -- %s",
	          name, probe_why(&run->r));
	return trace_parse(run->r.err, run->r.err_len, &run->t);
}

static void check_grammar(struct run *run, bool ok)
{
	CHECK(run, ok,
	      "expected stderr to follow the trace protocol (TRACE.md); %zu "
	      "bad lines, first: %s",
	      run->t.nerrors, run->t.error);
}

void run_probe_opts(struct run *run, const char *name,
                    const struct probe_opts *o)
{
	check_grammar(run, run_and_parse(run, name, o));
}

void run_probe(struct run *run, const char *name, const char *const *args,
               const char *const *env)
{
	struct probe_opts o = {.args = args, .env = env};
	run_probe_opts(run, name, &o);
}

/* ---- shared runs ------------------------------------------------------ */

#define SHARED_ENV "RT0_SHARED_RUNS"

/* In the runner, before any worker starts: workers inherit the variable.
 * The directory lies in RT0_SCRATCH (the build's scratch/, so that a run
 * that is killed litters nothing outside it), else in TMPDIR or /tmp. */
ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
	(void)set;
	const char *base = getenv("RT0_SCRATCH");
	if (base == NULL || *base == '\0')
		base = getenv("TMPDIR");
	if (base == NULL || *base == '\0')
		base = "/tmp";
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/rt0-shared-runs-XXXXXX", base);
	if (mkdtemp(dir) != NULL)
		setenv(SHARED_ENV, dir, 1);
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	(void)stats;
	const char *dir = getenv(SHARED_ENV);
	DIR *d = dir ? opendir(dir) : NULL;
	if (d == NULL)
		return;
	struct dirent *e;
	char path[4096];
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return (h ^ 0xff) * 0x100000001b3ull; /* a separator */
}

static bool write_all(FILE *f, const void *p, size_t n)
{
	return fwrite(p, 1, n, f) == n;
}

static bool read_all(FILE *f, void *p, size_t n)
{
	return fread(p, 1, n, f) == n;
}

/* The result's scalars, then stdout and stderr with their lengths. */
bool shared_write_result(FILE *f, const struct probe_result *r)
{
	struct probe_result flat = *r;
	flat.out = flat.err = flat.why = NULL;
	return write_all(f, &flat, sizeof flat) &&
	       write_all(f, r->out, r->out_len) &&
	       write_all(f, r->err, r->err_len);
}

bool shared_read_result(FILE *f, struct probe_result *r)
{
	struct probe_result flat;
	bool ok = read_all(f, &flat, sizeof flat);
	char *out = ok ? malloc(flat.out_len + 1) : NULL;
	char *err = ok ? malloc(flat.err_len + 1) : NULL;
	ok = ok && out && err && read_all(f, out, flat.out_len) &&
	     read_all(f, err, flat.err_len);
	if (!ok) {
		free(out);
		free(err);
		return false;
	}
	out[flat.out_len] = '\0';
	err[flat.err_len] = '\0';
	*r = flat;
	r->out = out;
	r->err = err;
	r->why = NULL;
	return true;
}

FILE *shared_create(const char *path, char *tmp, size_t cap)
{
	snprintf(tmp, cap, "%s.%d", path, (int)getpid());
	return fopen(tmp, "wb");
}

bool shared_finish(FILE *f, bool ok, const char *tmp, const char *path)
{
	ok &= fclose(f) == 0;
	if (ok)
		ok = rename(tmp, path) == 0;
	else
		unlink(tmp);
	return ok;
}

static bool save_result(const char *path, const struct probe_result *r)
{
	char tmp[4200];
	FILE *f = shared_create(path, tmp, sizeof tmp);
	return f != NULL &&
	       shared_finish(f, shared_write_result(f, r), tmp, path);
}

static bool load_result(const char *path, struct probe_result *r)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return false;
	bool ok = shared_read_result(f, r);
	fclose(f);
	return ok;
}

bool shared_run_path(char *path, size_t cap, const char *kind, const char *name,
                     const char *const *args, const char *const *env)
{
	const char *dir = getenv(SHARED_ENV);
	if (dir == NULL || probe_dir() == NULL)
		return false;
	uint64_t h = fnv(0xcbf29ce484222325ull, probe_dir());
	h = fnv(h, kind);
	h = fnv(h, name);
	for (size_t i = 0; args && args[i]; i++)
		h = fnv(h, args[i]);
	h = fnv(h, "--env--");
	for (size_t i = 0; env && env[i]; i++)
		h = fnv(h, env[i]);
	snprintf(path, cap, "%s/%016llx", dir, (unsigned long long)h);
	return true;
}

void run_probe_shared(struct run *run, const char *name,
                      const char *const *args, const char *const *env)
{
	struct probe_opts o = {.args = args, .env = env};
	char path[4096];
	bool ok;
	if (!shared_run_path(path, sizeof path, "run", name, args, env)) {
		ok = run_and_parse(run, name, &o);
	} else {
		memset(run, 0, sizeof *run);
		if (load_result(path, &run->r)) {
			ok = trace_parse(run->r.err, run->r.err_len, &run->t);
		} else {
			ok = run_and_parse(run, name, &o);
			save_result(path, &run->r);
		}
	}
	/* A probe that died mid-line leaves a cut last line. Its tests report
	 * the death (missing facts, CHECK_EXIT, with the signal named); an
	 * assertion here, in a suite's .init, would instead be reported as a
	 * crash of every test of the suite. */
	if (run->r.exited)
		check_grammar(run, ok);
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

const struct arch_expect *want_arch_expect(void)
{
	const struct arch_expect *x = arch_expect_find(want_arch());
	cr_assert_not_null(x,
	                   "no host-side expectations for arch %s in "
	                   "conformance/lib/arches.c",
	                   want_arch());
	return x;
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

/* The implementation under test: RT0_IMPL (rt0, go1.19, ...), rt0 when
 * unset; as the catalogue's skips name it, rt0 or go. */
static const char *impl_family(void)
{
	const char *impl = getenv("RT0_IMPL");
	return impl != NULL && strncmp(impl, "go", 2) == 0 ? "go" : "rt0";
}

bool impl_is_go(void)
{
	return strcmp(impl_family(), "go") == 0;
}

static const struct catalogue_rule *rule_of_test(const char *test)
{
	for (size_t i = 0;
	     i < sizeof catalogue_rules / sizeof catalogue_rules[0]; i++)
		if (strcmp(catalogue_rules[i].test, test) == 0)
			return &catalogue_rules[i];
	return NULL;
}

/* Where id's test does not run here, why; else NULL. */
static const char *skip_reason(const char *id)
{
	const char *arch = want_arch(), *link = want_link(),
	           *impl = impl_family();
	int qemu = probe_emulator() != NULL;
	for (size_t i = 0; i < CATALOGUE_NSKIPS; i++) {
		const struct catalogue_skip *x = &catalogue_skips[i];
		if (strcmp(x->id, id) == 0 && strcmp(x->impl, impl) == 0 &&
		    strcmp(x->arch, arch) == 0 && strcmp(x->mode, link) == 0 &&
		    x->qemu == qemu)
			return x->reason;
	}
	return NULL;
}

const char *catalogue_skip_reason(const char *id)
{
	const struct catalogue_rule *rule = NULL;
	for (size_t i = 0;
	     i < sizeof catalogue_rules / sizeof catalogue_rules[0]; i++)
		if (strcmp(catalogue_rules[i].id, id) == 0)
			rule = &catalogue_rules[i];
	cr_assert_not_null(
	    rule,
	    "SKIP_IF_EXCEPTION(\"%s\"): no such id in the catalogue "
	    "(conformance/invariants.toml)",
	    id);
	const char *name = criterion_current_test->name;
	cr_assert(strcmp(name, rule->test) == 0,
	          "SKIP_IF_EXCEPTION(\"%s\") in test %s: the test of %s is %s",
	          id, name, id, rule->test);
	return skip_reason(id);
}

/* Every test passes through here before its own .init (each group's
 * Criterion suite has it as its .init): a test whose invariant does not
 * apply to this implementation, arch, link mode or emulator is skipped
 * with the catalogue's reason, before it runs a probe; a test named after
 * no invariant fails. */
static void catalogue_gate(void)
{
	const char *name = criterion_current_test->name;
	const struct catalogue_rule *rule = rule_of_test(name);
	cr_assert_not_null(rule,
	                   "test %s is named after no invariant of the "
	                   "catalogue (a test is named lower_snake(id))",
	                   name);
	const char *why = skip_reason(rule->id);
	if (why != NULL)
		cr_skip_test("%s: %s", rule->id, why);
}

#define GATED_SUITE(group) TestSuite(group, .init = catalogue_gate);
CATALOGUE_GROUPS(GATED_SUITE)

void strace_probe(struct run *r, const char *probe, const char *filter,
                  const char *const *probe_args, const char *const *env,
                  char *out, size_t cap)
{
	char strace[4096], path[4096];
	cr_assert(probe_find_program("strace", strace, sizeof strace),
	          "install strace (apt-get install strace)");
	cr_assert(snprintf(out, cap, "/tmp/rt0-strace-XXXXXX") < (int)cap);
	int fd = mkstemp(out);
	cr_assert(fd >= 0, "mkstemp: %m");
	close(fd);
	probe_path(probe, path, sizeof path);
	const char *args[32] = {"-f", "-o", out};
	size_t n = 3;
	if (filter) {
		args[n++] = "-e";
		args[n++] = filter;
	}
	/* A foreign probe: strace follows qemu-user, whose threads are the
	 * guest's (same ids), and whose system calls carry the guest's own
	 * arguments where it passes a call on. */
	char *qemu = probe_emulator() ? strdup(probe_emulator()) : NULL;
	const char *sysroot = getenv("RT0_SYSROOT");
	if (qemu) {
		args[n++] = qemu;
		if (sysroot && *sysroot) {
			args[n++] = "-L";
			args[n++] = sysroot;
		}
	}
	args[n++] = path;
	for (size_t i = 0; probe_args && probe_args[i] && n < 31; i++)
		args[n++] = probe_args[i];
	args[n] = NULL;
	/* Run strace itself through the runner: RT0_PROBE_DIR names its
	 * directory for this one run. */
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", strace);
	*strrchr(dir, '/') = '\0';
	char *saved = strdup(probe_dir());
	setenv("RT0_PROBE_DIR", dir, 1);
	if (qemu)
		unsetenv("RT0_QEMU"); /* strace itself is the host's */
	run_probe(r, "strace", args, env);
	setenv("RT0_PROBE_DIR", saved, 1);
	if (qemu)
		setenv("RT0_QEMU", qemu, 1);
	free(saved);
	free(qemu);
	CHECK_EXIT(r, 0);
}
