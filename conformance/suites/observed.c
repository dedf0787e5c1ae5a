/* observed: the start-up as the observer measures it, against what the same
 * execution's trace says about itself (DESIGN 3a, issue 12). The observer
 * stops the probe at the entry of every start-up function, at every
 * goroutine's first instruction and at the scheduler's calls from assembly
 * into C, and reads PC, SP, the return address, g and, through g, the goid,
 * the stack bounds and stackguard0 (conformance/observer). A runtime whose
 * trace lies about its order, its stacks or its goroutines fails here.
 * Each test is named after its invariant (conformance/invariants.toml). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "observe.h"
#include "rt0obs/targets.h"

/* The goroutines probe's own goroutine entry functions, after the
 * runtime's steps. */
static const struct step *goroutines_steps(size_t *n)
{
	static struct step steps[64];
	static const struct step own[] = {
	    STEP("worker", NULL, STEP_GOROUTINE),
	    STEP("report", NULL, STEP_GOROUTINE),
	};
	memcpy(steps, rt0_steps, rt0_nsteps * sizeof *steps);
	memcpy(steps + rt0_nsteps, own, sizeof own);
	*n = rt0_nsteps + sizeof own / sizeof own[0];
	return steps;
}

static void observe_hello(struct observed *o)
{
	observe_shared(o, "hello", NULL, rt0_steps, rt0_nsteps, 0, 0);
}

/* The goroutines probe: its three workers (and, with "reuse", two
 * goroutines one after the other on the same stack). */
static void observe_goroutines(struct observed *o, const char *scenario)
{
	size_t n;
	const struct step *steps = goroutines_steps(&n);
	const char *args[] = {scenario, NULL};
	observe_shared(o, "goroutines", scenario ? args : NULL, steps, n, 0,
	               OBSERVE_MAPS);
}

#define OCHECK(o, cond, fmt, ...)                                              \
	cr_assert((cond), fmt "\n  -- %s", ##__VA_ARGS__,                      \
	          probe_why(&(o)->res.probe))

static const char *ev_line(const struct trace_line *ev, char *buf, size_t cap)
{
	if (ev == NULL)
		snprintf(buf, cap, "(no event)");
	else
		trace_format_line(ev, buf, cap);
	return buf;
}

/* ---- entry ----------------------------------------------------------------
 */

/* The phases of the stops, in order, and the trace's events of the same
 * phases, in order: the same list. */
static void order_lists(struct observed *o, char *seen, char *said, size_t cap,
                        size_t *nseen, size_t *nsaid,
                        const char **first_diff_seen,
                        const char **first_diff_said)
{
	const char *a[512], *b[512];
	size_t na = 0, nb = 0;
	for (size_t i = 0; i < o->res.nstops && na < 512; i++) {
		const struct step *st = stop_step(o, &o->res.stops[i]);
		if (st->phase != NULL && !st->nested)
			a[na++] = st->phase;
	}
	for (size_t i = 0; i < o->t.nevents && nb < 512; i++) {
		const char *p = trace_field(o->t.events[i], "phase");
		for (size_t k = 0; p && k < o->nsteps; k++)
			if (o->steps[k].phase && !o->steps[k].nested &&
			    strcmp(o->steps[k].phase, p) == 0) {
				b[nb++] = p;
				break;
			}
	}
	*nseen = na, *nsaid = nb;
	*first_diff_seen = *first_diff_said = NULL;
	for (size_t i = 0; i < na || i < nb; i++)
		if (i >= na || i >= nb || strcmp(a[i], b[i]) != 0) {
			*first_diff_seen = i < na ? a[i] : "(end)";
			*first_diff_said = i < nb ? b[i] : "(end)";
			break;
		}
	seen[0] = said[0] = '\0';
	for (size_t i = 0; i < na; i++)
		snprintf(seen + strlen(seen), cap - strlen(seen), "%s ", a[i]);
	for (size_t i = 0; i < nb; i++)
		snprintf(said + strlen(said), cap - strlen(said), "%s ", b[i]);
}

Test(entry, entry_observed_order)
{
	struct observed o;
	observe_hello(&o);
	static char seen[8192], said[8192];
	size_t ns, nt;
	const char *ds, *dt;
	order_lists(&o, seen, said, sizeof seen, &ns, &nt, &ds, &dt);
	OCHECK(&o, ns >= 25,
	       "expected a stop at each start-up step, got %zu: %s", ns, seen);
	OCHECK(&o, ds == NULL,
	       "expected the start-up functions entered in the order the "
	       "trace reports its phases; first difference: entered %s, "
	       "the trace says %s\n  entered:  %s\n  reported: %s",
	       ds, dt, seen, said);
	observe_free(&o);
}

Test(entry, entry_observed_entrysp)
{
	struct observed o;
	observe_hello(&o);
	const struct obs_stop *e = &o.res.stops[0];
	OCHECK(&o, e->symbol == 0, "expected the first stop at %s",
	       o.symbols[0]);
	uint64_t said = trace_header_u64(&o.t, "entrysp");
	OCHECK(&o, e->sp == said,
	       "expected the trace header's entrysp=0x%llx to be the SP %s "
	       "was entered with, measured 0x%llx",
	       (unsigned long long)said, o.symbols[0],
	       (unsigned long long)e->sp);
	observe_free(&o);
}

/* ---- g0 ---------------------------------------------------------------------
 */

Test(g0_tls, g0_observed_bootstrap)
{
	struct observed o;
	observe_hello(&o);
	size_t from = 0;
	const struct obs_stop *first =
	    next_stop_at(&o, "rt0_go_started", &from);
	OCHECK(&o, first && first->have_stack, "no stop at rt0_go_started");
	size_t checked = 0;
	char line[1024], evl[1024];
	for (size_t i = first->seq; i < o.res.nstops; i++) {
		const struct obs_stop *s = &o.res.stops[i];
		if (strcmp(stop_symbol(&o, s), "runtime_main") == 0)
			break;
		stop_line(&o, s, line, sizeof line);
		OCHECK(
		    &o,
		    s->gread == OBS_GREAD_OK && s->g == o.g0 && s->have_goid &&
		        s->goid == 0 && s->have_m && s->m == o.m0,
		    "expected the bootstrap on g0 (g=0x%llx, goid 0, g.m = "
		    "m0 0x%llx), measured\n  %s",
		    (unsigned long long)o.g0, (unsigned long long)o.m0, line);
		OCHECK(&o,
		       s->sp_in_stack && s->stack_lo == first->stack_lo &&
		           s->stack_hi == first->stack_hi,
		       "expected SP inside g0's unchanging bounds [0x%llx, "
		       "0x%llx], measured\n  %s",
		       (unsigned long long)first->stack_lo,
		       (unsigned long long)first->stack_hi, line);
		const struct trace_line *ev = stop_event(&o, s);
		if (ev != NULL)
			OCHECK(&o,
			       trace_i64(ev, "g0") == 1 &&
			           trace_i64(ev, "goid") == 0 &&
			           trace_i64(ev, "m") == 0,
			       "measured on g0 of m0:\n  %s\nthe trace says\n  "
			       "%s",
			       line, ev_line(ev, evl, sizeof evl));
		checked++;
	}
	OCHECK(&o, checked >= 20, "expected the bootstrap's stops, got %zu",
	       checked);
	const struct trace_line *ev = stop_event(&o, first);
	OCHECK(&o, ev != NULL, "no runtime.rt0_go event");
	uint64_t size = trace_header_u64(&o.t, "g0stack");
	OCHECK(&o,
	       trace_u64(ev, "lo") == first->stack_lo &&
	           trace_u64(ev, "hi") == first->stack_hi &&
	           size == first->stack_hi - first->stack_lo,
	       "expected the trace's g0 stack (and header g0stack=%llu) to be "
	       "g0's in memory, [0x%llx, 0x%llx); it says\n  %s",
	       (unsigned long long)size, (unsigned long long)first->stack_lo,
	       (unsigned long long)first->stack_hi,
	       ev_line(ev, evl, sizeof evl));
	OCHECK(&o,
	       first->have_guard &&
	           trace_u64(ev, "guard0") == first->stackguard0,
	       "expected the trace's guard0 to be g0.stackguard0 in memory, "
	       "0x%llx; it says\n  %s",
	       (unsigned long long)first->stackguard0,
	       ev_line(ev, evl, sizeof evl));
	observe_free(&o);
}

/* ---- runtime.main ---------------------------------------------------------
 */

Test(main, main_observed_on_goroutine_1)
{
	struct observed o;
	observe_hello(&o);
	size_t from = 0;
	const struct obs_stop *rm = next_stop_at(&o, "runtime_main", &from);
	from = 0;
	const struct obs_stop *mm = next_stop_at(&o, "main_main", &from);
	OCHECK(&o, rm && mm, "expected stops at runtime_main and main_main");
	const struct obs_stop *const both[] = {rm, mm};
	char line[1024], evl[1024];
	for (size_t i = 0; i < 2; i++) {
		const struct obs_stop *s = both[i];
		stop_line(&o, s, line, sizeof line);
		OCHECK(&o,
		       s->gread == OBS_GREAD_OK && s->have_goid &&
		           s->goid == 1 && s->g != o.g0 && s->g == rm->g &&
		           s->sp_in_stack,
		       "expected %s on goroutine 1 (runtime.main's g, not g0, "
		       "SP on its stack), measured\n  %s",
		       stop_symbol(&o, s), line);
		const struct trace_line *ev = stop_event(&o, s);
		OCHECK(&o,
		       ev && trace_i64(ev, "goid") == 1 &&
		           trace_i64(ev, "g0") == 0 &&
		           trace_u64(ev, "lo") == s->stack_lo &&
		           trace_u64(ev, "hi") == s->stack_hi,
		       "measured\n  %s\nthe trace says\n  %s", line,
		       ev_line(ev, evl, sizeof evl));
	}
	const struct trace_line *np = newproc_event(&o, 1);
	OCHECK(&o, np && trace_u64(np, "newpc") == rm->pc,
	       "expected goroutine 1 announced to start at runtime_main "
	       "0x%llx",
	       (unsigned long long)rm->pc);
	observe_free(&o);
}

/* ---- the scheduler ---- */

Test(mstart, mstart_observed_scheduler_on_g0)
{
	/* schedule and the functions mcall runs (park_m, gosched_m,
	 * goexit0) are the scheduler: on g0, on g0's stack, every time. */
	static const char *const sched[] = {"schedule", "park_m", "gosched_m",
	                                    "goexit0", "mstart0"};
	struct observed o;
	char line[1024];
	for (int run = 0; run < 2; run++) {
		if (run == 0)
			observe_hello(&o);
		else
			observe_goroutines(&o, NULL);
		size_t n = 0;
		for (size_t i = 0; i < o.res.nstops; i++) {
			const struct obs_stop *s = &o.res.stops[i];
			bool is_sched = false;
			for (size_t k = 0; k < sizeof sched / sizeof sched[0];
			     k++)
				is_sched |=
				    strcmp(stop_symbol(&o, s), sched[k]) == 0;
			if (!is_sched)
				continue;
			stop_line(&o, s, line, sizeof line);
			/* m0's g0 is the ELF's; another M's (one that runs
			 * goroutines while main is locked to m0, or with
			 * several Ps) is a g with goid 0 that is not m0's. */
			bool on_g0 =
			    s->have_m && s->m == o.m0
			        ? s->g == o.g0
			        : s->have_goid && s->goid == 0 && s->g != o.g0;
			OCHECK(&o,
			       s->gread == OBS_GREAD_OK && on_g0 &&
			           s->sp_in_stack,
			       "expected the scheduler on its M's g0 (m0's is "
			       "0x%llx), SP on g0's stack; measured\n  %s",
			       (unsigned long long)o.g0, line);
			n++;
		}
		OCHECK(&o, n >= 4, "expected scheduler stops, got %zu", n);
		observe_free(&o);
	}
}

/* ---- package inits ----------------------------------------------------------
 */

/* The initorder probe's init functions and their packages. */
static const struct {
	const char *symbol, *pkg;
} inits[] = {
    {"main_0", "main"},     {"main_1", "main"},     {"zeta_0", "zeta"},
    {"zeta_1", "zeta"},     {"tiec_0", "tie/c"},    {"tiec_1", "tie/c"},
    {"alpha_0", "alpha"},   {"alpha_1", "alpha"},   {"tiea_0", "tie/a"},
    {"tiea_1", "tie/a"},    {"common_0", "common"}, {"common_1", "common"},
    {"common_2", "common"}, {"tieb_0", "tie/b"},    {"tieb_1", "tie/b"},
};
#define NINITS (sizeof inits / sizeof inits[0])

Test(initorder, initorder_observed_on_goroutine_1)
{
	static struct step steps[64];
	memcpy(steps, rt0_steps, rt0_nsteps * sizeof *steps);
	for (size_t i = 0; i < NINITS; i++)
		steps[rt0_nsteps + i] =
		    (struct step)STEP(inits[i].symbol, NULL, STEP_CALL);
	struct observed o;
	observe_shared(&o, "initorder", NULL, steps, rt0_nsteps + NINITS, 0, 0);
	size_t from = 0;
	const struct obs_stop *rm = next_stop_at(&o, "runtime_main", &from);
	OCHECK(&o, rm != NULL, "no stop at runtime_main");
	/* The packages as their init functions were entered, with how many
	 * each ran, against the trace's doInit events (pkg, n). */
	char line[1024], seen[2048] = "", said[2048] = "";
	const char *pkgs[NINITS];
	int counts[NINITS];
	size_t npkg = 0, ninit = 0;
	for (size_t i = 0; i < o.res.nstops; i++) {
		const struct obs_stop *s = &o.res.stops[i];
		const char *pkg = NULL;
		for (size_t k = 0; k < NINITS; k++)
			if (strcmp(stop_symbol(&o, s), inits[k].symbol) == 0)
				pkg = inits[k].pkg;
		if (pkg == NULL)
			continue;
		ninit++;
		stop_line(&o, s, line, sizeof line);
		OCHECK(&o,
		       s->gread == OBS_GREAD_OK && s->g == rm->g &&
		           s->have_goid && s->goid == 1 && s->sp_in_stack &&
		           s->stack_lo == rm->stack_lo,
		       "expected package %s's init on goroutine 1 "
		       "(runtime.main's g and stack), measured\n  %s",
		       pkg, line);
		if (npkg > 0 && strcmp(pkgs[npkg - 1], pkg) == 0) {
			counts[npkg - 1]++;
		} else {
			pkgs[npkg] = pkg;
			counts[npkg++] = 1;
		}
	}
	OCHECK(&o, ninit == NINITS, "expected %zu init functions entered, %zu",
	       NINITS, ninit);
	size_t nev = trace_count_events(&o.t, "runtime.doInit");
	bool same = nev == npkg;
	for (size_t i = 0; i < npkg; i++) {
		snprintf(seen + strlen(seen), sizeof seen - strlen(seen),
		         "%s(%d) ", pkgs[i], counts[i]);
		const struct trace_line *ev =
		    trace_find_event(&o.t, "runtime.doInit", i);
		if (ev == NULL)
			continue;
		const char *p = trace_field(ev, "pkg");
		snprintf(said + strlen(said), sizeof said - strlen(said),
		         "%s(%lld) ", p ? p : "?",
		         (long long)trace_i64(ev, "n"));
		same &= p && strcmp(p, pkgs[i]) == 0 &&
		        trace_i64(ev, "n") == counts[i];
		same &= trace_i64(ev, "goid") == 1 &&
		        trace_u64(ev, "lo") == rm->stack_lo;
	}
	OCHECK(&o, same,
	       "expected the packages initialised as the trace's doInit "
	       "events say (on goroutine 1)\n  entered:  %s\n  reported: %s",
	       seen, said);
	observe_free(&o);
}

/* ---- goids and stacks at every stop ------------------------------------ */

/* Every stop of a run that has an event: the goid and bounds the trace
 * gives it are the ones g holds, and both SPs lie inside them. */
static void agrees(struct observed *o, bool goids, bool stacks)
{
	char line[1024], evl[1024];
	size_t compared = 0;
	for (size_t i = 0; i < o->res.nstops; i++) {
		const struct obs_stop *s = &o->res.stops[i];
		const struct trace_line *ev = stop_event(o, s);
		if (ev == NULL)
			continue;
		stop_line(o, s, line, sizeof line);
		ev_line(ev, evl, sizeof evl);
		OCHECK(o, s->have_goid && s->have_stack, "g not read at\n  %s",
		       line);
		if (goids) {
			OCHECK(o, trace_i64(ev, "goid") == s->goid,
			       "expected the trace's goid to be g's in memory, "
			       "%lld; measured\n  %s\nthe trace says\n  %s",
			       (long long)s->goid, line, evl);
			/* The trace's m=0 is g.m = &m0, and only that: the
			 * other Ms' ids are not 0. */
			OCHECK(
			    o,
			    s->have_m &&
			        (s->m == o->m0) == (trace_i64(ev, "m") == 0),
			    "expected the event on m0 (g.m = 0x%llx) exactly "
			    "when the trace says m=0; measured\n  %s\nthe "
			    "trace says\n  %s",
			    (unsigned long long)o->m0, line, evl);
		}
		if (stacks) {
			uint64_t lo = trace_u64(ev, "lo"),
			         hi = trace_u64(ev, "hi");
			uint64_t sp = trace_u64(ev, "sp");
			OCHECK(o,
			       lo == s->stack_lo && hi == s->stack_hi &&
			           s->sp_in_stack && sp >= lo && sp < hi,
			       "expected the event on the stack g holds, with "
			       "both SPs inside; measured\n  %s\nthe trace "
			       "says\n  %s",
			       line, evl);
		}
		compared++;
	}
	OCHECK(o, compared > 0, "no stop had a trace event");
}

/* Each goroutine's first instruction: goids are the ones announced, and
 * no two goroutines got the same. */
static void start_goids(struct observed *o)
{
	int64_t seen[512];
	size_t n = 0;
	char line[1024];
	for (size_t i = 0; i < o->res.nstops; i++) {
		const struct obs_stop *s = &o->res.stops[i];
		if (stop_step(o, s)->kind != STEP_GOROUTINE)
			continue;
		stop_line(o, s, line, sizeof line);
		OCHECK(o, s->have_goid, "g not read at\n  %s", line);
		OCHECK(o, newproc_event(o, s->goid) != NULL,
		       "goroutine %lld started, but no newproc event announced "
		       "that goid; measured\n  %s",
		       (long long)s->goid, line);
		for (size_t k = 0; k < n; k++)
			OCHECK(o, seen[k] != s->goid,
			       "two goroutines started with goid %lld; the "
			       "second:\n  %s",
			       (long long)s->goid, line);
		if (n < 512)
			seen[n++] = s->goid;
	}
	OCHECK(o, n > 0, "no goroutine was seen starting");
	OCHECK(o, n == trace_count_events(&o->t, "runtime.newproc"),
	       "%zu goroutines started, the trace announced %zu", n,
	       trace_count_events(&o->t, "runtime.newproc"));
}

Test(goid, goid_observed_agrees)
{
	struct observed o;
	observe_hello(&o);
	agrees(&o, true, false);
	start_goids(&o);
	observe_free(&o);
	observe_goroutines(&o, NULL);
	agrees(&o, true, false);
	start_goids(&o);
	observe_free(&o);
}

Test(stacks, stacks_observed_agrees)
{
	struct observed o;
	observe_hello(&o);
	agrees(&o, false, true);
	observe_free(&o);
	observe_goroutines(&o, NULL);
	agrees(&o, false, true);
	observe_free(&o);
}

/* ---- a goroutine's first instruction --------------------------------------
 */

static void check_starts(struct observed *o)
{
	const struct arch_expect *x = want_arch_expect();
	uint64_t goexitret = o->goexit + x->pcquantum;
	char line[1024], evl[1024];
	size_t n = 0;
	for (size_t i = 0; i < o->res.nstops; i++) {
		const struct obs_stop *s = &o->res.stops[i];
		if (stop_step(o, s)->kind != STEP_GOROUTINE)
			continue;
		stop_line(o, s, line, sizeof line);
		const struct trace_line *np =
		    s->have_goid ? newproc_event(o, s->goid) : NULL;
		ev_line(np, evl, sizeof evl);
		OCHECK(o, np != NULL,
		       "no newproc event for the goroutine measured at\n  %s",
		       line);
		OCHECK(o,
		       s->pc == trace_u64(np, "newpc") &&
		           s->sp == trace_u64(np, "newsp"),
		       "expected goroutine %lld to start at newpc with SP = "
		       "newsp; measured\n  %s\nnewproc said\n  %s",
		       (long long)s->goid, line, evl);
		OCHECK(o,
		       s->have_stack && s->stack_lo == trace_u64(np, "newlo") &&
		           s->stack_hi == trace_u64(np, "newhi") &&
		           s->have_guard &&
		           s->stackguard0 == trace_u64(np, "newguard"),
		       "expected goroutine %lld's g to hold the stack and "
		       "stackguard0 newproc announced; measured\n  %s\nnewproc "
		       "said\n  %s",
		       (long long)s->goid, line, evl);
		const char *loc = trace_field(np, "newretloc");
		OCHECK(o,
		       s->have_ret && s->ret == goexitret &&
		           trace_u64(np, "newret") == goexitret && loc &&
		           strcmp(loc, x->retloc) == 0,
		       "expected goroutine %lld entered with return address "
		       "goexit + %u = 0x%llx in the %s (%s's ABI); measured\n  "
		       "%s\nnewproc said\n  %s",
		       (long long)s->goid, x->pcquantum,
		       (unsigned long long)goexitret,
		       strcmp(x->retloc, "lr") == 0 ? "link register"
		                                    : "word at SP",
		       x->goarch, line, evl);
		n++;
	}
	OCHECK(o, n > 0, "no goroutine was seen starting");
}

Test(newproc, newproc_observed_start)
{
	struct observed o;
	observe_hello(&o);
	check_starts(&o);
	observe_free(&o);
	observe_goroutines(&o, NULL);
	check_starts(&o);
	observe_free(&o);
	observe_goroutines(&o, "reuse");
	check_starts(&o);
	observe_free(&o);
}

/* ---- the real SP's alignment ------------------------------------------------
 */

static void check_alignment(struct observed *o, bool goroutine_starts)
{
	char line[1024];
	size_t n = 0;
	for (size_t i = 0; i < o->res.nstops; i++) {
		const struct obs_stop *s = &o->res.stops[i];
		enum step_kind k = stop_step(o, s)->kind;
		if ((k == STEP_GOROUTINE) != goroutine_starts ||
		    k == STEP_NOT_ENTERED)
			continue;
		unsigned align, rem;
		entry_sp_rule(k, &align, &rem);
		OCHECK(o, s->sp % align == rem,
		       "%s: expected SP %% %u == %u at %s's %s, measured SP "
		       "0x%llx:\n  %s",
		       want_arch(), align, rem, stop_symbol(o, s),
		       k == STEP_GOROUTINE ? "first instruction"
		       : k == STEP_PROCESS ? "entry (the process's)"
		                           : "entry",
		       (unsigned long long)s->sp,
		       stop_line(o, s, line, sizeof line));
		n++;
	}
	OCHECK(o, n > 0, "no stop to check");
}

Test(arch, arch_observed_sp_aligned)
{
	struct observed o;
	observe_hello(&o);
	check_alignment(&o, false);
	observe_free(&o);
	observe_goroutines(&o, NULL);
	check_alignment(&o, false);
	observe_free(&o);
}

Test(arch, arch_observed_goroutine_sp_aligned)
{
	struct observed o;
	observe_hello(&o);
	check_alignment(&o, true);
	observe_free(&o);
	observe_goroutines(&o, NULL);
	check_alignment(&o, true);
	observe_free(&o);
}

/* ---- the stacks as the kernel maps them -------------------------------------
 */

Test(stacks, stacks_observed_mapped)
{
	SKIP_IF_EXCEPTION("STACKS-OBSERVED-MAPPED");
	struct observed o;
	observe_goroutines(&o, NULL);
	size_t n = 0;
	char line[1024];
	for (size_t i = 0; i < o.res.nstops; i++) {
		const struct obs_stop *s = &o.res.stops[i];
		if (stop_step(&o, s)->kind != STEP_GOROUTINE)
			continue;
		const struct stop_maps *m = &o.maps[i];
		stop_line(&o, s, line, sizeof line);
		OCHECK(&o, m->checked, "/proc/<pid>/maps not read at\n  %s",
		       line);
		OCHECK(
		    &o, m->stack_rw && m->guard_none,
		    "expected goroutine %lld's stack [0x%llx, 0x%llx) mapped "
		    "rw and the page below it inaccessible: %s\n  %s",
		    (long long)s->goid, (unsigned long long)s->stack_lo,
		    (unsigned long long)s->stack_hi, m->detail, line);
		n++;
	}
	OCHECK(&o, n >= 7, "expected goroutines 1-4 and 3 workers, saw %zu", n);
	observe_free(&o);
}

/* ---- the trace's clock against the host's ------------------------------- */

static void clock_within(struct run *r)
{
	uint64_t lo = r->r.host_start_ns, hi = r->r.host_end_ns;
	for (size_t i = 0; i < r->t.nevents; i++) {
		uint64_t ns = trace_u64(r->t.events[i], "ns");
		CHECK(r, ns >= lo && ns <= hi,
		      "expected every ns= on the host's CLOCK_MONOTONIC, "
		      "between %llu (just before the probe started) and %llu "
		      "(just after it ended); event %zu (%s) says %llu",
		      (unsigned long long)lo, (unsigned long long)hi, i,
		      trace_field(r->t.events[i], "phase"),
		      (unsigned long long)ns);
	}
	CHECK(r, r->t.nevents > 0, "no events");
}

Test(args, args_nanotime_host_clock)
{
	struct run r;
	run_probe(&r, "hello", NULL, env_trace);
	CHECK_EXIT(&r, 0);
	clock_within(&r);
	run_free(&r);
	run_probe(&r, "goroutines", NULL, env_trace);
	CHECK_EXIT(&r, 0);
	clock_within(&r);
	run_free(&r);
}

/* ---- sizes against the probe's DWARF ------------------------------------ */

Test(arch, arch_sizes_match_dwarf)
{
	char path[4096], err[512];
	uint64_t size;
	/* The pointer size the trace header states, against the pointers
	 * hello's compiler laid out. */
	struct run r;
	run_probe(&r, "hello", NULL, env_trace);
	probe_path("hello", path, sizeof path);
	cr_assert(obs_dwarf_pointer_size(path, &size, err, sizeof err), "%s",
	          err);
	CHECK(&r, trace_header_u64(&r.t, "ptrsize") == size,
	      "expected header ptrsize=%llu (hello's DWARF), got %llu",
	      (unsigned long long)size,
	      (unsigned long long)trace_header_u64(&r.t, "ptrsize"));
	run_free(&r);
	/* The sizes the abi probe states, against its own DWARF. */
	static const struct {
		const char *fact, *dwarf;
	} types[] = {
	    {"abi.short.size", "short int"},
	    {"abi.int.size", "int"},
	    {"abi.long.size", "long int"},
	    {"abi.llong.size", "long long int"},
	    {"abi.size_t.size", "size_t"},
	    {"abi.float.size", "float"},
	    {"abi.double.size", "double"},
	    {"abi.ldouble.size", "long double"},
	};
	run_probe(&r, "abi", NULL, NULL);
	CHECK_EXIT(&r, 0);
	probe_path("abi", path, sizeof path);
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		cr_assert(obs_dwarf_type_size(path, types[i].dwarf, &size, err,
		                              sizeof err),
		          "%s", err);
		uint64_t said = trace_fact_u64(&r.t, types[i].fact);
		CHECK(&r, said == size,
		      "expected fact %s=%llu (the DWARF's %s), got %llu",
		      types[i].fact, (unsigned long long)size, types[i].dwarf,
		      (unsigned long long)said);
	}
	cr_assert(obs_dwarf_pointer_size(path, &size, err, sizeof err), "%s",
	          err);
	CHECK(&r, trace_fact_u64(&r.t, "abi.ptr.size") == size,
	      "expected fact abi.ptr.size=%llu (the DWARF's pointers)",
	      (unsigned long long)size);
	run_free(&r);
}

/* ---- the layouts Go's toolchain hard-codes ------------------------------ */

/* Each member's offset, in pointer-sized words, and its size, one pointer,
 * against hello's own DWARF: rt0's C types g and gobuf, Go's runtime.g and
 * runtime.gobuf. The word size is the host table's, not the probe's. */
static void check_layout(const char *rt0_type, const char *go_type,
                         const char *const *members, size_t n)
{
	char path[4096], err[512];
	probe_path("hello", path, sizeof path);
	const char *type = impl_is_go() ? go_type : rt0_type;
	uint64_t ptr = want_arch_expect()->ptrsize;
	for (size_t k = 0; k < n; k++) {
		struct obs_field f;
		cr_assert(obs_dwarf_member(path, type, members[k], &f, err,
		                           sizeof err),
		          "%s", err);
		cr_assert(f.offset == k * ptr && f.size == ptr,
		          "expected %s.%s at offset %llu, %llu bytes; hello's "
		          "DWARF has it at %u, %u bytes",
		          type, members[k], (unsigned long long)(k * ptr),
		          (unsigned long long)ptr, f.offset, f.size);
	}
}

Test(arch, arch_g_stack_layout)
{
	static const char *const members[] = {"stack.lo", "stack.hi",
	                                      "stackguard0", "stackguard1"};
	check_layout("g", "runtime.g", members,
	             sizeof members / sizeof members[0]);
}

Test(arch, arch_gobuf_layout)
{
	static const char *const members[] = {"sp", "pc", "g"};
	check_layout("gobuf", "runtime.gobuf", members,
	             sizeof members / sizeof members[0]);
}

/* ---- goids past many batches
 * ------------------------------------------------- */

Test(goid, goid_scale_unique_dense)
{
	/* 2000 goroutines made in a row on one P: goids 5 to 2004, 125 of
	 * the P's batches of 16. The probe checks each runs with the goid
	 * rt0_go returned; the trace must announce them consecutively; the
	 * observer reads each one's goid in g at its first instruction (all
	 * of them natively, the first 200 under qemu-user, whose stops cost
	 * milliseconds: still 12 batches). */
	const char *args[] = {"many", NULL};
	static const struct step steps[] = {
	    STEP("many_worker", NULL, STEP_GOROUTINE)};
	struct observed o;
	unsigned max_hits = probe_emulator() ? 200 : 0;
	observe_shared(&o, "scale", args, steps, 1, max_hits, 0);
	const char *bad = trace_fact(&o.t, "scale.many.goid.bad");
	OCHECK(&o, bad == NULL,
	       "expected each goroutine to run with the goid rt0_go "
	       "returned, consecutive; the probe found: %s",
	       bad);
	OCHECK(&o,
	       trace_fact_i64(&o.t, "scale.many.goid.first") == 5 &&
	           trace_fact_i64(&o.t, "scale.many.goid.last") == 2004,
	       "expected goids 5 to 2004");
	size_t n = 0;
	for (size_t i = 0; i < o.t.nevents; i++) {
		const struct trace_line *np = o.t.events[i];
		const char *p = trace_field(np, "phase");
		if (p == NULL || strcmp(p, "runtime.newproc") != 0)
			continue;
		n++;
		OCHECK(&o, trace_i64(np, "newg") == (int64_t)n,
		       "expected the trace to announce goroutine #%zu as goid "
		       "%zu, got %lld",
		       n, n, (long long)trace_i64(np, "newg"));
	}
	OCHECK(&o, n == 2004, "expected 2004 newproc events, got %zu", n);
	/* Each start: a goid announced once, started once, at newsp. */
	static bool started[2005];
	memset(started, 0, sizeof started);
	size_t starts = 0;
	char line[1024], evl[1024];
	for (size_t i = 0; i < o.res.nstops; i++) {
		const struct obs_stop *s = &o.res.stops[i];
		if (stop_step(&o, s)->kind != STEP_GOROUTINE)
			continue;
		stop_line(&o, s, line, sizeof line);
		OCHECK(&o, s->have_goid && s->goid >= 5 && s->goid <= 2004,
		       "expected a goid 5-2004 in g at a worker's first "
		       "instruction, measured\n  %s",
		       line);
		OCHECK(&o, !started[s->goid],
		       "two goroutines started with goid %lld; the second:\n  "
		       "%s",
		       (long long)s->goid, line);
		started[s->goid] = true;
		const struct trace_line *np = newproc_event(&o, s->goid);
		OCHECK(&o,
		       np && s->sp == trace_u64(np, "newsp") &&
		           s->stack_lo == trace_u64(np, "newlo"),
		       "expected goroutine %lld to start on the stack and SP "
		       "newproc announced for it; measured\n  %s\nnewproc "
		       "said\n  %s",
		       (long long)s->goid, line, ev_line(np, evl, sizeof evl));
		starts++;
	}
	OCHECK(&o, starts == (max_hits ? max_hits : 2000),
	       "expected %u goroutine starts observed, got %zu",
	       max_hits ? max_hits : 2000, starts);
	observe_free(&o);
}
