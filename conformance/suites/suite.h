/* suite.h: what every conformance suite shares: running a probe, parsing
 * its stderr as a trace, and assertion messages that say what was expected,
 * what was seen, and how the probe ended (probe_why). */
#ifndef RT0_SUITE_H
#define RT0_SUITE_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "rt0conf/rt0conf.h"

struct run {
	struct probe_result r;
	struct trace t;
};

/* The environment most probes get: the start-up trace on, one P so goids
 * and interleavings are deterministic (as with Go's GOMAXPROCS=1). */
extern const char *const env_trace[];

/* Go runs (RT0_IMPL=go...) that ask for the start-up trace (GODEBUG with
 * rt0trace=N, N >= 1) run under the observer, with the trace built from
 * what it measured before the probe's stderr (gotrace.c); run_probe and
 * the shared runs do that themselves. */
bool go_trace_wanted(const char *name, const struct probe_opts *o);
void go_observed_run(const char *name, const struct probe_opts *o,
                     struct probe_result *r);

/* Runs a probe and parses its stderr. Fails the test when the probe could
 * not be started or its trace breaks the protocol grammar; how it exited
 * is for the caller to check. */
void run_probe(struct run *run, const char *name, const char *const *args,
               const char *const *env);
void run_probe_opts(struct run *run, const char *name,
                    const struct probe_opts *o);
void run_free(struct run *run);

/* run_probe for a suite's .init: all the tests of one run of the suite
 * binary that ask for the same probe, arguments and environment share one
 * execution of it (Criterion runs every test in a fresh process, and under
 * qemu-user a probe run costs a tenth of a second or more). The runs live
 * in a directory the runner makes before the first test and removes after
 * the last. Not for tests that compare several runs. It asserts nothing
 * about a probe that died (a cut last line breaks the grammar): the tests
 * see the death. */
void run_probe_shared(struct run *run, const char *name,
                      const char *const *args, const char *const *env);

/* What run_probe_shared is made of, for shared runs of other kinds (the
 * observer's): the file for a run of `kind` (false when runs are not
 * shared: no runner directory), a probe result written to and read from a
 * file, and a file created beside its final path and renamed into place
 * once whole, so a reader never sees half of it. */
bool shared_run_path(char *path, size_t cap, const char *kind, const char *name,
                     const char *const *args, const char *const *env);
bool shared_write_result(FILE *f, const struct probe_result *r);
bool shared_read_result(FILE *f, struct probe_result *r);
FILE *shared_create(const char *path, char *tmp, size_t cap);
bool shared_finish(FILE *f, bool ok, const char *tmp, const char *path);

/* SHARED_PROBE_SUITE(shared, "probe"): `run`, one run of the probe with
 * env_trace for all the tests declared with SHARED_TEST(shared, ...), made in
 * each such test's .init by run_probe_shared (which asserts nothing there: a
 * failure in .init would be reported as a crash of the test). */
#define SHARED_PROBE_SUITE(shared, probe)                                      \
	SHARED_PROBE_SUITE_ENV(shared, probe, env_trace)

/* The same with the probe's environment env: a suite that reads facts and
 * no trace (a Go run then goes unobserved). */
#define SHARED_PROBE_SUITE_ENV(shared, probe, env)                             \
	static struct run run;                                                 \
	static void shared_run_##shared(void)                                  \
	{                                                                      \
		run_probe_shared(&run, (probe), NULL, (env));                  \
	}                                                                      \
	static void shared_free_##shared(void)                                 \
	{                                                                      \
		run_free(&run);                                                \
	}

/* SHARED_TEST(shared, group, test): a test reading SHARED_PROBE_SUITE's
 * `run`. group is its invariant's catalogue group in lower_snake case: every
 * test lives in the Criterion suite of its group, so that ctest -L <group>
 * and the driver's --group select the same tests (catalogue.coverage checks
 * it). */
#define SHARED_TEST(shared, group, test, ...)                                  \
	Test(group, test, .init = shared_run_##shared,                         \
	     .fini = shared_free_##shared, ##__VA_ARGS__)

/* Runs probe under strace -f (-e filter, when not NULL), natively or a
 * foreign one under qemu-user under strace, with probe_args and env into
 * *r (the probe's output and trace), and leaves
 * strace's output in a new file whose path goes to out; the test fails
 * unless the probe exits 0. The caller frees r and removes the file. */
void strace_probe(struct run *r, const char *probe, const char *filter,
                  const char *const *probe_args, const char *const *env,
                  char *out, size_t cap);

/* RT0_ARCH, RT0_LINK (the test fails when unset). */
const char *want_arch(void);
const char *want_link(void);
bool link_is(const char *mode);
/* The host-side table's row for RT0_ARCH (conformance/lib/arches.c); the
 * test fails when there is none. */
const struct arch_expect *want_arch_expect(void);

/* Absolute path of a probe, for the ELF checks and strace. */
const char *probe_path(const char *name, char *buf, size_t cap);

/* The catalogue (conformance/invariants.toml) decides where a test runs:
 * every group's Criterion suite has suite.c's catalogue_gate as its .init,
 * which skips a test, with the catalogue's reason, wherever its invariant
 * does not apply (the implementation in RT0_IMPL, RT0_ARCH, RT0_LINK, and
 * "qemu-user" exceptions when RT0_QEMU is set), before the test runs a
 * probe. SKIP_IF_EXCEPTION("ID") asks the same question from inside a test
 * (and fails it when ID is not in the catalogue or the test is not named
 * lower_snake(ID)); the gate and it are the only skips the suites may use
 * (catalogue.coverage checks). */
#define SKIP_IF_EXCEPTION(id)                                                  \
	do {                                                                   \
		const char *why_ = catalogue_skip_reason(id);                  \
		if (why_ != NULL)                                              \
			cr_skip_test("%s: %s", (id), why_);                    \
	} while (0)

/* The implementation under test is a Go toolchain (RT0_IMPL go1.19, ...),
 * not rt0: for the few tests that must name its symbols or types. */
bool impl_is_go(void);

/* NULL when invariant id applies here, else why not (see above). */
const char *catalogue_skip_reason(const char *id);

/* cr_assert with the probe's account appended. */
#define CHECK(run, cond, fmt, ...)                                             \
	cr_assert((cond), fmt "\n  -- %s", ##__VA_ARGS__, probe_why(&(run)->r))

/* The probe exited normally with this status. */
#define CHECK_EXIT(run, code)                                                  \
	CHECK(run, probe_exited_with(&(run)->r, (code)),                       \
	      "expected probe %s to exit with status %d", (run)->r.name,       \
	      (code))

/* The index in t.other of the first non-protocol line equal to s, or -1. */
long other_line(struct run *run, const char *s);
/* The same, for the first non-protocol line starting with prefix. */
long other_line_prefix(struct run *run, const char *prefix);

/* A fact the test needs: fails when missing. */
const char *need_fact(struct run *run, const char *key);
/* An event the test needs: fails when missing. */
const struct trace_line *need_event(struct run *run, const char *phase,
                                    size_t nth);

static inline bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

#endif
