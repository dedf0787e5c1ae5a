/* suite.h: what every conformance suite shares: running a probe, parsing
 * its stderr as a trace, and assertion messages that say what was expected,
 * what was seen, and how the probe ended (probe_why). */
#ifndef RT0_SUITE_H
#define RT0_SUITE_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdint.h>

#include "rt0conf/rt0conf.h"

struct run {
	struct probe_result r;
	struct trace t;
};

/* The environment most probes get: the start-up trace on, one P so goids
 * and interleavings are deterministic (as with Go's GOMAXPROCS=1). */
extern const char *const env_trace[];

/* Runs a probe and parses its stderr. Fails the test when the probe could
 * not be started or its trace breaks the protocol grammar; how it exited
 * is for the caller to check. */
void run_probe(struct run *run, const char *name, const char *const *args,
               const char *const *env);
void run_probe_opts(struct run *run, const char *name,
                    const struct probe_opts *o);
void run_free(struct run *run);

/* RT0_ARCH, RT0_LINK (the test fails when unset). */
const char *want_arch(void);
const char *want_link(void);
bool link_is(const char *mode);

/* Absolute path of a probe, for the ELF checks and strace. */
const char *probe_path(const char *name, char *buf, size_t cap);

/* A test that applies to one link mode only is skipped, with the reason, in
 * the other (it still runs, and can fail, in the mode it is about). */
#define ONLY_IN_LINK_MODE(mode)                                                \
	do {                                                                   \
		if (!link_is(mode))                                            \
			cr_skip_test("applies to link mode " mode " only");    \
	} while (0)

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
