/* observe.c: see observe.h. */
#define _GNU_SOURCE
#include "observe.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt0obs/targets.h"

/* rt0's start-up as the observer sees it: each function, in the order of
 * Go's start-up, with the trace phase it records. Where the phase is
 * recorded inside the function (or, for main.main, right before the call),
 * nothing else of the list runs in between, so the order of the entries
 * and the order of the events must be the same. Goroutine entry functions
 * (STEP_GOROUTINE) are entered by gogo, not called. */
const struct step rt0_steps[] = {
    STEP("runtime_rt0_go", NULL, STEP_CALL),
    STEP("rt0_go_started", "runtime.rt0_go", STEP_CALL),
    STEP("check", "runtime.check", STEP_CALL),
    STEP("args", "runtime.args", STEP_CALL),
    STEP("osinit", "runtime.osinit", STEP_CALL),
    STEP("schedinit", "runtime.schedinit", STEP_CALL),
    STEP("stackinit", "runtime.stackinit", STEP_CALL),
    STEP("mallocinit", "runtime.mallocinit", STEP_CALL),
    STEP("cpuinit", "runtime.cpuinit", STEP_CALL),
    STEP("alginit", "runtime.alginit", STEP_CALL),
    STEP("fastrandinit", "runtime.fastrandinit", STEP_CALL),
    STEP("mcommoninit", "runtime.mcommoninit", STEP_CALL),
    STEP("goargs", "runtime.goargs", STEP_CALL),
    STEP("goenvs", "runtime.goenvs", STEP_CALL),
    STEP("parsedebugvars", "runtime.parsedebugvars", STEP_CALL),
    STEP("gcinit", "runtime.gcinit", STEP_CALL),
    STEP("procresize", "runtime.procresize", STEP_CALL),
    STEP("newproc", NULL, STEP_CALL),
    STEP("newproc1", "runtime.newproc", STEP_CALL),
    {"stackalloc", "runtime.stackalloc", STEP_CALL, true},
    STEP("mstart", NULL, STEP_CALL),
    STEP("mstart0", "runtime.mstart", STEP_CALL),
    STEP("runtime_main", "runtime.main", STEP_GOROUTINE),
    STEP("runtime_init", "runtime.init", STEP_CALL),
    STEP("gcenable", "runtime.gcenable", STEP_CALL),
    STEP("forcegchelper", "runtime.forcegchelper", STEP_GOROUTINE),
    STEP("bgsweep", "runtime.bgsweep", STEP_GOROUTINE),
    STEP("bgscavenge", "runtime.bgscavenge", STEP_GOROUTINE),
    STEP("main_main", "main.main", STEP_CALL),
    /* The C functions mcall runs on g0, and goexit1, which goexit calls:
     * calls from assembly into C. */
    STEP("schedule", NULL, STEP_CALL),
    STEP("park_m", NULL, STEP_CALL),
    STEP("gosched_m", NULL, STEP_CALL),
    STEP("goexit1", NULL, STEP_CALL),
    STEP("goexit0", NULL, STEP_CALL),
    STEP("exit_process", "runtime.exit", STEP_CALL),
};
const size_t rt0_nsteps = sizeof rt0_steps / sizeof rt0_steps[0];

static void fail_test(const char *msg)
{
	cr_assert_fail("%s", msg);
}

void entry_sp_rule(enum step_kind kind, unsigned *align, unsigned *rem)
{
	const struct arch_expect *x = want_arch_expect();
	*align = x->stackalign;
	*rem = 0;
	/* Where the call pushes the return address, the callee starts one
	 * word below the aligned SP of the call; the kernel (and libc's
	 * start-up, for main: an ordinary call) follow the same rule. */
	if (strcmp(x->retloc, "stack") == 0 && kind != STEP_NOT_ENTERED &&
	    !(kind == STEP_PROCESS && link_is("internal")))
		*rem = x->stackalign - x->ptrsize;
}

/* ---- /proc/<pid>/maps at a stop ----------------------------------------- */

struct mapping {
	uint64_t lo, hi;
	char perms[5];
};

static size_t read_maps(int pid, struct mapping *out, size_t cap)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/maps", pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return 0;
	size_t n = 0;
	char line[512];
	while (n < cap && fgets(line, sizeof line, f)) {
		unsigned long long lo, hi;
		char perms[5];
		if (sscanf(line, "%llx-%llx %4s", &lo, &hi, perms) == 3) {
			out[n].lo = lo;
			out[n].hi = hi;
			memcpy(out[n].perms, perms, sizeof perms);
			n++;
		}
	}
	fclose(f);
	return n;
}

/* Whether [lo, hi) is covered by mappings whose permissions start with
 * want ("rw", "---"); why says where it is not. */
static bool covered(const struct mapping *m, size_t n, uint64_t lo, uint64_t hi,
                    const char *want, char *why, size_t cap)
{
	uint64_t at = lo;
	while (at < hi) {
		size_t i = 0;
		while (i < n && !(m[i].lo <= at && at < m[i].hi))
			i++;
		if (i == n) {
			snprintf(why, cap, "0x%" PRIx64 " is not mapped", at);
			return false;
		}
		if (strncmp(m[i].perms, want, strlen(want)) != 0) {
			snprintf(why, cap,
			         "0x%" PRIx64 " lies in [0x%" PRIx64
			         ", 0x%" PRIx64 ") %s, expected %s",
			         at, m[i].lo, m[i].hi, m[i].perms, want);
			return false;
		}
		at = m[i].hi;
	}
	return true;
}

struct hook_ctx {
	struct observed *o;
	size_t cap;
	uint64_t pagesize;
};

/* At a goroutine's first instruction, natively: is its stack really
 * there, and its guard page really inaccessible? */
static void check_maps(void *arg, const struct obs_view *v)
{
	struct hook_ctx *h = arg;
	const struct obs_stop *st = obs_view_stop(v);
	int pid = obs_view_native_pid(v);
	if (st->seq >= h->cap || pid < 0 || !st->have_stack ||
	    h->o->steps == NULL)
		return;
	const struct step *step = NULL;
	for (size_t i = 0; i < h->o->nsteps; i++)
		if (strcmp(h->o->steps[i].symbol,
		           h->o->spec.symbols[st->symbol]) == 0)
			step = &h->o->steps[i];
	if (step == NULL || step->kind != STEP_GOROUTINE)
		return;
	static struct mapping maps[4096];
	size_t n = read_maps(pid, maps, 4096);
	struct stop_maps *r = &h->o->maps[st->seq];
	r->checked = true;
	char why[200] = "";
	r->stack_rw =
	    covered(maps, n, st->stack_lo, st->stack_hi, "rw", why, sizeof why);
	if (!r->stack_rw)
		snprintf(r->detail, sizeof r->detail, "stack: %s", why);
	r->guard_none = covered(maps, n, st->stack_lo - h->pagesize,
	                        st->stack_lo, "---", why, sizeof why);
	if (!r->guard_none)
		snprintf(r->detail + strlen(r->detail),
		         sizeof r->detail - strlen(r->detail), "%sguard: %s",
		         r->detail[0] ? "; " : "", why);
}

/* The correct runs of the scenarios here stop at most 2001 times (scale,
 * natively: one stop per goroutine); 5x that is a runtime gone wrong. Under
 * qemu's gdbstub a stop costs about a millisecond, so the limit is also
 * what a spinning runtime costs a test before it fails. */
#define OBSERVE_MAX_STOPS 10000

/* ---- the shared run ----------------------------------------------------- */

/* What is kept of a run for the other tests of the suite run: the
 * result's scalars, the stops, what the hook saw, and the probe's output. */
static bool save_observed(const char *path, const struct observed *o)
{
	char tmp[4200];
	FILE *f = shared_create(path, tmp, sizeof tmp);
	if (f == NULL)
		return false;
	struct obs_result flat = o->res;
	flat.stops = NULL;
	flat.present = NULL; /* not kept: every rt0 symbol must be present */
	flat.backend = NULL;
	bool ok = fwrite(&flat, sizeof flat, 1, f) == 1 &&
	          fwrite(o->res.stops, sizeof *o->res.stops, o->res.nstops,
	                 f) == o->res.nstops &&
	          fwrite(o->maps, sizeof *o->maps, o->res.nstops, f) ==
	              o->res.nstops &&
	          shared_write_result(f, &o->res.probe);
	return shared_finish(f, ok, tmp, path);
}

static bool load_observed(const char *path, struct observed *o)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return false;
	struct obs_result flat;
	bool ok = fread(&flat, sizeof flat, 1, f) == 1;
	struct obs_stop *stops =
	    ok ? calloc(flat.nstops + 1, sizeof *stops) : NULL;
	struct stop_maps *maps =
	    ok ? calloc(flat.nstops + 1, sizeof *maps) : NULL;
	ok = ok && stops && maps &&
	     fread(stops, sizeof *stops, flat.nstops, f) == flat.nstops &&
	     fread(maps, sizeof *maps, flat.nstops, f) == flat.nstops &&
	     shared_read_result(f, &flat.probe);
	fclose(f);
	if (!ok) {
		free(stops);
		free(maps);
		return false;
	}
	flat.stops = stops;
	flat.backend = probe_emulator() ? "gdbstub" : "ptrace";
	o->res = flat;
	free(o->maps);
	o->maps = maps;
	return true;
}

static void index_events(struct observed *o);

static uint64_t need_symbol(struct elf_info *elf, const char *name)
{
	uint64_t v;
	cr_assert(elf_symbol(elf, name, &v), "no symbol %s in the probe", name);
	return v;
}

void observe_shared(struct observed *o, const char *name,
                    const char *const *args, const struct step *steps,
                    size_t nsteps, unsigned max_hits, unsigned flags)
{
	memset(o, 0, sizeof *o);
	trace_set_fail_handler(fail_test);
	cr_assert_not_null(probe_dir(), "RT0_PROBE_DIR is not set");
	probe_path(name, o->path, sizeof o->path);
	o->steps = steps;
	o->nsteps = nsteps;
	cr_assert_lt(nsteps + 2, sizeof o->symbols / sizeof o->symbols[0]);
	/* The program's entry comes first, as an extra step of its own. */
	const struct arch_expect *x = want_arch_expect();
	o->symbols[0] = link_is("internal") ? x->entry_symbol : "main";
	for (size_t i = 0; i < nsteps; i++)
		o->symbols[i + 1] = steps[i].symbol;
	o->symbols[nsteps + 1] = NULL;

	const struct obs_impl *impl = obs_impl_find("rt0");
	cr_assert_not_null(impl);
	o->spec.arch = want_arch();
	o->spec.probe = o->path;
	o->spec.args = args;
	o->spec.env = env_trace;
	o->spec.qemu = probe_emulator();
	o->spec.sysroot = getenv("RT0_SYSROOT");
	o->spec.timeout_ms = (unsigned)(30000 * probe_timeout_scale());
	o->spec.max_hits = max_hits;
	o->spec.max_stops = OBSERVE_MAX_STOPS;
	char err[512];
	cr_assert(obs_spec_for_impl(impl, o->path, o->spec.arch, &o->spec, err,
	                            sizeof err),
	          "%s", err);
	o->spec.symbols = o->symbols;
	/* Every M starts in mstart, sysmon's too, which runtime.main starts:
	 * only m0's, the first, is a start-up step. Past it the breakpoint is
	 * gone, so no other thread stops (under qemu's gdbstub two stopped
	 * threads break the session: observer/README.md). */
	for (size_t i = 0; o->symbols[i]; i++)
		o->max_hits[i] = strcmp(o->symbols[i], "mstart") == 0 ||
		                         strcmp(o->symbols[i], "mstart0") == 0
		                     ? 1
		                     : 0;
	o->spec.max_hits_of = o->max_hits;

	char path[4096], key[64];
	snprintf(key, sizeof key, "observed:%u:%u", max_hits, flags);
	const char *keyargs[130];
	size_t k = 0;
	for (size_t i = 0; args && args[i] && k < 64; i++)
		keyargs[k++] = args[i];
	keyargs[k++] = "--steps--";
	for (size_t i = 0; o->symbols[i] && k < 129; i++)
		keyargs[k++] = o->symbols[i];
	keyargs[k] = NULL;
	bool shared =
	    shared_run_path(path, sizeof path, key, name, keyargs, env_trace);
	if (!shared || !load_observed(path, o)) {
		/* One stop_maps per stop: the hook fills those it can. */
		struct hook_ctx h = {o, o->spec.max_stops,
		                     (uint64_t)sysconf(_SC_PAGESIZE)};
		o->maps = calloc(h.cap, sizeof *o->maps);
		cr_assert_not_null(o->maps);
		o->spec.on_stop = flags & OBSERVE_MAPS ? check_maps : NULL;
		o->spec.on_stop_arg = &h;
		obs_run(&o->spec, &o->res);
		o->spec.on_stop = NULL;
		/* A failed run is kept too: the suite's other tests of it fail
		 * at once with its message instead of each running it again to
		 * its limit (minutes under qemu for a runtime that spins). */
		if (shared)
			save_observed(path, o);
	}
	cr_assert_eq(o->res.status, OBS_OK, "the observer: %s: %s\n  -- %s",
	             obs_status_name(o->res.status), o->res.error,
	             probe_why(&o->res.probe));
	cr_assert(!o->res.truncated, "the observer's stop limit was reached");
	cr_assert(trace_parse(o->res.probe.err, o->res.probe.err_len, &o->t),
	          "the probe's stderr breaks the trace grammar: %s",
	          o->t.error);

	struct elf_info elf;
	cr_assert(elf_open(o->path, &elf), "%s", elf.error);
	o->g0 = need_symbol(&elf, "g0") + o->res.load_bias;
	o->m0 = need_symbol(&elf, "m0") + o->res.load_bias;
	o->goexit = need_symbol(&elf, "goexit") + o->res.load_bias;
	elf_close(&elf);
	index_events(o);
}

void observe_free(struct observed *o)
{
	trace_free(&o->t);
	obs_result_free(&o->res);
	free(o->maps);
	free(o->stop_events);
	free(o->newproc_by_goid);
	o->maps = NULL;
	o->stop_events = o->newproc_by_goid = NULL;
}

/* The k-th stop at a step with phase P goes with the trace's k-th event
 * of phase P: one pass over the events per distinct phase. */
static void index_events(struct observed *o)
{
	o->stop_events = calloc(o->res.nstops + 1, sizeof *o->stop_events);
	const struct trace_line **of_phase =
	    calloc(o->t.nevents + 1, sizeof *of_phase);
	cr_assert(o->stop_events && of_phase);
	for (size_t k = 0; k < o->nsteps; k++) {
		const char *phase = o->steps[k].phase;
		bool done = false;
		for (size_t j = 0; phase && j < k; j++)
			done |= o->steps[j].phase &&
			        strcmp(o->steps[j].phase, phase) == 0;
		if (phase == NULL || done)
			continue;
		size_t n = 0;
		for (size_t i = 0; i < o->t.nevents; i++) {
			const char *p = trace_field(o->t.events[i], "phase");
			if (p && strcmp(p, phase) == 0)
				of_phase[n++] = o->t.events[i];
		}
		size_t nth = 0;
		for (size_t i = 0; i < o->res.nstops; i++) {
			const char *p = stop_step(o, &o->res.stops[i])->phase;
			if (p && strcmp(p, phase) == 0) {
				o->stop_events[i] =
				    nth < n ? of_phase[nth] : NULL;
				nth++;
			}
		}
	}
	free(of_phase);
	int64_t max = 0;
	for (size_t i = 0; i < o->t.nevents; i++) {
		const char *p = trace_field(o->t.events[i], "phase");
		if (p && strcmp(p, "runtime.newproc") == 0 &&
		    trace_i64(o->t.events[i], "newg") > max)
			max = trace_i64(o->t.events[i], "newg");
	}
	o->ngoids = (size_t)max + 1;
	o->newproc_by_goid = calloc(o->ngoids, sizeof *o->newproc_by_goid);
	cr_assert_not_null(o->newproc_by_goid);
	for (size_t i = 0; i < o->t.nevents; i++) {
		const char *p = trace_field(o->t.events[i], "phase");
		int64_t g;
		if (p && strcmp(p, "runtime.newproc") == 0 &&
		    (g = trace_i64(o->t.events[i], "newg")) >= 0 &&
		    o->newproc_by_goid[g] == NULL)
			o->newproc_by_goid[g] = o->t.events[i];
	}
}

/* ---- reading it ------------------------------------------------------------
 */

const char *stop_symbol(const struct observed *o, const struct obs_stop *s)
{
	return o->spec.symbols[s->symbol];
}

const struct step *stop_step(const struct observed *o, const struct obs_stop *s)
{
	static const struct step entry = STEP(NULL, NULL, STEP_PROCESS);
	if (s->symbol == 0)
		return &entry;
	return &o->steps[s->symbol - 1];
}

const struct obs_stop *next_stop_at(const struct observed *o,
                                    const char *symbol, size_t *from)
{
	for (size_t i = *from; i < o->res.nstops; i++)
		if (strcmp(stop_symbol(o, &o->res.stops[i]), symbol) == 0) {
			*from = i + 1;
			return &o->res.stops[i];
		}
	*from = o->res.nstops;
	return NULL;
}

const struct trace_line *stop_event(const struct observed *o,
                                    const struct obs_stop *s)
{
	return s->seq < o->res.nstops ? o->stop_events[s->seq] : NULL;
}

const struct trace_line *newproc_event(const struct observed *o, int64_t goid)
{
	return goid >= 0 && (size_t)goid < o->ngoids ? o->newproc_by_goid[goid]
	                                             : NULL;
}

const char *stop_line(const struct observed *o, const struct obs_stop *s,
                      char *buf, size_t cap)
{
	size_t n = obs_format_stop(&o->spec, s, buf, cap);
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return buf;
}
