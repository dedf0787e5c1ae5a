/* panic.c: how the process ends (Go: panic.go, traceback.go's headers),
 * and the program's output API. Exit statuses are Go's: 0 when main
 * returns, 2 for a panic or a fatal error. */
#include "runtime.h"
#include <linux/signal.h>

static const char *status_string(const struct g *gp)
{
	static const char *const reasons[] = {
	    [WAIT_NONE] = "waiting",
	    [WAIT_CHAN_RECEIVE] = "chan receive",
	    [WAIT_CHAN_SEND] = "chan send",
	    [WAIT_FORCEGC_IDLE] = "force gc (idle)",
	    [WAIT_GC_SWEEP] = "GC sweep wait",
	    [WAIT_GC_SCAVENGE] = "GC scavenge wait",
	};
	switch (gp->status) {
	case G_RUNNABLE:
		return "runnable";
	case G_RUNNING:
		return "running";
	case G_SYSCALL:
		return "syscall";
	case G_WAITING:
		return reasons[gp->waitreason];
	default:
		return "idle";
	}
}

/* Appends NUL-terminated s to buf (cap bytes, NUL kept), at *n. */
static void append(char *buf, size_t cap, size_t *n, const char *s)
{
	for (; *s != '\0' && *n + 1 < cap; s++)
		buf[(*n)++] = *s;
	if (cap > 0)
		buf[*n < cap ? *n : cap - 1] = '\0';
}

/* "goroutine N [status, locked to thread]:" (Go's goroutineheader). */
static size_t header_text(const struct g *gp, char *buf, size_t cap)
{
	char num[24], *p = num + sizeof num;
	uint64_t v = gp->goid < 0 ? 0 : (uint64_t)gp->goid;
	*--p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	size_t n = 0;
	append(buf, cap, &n, "goroutine ");
	append(buf, cap, &n, p);
	append(buf, cap, &n, " [");
	append(buf, cap, &n, status_string(gp));
	if (gp->lockedm != NULL)
		append(buf, cap, &n, ", locked to thread");
	append(buf, cap, &n, "]:");
	return n;
}

/* A goroutine's header in a traceback. There are no frames to print after
 * it: the runtime carries no symbol table. */
static void goroutine_header(const struct g *gp)
{
	char line[96];
	header_text(gp, line, sizeof line);
	print_str("\n");
	print_str(line);
	print_str("\n");
}

size_t rt0_goroutine_header(char *buf, size_t cap)
{
	return header_text(getg(), buf, cap);
}

/* GOTRACEBACK decides what follows the message: nothing (none), the
 * failing goroutine (single), every user goroutine (all), the runtime's
 * own as well (system), then a SIGABRT (crash). */
static _Noreturn void die(bool fatal_error)
{
	struct g *gp = getg();
	if (gp == NULL) {
		/* A thread the runtime did not make, in an exported function
		 * (library mode): rt0 runs exports on the caller's thread, with
		 * no goroutine to show and no g for the trace's exit event. In
		 * library mode GOTRACEBACK has crash (env.c), so it aborts. */
		print_flush();
		if (rt.envs_loaded && rt.traceback.crash)
			sys_raise(SIGABRT);
		sys_exit_group(2);
	}
	struct knob_traceback tb = rt.traceback;
	if (!rt.envs_loaded) /* before GOTRACEBACK is known: Go's default */
		tb = (struct knob_traceback){.level = 1};
	struct g *cur = gp == gp->m->g0 ? gp->m->curg : gp;
	if (tb.level > 0) {
		if (cur != NULL)
			goroutine_header(cur);
		if (tb.all || fatal_error) {
			for (struct g *o = sched.allg; o != NULL;
			     o = o->alllink)
				if (o != cur && o->status != G_DEAD &&
				    (!o->system || tb.level >= 2))
					goroutine_header(o);
		}
	}
	print_flush();
	if (tb.crash) {
		sys_raise(SIGABRT);
	}
	exit_process(2);
}

_Noreturn void fatal(const char *msg)
{
	static bool dying;
	printlock(); /* held to the end: another M's fatal waits for exit */
	if (dying) { /* a fatal error while reporting one */
		print_flush();
		sys_exit_group(2);
	}
	dying = true;
	print_str("fatal error: ");
	print_str(msg);
	print_str("\n");
	die(true);
}

/* For failures before g can be trusted (every arch's TLS set-up and
 * self-test in rt0_go): no traceback, no trace event, nothing that calls
 * getg, since fatal's die() would fault on a bad g before the message is
 * flushed. */
_Noreturn void fatal_nog(const char *msg)
{
	printlock();
	print_str("fatal error: ");
	print_str(msg);
	print_str("\n");
	print_flush();
	sys_exit_group(2);
}

_Noreturn void rt0_panic(const char *msg)
{
	/* A panic in a package init unwinds runtime.main, whose deferred
	 * unlockOSThread runs before the traceback (Go: proc.go 202-207), so
	 * the header does not say "locked to thread". */
	if (getg() == sched.maing && rt.main_defer_unlock) {
		rt.main_defer_unlock = false;
		unlock_os_thread_internal();
	}
	printlock();
	print_str("panic: ");
	print_str(msg);
	print_str("\n");
	die(false);
}

_Noreturn void exit_process(int32_t code)
{
	struct trace_kv kv[] = {KV_I("code", code)};
	trace_event("runtime.exit", kv, 1);
	printlock();
	print_flush();
	sys_exit_group(code);
}

void rt0_write(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	if (fd == 2) { /* keep order with facts and trace lines */
		printlock();
		print_bytes(p, len);
		printunlock();
		return;
	}
	while (len > 0) {
		long n = sys_write(fd, p, len);
		if (n == -4) /* EINTR */
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

void rt0_print(const char *s)
{
	rt0_write(1, s, rt_strlen(s));
}

/* A fact's line, under printlock from fact_key to the newline. */
static void fact_key(const char *key)
{
	printlock();
	print_str("rt0 fact ");
	print_str(key);
	print_str("=");
}

void rt0_fact_str(const char *key, const char *value)
{
	fact_key(key);
	print_encoded(value, rt_strlen(value));
	print_str("\n");
	printunlock();
}

void rt0_fact_int(const char *key, int64_t value)
{
	fact_key(key);
	print_int(value);
	print_str("\n");
	printunlock();
}

void rt0_fact_hex(const char *key, uintptr_t value)
{
	fact_key(key);
	print_hex(value);
	print_str("\n");
	printunlock();
}

void rt0_flush(void)
{
	printlock();
	print_flush();
	printunlock();
}
