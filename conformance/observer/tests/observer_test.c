/* observer_test: the observer against a known run (issue 12). It watches
 * hello start, natively or under qemu, in the link mode under test, and
 * checks what it measured against Go's start-up contract and against the
 * trace the very same run printed about itself; then that it fails cleanly
 * (a clear error, no process left) on a missing symbol, a crashing probe
 * and a hanging one.
 *
 * Environment (set by ctest): RT0_OBSERVE_PROBE_DIR, RT0_OBSERVE_ARCH,
 * RT0_OBSERVE_LINK, and RT0_QEMU/RT0_SYSROOT/RT0_TIMEOUT_SCALE for a
 * foreign arch. Not RT0_PROBE_DIR/RT0_ARCH/RT0_LINK: those mark a catalogue
 * suite run, for the driver, the coverage check and the fault meta-test
 * (which would run these against every fault and count their failures
 * as unexpected); these are the observer's own tests, not the
 * catalogue's. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "rt0conf/rt0conf.h"
#include "rt0obs/observer.h"
#include "rt0obs/targets.h"

/* The trace on, one P: the same environment the start-up suite uses. */
static const char *const env_trace[] = {"GODEBUG=rt0trace=1", "GOMAXPROCS=1",
                                        NULL};

struct observed {
	struct obs_spec spec;
	struct obs_result res;
	struct trace t;
	const struct obs_impl *impl;
	char path[PATH_MAX];
	uint64_t g0, m0; /* rt0's g0 and m0 at run time */
};

static const char *need_env(const char *key)
{
	const char *v = getenv(key);
	cr_assert(v && *v, "%s is not set: run the tests through ctest", key);
	return v;
}

static void fail_test(const char *msg)
{
	cr_assert_fail("%s", msg);
}

/* Sets up the spec for rt0's probe `name` (arguments, environment, the
 * scaled timeout), from the data in targets.c. */
static void prepare(struct observed *o, const char *name,
                    const char *const *args, unsigned timeout_ms)
{
	memset(o, 0, sizeof *o);
	trace_set_fail_handler(fail_test);
	snprintf(o->path, sizeof o->path, "%s/%s",
	         need_env("RT0_OBSERVE_PROBE_DIR"), name);
	o->impl = obs_impl_find("rt0");
	cr_assert_not_null(o->impl);
	o->spec.arch = need_env("RT0_OBSERVE_ARCH");
	o->spec.probe = o->path;
	o->spec.args = args;
	o->spec.env = env_trace;
	o->spec.qemu = probe_emulator();
	o->spec.sysroot = getenv("RT0_SYSROOT");
	o->spec.timeout_ms = (unsigned)(timeout_ms * probe_timeout_scale());
	char err[512];
	cr_assert(obs_spec_for_impl(o->impl, o->path, o->spec.arch, &o->spec,
	                            err, sizeof err),
	          "%s", err);
}

static const char *why(struct observed *o)
{
	return probe_why(&o->res.probe);
}

/* The observed run of a probe, its stderr parsed as a trace. */
static void observe(struct observed *o, const char *name,
                    const char *const *args)
{
	prepare(o, name, args, 10000);
	enum obs_status st = obs_run(&o->spec, &o->res);
	cr_assert_eq(st, OBS_OK, "observer: %s: %s\n  -- %s",
	             obs_status_name(st), o->res.error, why(o));
	cr_assert(trace_parse(o->res.probe.err, o->res.probe.err_len, &o->t),
	          "the probe's stderr breaks the trace grammar: %s",
	          o->t.error);
	struct elf_info elf;
	cr_assert(elf_open(o->path, &elf), "%s", elf.error);
	cr_assert(elf_symbol(&elf, "g0", &o->g0) &&
	          elf_symbol(&elf, "m0", &o->m0));
	elf_close(&elf);
	o->g0 += o->res.load_bias;
	o->m0 += o->res.load_bias;
}

static void done(struct observed *o)
{
	trace_free(&o->t);
	obs_result_free(&o->res);
}

/* The nth stop at symbol, or NULL. */
static const struct obs_stop *stop_at(struct observed *o, const char *symbol,
                                      size_t nth)
{
	for (size_t i = 0; i < o->res.nstops; i++)
		if (strcmp(o->spec.symbols[o->res.stops[i].symbol], symbol) ==
		        0 &&
		    nth-- == 0)
			return &o->res.stops[i];
	return NULL;
}

static const struct obs_stop *need_stop(struct observed *o, const char *sym)
{
	const struct obs_stop *s = stop_at(o, sym, 0);
	cr_assert_not_null(s, "no stop at %s\n  -- %s", sym, why(o));
	return s;
}

static const char *symbol_of(struct observed *o, const struct obs_stop *s)
{
	return o->spec.symbols[s->symbol];
}

/* The trace event the probe printed for the same step: the first with its
 * phase, and for newproc the one that made goroutine 1 (the only newproc
 * call: the runtime's own goroutines come from newproc1). */
static const struct trace_line *event_for(struct observed *o,
                                          const struct obs_stop *s)
{
	const char *phase = obs_impl_phase(o->impl, symbol_of(o, s));
	if (!phase)
		return NULL;
	const struct trace_line *ev;
	for (size_t n = 0; (ev = trace_find_event(&o->t, phase, n)); n++)
		if (strcmp(phase, "runtime.newproc") != 0 ||
		    trace_u64(ev, "newg") == 1)
			return ev;
	return NULL;
}

/* The start-up functions up to mstart run on g0 (after rt0_go itself,
 * which is what sets g up). */
static bool on_g0_line(const char *symbol)
{
	static const char *const g0_steps[] = {
	    "rt0_go_started", "check",   "args",  "osinit",
	    "schedinit",      "newproc", "mstart"};
	for (size_t i = 0; i < sizeof g0_steps / sizeof g0_steps[0]; i++)
		if (strcmp(g0_steps[i], symbol) == 0)
			return true;
	return false;
}

static void print_stops(struct observed *o, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < o->res.nstops && n + 1 < cap; i++)
		n += obs_format_stop(&o->spec, &o->res.stops[i], buf + n,
		                     cap - n);
}

TestSuite(observer);

/* Every start-up function is stopped at, once, in Go's order:
 * rt0_go -> check -> args -> osinit -> schedinit -> newproc -> mstart ->
 * runtime.main -> main.main. */
Test(observer, startup_in_go_order)
{
	struct observed o;
	observe(&o, "hello", NULL);
	char all[8192];
	print_stops(&o, all, sizeof all);
	size_t nsym = 0;
	while (o.spec.symbols[nsym])
		nsym++;
	cr_assert_eq(o.res.nstops, nsym,
	             "expected one stop per start-up function (%zu), got "
	             "%zu:\n%s",
	             nsym, o.res.nstops, all);
	for (size_t i = 0; i < nsym; i++)
		cr_assert_str_eq(
		    symbol_of(&o, &o.res.stops[i]), o.spec.symbols[i],
		    "stop %zu: expected %s, got %s; all:\n%s", i,
		    o.spec.symbols[i], symbol_of(&o, &o.res.stops[i]), all);
	cr_assert(probe_exited_with(&o.res.probe, 0), "%s", why(&o));
	done(&o);
}

/* At rt0_go's entry there is no g yet (rt0_go sets up the g slot), and
 * g0's stack is carved out below the SP rt0_go was entered with. */
Test(observer, no_g_before_rt0_go)
{
	struct observed o;
	observe(&o, "hello", NULL);
	const struct obs_stop *entry = need_stop(&o, "runtime_rt0_go");
	const struct obs_stop *after = need_stop(&o, "rt0_go_started");
	cr_assert(entry->gread != OBS_GREAD_OK || entry->g == 0,
	          "expected no g at rt0_go's entry, got g=0x%llx",
	          (unsigned long long)entry->g);
	cr_assert(after->have_stack);
	cr_assert_gt(entry->sp, after->stack_hi,
	             "expected g0's stack [0x%llx, 0x%llx] below rt0_go's "
	             "entry SP 0x%llx",
	             (unsigned long long)after->stack_lo,
	             (unsigned long long)after->stack_hi,
	             (unsigned long long)entry->sp);
	done(&o);
}

/* From rt0_go's set-up to mstart, g is g0: goroutine 0, the runtime's g0
 * (and m0 its M), with SP inside its bounds, the same at every step. */
Test(observer, bootstrap_on_g0)
{
	struct observed o;
	observe(&o, "hello", NULL);
	const struct obs_stop *first = need_stop(&o, "rt0_go_started");
	size_t n = 0;
	for (size_t i = 0; i < o.res.nstops; i++) {
		const struct obs_stop *s = &o.res.stops[i];
		const char *sym = symbol_of(&o, s);
		if (!on_g0_line(sym))
			continue;
		n++;
		cr_assert_eq(s->gread, OBS_GREAD_OK, "%s: g not read", sym);
		cr_assert_eq(s->g, o.g0, "%s: g=0x%llx, expected g0 0x%llx",
		             sym, (unsigned long long)s->g,
		             (unsigned long long)o.g0);
		cr_assert(s->have_goid && s->goid == 0, "%s: goid %lld", sym,
		          (long long)s->goid);
		cr_assert(s->have_m && s->m == o.m0, "%s: g.m=0x%llx, not m0",
		          sym, (unsigned long long)s->m);
		cr_assert(s->sp_in_stack,
		          "%s: SP 0x%llx outside g0's [0x%llx, 0x%llx]", sym,
		          (unsigned long long)s->sp,
		          (unsigned long long)s->stack_lo,
		          (unsigned long long)s->stack_hi);
		cr_assert(s->stack_lo == first->stack_lo &&
		              s->stack_hi == first->stack_hi,
		          "%s: g0's bounds changed", sym);
	}
	cr_assert_eq(n, 7, "expected 7 stops on g0, got %zu", n);
	done(&o);
}

/* runtime.main and main.main run on goroutine 1, on its own stack; the
 * observed entry of runtime.main is exactly where newproc said goroutine 1
 * would start (newpc, newsp). */
Test(observer, main_on_goroutine_1)
{
	struct observed o;
	observe(&o, "hello", NULL);
	const struct obs_stop *rm = need_stop(&o, "runtime_main");
	const struct obs_stop *mm = need_stop(&o, "main_main");
	const struct obs_stop *const both[] = {rm, mm};
	for (size_t i = 0; i < 2; i++) {
		const struct obs_stop *s = both[i];
		const char *sym = symbol_of(&o, s);
		cr_assert(s->gread == OBS_GREAD_OK && s->have_goid,
		          "%s: g not read", sym);
		cr_assert_eq(s->goid, 1, "%s: goid %lld, expected 1", sym,
		             (long long)s->goid);
		cr_assert_neq(s->g, o.g0, "%s runs on g0", sym);
		cr_assert(s->sp_in_stack,
		          "%s: SP 0x%llx outside [0x%llx, 0x%llx]", sym,
		          (unsigned long long)s->sp,
		          (unsigned long long)s->stack_lo,
		          (unsigned long long)s->stack_hi);
		cr_assert(s->g == rm->g && s->stack_lo == rm->stack_lo &&
		              s->stack_hi == rm->stack_hi,
		          "%s: not runtime.main's goroutine", sym);
	}
	const struct trace_line *np = event_for(&o, need_stop(&o, "newproc"));
	cr_assert_not_null(np, "no newproc event for goroutine 1\n  -- %s",
	                   why(&o));
	cr_assert_eq(rm->pc, trace_u64(np, "newpc"));
	cr_assert_eq(rm->sp, trace_u64(np, "newsp"),
	             "runtime.main entered with SP 0x%llx, newproc said "
	             "0x%llx",
	             (unsigned long long)rm->sp,
	             (unsigned long long)trace_u64(np, "newsp"));
	done(&o);
}

/* The same run's trace: each step's goid and stack bounds as measured
 * equal what the runtime printed about itself, and it printed that it was
 * on g0 exactly where the observer saw g0. */
Test(observer, agrees_with_own_trace)
{
	struct observed o;
	observe(&o, "hello", NULL);
	size_t compared = 0;
	for (size_t i = 0; i < o.res.nstops; i++) {
		const struct obs_stop *s = &o.res.stops[i];
		const struct trace_line *ev = event_for(&o, s);
		const char *sym = symbol_of(&o, s);
		if (!obs_impl_phase(o.impl, sym))
			continue;
		cr_assert_not_null(ev, "%s: no %s event in the trace\n  -- %s",
		                   sym, obs_impl_phase(o.impl, sym), why(&o));
		char line[1024];
		trace_format_line(ev, line, sizeof line);
		cr_assert(s->have_goid && s->have_stack, "%s: g not read", sym);
		cr_assert_eq(s->goid, trace_i64(ev, "goid"),
		             "%s: observed goid %lld, the trace says\n  %s",
		             sym, (long long)s->goid, line);
		cr_assert(s->stack_lo == trace_u64(ev, "lo") &&
		              s->stack_hi == trace_u64(ev, "hi"),
		          "%s: observed [0x%llx, 0x%llx], the trace says\n  %s",
		          sym, (unsigned long long)s->stack_lo,
		          (unsigned long long)s->stack_hi, line);
		cr_assert_eq(s->g == o.g0, trace_i64(ev, "g0") == 1,
		             "%s: on g0 %d as observed, the trace says\n  %s",
		             sym, s->g == o.g0, line);
		compared++;
	}
	cr_assert_eq(compared, 9, "compared %zu stops with the trace",
	             compared);
	done(&o);
}

/* The probe's own output comes back whole from the observed run. */
Test(observer, output_captured)
{
	struct observed o;
	observe(&o, "hello", NULL);
	cr_assert_str_eq(o.res.probe.out, "hello, world\n");
	cr_assert_not_null(o.t.header, "no trace header in stderr");
	cr_assert_not_null(trace_find_event(&o.t, "runtime.exit", 0));
	done(&o);
}

/* max_stops ends observing, not the probe: the rest runs unwatched. */
Test(observer, max_stops_lets_probe_finish)
{
	struct observed o;
	prepare(&o, "hello", NULL, 10000);
	o.spec.max_stops = 3;
	cr_assert_eq(obs_run(&o.spec, &o.res), OBS_OK, "%s", o.res.error);
	cr_assert_eq(o.res.nstops, 3);
	cr_assert(o.res.truncated);
	cr_assert(probe_exited_with(&o.res.probe, 0), "%s", why(&o));
	cr_assert_str_eq(o.res.probe.out, "hello, world\n");
	done(&o);
}

/* release_after: the stops end with the first at that symbol, and the
 * probe runs on unwatched to its end: newproc1 is entered four times in
 * hello, mstart0 once after the first, and nothing after mstart0 stops. */
Test(observer, release_after_stops_watching)
{
	static const char *const symbols[] = {"newproc1", "mstart0", NULL};
	struct observed o;
	prepare(&o, "hello", NULL, 10000);
	o.spec.symbols = symbols;
	o.spec.release_after = "mstart0";
	cr_assert_eq(obs_run(&o.spec, &o.res), OBS_OK, "%s", o.res.error);
	cr_assert(o.res.released);
	cr_assert_not(o.res.truncated);
	cr_assert_eq(o.res.nstops, 2, "stops: %zu", o.res.nstops);
	cr_assert_str_eq(symbols[o.res.stops[1].symbol], "mstart0");
	cr_assert(probe_exited_with(&o.res.probe, 0), "%s", why(&o));
	cr_assert_str_eq(o.res.probe.out, "hello, world\n");
	char line[512];
	obs_format_summary(&o.spec, &o.res, line, sizeof line);
	cr_assert(strstr(line, " released=mstart0 "), "%s", line);
	done(&o);
}

/* stop_at_return: every call of stackalloc stops again where it returns,
 * on its g, with SP the caller's, at the return address its entry read;
 * where the C ABI returns rt0's struct stack in two registers, the first
 * is the stacklo the trace's stackalloc event reports. */
struct returned {
	const char *reg; /* the first result register, or NULL */
	uint64_t lo[64];
	bool have[64];
};

static void read_result(void *arg, const struct obs_view *v)
{
	struct returned *r = arg;
	const struct obs_stop *st = obs_view_stop(v);
	if (st->at_return && r->reg && st->seq < 64)
		r->have[st->seq] = obs_view_reg(v, r->reg, &r->lo[st->seq]);
}

Test(observer, stop_at_return_reads_the_result)
{
	static const char *const symbols[] = {"stackalloc", NULL};
	static const bool at_return[] = {true};
	/* struct stack {uintptr lo, hi} comes back in registers: SysV's
	 * RAX:RDX, AAPCS64's x0:x1, the RISC-V psABI's a0:a1, ELFv2's r3:r4
	 * (386, arm and s390x return it in memory). */
	static const char *const regs[][2] = {{"amd64", "rax"},
	                                      {"arm64", "x0"},
	                                      {"riscv64", "x10"},
	                                      {"ppc64le", "r3"}};
	struct observed o;
	prepare(&o, "hello", NULL, 10000);
	struct returned r = {0};
	for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
		if (strcmp(regs[i][0], o.spec.arch) == 0)
			r.reg = regs[i][1];
	o.spec.symbols = symbols;
	o.spec.stop_at_return = at_return;
	o.spec.on_stop = read_result;
	o.spec.on_stop_arg = &r;
	cr_assert_eq(obs_run(&o.spec, &o.res), OBS_OK, "%s", o.res.error);
	cr_assert(trace_parse(o.res.probe.err, o.res.probe.err_len, &o.t));
	size_t entries = 0, returns = 0;
	for (size_t i = 0; i < o.res.nstops; i++) {
		const struct obs_stop *s = &o.res.stops[i];
		if (!s->at_return) {
			entries++;
			continue;
		}
		cr_assert_lt(s->entry_seq, i);
		const struct obs_stop *e = &o.res.stops[s->entry_seq];
		cr_assert(!e->at_return && e->have_ret);
		/* The return address where the call pushed it; on 386 also
		 * the hidden struct-return pointer the callee pops. */
		uint64_t pop = strcmp(o.spec.arch, "amd64") == 0 ? 8
		               : strcmp(o.spec.arch, "386") == 0 ? 8
		                                                 : 0;
		cr_assert(
		    s->pc == e->ret && s->g == e->g && s->sp == e->sp + pop,
		    "return stop %zu: pc 0x%llx sp 0x%llx g 0x%llx; its "
		    "entry: ret 0x%llx sp 0x%llx g 0x%llx",
		    i, (unsigned long long)s->pc, (unsigned long long)s->sp,
		    (unsigned long long)s->g, (unsigned long long)e->ret,
		    (unsigned long long)e->sp, (unsigned long long)e->g);
		if (r.reg && i < 64) {
			const struct trace_line *ev = trace_find_event(
			    &o.t, "runtime.stackalloc", returns);
			cr_assert(
			    ev && r.have[i] &&
			        r.lo[i] == trace_u64(ev, "stacklo"),
			    "return %zu: %s=0x%llx, the trace's stackalloc "
			    "event says stacklo=0x%llx",
			    returns, r.reg, (unsigned long long)r.lo[i],
			    ev ? (unsigned long long)trace_u64(ev, "stacklo")
			       : 0ull);
		}
		returns++;
	}
	cr_assert(entries >= 4 && returns == entries,
	          "%zu stackalloc entries, %zu returns", entries, returns);
	cr_assert_eq(returns, trace_count_events(&o.t, "runtime.stackalloc"));
	done(&o);
}

Test(observer, release_point_must_be_a_symbol)
{
	static const char *const symbols[] = {"check", NULL};
	struct observed o;
	prepare(&o, "hello", NULL, 10000);
	o.spec.symbols = symbols;
	o.spec.release_after = "args";
	cr_assert_eq(obs_run(&o.spec, &o.res), OBS_EBADSPEC);
	cr_assert(strstr(o.res.error, "'args'"), "error: %s", o.res.error);
	cr_assert_not(o.res.probe.started, "the probe ran anyway");
	done(&o);
}

/* A function entered several times stops every time (the breakpoint is
 * stepped over and put back), unless max_hits says otherwise: newproc1
 * makes goroutine 1 on g0, then the runtime's three from goroutine 1,
 * as the trace's newproc events say. */
Test(observer, every_hit_is_a_stop)
{
	static const char *const symbols[] = {"newproc1", NULL};
	struct observed o;
	prepare(&o, "hello", NULL, 10000);
	o.spec.symbols = symbols;
	cr_assert_eq(obs_run(&o.spec, &o.res), OBS_OK, "%s", o.res.error);
	cr_assert(trace_parse(o.res.probe.err, o.res.probe.err_len, &o.t));
	size_t made = trace_count_events(&o.t, "runtime.newproc");
	cr_assert_eq(o.res.nstops, made,
	             "%zu stops at newproc1, %zu goroutines made", o.res.nstops,
	             made);
	for (size_t i = 0; i < o.res.nstops; i++)
		cr_assert_eq(
		    o.res.stops[i].goid,
		    trace_i64(trace_find_event(&o.t, "runtime.newproc", i),
		              "goid"),
		    "newproc1 call %zu", i);
	cr_assert(probe_exited_with(&o.res.probe, 0), "%s", why(&o));
	obs_result_free(&o.res);
	trace_free(&o.t);

	o.spec.max_hits = 1;
	cr_assert_eq(obs_run(&o.spec, &o.res), OBS_OK, "%s", o.res.error);
	cr_assert_eq(o.res.nstops, 1);
	cr_assert_not(o.res.truncated);
	cr_assert(probe_exited_with(&o.res.probe, 0), "%s", why(&o));
	obs_result_free(&o.res);
}

/* The process obs_run started, and its group, are gone. */
static void no_leftover(struct observed *o)
{
	cr_assert_gt(o->res.pid, 0, "no process was started");
	cr_assert(kill(o->res.pid, 0) < 0 && errno == ESRCH,
	          "process %d is still there", o->res.pid);
	cr_assert(kill(-o->res.pid, 0) < 0 && errno == ESRCH,
	          "process group %d is still there", o->res.pid);
	int status;
	cr_assert(waitpid(-1, &status, WNOHANG) < 0 && errno == ECHILD,
	          "a child is left to reap");
}

Test(observer, missing_symbol_fails_cleanly)
{
	struct observed o;
	prepare(&o, "hello", NULL, 10000);
	static const char *const symbols[] = {"check", "no_such_function",
	                                      NULL};
	o.spec.symbols = symbols;
	cr_assert_eq(obs_run(&o.spec, &o.res), OBS_EBADSPEC);
	cr_assert(strstr(o.res.error, "no_such_function"), "error: %s",
	          o.res.error);
	cr_assert_not(o.res.probe.started, "the probe ran anyway");
	cr_assert_eq(o.res.pid, 0);
	done(&o);
}

Test(observer, crashing_probe_fails_cleanly)
{
	struct observed o;
	static const char *const args[] = {"crash", NULL};
	prepare(&o, "misbehave", args, 10000);
	cr_assert_eq(obs_run(&o.spec, &o.res), OBS_ECRASH, "%s: %s",
	             obs_status_name(o.res.status), o.res.error);
	cr_assert(probe_killed_by(&o.res.probe, SIGSEGV), "%s", why(&o));
	cr_assert(strstr(o.res.error, "SIGSEGV") &&
	              strstr(o.res.error, "main_main"),
	          "error: %s", o.res.error);
	need_stop(&o, "main_main"); /* seen before it went wrong */
	no_leftover(&o);
	done(&o);
}

Test(observer, hanging_probe_times_out)
{
	struct observed o;
	static const char *const args[] = {"hang", NULL};
	prepare(&o, "misbehave", args, 1000);
	cr_assert_eq(obs_run(&o.spec, &o.res), OBS_ETIMEOUT, "%s: %s",
	             obs_status_name(o.res.status), o.res.error);
	cr_assert(o.res.probe.timed_out);
	cr_assert(strstr(o.res.error, "main_main"), "error: %s", o.res.error);
	cr_assert_lt(o.res.probe.elapsed_ns / 1000000, o.spec.timeout_ms + 2000,
	             "the timeout took %llu ms",
	             (unsigned long long)(o.res.probe.elapsed_ns / 1000000));
	need_stop(&o, "main_main");
	no_leftover(&o);
	done(&o);
}

/* Bad data is a clear error before anything runs. */
Test(observer, bad_g_register_fails_cleanly)
{
	struct observed o;
	prepare(&o, "hello", NULL, 10000);
	o.spec.g =
	    (struct obs_g_where){.kind = OBS_G_REGISTER, .reg = "nosuchreg"};
	cr_assert_eq(obs_run(&o.spec, &o.res), OBS_EBADSPEC, "%s", o.res.error);
	cr_assert(strstr(o.res.error, "nosuchreg"), "error: %s", o.res.error);
	no_leftover(&o);
	done(&o);
}
