/* gotrace.c: a Go probe's start-up trace, observed (DESIGN 3a, issue 13).
 * Go prints no trace of its own; where a test asks for one (GODEBUG with
 * rt0trace=N, N >= 1), the probe runs under the observer instead and its
 * trace is built from what was measured (rt0obs/synth.h: the header and
 * events, each marked src=obs), followed by the probe's own stderr, so the
 * tests read a Go run with the same trace_parse as an rt0 run. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "rt0obs/synth.h"
#include "suite.h"

/* rt0trace's level in env's first GODEBUG (the one a program's getenv
 * finds), the last setting of it winning as with Go's own keys; 0: off. */
static long rt0trace_level(const char *const *env)
{
	for (size_t i = 0; env && env[i]; i++) {
		if (strncmp(env[i], "GODEBUG=", 8) != 0)
			continue;
		long level = 0;
		for (const char *p = env[i] + 8; p && *p;) {
			if (strncmp(p, "rt0trace=", 9) == 0)
				level = strtol(p + 9, NULL, 10);
			p = strchr(p, ',');
			p = p ? p + 1 : NULL;
		}
		return level;
	}
	return 0;
}

bool go_trace_wanted(const char *name, const struct probe_opts *o)
{
	const char *impl = getenv("RT0_IMPL");
	/* argc 0, a denied system call and an address-space limit are the
	 * runner's alone: such runs stay plain, without a trace. So do
	 * programs that are not Go's (strace running a probe) and probes Go
	 * has no twin of (the plain run says it is missing). */
	if (!impl || strncmp(impl, "go", 2) != 0 || o->argc0 ||
	    o->deny_syscall || o->rlimit_as || rt0trace_level(o->env) <= 0 ||
	    strchr(name, '/') || !probe_dir())
		return false;
	const struct obs_impl *go = obs_impl_find(impl);
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", probe_dir(), name);
	struct elf_info elf;
	memset(&elf, 0, sizeof elf); /* elf_close is safe when not opened */
	uint64_t at;
	bool ours = go && go->rt0_go_at && elf_open(path, &elf) &&
	            elf_symbol(&elf, go->rt0_go_at, &at);
	elf_close(&elf);
	return ours;
}

void go_observed_run(const char *name, const struct probe_opts *o,
                     struct probe_result *r)
{
	const char *impl_name = getenv("RT0_IMPL");
	const struct obs_impl *impl = obs_impl_find(impl_name);
	cr_assert_not_null(impl,
	                   "the observer has no start-up symbols for %s "
	                   "(conformance/observer/targets.c)",
	                   impl_name);
	char path[4096];
	probe_path(name, path, sizeof path);

	/* The program's entry first: its SP is the header's entrysp. */
	const char *symbols[64];
	bool absent[64], at_return[64];
	unsigned max_hits[64];
	size_t n = 0;
	symbols[n] =
	    link_is("internal") ? want_arch_expect()->entry_symbol : "main";
	max_hits[n] = 0;
	at_return[n] = false;
	absent[n++] = false;
	/* The scheduler's steps only from rt0trace=2, as rt0 prints them:
	 * each would be a stop at every switch. */
	long level = rt0trace_level(o->env);
	for (size_t i = 0; impl->symbols[i] && n + 1 < 64; i++) {
		if (impl->level && impl->level[i] > level)
			continue;
		symbols[n] = impl->symbols[i];
		absent[n] = impl->may_be_absent && impl->may_be_absent[i];
		max_hits[n] = impl->max_hits ? impl->max_hits[i] : 0;
		at_return[n] = impl->return_phases && impl->return_phases[i];
		n++;
	}
	symbols[n] = NULL;

	struct obs_spec spec = {0};
	spec.arch = want_arch();
	spec.probe = path;
	spec.args = o->args;
	spec.env = o->env;
	spec.qemu = probe_emulator();
	spec.sysroot = getenv("RT0_SYSROOT");
	/* The observed run is slower than a plain one: at least 30 s. */
	unsigned ms = o->timeout_ms ? o->timeout_ms : PROBE_DEFAULT_TIMEOUT_MS;
	spec.timeout_ms =
	    (unsigned)((ms < 30000 ? 30000 : ms) * probe_timeout_scale());
	spec.max_stops = 100000;
	char err[512];
	cr_assert(
	    obs_spec_for_impl(impl, path, spec.arch, &spec, err, sizeof err),
	    "%s", err);
	spec.symbols = symbols;
	spec.may_be_absent = absent;
	spec.max_hits_of = max_hits;
	spec.stop_at_return = at_return;
	struct obs_synth y;
	obs_synth_init(&y, impl, path);
	spec.on_stop = obs_synth_hook;
	spec.on_stop_arg = &y;

	struct obs_result res;
	enum obs_status st = obs_run(&spec, &res);
	/* A crash or a timeout is how the probe ended, for the test to
	 * judge; the observer failing us is not. */
	cr_assert(st == OBS_OK || st == OBS_ECRASH || st == OBS_ETIMEOUT,
	          "the observer: %s: %s\n  -- %s", obs_status_name(st),
	          res.error, probe_why(&res.probe));
	cr_assert(!res.truncated, "the observer's stop limit was reached");
	size_t len = 0;
	char *trace = obs_synth_trace(&y, &spec, &res, symbols[0], &len);
	cr_assert_not_null(trace, "out of memory");
	obs_synth_free(&y);

	*r = res.probe;
	memset(&res.probe, 0, sizeof res.probe);
	obs_result_free(&res);
	char *err_all = malloc(len + r->err_len + 1);
	cr_assert_not_null(err_all);
	memcpy(err_all, trace, len);
	memcpy(err_all + len, r->err, r->err_len);
	err_all[len + r->err_len] = '\0';
	free(trace);
	free(r->err);
	r->err = err_all;
	r->err_len += len;
}
