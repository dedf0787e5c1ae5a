/* main.c: runtime.main on goroutine 1 (Go: proc.go), and the program's
 * package inits in Go 1.21's order. */
#include "initorder.h"
#include "runtime.h"

/* Bounds of the linker section RT0_PACKAGE fills; weak, since a program
 * may declare no package at all. */
extern const struct rt0_package *const __start_rt0_pkgs[]
    __attribute__((weak, visibility("hidden")));
extern const struct rt0_package *const __stop_rt0_pkgs[]
    __attribute__((weak, visibility("hidden")));

static size_t count(const void *const *list)
{
	size_t n = 0;
	while (list[n] != NULL)
		n++;
	return n;
}

void doinit_packages(void)
{
	const struct rt0_package *const *pkgs = __start_rt0_pkgs;
	size_t n = (size_t)(__stop_rt0_pkgs - __start_rt0_pkgs);
	if (pkgs == NULL || n == 0)
		return;
	size_t edges = 0;
	for (size_t i = 0; i < n; i++)
		edges += count((const void *const *)pkgs[i]->imports);
	uint32_t *order = persistentalloc(n * sizeof *order);
	uint32_t *work =
	    persistentalloc(initorder_workspace(n, edges) * sizeof *work);
	struct initorder_result res;
	initorder_sort(pkgs, n, INIT_ORDER_RULE, order, work, &res);
	if (res.status != INITORDER_OK) {
		static char msg[512];
		initorder_message(pkgs, order, &res, msg, sizeof msg);
		fatal(msg);
	}
	for (size_t i = 0; i < n; i++) {
		const struct rt0_package *pkg = pkgs[order[i]];
		size_t ninits = count((const void *const *)pkg->inits);
		struct trace_kv kv[] = {KV_S("pkg", pkg->path),
		                        KV_I("n", ninits)};
		trace_event("runtime.doInit", kv, 2);
		for (size_t k = 0; k < ninits; k++)
			pkg->inits[k]();
	}
}

/* The runtime's own init tasks run first (Go: runtime_inittask). */
STARTUP_STEP static void runtime_init(void)
{
	TRACE("runtime.init");
	forcegc_start();
}

void runtime_main(void *unused)
{
	(void)unused;
	struct g *gp = getg();
	TRACE("runtime.main");
	rt.main_started = true;
	sched.maing = gp;
	sysmon_start(); /* on an M of its own, before anything else */
	lock_os_thread_internal();
	rt.main_defer_unlock = true; /* Go: defer unlockOSThread (rt0_panic) */
	if (gp->m != &m0)
		fatal("runtime.main not on m0");
	rt.init_time = nanotime();
	if (rt.init_time == 0)
		fatal("nanotime returning zero");
	runtime_init();
	gcenable();
	doinit_packages();
	rt.main_defer_unlock = false;
	unlock_os_thread_internal();
#ifdef RT0_LIBRARY
	if (rt.islibrary) {
		/* Go: a c-archive's main.main is never run (proc.go:244-248) */
		lib_inits_done();
		return;
	}
#endif
	TRACE("main.main");
	main_main();
	exit_process(0);
}
