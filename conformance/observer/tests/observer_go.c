/* observer_go: the start-up trace built from the observer's stops for a
 * real Go binary (rt0obs/synth.h, issue 13). It watches Go's hello twin
 * (conformance/probes-go) start, natively or under qemu, builds the trace
 * the suites read for Go, and checks it against the stops it came from:
 * the main line's phases in Go's order, goid 0 (g0) through mstart and 1
 * from runtime.main, each as measured at its stop, every line src=obs.
 *
 * Environment (set by ctest, cmake/go.cmake): RT0_OBSERVE_PROBE (the Go
 * hello), RT0_OBSERVE_ARCH, RT0_OBSERVE_IMPL (go1.19, go1.23, ...), and
 * RT0_QEMU/RT0_SYSROOT/RT0_TIMEOUT_SCALE for a foreign arch. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt0conf/rt0conf.h"
#include "rt0obs/observer.h"
#include "rt0obs/synth.h"
#include "rt0obs/targets.h"

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

struct run {
	struct obs_spec spec;
	struct obs_result res;
	struct obs_synth y;
	const struct obs_impl *impl;
	char *text; /* the synthesized trace */
	size_t len;
	struct trace t;
};

static void observe_hello(struct run *r)
{
	static const char *const env[] = {"GODEBUG=rt0trace=1", "GOMAXPROCS=1",
	                                  NULL};
	memset(r, 0, sizeof *r);
	trace_set_fail_handler(fail_test);
	const char *impl = need_env("RT0_OBSERVE_IMPL");
	r->impl = obs_impl_find(impl);
	cr_assert_not_null(r->impl, "no observer data for %s", impl);
	r->spec.arch = need_env("RT0_OBSERVE_ARCH");
	r->spec.probe = need_env("RT0_OBSERVE_PROBE");
	r->spec.env = env;
	r->spec.qemu = probe_emulator();
	r->spec.sysroot = getenv("RT0_SYSROOT");
	r->spec.timeout_ms = (unsigned)(30000 * probe_timeout_scale());
	r->spec.max_stops = 100000;
	char err[512];
	cr_assert(obs_spec_for_impl(r->impl, r->spec.probe, r->spec.arch,
	                            &r->spec, err, sizeof err),
	          "%s", err);
	obs_synth_init(&r->y, r->impl, r->spec.probe);
	r->spec.on_stop = obs_synth_hook;
	r->spec.on_stop_arg = &r->y;
	enum obs_status st = obs_run(&r->spec, &r->res);
	cr_assert_eq(st, OBS_OK, "observer: %s: %s\n  -- %s",
	             obs_status_name(st), r->res.error,
	             probe_why(&r->res.probe));
	cr_assert(probe_exited_with(&r->res.probe, 0), "%s",
	          probe_why(&r->res.probe));
	r->text = obs_synth_trace(&r->y, &r->spec, &r->res, NULL, &r->len);
	cr_assert_not_null(r->text);
	cr_assert(trace_parse(r->text, r->len, &r->t),
	          "the synthesized trace breaks the grammar: %s\n%s",
	          r->t.error, r->text);
}

static void done(struct run *r)
{
	trace_free(&r->t);
	free(r->text);
	obs_synth_free(&r->y);
	obs_result_free(&r->res);
}

/* The stop an event was made from: the k-th stop at the symbol whose
 * phase it has, k being how many events of that phase came before. The
 * runtime.rt0_go event is made from runtime.check's stop, runtime.init
 * from the first at the runtime's init symbol (targets.h). */
static const struct obs_stop *stop_of(struct run *r, const char *phase,
                                      size_t nth)
{
	const char *want =
	    strcmp(phase, "runtime.rt0_go") == 0 ? r->impl->rt0_go_at
	    : strcmp(phase, "runtime.init") == 0 ? r->impl->runtime_init_at
	                                         : NULL;
	for (size_t i = 0; i < r->res.nstops; i++) {
		const char *sym = r->spec.symbols[r->res.stops[i].symbol];
		const char *p = obs_impl_phase(r->impl, sym);
		if ((want && strcmp(sym, want) == 0) ||
		    (!want && p && strcmp(p, phase) == 0))
			if (nth-- == 0)
				return &r->res.stops[i];
	}
	return NULL;
}

TestSuite(observer_go);

/* The main line in Go's order, and the goroutine of each step as the stop
 * it came from measured it: g0 (goid 0) through mstart, goroutine 1 from
 * runtime.main on. */
Test(observer_go, phases_in_order_with_measured_goids)
{
	struct run r;
	observe_hello(&r);
	static const struct {
		const char *phase;
		int64_t goid;
	} line[] = {
	    {"runtime.rt0_go", 0},    {"runtime.check", 0},
	    {"runtime.args", 0},      {"runtime.osinit", 0},
	    {"runtime.schedinit", 0}, {"runtime.mallocinit", 0},
	    {"runtime.alginit", 0},   {"runtime.mcommoninit", 0},
	    {"runtime.goargs", 0},    {"runtime.goenvs", 0},
	    {"runtime.gcinit", 0},    {"runtime.procresize", 0},
	    {"runtime.newproc", 0},   {"runtime.mstart", 0},
	    {"runtime.main", 1},      {"runtime.init", 1},
	    {"runtime.gcenable", 1},  {"main.main", 1},
	};
	size_t prev = 0;
	for (size_t i = 0; i < sizeof line / sizeof line[0]; i++) {
		const struct trace_line *ev =
		    trace_find_event(&r.t, line[i].phase, 0);
		cr_assert_not_null(ev, "no %s event in:\n%s", line[i].phase,
		                   r.text);
		size_t at = trace_event_index(&r.t, ev);
		cr_assert(i == 0 || at > prev,
		          "%s (event %zu) is not after %s:\n%s", line[i].phase,
		          at, line[i - (i > 0)].phase, r.text);
		prev = at;
		int64_t goid = trace_i64(ev, "goid");
		cr_assert_eq(goid, line[i].goid, "%s: goid=%lld, expected %lld",
		             line[i].phase, (long long)goid,
		             (long long)line[i].goid);
		cr_assert_eq(trace_i64(ev, "g0"), goid == 0,
		             "%s: g0= must say goid 0", line[i].phase);
		const struct obs_stop *st = stop_of(&r, line[i].phase, 0);
		cr_assert(st && st->have_goid && st->goid == goid &&
		              st->sp == trace_u64(ev, "sp"),
		          "%s: the event is not its stop's measurement",
		          line[i].phase);
	}
	done(&r);
}

/* Every synthesized line says it was observed; the header has what the
 * ELF file and the stops give, and none of the build's constants. */
Test(observer_go, every_line_observed)
{
	struct run r;
	observe_hello(&r);
	cr_assert_not_null(r.t.header);
	const char *src = trace_header(&r.t, "src");
	cr_assert(src && strcmp(src, "obs") == 0, "header without src=obs");
	cr_assert_str_eq(trace_header(&r.t, "arch"), r.spec.arch);
	cr_assert_null(trace_header(&r.t, "pcquantum"),
	               "pcquantum cannot be measured");
	for (size_t i = 0; i < r.t.nevents; i++) {
		const char *s = trace_field(r.t.events[i], "src");
		cr_assert(s && strcmp(s, "obs") == 0,
		          "event %zu without src=obs", i);
		cr_assert_eq(trace_i64(r.t.events[i], "seq"), (int64_t)i);
	}
	done(&r);
}

/* A step Go's compiler inlined has no symbol, but DWARF says where each
 * inlined call's code starts: stackinit (inlined in both toolchains'
 * builds) stops there once, inside schedinit's code, after schedinit's
 * entry and before mallocinit's, and gives the trace its event. */
Test(observer_go, inlined_step_stops_in_its_caller)
{
	struct run r;
	observe_hello(&r);
	size_t sym = 0;
	while (r.spec.symbols[sym] &&
	       strcmp(r.spec.symbols[sym], "runtime.stackinit") != 0)
		sym++;
	cr_assert_not_null(r.spec.symbols[sym], "no runtime.stackinit step");
	const struct obs_stop *si = NULL,
	                      *sched = stop_of(&r, "runtime.schedinit", 0),
	                      *malloc_ = stop_of(&r, "runtime.mallocinit", 0);
	size_t hits = 0;
	for (size_t i = 0; i < r.res.nstops; i++)
		if (r.res.stops[i].symbol == sym) {
			si = &r.res.stops[i];
			hits++;
		}
	cr_assert_eq(hits, 1, "runtime.stackinit stopped %zu times", hits);
	cr_assert(si->inlined && !si->have_ret, "not an inlined stop");
	cr_assert(sched && malloc_ && sched->seq < si->seq &&
	              si->seq < malloc_->seq,
	          "stackinit's stop is not between schedinit's entry and "
	          "mallocinit's");
	struct elf_info elf;
	uint64_t at, size;
	cr_assert(elf_open(r.spec.probe, &elf));
	cr_assert(elf_symbol_sized(&elf, "runtime.schedinit", &at, &size));
	elf_close(&elf);
	at += r.res.load_bias;
	cr_assert(si->pc >= at && si->pc < at + size,
	          "stackinit's code at 0x%llx is not in schedinit",
	          (unsigned long long)si->pc);
	const struct trace_line *ev =
	    trace_find_event(&r.t, "runtime.stackinit", 0);
	cr_assert(ev && trace_i64(ev, "goid") == 0, "no stackinit event:\n%s",
	          r.text);
	done(&r);
}

/* The trace of r's stops again, with a copy of the last stop of phase's
 * function entered right after it, its goid changed by goid_delta, its SP by
 * sp_delta, and the goroutine's g.sched.pc there resume_pc (0: inside the
 * function itself, where morestack leaves it). How many events of phase
 * that trace has. */
static size_t events_with_reentry(struct run *r, const char *phase,
                                  int64_t goid_delta, int64_t sp_delta,
                                  uint64_t resume_pc)
{
	/* After the last entry: the one that gives the event when the run
	 * itself entered the function more than once (the cases below). */
	const struct obs_stop *first = NULL;
	for (size_t k = 0; stop_of(r, phase, k); k++)
		first = stop_of(r, phase, k);
	cr_assert_not_null(first, "no stop for %s", phase);
	size_t at = (size_t)(first - r->res.stops) + 1, n = r->res.nstops;
	struct obs_stop again = *first;
	again.seq = (uint32_t)n;
	again.goid += goid_delta;
	again.sp += (uint64_t)sp_delta;
	struct obs_stop *stops = malloc((n + 1) * sizeof *stops);
	struct obs_synth_stop *at_seq =
	    calloc(n + 1 > r->y.cap ? n + 1 : r->y.cap, sizeof *at_seq);
	cr_assert(stops && at_seq);
	memcpy(stops, r->res.stops, at * sizeof *stops);
	stops[at] = again;
	memcpy(stops + at + 1, r->res.stops + at, (n - at) * sizeof *stops);
	memcpy(at_seq, r->y.at, r->y.cap * sizeof *at_seq);
	at_seq[n] = r->y.at[first->seq];
	at_seq[n].have_schedpc = true;
	at_seq[n].schedpc = resume_pc ? resume_pc : first->pc + 1;

	struct obs_result res = r->res;
	res.stops = stops;
	res.nstops = n + 1;
	struct obs_synth y = r->y;
	y.at = at_seq;
	y.cap = n + 1 > r->y.cap ? n + 1 : r->y.cap;
	size_t len;
	char *text = obs_synth_trace(&y, &r->spec, &res, NULL, &len);
	free(stops);
	free(at_seq);
	cr_assert_not_null(text);
	struct trace t;
	cr_assert(trace_parse(text, len, &t), "%s\n%s", t.error, text);
	size_t events = trace_count_events(&t, phase);
	trace_free(&t);
	free(text);
	return events;
}

/* One call whose entry is hit again is one event, however often (CI runs
 * on a loaded machine saw bgscavenge's 3 to 9 times): a goroutine whose
 * prologue found it preempted or short of stack calls morestack, which
 * leaves g.sched.pc in the function, and once newstack is done the
 * function starts again from its entry (go1.19 stack.go newstack), maybe
 * on a moved stack; a signal taken while the observer steps over the
 * entry's breakpoint returns to the entry at the same SP. The entry is
 * another call when it is another goroutine's, or when the goroutine left
 * off elsewhere and enters at another SP. */
Test(observer_go, restarted_entry_is_one_call)
{
	struct run r;
	observe_hello(&r);
	const char *fn = "runtime.bgscavenge";
	cr_assert_eq(trace_count_events(&r.t, fn), 1, "%s", r.text);
	const struct obs_stop *main_ = stop_of(&r, "main.main", 0);
	cr_assert_not_null(main_);
	cr_assert_eq(events_with_reentry(&r, fn, 0, -256, 0), 1,
	             "a restart after morestack counted as another call");
	cr_assert_eq(events_with_reentry(&r, fn, 0, 0, main_->pc), 1,
	             "the same entry again at the same SP (a signal handled "
	             "on the way) counted as another call");
	cr_assert_eq(events_with_reentry(&r, fn, 0, -256, main_->pc), 2,
	             "an entry at another SP by a goroutine that last left "
	             "off outside the function was taken for a restart");
	cr_assert_eq(events_with_reentry(&r, fn, 1000, 0, 0), 2,
	             "another goroutine's entry was taken for a restart");
	done(&r);
}
