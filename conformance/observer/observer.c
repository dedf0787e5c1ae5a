/* observer.c: obs_run's checks and set-up, what both backends share (a
 * stop's reading, the child's set-up, reaping), and the `rt0 obs` lines. */
#define _GNU_SOURCE
#include "obs_internal.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rt0conf/elfinfo.h"

uint64_t obs_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

enum obs_status obs_fail(struct obs_session *s, enum obs_status st,
                         const char *fmt, ...)
{
	/* The first failure is the cause; later ones are its consequences. */
	if (s->res->status != OBS_OK)
		return s->res->status;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->res->error, sizeof s->res->error, fmt, ap);
	va_end(ap);
	s->res->status = st;
	return st;
}

const char *obs_status_name(enum obs_status st)
{
	switch (st) {
	case OBS_OK:
		return "ok";
	case OBS_EBADSPEC:
		return "bad-input";
	case OBS_ESETUP:
		return "cannot-start";
	case OBS_ECRASH:
		return "probe-crashed";
	case OBS_ETIMEOUT:
		return "timeout";
	case OBS_ETRACER:
		return "tracer-failed";
	}
	return "?";
}

/* ---- reading a stop ---------------------------------------------------- */

enum obs_status obs_resolve_regs(struct obs_session *s,
                                 const struct obs_target_ops *ops, void *ctx)
{
	const struct obs_arch *a = s->arch;
	s->reg_pc = ops->reg_lookup(ctx, a->pc_reg);
	s->reg_sp = ops->reg_lookup(ctx, a->sp_reg);
	s->reg_tp = ops->reg_lookup(ctx, a->tp_reg);
	s->reg_ret = a->ret_reg ? ops->reg_lookup(ctx, a->ret_reg) : -1;
	s->reg_tp_low =
	    a->tp_reg_low ? ops->reg_lookup(ctx, a->tp_reg_low) : -1;
	s->reg_g = -1;
	if (s->reg_pc < 0 || s->reg_sp < 0)
		return obs_fail(s, OBS_ETRACER,
		                "the target has no register %s or %s (%s)",
		                a->pc_reg, a->sp_reg, a->goarch);
	if (s->spec->g.kind == OBS_G_TP &&
	    (s->reg_tp < 0 || (a->tp_reg_low && s->reg_tp_low < 0)))
		return obs_fail(s, OBS_ETRACER,
		                "g is at the thread pointer, but the target "
		                "does not show %s%s%s (%s)",
		                a->tp_reg, a->tp_reg_low ? " and " : "",
		                a->tp_reg_low ? a->tp_reg_low : "", a->goarch);
	if (s->spec->g.kind == OBS_G_REGISTER) {
		const char *name = obs_arch_reg_name(a, s->spec->g.reg);
		s->reg_g = ops->reg_lookup(ctx, name);
		if (s->reg_g < 0)
			return obs_fail(s, OBS_EBADSPEC,
			                "g's register %s is not a register of "
			                "%s",
			                s->spec->g.reg, a->goarch);
	}
	return OBS_OK;
}

void obs_apply_bias(struct obs_session *s, uint64_t at_entry)
{
	uint64_t bias = at_entry - s->elf_entry;
	s->res->load_bias = bias;
	for (size_t i = 0; i < s->nbps; i++)
		s->bps[i].addr += bias;
}

struct obs_bp *obs_bp_at(struct obs_session *s, uint64_t addr)
{
	struct obs_bp *any = NULL;
	for (size_t i = 0; i < s->nbps; i++)
		if (s->bps[i].addr == addr) {
			if (s->bps[i].armed)
				return &s->bps[i];
			any = any ? any : &s->bps[i];
		}
	return any;
}

bool obs_auxv_entry(struct obs_session *s, const unsigned char *auxv,
                    size_t len, uint64_t *entry)
{
	size_t w = s->arch->ptrsize;
	bool found = false;
	for (size_t o = 0; o + 2 * w <= len; o += 2 * w) {
		uint64_t type = obs_arch_word(s->arch, auxv + o, w);
		if (type == AT_NULL)
			break;
		if (type == AT_ENTRY) {
			*entry = obs_arch_word(s->arch, auxv + o + w, w);
			found = true;
		} else if (type == AT_PAGESZ) {
			s->res->pagesize =
			    obs_arch_word(s->arch, auxv + o + w, w);
		}
	}
	return found;
}

/* g's fields in one memory read: the span from the lowest to the end of
 * the highest field asked for. */
static void read_g_fields(struct obs_session *s,
                          const struct obs_target_ops *ops, void *ctx,
                          struct obs_stop *st)
{
	const struct obs_g_layout *L = &s->spec->layout;
	const struct obs_field *want[6] = {
	    &L->goid,        &L->stack_lo,
	    &L->stack_hi,    s->spec->read_m ? &L->m : NULL,
	    &L->stackguard0, &L->stackguard1};
	uint32_t lo = UINT32_MAX, hi = 0;
	for (int i = 0; i < 6; i++) {
		if (!want[i] || !want[i]->known)
			continue;
		if (want[i]->offset < lo)
			lo = want[i]->offset;
		if (want[i]->offset + want[i]->size > hi)
			hi = want[i]->offset + want[i]->size;
	}
	if (hi == 0)
		return;
	unsigned char buf[4096];
	if (hi - lo > sizeof buf ||
	    !ops->mem_read(ctx, st->g + lo, buf, hi - lo)) {
		st->gread = OBS_GREAD_BAD_G;
		return;
	}
#define FIELD(f) obs_arch_word(s->arch, buf + (f).offset - lo, (f).size)
	if (L->goid.known) {
		uint64_t v = FIELD(L->goid);
		/* Sign-extend: goid is a signed integer in rt0 and Go. */
		if (L->goid.size < 8 && (v >> (8 * L->goid.size - 1)) & 1)
			v |= ~(uint64_t)0 << (8 * L->goid.size);
		st->goid = (int64_t)v;
		st->have_goid = true;
	}
	if (L->stack_lo.known && L->stack_hi.known) {
		st->stack_lo = FIELD(L->stack_lo);
		st->stack_hi = FIELD(L->stack_hi);
		st->have_stack = true;
		st->sp_in_stack =
		    st->stack_lo <= st->sp && st->sp <= st->stack_hi;
	}
	if (s->spec->read_m && L->m.known) {
		st->m = FIELD(L->m);
		st->have_m = true;
	}
	if (L->stackguard0.known) {
		st->stackguard0 = FIELD(L->stackguard0);
		st->have_guard = true;
	}
	if (L->stackguard1.known) {
		st->stackguard1 = FIELD(L->stackguard1);
		st->have_guard1 = true;
	}
#undef FIELD
}

static void read_g(struct obs_session *s, const struct obs_target_ops *ops,
                   void *ctx, struct obs_stop *st)
{
	const struct obs_g_where *w = &s->spec->g;
	unsigned char word[8];
	switch (w->kind) {
	case OBS_G_NONE:
		st->gread = OBS_GREAD_NOT_ASKED;
		return;
	case OBS_G_REGISTER:
		if (!ops->reg_read(ctx, s->reg_g, &st->g)) {
			st->gread = OBS_GREAD_NO_REGISTER;
			return;
		}
		break;
	case OBS_G_TP:
		/* Before the runtime sets it up, the thread pointer is 0:
		 * then there is no slot to read, whatever tp + offset is. */
		if (!st->have_tp || st->tp == 0 ||
		    !ops->mem_read(ctx, st->tp + (uint64_t)w->tp_offset, word,
		                   s->arch->ptrsize)) {
			st->gread = OBS_GREAD_NO_SLOT;
			return;
		}
		st->g = obs_arch_word(s->arch, word, s->arch->ptrsize);
		break;
	}
	st->gread = OBS_GREAD_OK;
	if (st->g != 0)
		read_g_fields(s, ops, ctx, st);
}

/* At a function's entry the return address is in the link register, or
 * (amd64) the word the call pushed at SP. */
static void read_return_address(struct obs_session *s,
                                const struct obs_target_ops *ops, void *ctx,
                                struct obs_stop *st)
{
	if (s->reg_ret >= 0) {
		st->have_ret = ops->reg_read(ctx, s->reg_ret, &st->ret);
		return;
	}
	unsigned char word[8];
	if (!s->arch->ret_reg &&
	    ops->mem_read(ctx, st->sp, word, s->arch->ptrsize)) {
		st->ret = obs_arch_word(s->arch, word, s->arch->ptrsize);
		st->have_ret = true;
	}
}

const struct obs_stop *obs_view_stop(const struct obs_view *v)
{
	return v->stop;
}

int obs_view_native_pid(const struct obs_view *v)
{
	return v->s->native_pid;
}

bool obs_view_read(const struct obs_view *v, uint64_t addr, void *buf, size_t n)
{
	return v->ops->mem_read(v->ctx, addr, buf, n);
}

bool obs_view_reg(const struct obs_view *v, const char *name, uint64_t *value)
{
	int id =
	    v->ops->reg_lookup(v->ctx, obs_arch_reg_name(v->s->arch, name));
	return id >= 0 && v->ops->reg_read(v->ctx, id, value);
}

/* A return breakpoint for the call stopped at st: where it returns to,
 * with its g, and the SP after the return (the return address popped
 * where the call pushed it). A slot whose return came is reused. Without
 * a return address, a free slot, or with a breakpoint armed there
 * already (the same call site, not yet returned), the return is not
 * watched: the stop at it is missing, which the hook's user sees. */
static void want_return(struct obs_session *s, const struct obs_stop *st)
{
	/* Unless g is not read at all: then g is 0 at both ends. */
	if (!st->have_ret ||
	    (st->gread != OBS_GREAD_OK && st->gread != OBS_GREAD_NOT_ASKED))
		return;
	/* The caller's SP once the call returned: the return address
	 * popped where the call pushed it. */
	uint64_t sp_after = st->sp + (s->arch->ret_reg ? 0 : s->arch->ptrsize);
	uint64_t ret = s->arch->thumb_bit ? st->ret & ~(uint64_t)1 : st->ret;
	uint64_t hi = st->have_stack && st->sp_in_stack ? st->stack_hi : 0;
	struct obs_bp *slot = NULL;
	for (size_t i = 0; i < s->nbps; i++) {
		struct obs_bp *b = &s->bps[i];
		if (b->armed && b->addr == ret && b->is_return &&
		    b->want_g == st->g) {
			/* The same g entered again before the earlier call
			 * returned to the same place: Go's prologue restarts a
			 * function after morestack grew (moved) its stack, so
			 * the earlier entry never returns. The later one is
			 * the call that will. */
			b->want_sp = sp_after;
			b->want_hi = hi;
			b->entry_seq = st->seq;
			return;
		}
		if (b->armed && b->addr == ret)
			return;
		if (!slot && b->is_return && !b->armed)
			slot = b;
	}
	if (!slot && s->nbps < s->bps_cap)
		slot = &s->bps[s->nbps++];
	if (!slot)
		return;
	*slot = (struct obs_bp){.addr = ret,
	                        .symbol = st->symbol,
	                        .armed = true,
	                        .is_return = true,
	                        .pending = true,
	                        .want_g = st->g,
	                        .want_sp = sp_after,
	                        .want_hi = hi,
	                        .entry_seq = st->seq};
}

bool obs_record_stop(struct obs_session *s, const struct obs_target_ops *ops,
                     void *ctx, struct obs_bp *bp, int64_t tid)
{
	struct obs_result *r = s->res;
	if (r->nstops == s->stops_cap) {
		size_t cap = s->stops_cap ? 2 * s->stops_cap : 32;
		struct obs_stop *p = realloc(r->stops, cap * sizeof *p);
		if (!p) {
			obs_fail(s, OBS_ETRACER, "out of memory");
			return false;
		}
		r->stops = p;
		s->stops_cap = cap;
	}
	struct obs_stop *st = &r->stops[r->nstops];
	memset(st, 0, sizeof *st);
	st->seq = (uint32_t)r->nstops;
	st->symbol = bp->symbol;
	st->tid = tid;
	/* The function's address, as calls through pointers and the trace
	 * name it (on ppc64le the breakpoint sits at the local entry). */
	st->pc = bp->addr - bp->entry_offset;
	ops->reg_read(ctx, s->reg_sp, &st->sp);
	st->have_tp = s->reg_tp >= 0 && ops->reg_read(ctx, s->reg_tp, &st->tp);
	st->inlined = bp->inlined;
	if (!bp->inlined)
		read_return_address(s, ops, ctx, st);
	if (st->have_tp && s->arch->tp_reg_low) {
		uint64_t low;
		st->have_tp = s->reg_tp_low >= 0 &&
		              ops->reg_read(ctx, s->reg_tp_low, &low);
		st->tp = st->tp << 32 | (low & 0xffffffffu);
	}
	read_g(s, ops, ctx, st);
	if (bp->is_return) {
		/* Another call's return to the same place (another thread,
		 * a recursion): not a stop; the backend steps over it. */
		/* One word more: the hidden pointer of a returned struct,
		 * which the callee pops on 386 (the i386 psABI: ret $4). */
		uint64_t want_sp = bp->want_sp;
		if (bp->want_hi && st->have_stack && st->sp_in_stack)
			want_sp = st->stack_hi - (bp->want_hi - bp->want_sp);
		if (st->g != bp->want_g || st->sp < want_sp ||
		    st->sp > want_sp + s->arch->ptrsize)
			return true;
		st->at_return = true;
		st->entry_seq = bp->entry_seq;
		bp->armed = false; /* one call, one return */
	}
	r->nstops++;
	if (s->spec->on_stop) {
		struct obs_view v = {s, ops, ctx, st};
		s->spec->on_stop(s->spec->on_stop_arg, &v);
	}

	if (st->at_return)
		return true;
	bp->hits++;
	unsigned limit =
	    s->spec->max_hits_of && s->spec->max_hits_of[bp->symbol]
	        ? s->spec->max_hits_of[bp->symbol]
	        : s->spec->max_hits;
	if (limit && bp->hits >= limit)
		bp->armed = false;
	unsigned max =
	    s->spec->max_stops ? s->spec->max_stops : OBS_DEFAULT_MAX_STOPS;
	if (r->nstops >= max) {
		r->truncated = true;
		return false;
	}
	if (s->spec->release_after &&
	    strcmp(s->spec->symbols[bp->symbol], s->spec->release_after) == 0) {
		r->released = true;
		return false;
	}
	if (s->spec->stop_at_return && s->spec->stop_at_return[bp->symbol])
		want_return(s, st);
	return true;
}

/* ---- the child, output and reaping ------------------------------------ */

void obs_child_setup(int outfd, int errfd)
{
	setpgid(0, 0);
	/* qemu, or the traced probe, must not outlive the observer (a test
	 * that crashes, a killed CLI). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	struct rlimit no_core = {0, 0};
	setrlimit(RLIMIT_CORE, &no_core);
	int devnull = open("/dev/null", O_RDONLY);
	if (devnull > 0) {
		dup2(devnull, 0);
		close(devnull);
	}
	dup2(outfd, 1);
	dup2(errfd, 2);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
}

static char *slurp(int fd, size_t *len)
{
	struct stat st;
	*len = 0;
	char *p = NULL;
	if (fd >= 0 && fstat(fd, &st) == 0 &&
	    (p = malloc((size_t)st.st_size + 1))) {
		ssize_t n = pread(fd, p, (size_t)st.st_size, 0);
		*len = n > 0 ? (size_t)n : 0;
		p[*len] = '\0';
	}
	return p ? p : strdup("");
}

void obs_collect_output(struct obs_session *s, int outfd, int errfd)
{
	struct probe_result *p = &s->res->probe;
	free(p->out);
	free(p->err);
	p->out = slurp(outfd, &p->out_len);
	p->err = slurp(errfd, &p->err_len);
}

void obs_kill_and_reap(pid_t pgid, pid_t pid, int *status)
{
	if (pgid > 0)
		kill(-pgid, SIGKILL);
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	/* SIGKILL ends even a ptrace-stopped process; its exit is then
	 * ours to collect, and it comes quickly. A traced thread group's
	 * leader is reaped only after its other threads, which are ours to
	 * reap too (ptrace): collect whatever ends until the leader does. */
	for (;;) {
		int st;
		pid_t w = waitpid(pgid > 0 ? -pgid : pid, &st, __WALL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 || (w == pid && (WIFEXITED(st) || WIFSIGNALED(st)))) {
			if (w == pid)
				*status = st;
			break;
		}
	}
}

/* ---- obs_run ----------------------------------------------------------- */

static bool spec_ok(struct obs_session *s)
{
	const struct obs_spec *sp = s->spec;
	if (!sp->probe || !*sp->probe) {
		obs_fail(s, OBS_EBADSPEC, "no probe program given");
		return false;
	}
	if (!s->arch) {
		obs_fail(s, OBS_EBADSPEC, "unknown arch '%s' (known: %s)",
		         sp->arch ? sp->arch : "(none)", obs_arch_names());
		return false;
	}
	if (!sp->symbols || !sp->symbols[0]) {
		obs_fail(s, OBS_EBADSPEC, "no symbols to stop at");
		return false;
	}
	const char *points[] = {sp->release_after, sp->hold_first_thread_until};
	for (size_t p = 0; p < 2; p++) {
		bool known = !points[p];
		for (size_t i = 0; !known && sp->symbols[i]; i++)
			known = strcmp(sp->symbols[i], points[p]) == 0;
		if (!known) {
			obs_fail(s, OBS_EBADSPEC,
			         "the %s point '%s' is not one of the symbols",
			         p == 0 ? "release" : "hold", points[p]);
			return false;
		}
	}
	const struct obs_g_layout *L = &sp->layout;
	const struct obs_field *f[] = {&L->goid,        &L->stack_lo,
	                               &L->stack_hi,    &L->m,
	                               &L->stackguard0, &L->stackguard1};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (f[i]->known && (f[i]->size == 0 || f[i]->size > 8 ||
		                    f[i]->offset > 65536)) {
			obs_fail(s, OBS_EBADSPEC,
			         "g layout: field %zu has offset %u size %u "
			         "(size must be 1..8)",
			         i, f[i]->offset, f[i]->size);
			return false;
		}
	if (sp->read_m && !L->m.known) {
		obs_fail(s, OBS_EBADSPEC,
		         "g.m asked for, but its offset is "
		         "not in the layout");
		return false;
	}
	if (sp->g.kind == OBS_G_REGISTER && !sp->g.reg[0]) {
		obs_fail(s, OBS_EBADSPEC, "g in a register, but no register");
		return false;
	}
	if (!sp->qemu && !s->arch->native_regs) {
		obs_fail(s, OBS_EBADSPEC,
		         "%s cannot be observed natively on this host: give a "
		         "qemu-user program (%s)",
		         s->arch->goarch, s->arch->qemu);
		return false;
	}
	return true;
}

/* A copy of name without its ".abi0", or NULL. */
static char *without_abi0(const char *name, char *buf, size_t cap)
{
	size_t n = strlen(name);
	if (n <= 5 || n - 5 >= cap || strcmp(name + n - 5, ".abi0") != 0)
		return NULL;
	memcpy(buf, name, n - 5);
	buf[n - 5] = '\0';
	return buf;
}

size_t obs_symbols_named(const struct elf_info *elf, const char *name,
                         struct elf_sym *out, size_t cap)
{
	size_t k = elf_symbols_named(elf, name, out, cap);
	char plain[256];
	if (k == 0 && without_abi0(name, plain, sizeof plain))
		k = elf_symbols_named(elf, plain, out, cap);
	return k;
}

bool obs_symbol_sized(const struct elf_info *elf, const char *name,
                      uint64_t *value, uint64_t *size)
{
	char plain[256];
	uint64_t ignored;
	if (!size)
		size = &ignored;
	return elf_symbol_sized(elf, name, value, size) ||
	       (without_abi0(name, plain, sizeof plain) &&
	        elf_symbol_sized(elf, plain, value, size));
}

/* The symbols' ELF values, one breakpoint per distinct address. */
static bool resolve_symbols(struct obs_session *s)
{
	const struct obs_spec *sp = s->spec;
	struct elf_info elf;
	if (!elf_open(sp->probe, &elf)) {
		obs_fail(s, OBS_EBADSPEC, "cannot read the probe: %s",
		         elf.error);
		elf_close(&elf);
		return false;
	}
	bool ok = false;
	if (elf.machine != s->arch->elf_machine) {
		const struct obs_arch *is = obs_arch_by_machine(elf.machine);
		obs_fail(s, OBS_EBADSPEC,
		         "%s is built for %s (ELF machine %u), not %s",
		         sp->probe, is ? is->goarch : "another arch",
		         elf.machine, s->arch->goarch);
		goto out;
	}
	s->elf_entry = elf.entry;
	size_t n = 0;
	while (sp->symbols[n])
		n++;
	s->sym_addr = calloc(n, sizeof *s->sym_addr);
	s->bps_cap = n + OBS_MAX_RETURN_BPS;
	s->bps = calloc(s->bps_cap, sizeof *s->bps);
	s->res->present = calloc(n, sizeof *s->res->present);
	if (!s->sym_addr || !s->bps || !s->res->present) {
		obs_fail(s, OBS_ETRACER, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct elf_sym found[8];
		size_t k = obs_symbols_named(&elf, sp->symbols[i], found, 8);
		/* Functions only: a data symbol of the same name (or a
		 * probe's static helper) is not a function entry. A global
		 * definition wins over local ones. */
		const struct elf_sym *best = NULL;
		for (size_t j = 0; j < k && j < 8; j++) {
			if (found[j].type != STT_FUNC)
				continue;
			if (!best || (found[j].bind == STB_GLOBAL &&
			              best->bind != STB_GLOBAL))
				best = &found[j];
		}
		if (!best && !k && sp->may_be_absent && sp->may_be_absent[i]) {
			/* Inlined away: stop where each inlined call's
			 * code starts, if the DWARF says. */
			uint64_t at[4];
			size_t m =
			    obs_dwarf_inlined(sp->probe, sp->symbols[i], at, 4);
			for (size_t j = 0; j < m && s->nbps < n; j++) {
				s->bps[s->nbps++] =
				    (struct obs_bp){.addr = at[j],
				                    .symbol = (uint32_t)i,
				                    .armed = true,
				                    .inlined = true};
				s->sym_addr[i] = at[0];
				s->res->present[i] = true;
			}
			continue;
		}
		if (!best) {
			obs_fail(s, OBS_EBADSPEC,
			         "no function symbol '%s' in %s%s",
			         sp->symbols[i], sp->probe,
			         k ? " (only data symbols of that name)" : "");
			goto out;
		}
		s->sym_addr[i] = best->value;
		s->res->present[i] = true;
		uint64_t off = obs_arch_entry_offset(s->arch, best->other);
		bool shared = false;
		for (size_t b = 0; b < s->nbps; b++)
			shared |= s->bps[b].addr == best->value + off;
		if (!shared)
			s->bps[s->nbps++] =
			    (struct obs_bp){.addr = best->value + off,
			                    .entry_offset = off,
			                    .symbol = (uint32_t)i,
			                    .armed = true};
	}
	ok = true;
out:
	elf_close(&elf);
	return ok;
}

enum obs_status obs_run(const struct obs_spec *spec, struct obs_result *res)
{
	memset(res, 0, sizeof *res);
	struct obs_session s = {.spec = spec, .res = res, .native_pid = -1};
	s.arch = obs_arch_find(spec->arch);
	const char *base = spec->probe ? strrchr(spec->probe, '/') : NULL;
	snprintf(res->probe.name, sizeof res->probe.name, "%s",
	         base          ? base + 1
	         : spec->probe ? spec->probe
	                       : "?");
	res->backend = spec->qemu ? "gdbstub" : "ptrace";
	res->probe.timeout_ms =
	    spec->timeout_ms ? spec->timeout_ms : OBS_DEFAULT_TIMEOUT_MS;
	s.start_ns = obs_now_ns();
	s.deadline_ns = s.start_ns + (uint64_t)res->probe.timeout_ms * 1000000u;

	if (spec_ok(&s) && resolve_symbols(&s)) {
		if (spec->qemu)
			obs_run_gdbstub(&s);
		else
			obs_run_ptrace(&s);
	}
	res->probe.host_start_ns = s.start_ns;
	res->probe.host_end_ns = obs_now_ns();
	res->probe.elapsed_ns = res->probe.host_end_ns - s.start_ns;
	if (!res->probe.out)
		res->probe.out = strdup("");
	if (!res->probe.err)
		res->probe.err = strdup("");
	free(s.sym_addr);
	free(s.bps);
	return res->status;
}

void obs_result_free(struct obs_result *res)
{
	free(res->stops);
	free(res->present);
	res->stops = NULL;
	res->present = NULL;
	res->nstops = 0;
	probe_result_free(&res->probe);
}

/* ---- lines ------------------------------------------------------------- */

/* Appends to buf at *o, never past cap - 1. */
static void put(char *buf, size_t cap, size_t *o, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t cap, size_t *o, const char *fmt, ...)
{
	if (*o + 1 >= cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *o, cap - *o, fmt, ap);
	va_end(ap);
	if (n > 0)
		*o = *o + (size_t)n < cap ? *o + (size_t)n : cap - 1;
}

/* A value percent-encoded as TRACE.md wants (symbols may hold anything). */
static void put_encoded(char *buf, size_t cap, size_t *o, const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == '%')
			put(buf, cap, o, "%%%02X", *p);
		else
			put(buf, cap, o, "%c", *p);
	}
}

static const char *gread_name(enum obs_g_read g)
{
	switch (g) {
	case OBS_GREAD_NOT_ASKED:
		return "not-asked";
	case OBS_GREAD_OK:
		return "ok";
	case OBS_GREAD_NO_SLOT:
		return "no-slot";
	case OBS_GREAD_BAD_G:
		return "bad-g";
	case OBS_GREAD_NO_REGISTER:
		return "no-register";
	}
	return "?";
}

size_t obs_format_stop(const struct obs_spec *spec, const struct obs_stop *s,
                       char *buf, size_t cap)
{
	size_t o = 0;
	if (cap == 0)
		return 0;
	buf[0] = '\0';
	put(buf, cap, &o, "rt0 obs seq=%" PRIu32 " phase=", s->seq);
	put_encoded(buf, cap, &o, spec->symbols[s->symbol]);
	if (s->at_return)
		put(buf, cap, &o, " at=return entry=%" PRIu32, s->entry_seq);
	if (s->inlined)
		put(buf, cap, &o, " at=inlined");
	put(buf, cap, &o, " tid=%" PRId64 " pc=0x%" PRIx64 " sp=0x%" PRIx64,
	    s->tid, s->pc, s->sp);
	if (s->have_tp)
		put(buf, cap, &o, " tp=0x%" PRIx64, s->tp);
	put(buf, cap, &o, " gread=%s", gread_name(s->gread));
	if (s->gread == OBS_GREAD_OK || s->gread == OBS_GREAD_BAD_G)
		put(buf, cap, &o, " g=0x%" PRIx64, s->g);
	if (s->have_goid)
		put(buf, cap, &o, " goid=%" PRId64, s->goid);
	if (s->have_stack)
		put(buf, cap, &o,
		    " stacklo=0x%" PRIx64 " stackhi=0x%" PRIx64 " spin=%d",
		    s->stack_lo, s->stack_hi, s->sp_in_stack ? 1 : 0);
	if (s->have_m)
		put(buf, cap, &o, " m=0x%" PRIx64, s->m);
	if (s->have_guard)
		put(buf, cap, &o, " stackguard0=0x%" PRIx64, s->stackguard0);
	if (s->have_guard1)
		put(buf, cap, &o, " stackguard1=0x%" PRIx64, s->stackguard1);
	if (s->have_ret)
		put(buf, cap, &o, " ret=0x%" PRIx64, s->ret);
	put(buf, cap, &o, "\n");
	if (buf[o - 1] != '\n') /* cut: keep it one line */
		buf[o - 1] = '\n';
	return o;
}

size_t obs_format_summary(const struct obs_spec *spec,
                          const struct obs_result *res, char *buf, size_t cap)
{
	size_t o = 0;
	if (cap == 0)
		return 0;
	buf[0] = '\0';
	const struct probe_result *p = &res->probe;
	put(buf, cap, &o, "rt0 obsrun arch=");
	put_encoded(buf, cap, &o, spec->arch ? spec->arch : "?");
	put(buf, cap, &o, " backend=%s probe=", res->backend);
	put_encoded(buf, cap, &o, p->name);
	put(buf, cap, &o, " stops=%zu truncated=%d bias=0x%" PRIx64,
	    res->nstops, res->truncated ? 1 : 0, res->load_bias);
	if (res->released)
		put(buf, cap, &o, " released=%s", spec->release_after);
	if (p->exited)
		put(buf, cap, &o, " end=exit code=%d", p->exit_code);
	else if (p->signaled)
		put(buf, cap, &o, " end=signal signal=%d", p->term_signal);
	else if (p->timed_out)
		put(buf, cap, &o, " end=timeout");
	else
		put(buf, cap, &o, " end=none");
	put(buf, cap, &o, " ns=%" PRIu64 " status=%s", p->elapsed_ns,
	    obs_status_name(res->status));
	if (res->status != OBS_OK) {
		put(buf, cap, &o, " error=");
		put_encoded(buf, cap, &o, res->error);
	}
	put(buf, cap, &o, "\n");
	if (buf[o - 1] != '\n')
		buf[o - 1] = '\n';
	return o;
}

/* ---- parsing the data that describes a runtime -------------------------- */

static bool parse_i64(const char *s, int64_t *out)
{
	if (!*s)
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

bool obs_tls_offset(const char *probe, const char *arch, const char *symbol,
                    int64_t *tp_offset, char *err, size_t errcap)
{
	const struct obs_arch *a = obs_arch_find(arch);
	if (!a) {
		snprintf(err, errcap, "unknown arch '%s' (known: %s)",
		         arch ? arch : "(none)", obs_arch_names());
		return false;
	}
	struct elf_info elf;
	if (!elf_open(probe, &elf)) {
		snprintf(err, errcap, "cannot read the probe: %s", elf.error);
		elf_close(&elf);
		return false;
	}
	struct elf_sym sym;
	bool ok = false;
	if (!elf.has_tls) {
		snprintf(err, errcap, "%s has no PT_TLS segment", probe);
	} else if (elf_symbols_named(&elf, symbol, &sym, 1) == 0 ||
	           sym.type != STT_TLS) {
		snprintf(err, errcap, "no thread-local symbol '%s' in %s",
		         symbol, probe);
	} else {
		/* Executables put their block first: its offset from the
		 * thread pointer is what local-exec code uses, and what the
		 * linker computes from the segment's size and alignment. */
		uint64_t align = elf.tls_align ? elf.tls_align : 1;
		uint64_t tcb = (a->tcb_size + align - 1) / align * align;
		uint64_t block = (elf.tls_memsz + align - 1) / align * align;
		if (a->tls_variant == 1)
			*tp_offset = (int64_t)(tcb + sym.value) - a->tp_bias;
		else
			*tp_offset = (int64_t)sym.value - (int64_t)block;
		ok = true;
	}
	elf_close(&elf);
	return ok;
}

bool obs_g_where_parse(const char *text, const char *arch, const char *probe,
                       struct obs_g_where *out, char *err, size_t errcap)
{
	memset(out, 0, sizeof *out);
	if (strcmp(text, "none") == 0) {
		out->kind = OBS_G_NONE;
		return true;
	}
	if (strncmp(text, "reg:", 4) == 0) {
		const char *r = text + 4;
		if (!*r || strlen(r) >= sizeof out->reg) {
			snprintf(err, errcap, "g: bad register name in '%s'",
			         text);
			return false;
		}
		out->kind = OBS_G_REGISTER;
		snprintf(out->reg, sizeof out->reg, "%s", r);
		return true;
	}
	if (strncmp(text, "tp", 2) == 0 && (text[2] == '+' || text[2] == '-')) {
		int64_t v;
		if (!parse_i64(text + 3, &v) || v < 0) {
			snprintf(err, errcap, "g: bad offset in '%s'", text);
			return false;
		}
		out->kind = OBS_G_TP;
		out->tp_offset = text[2] == '-' ? -v : v;
		return true;
	}
	if (strncmp(text, "tls:", 4) == 0 && text[4]) {
		if (!probe || !arch) {
			snprintf(err, errcap,
			         "g: '%s' needs the probe and arch", text);
			return false;
		}
		out->kind = OBS_G_TP;
		return obs_tls_offset(probe, arch, text + 4, &out->tp_offset,
		                      err, errcap);
	}
	snprintf(err, errcap,
	         "g: '%s' is not none, reg:NAME, tp+N, tp-N or tls:SYMBOL",
	         text);
	return false;
}

bool obs_layout_parse(const char *text, struct obs_g_layout *out, char *err,
                      size_t errcap)
{
	memset(out, 0, sizeof *out);
	char copy[512];
	if (snprintf(copy, sizeof copy, "%s", text) >= (int)sizeof copy) {
		snprintf(err, errcap, "layout: too long");
		return false;
	}
	char *save = NULL;
	for (char *item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		if (!eq) {
			snprintf(err, errcap, "layout: '%s' has no '='", item);
			return false;
		}
		*eq = '\0';
		struct obs_field *f = NULL;
		if (strcmp(item, "goid") == 0)
			f = &out->goid;
		else if (strcmp(item, "stack.lo") == 0)
			f = &out->stack_lo;
		else if (strcmp(item, "stack.hi") == 0)
			f = &out->stack_hi;
		else if (strcmp(item, "m") == 0)
			f = &out->m;
		else if (strcmp(item, "stackguard0") == 0)
			f = &out->stackguard0;
		else if (strcmp(item, "stackguard1") == 0)
			f = &out->stackguard1;
		if (!f) {
			snprintf(err, errcap,
			         "layout: unknown field '%s' (goid, stack.lo, "
			         "stack.hi, m, stackguard0, stackguard1)",
			         item);
			return false;
		}
		char *colon = strchr(eq + 1, ':');
		int64_t off, size = 8;
		if (colon)
			*colon = '\0';
		if (!parse_i64(eq + 1, &off) || off < 0 || off > 65536 ||
		    (colon &&
		     (!parse_i64(colon + 1, &size) || size < 1 || size > 8))) {
			snprintf(err, errcap,
			         "layout: '%s' wants OFFSET[:SIZE], offset "
			         "0..65536, size 1..8",
			         item);
			return false;
		}
		*f = (struct obs_field){true, (uint32_t)off, (uint32_t)size};
	}
	return true;
}
