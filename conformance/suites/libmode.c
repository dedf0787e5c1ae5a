/* libmode: an rt0 program built as a C archive and linked by a C host, and
 * the same program built as a shared object that a C host dlopens (library
 * mode, Go's -buildmode=c-archive and c-shared; probes/libprog.c and
 * libhost.c, whose dlopen build is libdlhost; conformance/invariants-
 * threads.toml, group lib). The host measures its own thread, the
 * .init_array of the object that holds the runtime and what the program's
 * exported functions return once they have waited for the inits. Every
 * check holds for both hosts. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "rt0obs/observer.h"
#include "suite.h"

/* No start-up trace: the runtime runs on a thread of its own and the host
 * may end the process while it still holds buffered output. */
static const char *const env_lib[] = {"GOMAXPROCS=1", NULL};

/* The C archive's host, then the shared object's. */
#define NHOSTS 2
static const char *const hosts[NHOSTS] = {"libhost", "libdlhost"};
static struct run runs[NHOSTS];

/* The host lingers 20 ms after the exports returned, then asks again
 * whether main.main ran. */
static void lib_run(void)
{
	static const char *const args[] = {"0", "20", NULL};
	for (int i = 0; i < NHOSTS; i++)
		run_probe_shared(&runs[i], hosts[i], args, env_lib);
}

static void lib_free(void)
{
	for (int i = 0; i < NHOSTS; i++)
		run_free(&runs[i]);
}

/* A check, written once for the run of either host (a failure names the
 * probe). */
#define LIB_TEST(name)                                                         \
	static void name##_on(struct run *run);                                \
	Test(lib, name, .init = lib_run, .fini = lib_free)                     \
	{                                                                      \
		for (int i = 0; i < NHOSTS; i++)                               \
			name##_on(&runs[i]);                                   \
	}                                                                      \
	static void name##_on(struct run *run)

static int64_t fact(struct run *run, const char *key)
{
	return trace_fact_i64(&run->t, key);
}

LIB_TEST(lib_entry_in_init_array)
{
	CHECK_EXIT(run, 0);
	CHECK(run, fact(run, "host.init_array_has_entry") == 1,
	      "expected the .init_array of the object that holds the runtime "
	      "(%s's own, or the shared object it dlopened) to hold "
	      "_rt0_%s_linux_lib itself",
	      run->r.name, want_arch());
}

LIB_TEST(lib_entry_returns_at_once)
{
	/* The first init waits until the host's main runs: a constructor
	 * that ran the inits itself would never return (the probe times
	 * out). */
	CHECK_EXIT(run, 0);
	need_fact(run, "host.tid"); /* the host's main ran */
}

LIB_TEST(lib_runtime_on_own_thread)
{
	CHECK_EXIT(run, 0);
	int64_t pid = fact(run, "host.pid"), host = fact(run, "host.tid");
	int64_t init = fact(run, "lib.init_tid"),
	        init_pid = fact(run, "lib.init_pid");
	CHECK(run, host == pid,
	      "expected the host's main on the process's first thread "
	      "(tid %lld, pid %lld)",
	      (long long)host, (long long)pid);
	CHECK(run, init > 0 && init != host,
	      "expected the inits on the runtime's own thread, not the "
	      "host's %lld; they ran on %lld",
	      (long long)host, (long long)init);
	CHECK(run, init_pid == pid,
	      "expected the runtime's thread in the host's process %lld; the "
	      "inits' getpid said %lld",
	      (long long)pid, (long long)init_pid);
}

LIB_TEST(lib_inits_before_export_returns)
{
	CHECK_EXIT(run, 0);
	int64_t n = fact(run, "lib.inits_run");
	CHECK(run, n == 2,
	      "expected an exported function to return only after every "
	      "init ran (2; the second takes 20 ms); it saw %lld",
	      (long long)n);
}

LIB_TEST(lib_inits_on_goroutine_1)
{
	CHECK_EXIT(run, 0);
	int64_t goid = fact(run, "lib.init_goid");
	CHECK(run, goid == 1,
	      "expected the inits on goroutine 1 (runtime.main), got %lld",
	      (long long)goid);
}

LIB_TEST(lib_main_main_never_runs)
{
	CHECK_EXIT(run, 0);
	CHECK(run, fact(run, "lib.main_ran") == 0,
	      "expected main.main never to run in library mode; it ran");
	CHECK(run, fact(run, "lib.main_ran_after_linger") == 0,
	      "expected main.main never to run in library mode; it ran "
	      "after the exports returned, while the host lingered 20 ms");
}

/* The host returns 7 from main 50 ms after the exports returned: a
 * runtime that ends the process itself once its inits are done (a
 * deadlock report, an exit after runtime.main) does it first. */
Test(lib, lib_exit_status_is_hosts)
{
	const char *args[] = {"7", "50", NULL};
	for (int i = 0; i < NHOSTS; i++) {
		struct run r;
		run_probe_shared(&r, hosts[i], args, env_lib);
		CHECK_EXIT(&r, 7);
		need_fact(&r, "lib.main_ran");
		run_free(&r);
	}
}

/* An export that panics, unrecovered, ends the process there, by SIGABRT
 * after the panic's message (when C owns the process GOTRACEBACK gains
 * crash): the host's call never returns. */
Test(lib, lib_export_panic_aborts)
{
	const char *args[] = {"panic", NULL};
	for (int i = 0; i < NHOSTS; i++) {
		struct run r;
		run_probe_shared(&r, hosts[i], args, env_lib);
		CHECK(&r, probe_killed_by(&r.r, SIGABRT),
		      "expected the panic to end the process by SIGABRT");
		CHECK(&r, other_line(&r, "panic: rt0lib_panic called") >= 0,
		      "expected the line \"panic: rt0lib_panic called\" on "
		      "stderr");
		CHECK(&r, trace_fact(&r.t, "host.after_panic") == NULL,
		      "expected the host's call to rt0lib_panic never to "
		      "return");
		need_fact(&r, "lib.main_ran"); /* the host got that far */
		run_free(&r);
	}
}

/* ---- the caller's registers, measured by the observer ------------------ */

#define MAX_SAVED 40

/* Per stop (the entry, then its return): the callee-saved registers. */
struct saved_regs {
	const char *const *names;
	size_t n;
	struct {
		bool seen, at_return;
		uint64_t value[MAX_SAVED];
		bool read[MAX_SAVED];
	} stop[2];
};

static void read_saved(void *arg, const struct obs_view *v)
{
	struct saved_regs *s = arg;
	const struct obs_stop *st = obs_view_stop(v);
	if (st->seq >= 2)
		return;
	s->stop[st->seq].seen = true;
	s->stop[st->seq].at_return = st->at_return;
	for (size_t i = 0; i < s->n; i++)
		s->stop[st->seq].read[i] =
		    obs_view_reg(v, s->names[i], &s->stop[st->seq].value[i]);
}

/* The C library's start-up calls the entry from its .init_array loop and
 * keeps its own state in callee-saved registers: an entry that returns
 * with one changed breaks the loop's caller, or nothing visible at all.
 * The observer reads them where the entry is called and where it returns
 * (matched by SP), so the runtime's word plays no part. */
Test(lib, lib_entry_keeps_callee_saved)
{
	char path[4096], symbol[64];
	cr_assert_not_null(probe_dir(), "RT0_PROBE_DIR is not set");
	probe_path("libhost", path, sizeof path);
	snprintf(symbol, sizeof symbol, "_rt0_%s_linux_lib", want_arch());
	const char *symbols[] = {symbol, NULL};
	const bool at_return[] = {true};

	struct saved_regs saved = {.names = obs_arch_callee_saved(want_arch())};
	cr_assert_not_null(saved.names, "the observer has no arch %s",
	                   want_arch());
	while (saved.names[saved.n])
		saved.n++;
	cr_assert_leq(saved.n, MAX_SAVED);

	struct obs_spec spec = {
	    .arch = want_arch(),
	    .probe = path,
	    .env = env_lib,
	    .qemu = probe_emulator(),
	    .sysroot = getenv("RT0_SYSROOT"),
	    .symbols = symbols,
	    .g = {.kind = OBS_G_NONE},
	    .stop_at_return = at_return,
	    .max_stops = 16,
	    .timeout_ms = (unsigned)(30000 * probe_timeout_scale()),
	    .on_stop = read_saved,
	    .on_stop_arg = &saved,
	};
	struct obs_result res;
	enum obs_status status = obs_run(&spec, &res);
	cr_assert_eq(status, OBS_OK, "the observer: %s: %s\n  -- %s",
	             obs_status_name(status), res.error, probe_why(&res.probe));
	cr_assert(saved.stop[0].seen && !saved.stop[0].at_return,
	          "the observer never stopped at %s", symbol);
	cr_assert(saved.stop[1].seen && saved.stop[1].at_return,
	          "%s was entered (SP %#llx) but never returned to its "
	          "caller with the SP it was called with",
	          symbol, (unsigned long long)res.stops[0].sp);
	for (size_t i = 0; i < saved.n; i++) {
		cr_assert(saved.stop[0].read[i] && saved.stop[1].read[i],
		          "the observer could not read %s", saved.names[i]);
		cr_expect_eq(saved.stop[0].value[i], saved.stop[1].value[i],
		             "expected %s to return with the caller's %s "
		             "(%#llx), got %#llx",
		             symbol, saved.names[i],
		             (unsigned long long)saved.stop[0].value[i],
		             (unsigned long long)saved.stop[1].value[i]);
	}
	obs_result_free(&res);
}
