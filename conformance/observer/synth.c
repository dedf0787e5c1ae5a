/* synth.c: see synth.h. */
#define _GNU_SOURCE
#include "rt0obs/synth.h"

#include <elf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obs_internal.h"
#include "rt0conf/elfinfo.h"

static bool is(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

void obs_synth_init(struct obs_synth *y, const struct obs_impl *impl,
                    const char *probe)
{
	memset(y, 0, sizeof *y);
	y->impl = impl;
	char err[256];
	/* A member the DWARF lacks stays unknown: its field is left out. */
	if (impl->m_type && impl->m_id)
		obs_dwarf_member(probe, impl->m_type, impl->m_id, &y->m_id, err,
		                 sizeof err);
	const char *arch = obs_arch_of_elf(probe, err, sizeof err);
	const struct obs_impl_g *g = impl->g;
	while (arch && g->goarch && strcmp(g->goarch, arch) != 0)
		g++;
	if (!arch || !g->goarch)
		return;
	if (impl->arg0_field)
		y->arg0_reg = g->arg0_reg;
	if (impl->return_phases) {
		y->ret_regs[0] = g->ret_regs[0];
		y->ret_regs[1] = g->ret_regs[1];
	}
	/* g.sched.pc is read at every stop (read_resume_pc), newg's at
	 * newg_at's. */
	bool have_pc = obs_dwarf_member(probe, impl->g_type, "sched.pc",
	                                &y->sched_pc, err, sizeof err);
	if (!impl->newg_at || !g->newg_reg)
		return;
	if (have_pc &&
	    obs_dwarf_member(probe, impl->g_type, "sched.sp", &y->sched_sp, err,
	                     sizeof err) &&
	    obs_dwarf_member(probe, impl->g_type, "sched.lr", &y->sched_lr, err,
	                     sizeof err))
		y->newg_reg = g->newg_reg;
}

/* symbol's entry in one of impl's arrays parallel to its symbols (NULL
 * when the array is NULL or the symbol is not impl's). */
static const char *column_of(const struct obs_impl *impl,
                             const char *const *column, const char *symbol)
{
	for (size_t i = 0; column && impl->symbols[i]; i++)
		if (strcmp(impl->symbols[i], symbol) == 0)
			return column[i];
	return NULL;
}

/* The event field impl gives symbol's first argument as, or NULL. */
static const char *arg0_field_of(const struct obs_impl *impl,
                                 const char *symbol)
{
	return column_of(impl, impl->arg0_field, symbol);
}

/* A field of the struct at base, or false. */
static bool read_field(const struct obs_view *v, uint64_t base,
                       const struct obs_field *f, uint64_t *out)
{
	unsigned char buf[8];
	if (!f->known || f->size == 0 || f->size > 8 ||
	    !obs_view_read(v, base + f->offset, buf, f->size))
		return false;
	*out = obs_arch_word(v->s->arch, buf, f->size);
	return true;
}

/* An argument of size bytes at a function's entry: in a register ("x1"),
 * or at SP + N ("sp+8") where the port passes arguments on the stack, in
 * a slot of its own size (an int32 is 4 bytes there, even big-endian). */
static bool read_arg(const struct obs_view *v, const char *where, size_t size,
                     uint64_t *out)
{
	if (strncmp(where, "sp+", 3) != 0)
		return obs_view_reg(v, where, out);
	unsigned char word[8];
	uint64_t at = obs_view_stop(v)->sp + strtoull(where + 3, NULL, 0);
	if (size > sizeof word || !obs_view_read(v, at, word, size))
		return false;
	*out = obs_arch_word(v->s->arch, word, size);
	return true;
}

/* At newg_at's entry: the goroutine newproc made, as it will start. */
static void read_newg(struct obs_synth *y, const struct obs_view *v,
                      struct obs_synth_stop *r)
{
	const struct obs_g_layout *L = &v->s->spec->layout;
	uint64_t g, goid, guard;
	if (!read_arg(v, y->newg_reg, v->s->arch->ptrsize, &g) || g == 0 ||
	    !read_field(v, g, &L->goid, &goid) ||
	    !read_field(v, g, &L->stack_lo, &r->newlo) ||
	    !read_field(v, g, &L->stack_hi, &r->newhi) ||
	    !read_field(v, g, &L->stackguard0, &guard) ||
	    !read_field(v, g, &y->sched_sp, &r->newsp) ||
	    !read_field(v, g, &y->sched_pc, &r->newpc) ||
	    !read_field(v, g, &y->sched_lr, &r->newlr))
		return;
	unsigned char word[8];
	size_t w = v->s->arch->ptrsize;
	if (!obs_view_read(v, r->newsp, word, w))
		return;
	r->word_at_sp = obs_arch_word(v->s->arch, word, w);
	r->newg = (int64_t)goid;
	r->newguard = guard;
	r->have_newg = true;
}

/* At a function's entry: the stopped goroutine's g.sched.pc, where it
 * last left off, to tell a morestack restart from a new call
 * (restarted_by_morestack). */
static void read_resume_pc(struct obs_synth *y, const struct obs_view *v,
                           struct obs_synth_stop *r)
{
	const struct obs_stop *st = obs_view_stop(v);
	r->have_schedpc = st->gread == OBS_GREAD_OK && st->g != 0 &&
	                  !st->inlined &&
	                  read_field(v, st->g, &y->sched_pc, &r->schedpc);
}

void obs_synth_hook(void *arg, const struct obs_view *v)
{
	/* First, so the time is as close to the stop as it can be. */
	uint64_t ns = obs_now_ns();
	struct obs_synth *y = arg;
	const struct obs_stop *st = obs_view_stop(v);
	if (st->seq >= y->cap) {
		size_t cap = y->cap ? 2 * y->cap : 64;
		while (cap <= st->seq)
			cap *= 2;
		struct obs_synth_stop *p = realloc(y->at, cap * sizeof *p);
		if (!p) {
			y->oom = true;
			return;
		}
		memset(p + y->cap, 0, (cap - y->cap) * sizeof *p);
		y->at = p;
		y->cap = cap;
	}
	struct obs_synth_stop *r = &y->at[st->seq];
	r->ns = ns;
	unsigned char buf[8];
	if (y->m_id.known && st->have_m && st->m != 0 && y->m_id.size <= 8 &&
	    obs_view_read(v, st->m + y->m_id.offset, buf, y->m_id.size)) {
		r->mid = (int64_t)obs_arch_word(v->s->arch, buf, y->m_id.size);
		r->have_mid = true;
	}
	const char *sym = v->s->spec->symbols[st->symbol];
	if (st->at_return) {
		/* A result, read where the caller finds it. */
		size_t w = v->s->arch->ptrsize;
		r->have_result =
		    y->ret_regs[0] && y->ret_regs[1] &&
		    read_arg(v, y->ret_regs[0], w, &r->result[0]) &&
		    read_arg(v, y->ret_regs[1], w, &r->result[1]);
		return;
	}
	if (y->newg_reg && is(sym, y->impl->newg_at))
		read_newg(y, v, r);
	read_resume_pc(y, v, r);
	uint64_t a, goid;
	const char *field = arg0_field_of(y->impl, sym);
	size_t size = strncmp(field ? field : "", "g:", 2) == 0
	                  ? v->s->arch->ptrsize
	                  : 4; /* the int32 fields */
	if (!y->arg0_reg || !field || !read_arg(v, y->arg0_reg, size, &a))
		return;
	if (strncmp(field, "g:", 2) == 0) {
		/* A g pointer: the goroutine's id, read through g's layout. */
		if (a != 0 &&
		    read_field(v, a, &v->s->spec->layout.goid, &goid)) {
			r->arg0 = (int64_t)goid;
			r->have_arg0 = true;
		}
		return;
	}
	/* An int32: the register's upper half is not part of it. */
	r->arg0 = (int32_t)(uint32_t)a;
	r->have_arg0 = true;
}

void obs_synth_free(struct obs_synth *y)
{
	free(y->at);
	y->at = NULL;
	y->cap = 0;
}

struct out {
	char *buf;
	size_t len, cap;
	bool oom;
};

static void put(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = o->oom ? 0
		               : vsnprintf(o->buf + o->len, o->cap - o->len,
		                           fmt, ap);
		va_end(ap);
		if (o->oom || n < 0)
			return;
		if ((size_t)n < o->cap - o->len) {
			o->len += (size_t)n;
			return;
		}
		size_t cap = 2 * o->cap + (size_t)n;
		char *p = realloc(o->buf, cap);
		if (!p) {
			o->oom = true;
			return;
		}
		o->buf = p;
		o->cap = cap;
	}
}

static const char *symbol_of(const struct obs_spec *spec,
                             const struct obs_stop *st)
{
	return spec->symbols[st->symbol];
}

/* The header: only what the ELF file and the stops say. */
static void header(struct out *o, const struct obs_synth *y,
                   const struct obs_spec *spec, const struct obs_result *res,
                   const char *entry_symbol)
{
	char err[256];
	const char *arch = obs_arch_of_elf(spec->probe, err, sizeof err);
	struct elf_info elf;
	bool have_elf = elf_open(spec->probe, &elf);
	put(o, "rt0 trace v=1 src=obs");
	if (arch)
		put(o, " arch=%s", arch);
	if (have_elf)
		put(o, " link=%s ptrsize=%d",
		    elf_is_static(&elf) ? "internal" : "external",
		    elf.elfclass == ELFCLASS64 ? 8 : 4);
	/* g0's bounds as g0 holds them, at the first stop where g0 is
	 * readable. */
	for (size_t i = 0; i < res->nstops; i++) {
		const struct obs_stop *st = &res->stops[i];
		if (is(symbol_of(spec, st), y->impl->rt0_go_at)) {
			if (st->have_stack)
				put(o, " g0stack=%" PRIu64,
				    st->stack_hi - st->stack_lo);
			break;
		}
	}
	if (res->pagesize)
		put(o, " pagesize=%" PRIu64, res->pagesize);
	for (size_t i = 0; entry_symbol && i < res->nstops; i++)
		if (is(symbol_of(spec, &res->stops[i]), entry_symbol)) {
			put(o, " entrysp=0x%" PRIx64, res->stops[i].sp);
			break;
		}
	uint64_t goexit;
	if (have_elf && y->impl->goexit &&
	    obs_symbol_sized(&elf, y->impl->goexit, &goexit, NULL))
		put(o, " goexit=0x%" PRIx64, goexit + res->load_bias);
	elf_close(&elf);
	/* runtime.main is entered by gogo, not called: the return address
	 * it finds is the one newproc gave goroutine 1 (goexit +
	 * PCQuantum), measured at its first instruction. */
	for (size_t i = 0; i < res->nstops; i++) {
		const struct obs_stop *st = &res->stops[i];
		if (is(obs_impl_phase(y->impl, symbol_of(spec, st)),
		       "runtime.main")) {
			if (st->have_ret)
				put(o, " goexitret=0x%" PRIx64, st->ret);
			break;
		}
	}
	if (y->impl->preempt_at)
		put(o, " mainpreempts=%u",
		    obs_synth_preempted(y, spec, res, 1));
	/* Watching stopped there (obs_spec.release_after): no event after
	 * it is missing because the program skipped it. */
	if (res->released)
		put(o, " until=%s",
		    obs_impl_phase(y->impl, spec->release_after)
		        ? obs_impl_phase(y->impl, spec->release_after)
		        : spec->release_after);
	put(o, "\n");
}

/* The caller impl requires of symbol's event, or NULL: any. */
static const char *caller_of(const struct obs_impl *impl, const char *symbol)
{
	return column_of(impl, impl->callers, symbol);
}

/* Whether the stop's return address lies in function caller (ELF values
 * plus the load bias): measured, not assumed. At an inlined call, which
 * has none, its code itself must lie in the caller. */
static bool called_from(const char *probe, const struct obs_result *res,
                        const struct obs_stop *st, const char *caller)
{
	struct elf_info elf;
	memset(&elf, 0, sizeof elf);
	uint64_t at = 0, size = 0;
	bool ok = (st->have_ret || st->inlined) && elf_open(probe, &elf) &&
	          obs_symbol_sized(&elf, caller, &at, &size);
	elf_close(&elf);
	at += res->load_bias;
	if (st->inlined)
		return ok && st->pc >= at && st->pc < at + size;
	return ok && st->ret > at && st->ret <= at + size;
}

/* An event's line up to its stack: where, on which g and M, at which SP;
 * returns what the hook recorded at the stop (NULL: nothing). */
static const struct obs_synth_stop *event_head(struct out *o,
                                               const struct obs_synth *y,
                                               const struct obs_stop *st,
                                               const char *phase, size_t seq)
{
	put(o, "rt0 ev seq=%zu phase=%s src=obs", seq, phase);
	if (st->have_goid)
		/* Go's g0s, rt0's too, have goid 0. */
		put(o, " goid=%" PRId64 " g0=%d", st->goid, st->goid == 0);
	const struct obs_synth_stop *r =
	    st->seq < y->cap ? &y->at[st->seq] : NULL;
	if (r && r->have_mid)
		put(o, " m=%" PRId64, r->mid);
	put(o, " sp=0x%" PRIx64, st->sp);
	if (st->have_stack)
		put(o, " lo=0x%" PRIx64 " hi=0x%" PRIx64, st->stack_lo,
		    st->stack_hi);
	return r;
}

static void event(struct out *o, const struct obs_synth *y,
                  const struct obs_stop *st, const char *phase, size_t seq,
                  bool guards, const struct obs_synth_stop *made,
                  const char *arg0_field)
{
	const struct obs_synth_stop *r = event_head(o, y, st, phase, seq);
	if (guards && st->have_guard && st->have_guard1)
		put(o, " guard0=0x%" PRIx64 " guard1=0x%" PRIx64,
		    st->stackguard0, st->stackguard1);
	if (arg0_field && r && r->have_arg0)
		put(o, " %s=%" PRId64,
		    strncmp(arg0_field, "g:", 2) == 0 ? arg0_field + 2
		                                      : arg0_field,
		    r->arg0);
	if (made) {
		put(o,
		    " newg=%" PRId64 " newlo=0x%" PRIx64 " newhi=0x%" PRIx64
		    " newsp=0x%" PRIx64 " newpc=0x%" PRIx64
		    " newguard=0x%" PRIx64,
		    made->newg, made->newlo, made->newhi, made->newsp,
		    made->newpc, made->newguard);
		/* gostartcall puts the return address in sched.lr on
		 * link-register arches and pushes it at sched.sp on the
		 * others, leaving sched.lr 0 (go1.19 sys_x86.go:13-22,
		 * sys_arm64.go:11-18). */
		if (made->newlr)
			put(o, " newret=0x%" PRIx64 " newretloc=lr",
			    made->newlr);
		else
			put(o, " newret=0x%" PRIx64 " newretloc=stack",
			    made->word_at_sp);
	}
	if (r && r->ns)
		put(o, " ns=%" PRIu64, r->ns);
	put(o, "\n");
}

/* The goroutine the newproc call stopped at stop i made: read at the next
 * stop of the same thread at newg_at called from where the impl says,
 * before that thread's next newproc. *restarted when that next newproc is
 * the same call entered again: same goroutine, SP and return address, and
 * nothing made in between (Go's prologue calls morestack when it finds
 * the goroutine preempted, and the function starts again from its entry:
 * go1.19 runtime/asm_amd64.s morestack, stack.go newstack). */
static const struct obs_synth_stop *made_by(const struct obs_synth *y,
                                            const struct obs_spec *spec,
                                            const struct obs_result *res,
                                            size_t i, bool *restarted)
{
	const struct obs_stop *np = &res->stops[i];
	*restarted = false;
	for (size_t j = i + 1; y->impl->newg_at && j < res->nstops; j++) {
		const struct obs_stop *st = &res->stops[j];
		const char *sym = symbol_of(spec, st);
		if (st->tid != np->tid)
			continue;
		if (is(sym, symbol_of(spec, np))) {
			*restarted = st->g == np->g && st->sp == np->sp &&
			             st->have_ret && np->have_ret &&
			             st->ret == np->ret;
			return NULL;
		}
		const char *caller = caller_of(y->impl, sym);
		if (is(sym, y->impl->newg_at) && st->seq < y->cap &&
		    y->at[st->seq].have_newg &&
		    (!caller || called_from(spec->probe, res, st, caller)))
			return &y->at[st->seq];
	}
	return NULL;
}

/* The trace phase of a return from symbol, or NULL. */
static const char *return_phase_of(const struct obs_impl *impl,
                                   const char *symbol)
{
	return column_of(impl, impl->return_phases, symbol);
}

/* The preemptions that can change which goroutine runs first: those
 * until gcenable returned, when every start-up goroutine has run and
 * parked (runtime.gcenable.done), or until main.main when that return is
 * not watched. */
unsigned obs_synth_preempted(const struct obs_synth *y,
                             const struct obs_spec *spec,
                             const struct obs_result *res, int64_t goid)
{
	unsigned n = 0;
	/* Only once it has made a goroutine: preempted before, it is the one
	 * goroutine the queue holds and runs on at once (Go's sysmon takes
	 * its first look at the P's schedtick 0, which runtime.main's first
	 * run inherits, and preempts it then: go1.19 proc.go:5315-5320). */
	bool others = false;
	for (size_t i = 0; y->impl->preempt_at && i < res->nstops; i++) {
		const struct obs_stop *st = &res->stops[i];
		const char *sym = symbol_of(spec, st);
		if (is(obs_impl_phase(y->impl, sym), "main.main") ||
		    (st->at_return && is(return_phase_of(y->impl, sym),
		                         "runtime.gcenable.done")))
			break;
		others |= !st->at_return &&
		          is(obs_impl_phase(y->impl, sym), "runtime.newproc") &&
		          st->have_goid && st->goid == goid;
		const struct obs_synth_stop *r =
		    st->seq < y->cap ? &y->at[st->seq] : NULL;
		n += others && !st->at_return && is(sym, y->impl->preempt_at) &&
		     r && r->have_arg0 && r->arg0 == goid;
	}
	return n;
}

/* The event of a return stop: where gcenable returned, its end; where
 * stackalloc returned, the stack it handed out (size: the argument its
 * entry was called with, read there; the bounds: its result). */
static void return_event(struct out *o, const struct obs_synth *y,
                         const struct obs_stop *st, const char *phase,
                         size_t seq)
{
	const struct obs_synth_stop *r =
	    st->seq < y->cap ? &y->at[st->seq] : NULL;
	const struct obs_synth_stop *entry =
	    st->entry_seq < y->cap ? &y->at[st->entry_seq] : NULL;
	if (!is(phase, "runtime.stackalloc")) {
		event(o, y, st, phase, seq, false, NULL, NULL);
		return;
	}
	event_head(o, y, st, phase, seq);
	if (entry && entry->have_arg0)
		put(o, " size=%" PRIu64, (uint64_t)(uint32_t)entry->arg0);
	if (r && r->have_result)
		put(o, " stacklo=0x%" PRIx64 " stackhi=0x%" PRIx64,
		    r->result[0], r->result[1]);
	if (r && r->ns)
		put(o, " ns=%" PRIu64, r->ns);
	put(o, "\n");
}

/* An entry whose call never returned while the same g entered the same
 * function again later: Go's prologue called morestack, which moved the
 * stack and restarted the function from its entry (go1.19 stack.go
 * newstack), so the two entries are one call. Only for functions whose
 * returns are watched (stop_at_return), where a return names its entry. */
static bool never_returned(const struct obs_spec *spec,
                           const struct obs_result *res, size_t i)
{
	const struct obs_stop *e = &res->stops[i];
	bool again = false;
	for (size_t j = i + 1; j < res->nstops; j++) {
		const struct obs_stop *st = &res->stops[j];
		if (st->at_return && st->entry_seq == e->seq)
			return false;
		again |= !st->at_return && st->symbol == e->symbol &&
		         st->g == e->g &&
		         is(symbol_of(spec, st), symbol_of(spec, e));
	}
	return again;
}

/* Whether addr (a run-time address) lies in function fn. */
static bool in_function(const char *probe, const struct obs_result *res,
                        uint64_t addr, const char *fn)
{
	struct elf_info elf;
	memset(&elf, 0, sizeof elf);
	uint64_t at = 0, size = 0;
	bool ok =
	    elf_open(probe, &elf) && obs_symbol_sized(&elf, fn, &at, &size);
	elf_close(&elf);
	at += res->load_bias;
	return ok && addr >= at && addr < at + size;
}

/* The rt0trace level symbol is watched from (1 when impl has no levels). */
static unsigned level_of(const struct obs_impl *impl, const char *symbol)
{
	for (size_t i = 0; impl->level && impl->symbols[i]; i++)
		if (strcmp(impl->symbols[i], symbol) == 0)
			return impl->level[i];
	return 1;
}

/* Entry i is one call with a later entry of the same function by the same
 * goroutine (same g, goid and return address, nothing of that goroutine
 * stopped at in between) when either
 * - g.sched.pc there lies in the function itself: only morestack leaves a
 *   goroutine's saved PC in the function that called it (go1.19
 *   asm_amd64.s morestack: f's PC into g.sched), and once newstack has
 *   grown the stack or let the preempted goroutine go, gogo resumes there
 *   and the prologue jumps back to the function's entry (go1.19 stack.go
 *   newstack); or
 * - the SP is the same too, on a goroutine's own stack (not g0's), for a
 *   start-up step (level 1, newproc aside): a signal (Go's preemption
 *   request, SIGURG) taken while the observer stepped over the entry's
 *   breakpoint runs its handler first and returns to the entry, which
 *   stops again; measured on go1.23 external, bgscavenge's entry 9 times
 *   at one SP. A start-up step runs once per goroutine; what repeats from
 *   the same place (the scheduler's execute on g0, gopark, newproc in a
 *   loop, go1.23's doInit1 for each package) is left out.
 * The call's event is its last entry's, as for newproc. */
static bool same_call_again(const struct obs_synth *y,
                            const struct obs_spec *spec,
                            const struct obs_result *res, size_t i)
{
	const struct obs_stop *e = &res->stops[i];
	if (e->at_return || !e->have_goid || !e->have_ret)
		return false;
	for (size_t j = i + 1; j < res->nstops; j++) {
		const struct obs_stop *st = &res->stops[j];
		if (!st->have_goid || st->goid != e->goid || st->g != e->g)
			continue;
		const struct obs_synth_stop *r =
		    st->seq < y->cap ? &y->at[st->seq] : NULL;
		const char *sym = symbol_of(spec, st);
		if (st->at_return || st->symbol != e->symbol || !st->have_ret ||
		    st->ret != e->ret)
			return false;
		bool by_morestack =
		    r && r->have_schedpc &&
		    in_function(spec->probe, res, r->schedpc, sym);
		bool by_signal =
		    st->sp == e->sp && e->goid != 0 &&
		    level_of(y->impl, sym) <= 1 &&
		    !is(obs_impl_phase(y->impl, sym), "runtime.newproc") &&
		    !is(obs_impl_phase(y->impl, sym), "runtime.doInit");
		return by_morestack || by_signal;
	}
	return false;
}

char *obs_synth_trace(const struct obs_synth *y, const struct obs_spec *spec,
                      const struct obs_result *res, const char *entry_symbol,
                      size_t *len)
{
	struct out o = {0};
	o.cap = 4096;
	o.buf = malloc(o.cap);
	o.oom = o.buf == NULL || y->oom;
	header(&o, y, spec, res, entry_symbol);
	size_t seq = 0;
	bool rt0_go_done = false, init_done = false;
	for (size_t i = 0; i < res->nstops; i++) {
		const struct obs_stop *st = &res->stops[i];
		const char *sym = symbol_of(spec, st);
		if (st->at_return) {
			const char *rp = return_phase_of(y->impl, sym);
			if (rp)
				return_event(&o, y, st, rp, seq++);
			continue;
		}
		/* rt0 records runtime.rt0_go once g0 and TLS are set up: the
		 * state at the first stop where g0 is readable. */
		if (!rt0_go_done && is(sym, y->impl->rt0_go_at)) {
			event(&o, y, st, "runtime.rt0_go", seq++, true, NULL,
			      NULL);
			rt0_go_done = true;
		}
		const char *phase = obs_impl_phase(y->impl, sym);
		const char *caller = caller_of(y->impl, sym);
		if (caller && !called_from(spec->probe, res, st, caller))
			phase = NULL;
		bool first_init =
		    is(sym, y->impl->runtime_init_at) && !init_done;
		if (first_init)
			phase = "runtime.init";
		const struct obs_synth_stop *made = NULL;
		bool restarted = false;
		if (is(phase, "runtime.newproc"))
			made = made_by(y, spec, res, i, &restarted);
		if (return_phase_of(y->impl, sym))
			restarted = never_returned(spec, res, i);
		if (phase && !restarted)
			restarted = same_call_again(y, spec, res, i);
		init_done |= first_init && !restarted; /* else its last entry */
		if (phase && !restarted)
			event(&o, y, st, phase, seq++, false, made,
			      arg0_field_of(y->impl, sym));
	}
	if (o.oom) {
		free(o.buf);
		return NULL;
	}
	*len = o.len;
	return o.buf;
}
