/* sysmon: Go's system monitor (probes/sysmon.c; conformance/invariants-
 * threads.toml). Its thread is the kernel's word (/proc/self/task, read by
 * the program's first init); its sleeps are the system calls strace sees
 * (natively, or around qemu-user, which passes a guest's nanosleep on to
 * the host with the guest's request), not anything the runtime says. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suite.h"

/* Go's sysmon: 20 us for its first 51 rounds (idle 0 to 50), then doubled
 * each round up to 10 ms (go1.19 proc.go:5144-5153). */
#define SYSMON_SHORT_ROUNDS 51
#define SYSMON_FIRST_US     20
#define SYSMON_MAX_US       10000
/* The whole schedule: the short rounds, then 10 doublings from 40 us to
 * the cap; sysmon asks for about 31 ms of sleep on the way, and each round
 * costs a few system calls more, slow under strace and qemu. */
#define SLEEPS_TO_CAP   (SYSMON_SHORT_ROUNDS + 10)
#define SWITCHES_WANTED (4 * SLEEPS_TO_CAP)
#define MIN_BUSY_MS     300
#define MAX_SLEEPS      4096

SHARED_PROBE_SUITE(sysmon, "sysmon");

static bool task_listed(struct run *r, int64_t tid)
{
	int64_t n = trace_fact_i64(&r->t, "init.tasks");
	char key[64];
	for (int64_t i = 0; i < n; i++) {
		snprintf(key, sizeof key, "init.task.%lld", (long long)i);
		if (trace_fact_i64(&r->t, key) == tid)
			return true;
	}
	return false;
}

SHARED_TEST(sysmon, sysmon, sysmon_thread_before_inits)
{
	CHECK_EXIT(&run, 0);
	int64_t pid = trace_fact_i64(&run.t, "pid");
	int64_t tasks = trace_fact_i64(&run.t, "init.tasks");
	CHECK(&run, task_listed(&run, pid) && tasks >= 2,
	      "expected the program's first init to find the main thread "
	      "(%lld) and sysmon's in /proc/self/task, found %lld thread(s)",
	      (long long)pid, (long long)tasks);
	CHECK(&run, trace_fact_i64(&run.t, "sysmon.at_init") == 1,
	      "expected runtime.main to have started sysmon before the "
	      "program's inits; the runtime has no sysmon M there");
	int64_t procid = trace_fact_i64(&run.t, "sysmon.procid");
	CHECK(&run, procid != pid && task_listed(&run, procid),
	      "expected sysmon's M on a thread of its own that the kernel "
	      "lists (procid %lld, main thread %lld)",
	      (long long)procid, (long long)pid);
}

SHARED_TEST(sysmon, sysmon, sysmon_first_m_without_p)
{
	CHECK_EXIT(&run, 0);
	int64_t id = trace_fact_i64(&run.t, "sysmon.id");
	CHECK(&run, id == 1,
	      "expected sysmon's M to be the first after m0 (id 1), got %lld",
	      (long long)id);
	CHECK(&run, trace_fact_i64(&run.t, "sysmon.has_p") == 0,
	      "expected sysmon's M to run without a P");
	CHECK(&run, trace_fact_i64(&run.t, "main.m.has_p") == 1,
	      "expected the main goroutine's M to hold a P");
	uint64_t lo = trace_fact_u64(&run.t, "sysmon.g0_lo"),
	         hi = trace_fact_u64(&run.t, "sysmon.g0_hi");
	CHECK(&run, hi > lo,
	      "expected sysmon's M to have a g0 stack, got "
	      "[0x%llx, 0x%llx)",
	      (unsigned long long)lo, (unsigned long long)hi);
}

/* The nanoseconds of each nanosleep or clock_nanosleep request in
 * strace -f's output ("TID nanosleep({tv_sec=0, tv_nsec=20000}, ..."), and
 * the thread that asked. */
static size_t sleep_requests(const char *text, int64_t *ns, int64_t *tid,
                             size_t cap)
{
	size_t n = 0;
	for (const char *l = text; *l && n < cap;) {
		const char *eol = strchr(l, '\n');
		const char *call = strstr(l, "nanosleep({tv_sec=");
		if (!call)
			call = strstr(l, "nanosleep(CLOCK_");
		const char *sec = call ? strstr(call, "tv_sec=") : NULL;
		const char *nsec = sec ? strstr(sec, "tv_nsec=") : NULL;
		if (nsec && (!eol || nsec < eol)) {
			ns[n] = strtoll(sec + 7, NULL, 10) * 1000000000 +
			        strtoll(nsec + 8, NULL, 10);
			tid[n++] = strtoll(l, NULL, 10);
		}
		l = eol ? eol + 1 : "";
	}
	return n;
}

Test(sysmon, sysmon_sleep_schedule)
{
	static int64_t ns[MAX_SLEEPS], us[MAX_SLEEPS], tid[MAX_SLEEPS];
	/* The probe stays busy until the other threads gave up the CPU this
	 * often: once per sleep, and under strace also at each stop of the
	 * tracee at a system call's entry and exit. */
	bool native = probe_emulator() == NULL;
	char want[16], min_ms[16];
	snprintf(want, sizeof want, "%d", SWITCHES_WANTED);
	snprintf(min_ms, sizeof min_ms, "%d", MIN_BUSY_MS * (native ? 1 : 5));
	const char *args[] = {want, min_ms, NULL};
	struct run r;
	char out[4096];
	strace_probe(&r, "sysmon", "trace=nanosleep,clock_nanosleep", args,
	             env_trace, out, sizeof out);
	FILE *f = fopen(out, "r");
	cr_assert_not_null(f, "cannot read %s: %m", out);
	static char text[1 << 20];
	size_t len = fread(text, 1, sizeof text - 1, f);
	text[len] = '\0';
	fclose(f);
	unlink(out);
	size_t all = sleep_requests(text, ns, tid, MAX_SLEEPS);
	/* sysmon's thread: the one that sleeps most. Under qemu-user, qemu's
	 * own threads (its RCU thread) may sleep too; natively none other
	 * may. */
	int64_t sleeper = 0;
	size_t most = 0;
	for (size_t i = 0; i < all; i++) {
		size_t k = 0;
		for (size_t j = 0; j < all; j++)
			k += tid[j] == tid[i];
		if (k > most)
			most = k, sleeper = tid[i];
	}
	size_t n = 0;
	for (size_t i = 0; i < all; i++)
		if (tid[i] == sleeper)
			ns[n++] = ns[i];
	/* The schedule is checked in the unit of sysmon's first request, so
	 * that a usleep that passes the wrong unit on to nanosleep is named
	 * as that, apart from the schedule's shape. */
	int64_t per_us = n ? ns[0] / SYSMON_FIRST_US : 0;
	CHECK(&r, per_us == 1000 && ns[0] == SYSMON_FIRST_US * 1000,
	      "expected sysmon's first sleep to ask nanosleep for %d us "
	      "(tv_nsec=%d): usleep's conversion; it asked for %lld ns",
	      SYSMON_FIRST_US, SYSMON_FIRST_US * 1000,
	      (long long)(n ? ns[0] : -1));
	for (size_t i = 0; i < n; i++)
		us[i] = per_us > 0 ? ns[i] / per_us : ns[i] / 1000;
	int64_t pid = trace_fact_i64(&r.t, "pid");
	CHECK(&r, n >= SLEEPS_TO_CAP,
	      "expected to see sysmon sleep at least %d times while main.main "
	      "kept the P busy (%lld ms), saw %zu",
	      SLEEPS_TO_CAP, (long long)trace_fact_i64(&r.t, "busy.ms"), n);
	CHECK(&r, !native || n == all,
	      "expected every sleep on one thread (%lld), %zu of %zu were not",
	      (long long)sleeper, all - n, all);
	for (size_t i = 0; i < all; i++)
		CHECK(&r, tid[i] != pid,
		      "expected no sleep on the main thread, which main.main "
		      "keeps busy; sleep %zu was on it (%lld)",
		      i, (long long)pid);
	/* The thread that sleeps is not the main one, already ran at the
	 * first init, and for rt0 is the one the runtime calls sysmon's. */
	const char *said = trace_fact(&r.t, "sysmon.procid");
	CHECK(&r, sleeper != pid && task_listed(&r, sleeper),
	      "expected the sleeping thread %lld to be another than the main "
	      "one (%lld) and already running at the first init",
	      (long long)sleeper, (long long)pid);
	CHECK(&r, !said || strtoll(said, NULL, 10) == sleeper,
	      "expected the thread that sleeps to be the one the runtime "
	      "calls sysmon's (%s), it is %lld",
	      said, (long long)sleeper);
	/* Go's rule, round by round: 20 us while idle <= 50, twice the last
	 * sleep (at most 10 ms) after that, and 20 us again whenever retake
	 * took a P (a P left in a system call over a round: Go's, not rt0's,
	 * whose P never enters one the way Go's does). The climb to the cap
	 * must come at least once. */
	size_t at_first = 0; /* rounds at 20 us in a row */
	bool climbed = false;
	for (size_t i = 0; i < n; i++) {
		int64_t prev = i ? us[i - 1] : SYSMON_FIRST_US;
		int64_t doubled =
		    2 * prev > SYSMON_MAX_US ? SYSMON_MAX_US : 2 * prev;
		if (us[i] == SYSMON_FIRST_US) {
			at_first = prev == SYSMON_FIRST_US ? at_first + 1 : 1;
			continue;
		}
		CHECK(
		    &r,
		    prev == SYSMON_FIRST_US ? at_first >= SYSMON_SHORT_ROUNDS &&
		                                  us[i] == 2 * SYSMON_FIRST_US
		                            : us[i] == doubled,
		    "expected sysmon's sleep %zu to be 20 us (the first 51 "
		    "rounds, or after a retake) or twice the last, %lld us, "
		    "once 51 rounds at 20 us had passed; it asked for %lld us "
		    "after %zu rounds at 20 us",
		    i, (long long)doubled, (long long)us[i], at_first);
		climbed |= us[i] == SYSMON_MAX_US;
		at_first = 0;
	}
	CHECK(&r, climbed,
	      "expected sysmon to back off to 10 ms while the P stayed busy; "
	      "its %zu sleeps never got there",
	      n);
	run_free(&r);
}
