/* trace.c: the start-up trace (conformance/TRACE.md). Events are recorded
 * from rt0_go on, before the environment says whether anyone wants them,
 * so the early ones wait in a small buffer. */
#include "runtime.h"

#define EARLY_EVENTS 48
#define MAX_KV       8

struct event {
	const char *phase;
	int64_t seq, goid, mid, ns;
	bool on_g0;
	uintptr_t sp, lo, hi;
	struct trace_kv kv[MAX_KV];
	size_t nkv;
};

static struct event early[EARLY_EVENTS];
static size_t nearly;
static int64_t seq;
static bool env_known;

static void print_event(const struct event *e)
{
	print_str("rt0 ev seq=");
	print_int(e->seq);
	print_str(" phase=");
	print_str(e->phase);
	print_str(" goid=");
	print_int(e->goid);
	print_str(" m=");
	print_int(e->mid);
	print_str(e->on_g0 ? " g0=1 sp=" : " g0=0 sp=");
	print_hex(e->sp);
	print_str(" lo=");
	print_hex(e->lo);
	print_str(" hi=");
	print_hex(e->hi);
	print_str(" ns=");
	print_int(e->ns);
	for (size_t i = 0; i < e->nkv; i++) {
		const struct trace_kv *kv = &e->kv[i];
		print_str(" ");
		print_str(kv->key);
		print_str("=");
		if (kv->kind == KV_INT)
			print_int(kv->v.i);
		else if (kv->kind == KV_HEX)
			print_hex(kv->v.u);
		else
			print_encoded(kv->v.s, rt_strlen(kv->v.s));
	}
	print_str("\n");
}

static void print_header(void)
{
	print_str("rt0 trace v=1 arch=" ARCH_NAME " link=");
#ifdef RT0_LINK_EXTERNAL
	print_str("external");
#else
	print_str("internal");
#endif
	print_str(" ptrsize=");
	print_int(ARCH_PTRSIZE);
	print_str(" pcquantum=");
	print_int(ARCH_PCQUANTUM);
	print_str(" minframe=");
	print_int(ARCH_MINFRAMESIZE);
	print_str(" stackalign=");
	print_int(ARCH_STACKALIGN);
	print_str(" g0stack=");
	print_int((int64_t)(g0.stack.hi - g0.stack.lo));
	print_str(" pagesize=");
	print_int((int64_t)rt.pagesize);
	print_str(" entrysp=");
	print_hex(rt.entrysp);
	print_str(" goexit=");
	print_hex((uintptr_t)goexit);
	print_str(" goexitret=");
	print_hex((uintptr_t)goexit + ARCH_PCQUANTUM);
	print_str("\n");
}

static bool wanted(int level)
{
	return !env_known || rt.debug.rt0trace >= level;
}

/* wanted(2), kept for the switch paths, which test it inline on every
 * switch (TRACE_SCHED); set again once GODEBUG is known. */
bool trace_sched_on = true;

static void record(int level, const char *phase, const struct trace_kv *kv,
                   size_t nkv)
{
	if (!wanted(level))
		return;
	if (nkv > MAX_KV)
		fatal("trace: an event has more fields than MAX_KV");
	printlock(); /* seq and the line: one event at a time */
	struct g *gp = getg();
	struct event e = {
	    .phase = phase,
	    .seq = seq++,
	    .goid = gp->goid,
	    .mid = gp->m->id,
	    .ns = nanotime(),
	    .on_g0 = gp == gp->m->g0,
	    .sp = arch_getsp(),
	    .lo = gp->stack.lo,
	    .hi = gp->stack.hi,
	    .nkv = nkv,
	};
	for (size_t i = 0; i < e.nkv; i++)
		e.kv[i] = kv[i];
	if (env_known)
		print_event(&e);
	else if (nearly < EARLY_EVENTS)
		early[nearly++] = e;
	printunlock();
}

void trace_event(const char *phase, const struct trace_kv *kv, size_t nkv)
{
	record(1, phase, kv, nkv);
}

/* The scheduler's own events are many; they need rt0trace=2. */
void trace_sched_event(const char *phase, const struct trace_kv *kv, size_t nkv)
{
	record(2, phase, kv, nkv);
}

/* Called once GODEBUG has been parsed: print what waited, or drop it. */
void trace_env_known(void)
{
	env_known = true;
	trace_sched_on = wanted(2);
	if (rt.debug.rt0trace < 1)
		return;
	print_header();
	for (size_t i = 0; i < nearly; i++)
		print_event(&early[i]);
	check_report();
}

void rt0_mark(const char *name)
{
	/* "user." + name, kept in a small static pool: events hold pointers. */
	static char names[16][40];
	static size_t next;
	if (!wanted(1))
		return;
	char *p = names[next++ % 16];
	size_t i = 0;
	for (const char *s = "user."; *s; s++)
		p[i++] = *s;
	for (; *name && i < sizeof names[0] - 1; name++)
		p[i++] = *name;
	p[i] = '\0';
	trace_event(p, NULL, 0);
}
