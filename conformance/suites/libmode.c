/* libmode: an rt0 program built as a C archive and linked by a C host
 * (library mode, Go's -buildmode=c-archive; probes/libprog.c and
 * libhost.c; conformance/invariants-threads.toml, group lib). The host
 * measures its own thread, its .init_array and what the program's exported
 * functions return once they have waited for the inits. */
#include "suite.h"

/* No start-up trace: the runtime runs on a thread of its own and the host
 * may end the process while it still holds buffered output. */
static const char *const env_lib[] = {"GOMAXPROCS=1", NULL};
static struct run run;

static void lib_run(void)
{
	run_probe_shared(&run, "libhost", NULL, env_lib);
}

static void lib_free(void)
{
	run_free(&run);
}

#define LIB_TEST(name) Test(lib, name, .init = lib_run, .fini = lib_free)

static int64_t fact(const char *key)
{
	return trace_fact_i64(&run.t, key);
}

LIB_TEST(lib_entry_in_init_array)
{
	CHECK_EXIT(&run, 0);
	CHECK(&run, fact("host.init_array_has_entry") == 1,
	      "expected the host's .init_array (between __init_array_start "
	      "and __init_array_end) to hold _rt0_%s_linux_lib itself",
	      want_arch());
}

LIB_TEST(lib_entry_returns_at_once)
{
	/* The first init waits until the host's main runs: a constructor
	 * that ran the inits itself would never return (the probe times
	 * out). */
	CHECK_EXIT(&run, 0);
	need_fact(&run, "host.tid"); /* the host's main ran */
}

LIB_TEST(lib_runtime_on_own_thread)
{
	CHECK_EXIT(&run, 0);
	int64_t pid = fact("host.pid"), host = fact("host.tid");
	int64_t init = fact("lib.init_tid");
	CHECK(&run, host == pid,
	      "expected the host's main on the process's first thread "
	      "(tid %lld, pid %lld)",
	      (long long)host, (long long)pid);
	CHECK(&run, init > 0 && init != host,
	      "expected the inits on the runtime's own thread, not the "
	      "host's %lld; they ran on %lld",
	      (long long)host, (long long)init);
}

LIB_TEST(lib_inits_before_export_returns)
{
	CHECK_EXIT(&run, 0);
	int64_t n = fact("lib.inits_run");
	CHECK(&run, n == 2,
	      "expected an exported function to return only after every "
	      "init ran (2; the second takes 20 ms); it saw %lld",
	      (long long)n);
}

LIB_TEST(lib_inits_on_goroutine_1)
{
	CHECK_EXIT(&run, 0);
	int64_t goid = fact("lib.init_goid");
	CHECK(&run, goid == 1,
	      "expected the inits on goroutine 1 (runtime.main), got %lld",
	      (long long)goid);
}

LIB_TEST(lib_main_main_never_runs)
{
	CHECK_EXIT(&run, 0);
	CHECK(&run, fact("lib.main_ran") == 0,
	      "expected main.main never to run in library mode; it ran");
}
