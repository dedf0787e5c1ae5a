/* walk: stack walks from six places, the second witness (next to the
 * runtime's own bookkeeping) of what runs on g0 and what on goroutines:
 *   main       main.main, on goroutine 1
 *   init       a package init function, on goroutine 1
 *   goroutine  a user goroutine's entry function
 *   schedinit  g0 during schedinit (rt0_hook_schedinit)
 *   sched      g0 in the scheduler, after the user goroutine parked and
 *              before goroutine 1 resumes (rt0_hook_schedule)
 *   m          a new M's g0, in the function rt0_newm gave it; the M's g0
 *              bounds as the runtime records them are walk.m.g0_{lo,hi}
 * External link mode walks in-process with libunwind and prints, per walk
 * <w>, facts walk.<w>.<i>.{name,obj,off,pc,sp,exec} for frame i (0 = the
 * function above; obj = the file the pc lies in, by dladdr; exec = 1 when
 * it lies in an executable segment), walk.<w>.n, walk.<w>.end
 * (end: unw_step said the outermost frame; stop: it returned -UNW_ESTOPUNWIND,
 * which libunwind's EHABI unwinder (arm) says at an EXIDX_CANTUNWIND entry,
 * the ABI's own mark of an outermost frame; error: it failed otherwise,
 * walk.<w>.step has its code; cap: WALK_MAX_FRAMES frames and still going).
 *
 * Internal link mode has no libc, so no libunwind: at each place the probe
 * stops at a breakpoint (amd64 int3) with walk_where naming the place, and
 * a tracer walks it from outside over ptrace (suites/walk_ptrace.c), on
 * whichever thread stopped. */
#ifdef RT0_LINK_EXTERNAL
#define _GNU_SOURCE /* dladdr, dl_iterate_phdr */
#define UNW_LOCAL_ONLY
#include <dlfcn.h>
#include <libunwind.h>
#include <link.h>
#endif

#include "probe_util.h"
#include "rt0.h"

#define WALK_MAX_FRAMES 32

/* Read by the ptrace tracer (internal mode); harmless in external mode. */
const char *volatile walk_where;

#ifdef RT0_LINK_EXTERNAL

/* "walk.<w>.<i><field>", or "walk.<w><field>" when i < 0. */
static const char *wkey(char *buf, const char *w, int i, const char *field)
{
	char a[64], b[64];
	pu_key(a, "walk.", -1, w);
	if (i < 0)
		return pu_key(buf, a, -1, field);
	pu_key(b, a, -1, ".");
	return pu_key(buf, b, i, field);
}

struct exec_query {
	uintptr_t pc;
	int exec;
};

static int in_exec_segment(struct dl_phdr_info *info, size_t size, void *q_)
{
	(void)size;
	struct exec_query *q = q_;
	for (int k = 0; k < info->dlpi_phnum; k++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[k];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_LOAD && q->pc >= lo &&
		    q->pc - lo < ph->p_memsz) {
			q->exec = (ph->p_flags & PF_X) != 0;
			return 1;
		}
	}
	return 0;
}

/* 1 when pc lies in a loaded executable segment: a return address does,
 * a data word taken for one (a garbage frame) does not. */
static int pc_is_code(uintptr_t pc)
{
	struct exec_query q = {pc, 0};
	dl_iterate_phdr(in_exec_segment, &q);
	return q.exec;
}

/* The frames from c on, as facts (out of walk_here: see there). */
static __attribute__((noinline)) void walk_print(const char *w, unw_cursor_t *c)
{
	char key[64], name[128];
	unw_word_t ip, sp, off;
	Dl_info dl;
	int i = 0, step = 1;
	const char *end = "cap";

	while (i < WALK_MAX_FRAMES) {
		unw_get_reg(c, UNW_REG_IP, &ip);
		unw_get_reg(c, UNW_REG_SP, &sp);
		if (unw_get_proc_name(c, name, sizeof name, &off) != 0) {
			name[0] = '?', name[1] = '\0'; /* no symbol: garbage */
			off = 0;
		}
		/* The object the pc lies in: a frame libunwind cannot name is
		 * still placed (in libc, not in garbage). */
		const char *obj = "?";
		if (dladdr((void *)ip, &dl) != 0 && dl.dli_fname != NULL) {
			obj = dl.dli_fname;
			for (const char *p = obj; *p; p++)
				if (*p == '/')
					obj = p + 1;
		}
		rt0_fact_str(wkey(key, w, i, ".name"), name);
		rt0_fact_str(wkey(key, w, i, ".obj"), obj);
		rt0_fact_hex(wkey(key, w, i, ".off"), off);
		rt0_fact_hex(wkey(key, w, i, ".pc"), ip);
		rt0_fact_hex(wkey(key, w, i, ".sp"), sp);
		rt0_fact_int(wkey(key, w, i, ".exec"), pc_is_code(ip));
		i++;
		step = unw_step(c);
		if (step <= 0) {
			/* stop: libunwind's EHABI unwinder (arm) says it must
			 * not go on, at an EXIDX_CANTUNWIND entry. */
			end = step == 0                  ? "end"
			      : step == -UNW_ESTOPUNWIND ? "stop"
			                                 : "error";
			break;
		}
	}
	rt0_fact_int(wkey(key, w, -1, ".n"), i);
	rt0_fact_str(wkey(key, w, -1, ".end"), end);
	rt0_fact_int(wkey(key, w, -1, ".step"), step);
	rt0_flush();
}

/* Walks from the function that called it: its first step leaves its own
 * frame, so frame 0 is the place under test and no helper frame of the
 * probe's gets in the list. Not inlined into the place, because on ppc64
 * unw_getcontext is getcontext, which returns twice and so cannot be; and
 * not tail-called (walk() stores after the call), so the place's frame is
 * still there to be walked. */
static __attribute__((noinline)) void walk_here(const char *w)
{
	/* Static: libunwind's context and cursor are large (tens of KiB on
	 * riscv64 with libunwind 1.8), and the walk's own frame should not eat
	 * a 64 KiB g0 stack. One walk at a time: the new M walks while m0
	 * sleeps on a note. Nothing else
	 * lives here: unw_getcontext may return twice (ppc64's getcontext). */
	static unw_context_t uc;
	static unw_cursor_t c;
	char key[64];

	walk_where = w;
	if (unw_getcontext(&uc) != 0 || unw_init_local(&c, &uc) != 0 ||
	    unw_step(&c) <= 0) {
		rt0_fact_str(wkey(key, w, -1, ".end"), "init-failed");
		return;
	}
	walk_print(w, &c);
}

#define walk(w)                                                                \
	do {                                                                   \
		walk_here(w);                                                  \
		walk_where = NULL;                                             \
	} while (0)
#else
/* The tracer sees SIGTRAP with walk_where set, walks, and continues the
 * probe without the signal. Without a tracer the probe dies by SIGTRAP. */
#if defined(__x86_64__)
#define walk(w)                                                                \
	do {                                                                   \
		walk_where = (w);                                              \
		rt0_flush(); /* the tracer's walk lands after this output */   \
		__asm__ volatile("int3" ::: "memory");                         \
	} while (0)
#else
#error "walk: internal mode needs a breakpoint for this arch (amd64 only)"
#endif
#endif

static struct rt0_chan *wake;
static volatile int sched_armed, goroutine_done;

void rt0_hook_schedinit(void)
{
	walk("schedinit");
}

/* Called on every pass through the scheduler; walks once, when the user
 * goroutine has just parked and goroutine 1 is next. */
void rt0_hook_schedule(void)
{
	if (sched_armed) {
		sched_armed = 0;
		walk("sched");
	}
}

static void walk_init(void)
{
	walk("init");
}

RT0_PACKAGE(pkg_walk, "walk", RT0_NO_IMPORTS, RT0_INITS(walk_init));

static void walk_goroutine(void *arg)
{
	(void)arg;
	walk("goroutine");
	sched_armed = 1;
	rt0_chan_recv(wake); /* parks: the scheduler runs on g0 */
	goroutine_done = 1;
}

static struct rt0_note m_walked, never;

static void walk_m(void *arg)
{
	(void)arg;
	struct rt0_m_info self;
	rt0_m_self(&self);
	rt0_fact_hex("walk.m.g0_lo", self.g0_lo);
	rt0_fact_hex("walk.m.g0_hi", self.g0_hi);
	walk("m");
	rt0_notewakeup(&m_walked);
	rt0_notesleep(&never); /* an M never exits: the process ends it */
}

void main_main(void)
{
	walk("main");
	wake = rt0_chan_make(0);
	/* Not NULL: on 386 the argument is the word above the goroutine's
	 * return address, and a 0 there would end even a walk that got past
	 * goexit (libunwind stops at a return address of 0). */
	rt0_go(walk_goroutine, &wake);
	rt0_gosched(); /* walk_goroutine runs, walks, parks */
	rt0_chan_send(wake, 1);
	for (int t = 0; t < 1000 && !goroutine_done; t++)
		rt0_gosched();
	rt0_fact_int("walk.done", goroutine_done);
	rt0_newm(walk_m, NULL);
	rt0_notesleep(&m_walked);
}
