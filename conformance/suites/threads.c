/* threads: Ms beyond m0 and Go's atomics under contention from them
 * (probes/threads.c; conformance/invariants-threads.toml). What an M says
 * about itself through the runtime (rt0_m_self) is held against what the
 * probe measured on that thread with its own system calls and SP. */
#include <regex.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "observe.h"
#include "suite.h"

#define NMS 4

/* Facts only, no trace: the Go twin raises GOMAXPROCS itself, which a run
 * watched by the observer under qemu-user cannot take (one P: TRACE.md). */
static const char *const env_facts[] = {"GOMAXPROCS=1", NULL};

SHARED_PROBE_SUITE_ENV(threads, "threads", env_facts);

#define OCHECK_G0(o, cond, fmt, ...)                                           \
	cr_assert((cond), fmt "\n  -- %s", ##__VA_ARGS__,                      \
	          probe_why(&(o)->res.probe))

static int64_t m_fact(struct run *r, int i, const char *key)
{
	char k[64];
	snprintf(k, sizeof k, "m.%d.%s", i, key);
	return trace_fact_i64(&r->t, k);
}

static uint64_t m_fact_u(struct run *r, int i, const char *key)
{
	char k[64];
	snprintf(k, sizeof k, "m.%d.%s", i, key);
	return trace_fact_u64(&r->t, k);
}

SHARED_TEST(threads, threads, threads_newm_id_from_m0_counter)
{
	CHECK_EXIT(&run, 0);
	int64_t m0 = trace_fact_i64(&run.t, "m0.id");
	CHECK(&run, m0 == 0, "expected m0's id to be 0, got %lld",
	      (long long)m0);
	int64_t first = m_fact(&run, 0, "id");
	CHECK(&run, first >= 1,
	      "expected the first M made by the program to take an id after "
	      "m0's 0 (and any the runtime made), got %lld",
	      (long long)first);
	/* The runtime's own M (sysmon's) came from the same counter before
	 * the program's: its id is below theirs and not m0's. */
	const char *sysmon = trace_fact(&run.t, "sysmon.id");
	CHECK(&run,
	      !sysmon || (strtoll(sysmon, NULL, 10) > m0 &&
	                  strtoll(sysmon, NULL, 10) < first),
	      "expected sysmon's M (id %s) numbered between m0 (%lld) and "
	      "the program's first M (%lld), from the same counter",
	      sysmon, (long long)m0, (long long)first);
	for (int i = 0; i < NMS; i++) {
		int64_t id = m_fact(&run, i, "id"),
		        self = m_fact(&run, i, "self_id");
		CHECK(&run, id == first + i,
		      "expected M %d to take id %lld (the next after M %d's), "
		      "got %lld",
		      i, (long long)(first + i), i - 1, (long long)id);
		CHECK(&run, self == id,
		      "expected M %d, on its own thread, to see its id %lld, "
		      "got %lld",
		      i, (long long)id, (long long)self);
	}
}

SHARED_TEST(threads, threads, threads_m_is_kernel_thread)
{
	CHECK_EXIT(&run, 0);
	int64_t pid = trace_fact_i64(&run.t, "m0.pid");
	int64_t tids[NMS + 1];
	tids[NMS] = trace_fact_i64(&run.t, "m0.tid");
	CHECK(&run, tids[NMS] == pid,
	      "expected the main goroutine on m0, the process's first "
	      "thread (tid %lld == pid %lld)",
	      (long long)tids[NMS], (long long)pid);
	for (int i = 0; i < NMS; i++) {
		tids[i] = m_fact(&run, i, "tid");
		int64_t mpid = m_fact(&run, i, "pid");
		int64_t procid = m_fact(&run, i, "procid");
		CHECK(&run, mpid == pid,
		      "expected M %d in the program's process %lld "
		      "(CLONE_THREAD), its getpid() says %lld",
		      i, (long long)pid, (long long)mpid);
		CHECK(&run, procid == tids[i],
		      "expected the runtime's procid of M %d to be the thread "
		      "id the M measured, %lld, got %lld",
		      i, (long long)tids[i], (long long)procid);
		for (int k = i + 1; k <= NMS; k++)
			CHECK(
			    &run, tids[k] != tids[i],
			    "expected M %d a kernel thread of its own, but it "
			    "shares thread id %lld",
			    i, (long long)tids[i]);
	}
}

/* Each M sets g in its own TLS block, so once every M runs each still
 * finds its own g0, and the main goroutine still finds itself: a TLS block
 * the threads shared would hold the last writer's g for all of them. */
/* The same from outside: the observer stops where each M's function
 * starts, on that M's thread (the probe makes them one at a time), and
 * reads g through that thread's pointer: a g0 (goid 0) that is not m0's,
 * whose m is not m0, SP on its stack, one g per M on a thread of its own;
 * and main.main on goroutine 1 of m0. */
static void check_g0_observed(void)
{
	static const struct step steps[] = {
	    STEP("main_main", "main.main", STEP_CALL),
	    STEP("m_main", NULL, STEP_CALL),
	};
	const char *args[] = {"serial", NULL};
	struct observed o;
	observe_shared(&o, "threads", args, steps, 2, 0, 0);
	char line[1024];
	size_t from = 0;
	const struct obs_stop *mm = next_stop_at(&o, "main_main", &from);
	OCHECK_G0(&o,
	          mm && mm->gread == OBS_GREAD_OK && mm->have_goid &&
	              mm->goid == 1 && mm->have_m && mm->m == o.m0,
	          "expected main.main on goroutine 1 of m0 (0x%llx)",
	          (unsigned long long)o.m0);
	const struct obs_stop *seen[NMS];
	size_t n = 0;
	from = 0;
	for (const struct obs_stop *s;
	     (s = next_stop_at(&o, "m_main", &from));) {
		stop_line(&o, s, line, sizeof line);
		OCHECK_G0(&o, n < NMS, "expected %d stops at m_main, one per M",
		          NMS);
		OCHECK_G0(
		    &o,
		    s->gread == OBS_GREAD_OK && s->have_goid && s->goid == 0 &&
		        s->g != o.g0 && s->have_m && s->m != o.m0 &&
		        s->sp_in_stack && s->tid != mm->tid,
		    "expected M %zu's function on its own thread, on a g0 "
		    "(goid 0) other than m0's (0x%llx), g.m not m0, SP on "
		    "g0's stack; measured\n  %s",
		    n, (unsigned long long)o.g0, line);
		for (size_t k = 0; k < n; k++)
			OCHECK_G0(&o,
			          seen[k]->g != s->g && seen[k]->m != s->m &&
			              seen[k]->tid != s->tid,
			          "expected each M its own thread, g0 and m; M "
			          "%zu shares one with M %zu:\n  %s",
			          n, k, line);
		seen[n++] = s;
	}
	OCHECK_G0(&o, n == NMS,
	          "expected %d stops at m_main, one per M, got %zu", NMS, n);
	observe_free(&o);
}

SHARED_TEST(threads, threads, threads_g_is_own_g0)
{
	CHECK_EXIT(&run, 0);
	CHECK(&run,
	      trace_fact_i64(&run.t, "m0.is_g0") == 0 &&
	          trace_fact_i64(&run.t, "m0.after.is_g0") == 0 &&
	          trace_fact_i64(&run.t, "m0.after.id") == 0 &&
	          trace_fact_i64(&run.t, "m0.after.goid") == 1,
	      "expected the main goroutine (goroutine 1, on m0) to be g on the "
	      "main thread before and after the Ms ran; after them it saw M "
	      "%lld, goroutine %lld (g0: %lld)",
	      (long long)trace_fact_i64(&run.t, "m0.after.id"),
	      (long long)trace_fact_i64(&run.t, "m0.after.goid"),
	      (long long)trace_fact_i64(&run.t, "m0.after.is_g0"));
	for (int i = 0; i < NMS; i++) {
		int64_t id = m_fact(&run, i, "id");
		int64_t later = m_fact(&run, i, "after.self_id");
		CHECK(&run,
		      m_fact(&run, i, "is_g0") == 1 &&
		          m_fact(&run, i, "after.is_g0") == 1 && later == id,
		      "expected M %d's fn to run on the M's own g0 (getg() == "
		      "m->g0 on that thread), at its start and once every M "
		      "ran; then it found M %lld's",
		      i, (long long)later);
	}
	check_g0_observed();
}

/* Under libc: g0 is the pthread's own stack as the C library reports it
 * for the thread (pthread_getattr_np, in the probe), bounded by mstart0:
 * hi = &size in its frame, inside that stack, and lo = hi - size + 1024,
 * where size is the stack's (go1.23 proc.go:1768-1784, gcc_linux_amd64.c:
 * 67-68). What lies above hi (the C library's thread block, the thread's
 * first frames) is more than 1024 bytes, so lo falls below the stack's
 * real bottom, as Go's own comment there allows. */
static void check_pthread_g0(int i, uint64_t lo, uint64_t hi, uint64_t sp)
{
	uint64_t os_lo = m_fact_u(&run, i, "os_stack_lo"),
	         os_hi = m_fact_u(&run, i, "os_stack_hi");
	CHECK(&run,
	      os_lo < os_hi && sp >= os_lo && sp < os_hi && hi > os_lo &&
	          hi <= os_hi,
	      "expected M %d's SP 0x%llx and its g0's hi 0x%llx inside the "
	      "thread's own stack [0x%llx, 0x%llx) as the C library reports "
	      "it (pthread_getattr_np)",
	      i, (unsigned long long)sp, (unsigned long long)hi,
	      (unsigned long long)os_lo, (unsigned long long)os_hi);
	CHECK(&run, hi - lo + 1024 == os_hi - os_lo,
	      "expected M %d's g0 to span its pthread's stack size, %llu "
	      "bytes (pthread_getattr_np), less mstart0's 1024; it spans "
	      "%llu",
	      i, (unsigned long long)(os_hi - os_lo),
	      (unsigned long long)(hi - lo));
}

/* Go 1.22+'s malg(16384) for a thread it makes (go1.23 proc.go:2221); under
 * libc the thread's own pthread stack, with mstart0's bounds. */
SHARED_TEST(threads, threads, threads_g0_stack_own)
{
	CHECK_EXIT(&run, 0);
	uint64_t lo[NMS + 1], hi[NMS + 1];
	lo[NMS] = trace_fact_u64(&run.t, "m0.g0_lo");
	hi[NMS] = trace_fact_u64(&run.t, "m0.g0_hi");
	for (int i = 0; i < NMS; i++) {
		lo[i] = m_fact_u(&run, i, "g0_lo");
		hi[i] = m_fact_u(&run, i, "g0_hi");
		uint64_t sp = m_fact_u(&run, i, "sp");
		CHECK(&run, lo[i] < hi[i] && sp >= lo[i] && sp <= hi[i],
		      "expected M %d to run on its g0's stack [%#llx, %#llx]; "
		      "its SP was %#llx",
		      i, (unsigned long long)lo[i], (unsigned long long)hi[i],
		      (unsigned long long)sp);
		if (link_is("internal"))
			CHECK(&run, hi[i] - lo[i] == 16384,
			      "expected a 16 KiB g0 for M %d (Go's "
			      "malg(16384)), got %llu bytes",
			      i, (unsigned long long)(hi[i] - lo[i]));
		else
			check_pthread_g0(i, lo[i], hi[i], sp);
	}
	for (int i = 0; i < NMS; i++)
		for (int k = i + 1; k <= NMS; k++)
			CHECK(&run, hi[i] <= lo[k] || hi[k] <= lo[i],
			      "expected M %d's g0 [%#llx, %#llx) apart from %s "
			      "[%#llx, %#llx)",
			      i, (unsigned long long)lo[i],
			      (unsigned long long)hi[i],
			      k == NMS ? "m0's g0" : "another M's g0",
			      (unsigned long long)lo[k],
			      (unsigned long long)hi[k]);
}

/* Started with SIGUSR1 blocked; the probe blocks SIGUSR2 before it makes
 * any M. Go's new M gets initSigmask, the mask saved in schedinit
 * (go1.19 proc.go:703-704, 2111; minitSignalMask, signal_unix.go:1230),
 * after newosproc blocked everything across the clone (os_linux.go:178). */
Test(threads, threads_sigmask_initial)
{
	struct run r;
	struct probe_opts o = {.env = env_facts,
	                       .blocked_signals = 1ull << (SIGUSR1 - 1)};
	run_probe_opts(&r, "threads", &o);
	CHECK_EXIT(&r, 0);
	uint64_t initial = (uint64_t)trace_fact_i64(&r.t, "m0.sigmask.initial");
	uint64_t creating =
	    (uint64_t)trace_fact_i64(&r.t, "m0.sigmask.creating");
	CHECK(&r, initial == 1ull << (SIGUSR1 - 1),
	      "expected the probe to start with only SIGUSR1 blocked, as "
	      "its parent asked; it measured %#llx",
	      (unsigned long long)initial);
	CHECK(&r, creating == (initial | 1ull << (SIGUSR2 - 1)),
	      "expected the creating thread's mask to add SIGUSR2, got %#llx",
	      (unsigned long long)creating);
	for (int i = 0; i < NMS; i++) {
		uint64_t m = (uint64_t)m_fact(&r, i, "sigmask");
		CHECK(
		    &r, m == initial,
		    "expected M %d to run with the process's first mask %#llx "
		    "(Go's initSigmask), not %s; it measured %#llx",
		    i, (unsigned long long)initial,
		    m == creating ? "its creator's"
		                  : "the all-blocked one of the clone",
		    (unsigned long long)m);
	}
	run_free(&r);
}

/* ---- atomics under contention ----------------------------------------------
 * Every total is exact only if no update was lost; each test also asks that
 * the Ms' updates really interleaved, or it could not have failed. */

static uint64_t contended_iters(void)
{
	CHECK_EXIT(&run, 0);
	/* Told by the probe's own counter beside Xadd, not by Xadd's
	 * results: a wrong Xadd cannot fake it. */
	uint64_t interleaved =
	    trace_fact_u64(&run.t, "atomic.witness_interleaved");
	CHECK(&run, interleaved > 0,
	      "expected the %d Ms' rounds to interleave at least once (the "
	      "probe hammers until they do, for up to 3 s); they never did, "
	      "so nothing here could have failed",
	      NMS);
	return trace_fact_u64(&run.t, "atomic.iters");
}

static void check_total(const char *key, uint64_t want, uint64_t mask)
{
	char k[64];
	snprintf(k, sizeof k, "atomic.%s", key);
	uint64_t got = trace_fact_u64(&run.t, k);
	CHECK(&run, got == (want & mask),
	      "expected %s from %d Ms to total %llu (every update counted), "
	      "got %llu: %lld lost",
	      key, NMS, (unsigned long long)(want & mask),
	      (unsigned long long)got, (long long)((want & mask) - got));
}

SHARED_TEST(threads, atomics, atomics_xadd_contended)
{
	uint64_t n = contended_iters();
	check_total("xadd32", n, 0xffffffffu);
	check_total("xadd64", n, ~0ull);
}

SHARED_TEST(threads, atomics, atomics_cas_contended)
{
	uint64_t n = contended_iters();
	CHECK(&run, trace_fact_u64(&run.t, "atomic.cas_retries") > 0,
	      "expected some Cas to find the word changed by another M since "
	      "it was read (a retry); none did, so a Cas that never compares "
	      "could not have been told apart");
	check_total("cas32", n, 0xffffffffu);
	check_total("cas64", n, ~0ull);
}

SHARED_TEST(threads, atomics, atomics_xchg_contended)
{
	contended_iters();
	CHECK(&run, trace_fact_u64(&run.t, "atomic.xchg_foreign") > 0,
	      "expected some Xchg to give back another M's token; none did, "
	      "so the Ms' exchanges never met and nothing here could have "
	      "failed");
	const char *b32 = need_fact(&run, "atomic.xchg32.balanced");
	const char *b64 = need_fact(&run, "atomic.xchg64.balanced");
	CHECK(&run, strcmp(b32, "yes") == 0 && strcmp(b64, "yes") == 0,
	      "expected every value put into the word by Xchg to come out "
	      "once (or be left in it): 32-bit %s, 64-bit %s",
	      b32, b64);
}

SHARED_TEST(threads, atomics, atomics_or8_and8_neighbours_contended)
{
	contended_iters();
	CHECK(&run, trace_fact_u64(&run.t, "atomic.byte_ops_interleaved") > 0,
	      "expected another M's write to the shared word to land inside "
	      "an M's Or8/And8 at least once (the probe hammers until that "
	      "happened 2000 times, for up to 3 s); it never did, so nothing "
	      "here could have failed");
	uint64_t bad = trace_fact_u64(&run.t, "atomic.byte_mismatches");
	CHECK(&run, bad == 0,
	      "expected each M's own byte of the shared word to hold exactly "
	      "what its Or8/And8 left there, while the other Ms worked on "
	      "the neighbouring bytes; %llu times it did not",
	      (unsigned long long)bad);
}

/* The atomics' own instructions, from the target's disassembly of the
 * probe: each read-modify-write carries the arch's sequentially consistent
 * form (the host's per-arch table, conformance/lib/arches.c), which no
 * contention test under qemu-user on an x86 host can tell apart from a
 * weaker one. */
static const char *const rmw_functions[] = {
    "cas32", "cas64", "xadd32", "xadd64", "xchg32", "xchg64", "or8", "and8",
};

static bool ere_match(const char *ere, const char *line)
{
	regex_t re;
	cr_assert(regcomp(&re, ere, REG_EXTENDED | REG_NOSUB) == 0,
	          "bad pattern in the arch table: %s", ere);
	bool m = regexec(&re, line, 0, NULL, 0) == 0;
	regfree(&re);
	return m;
}

/* One function's instruction lines (objdump -d), NULL-separated in buf. */
static size_t function_lines(const char *dump, const char *name,
                             const char **lines, size_t cap, char *buf,
                             size_t bufcap)
{
	char head[64];
	snprintf(head, sizeof head, "<%s>:\n", name);
	const char *p = strstr(dump, head);
	if (p == NULL)
		return 0;
	p += strlen(head);
	size_t n = 0, used = 0;
	while (*p != '\0' && *p != '\n' && n < cap) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (used + len + 1 > bufcap)
			break;
		memcpy(buf + used, p, len);
		buf[used + len] = '\0';
		lines[n++] = buf + used;
		used += len + 1;
		p += len + (end ? 1 : 0);
	}
	return n;
}

Test(atomics, atomics_seq_cst_code)
{
	const struct arch_expect *ax = want_arch_expect();
	char probe[4096], cmd[8192];
	probe_path("threads", probe, sizeof probe);
	snprintf(cmd, sizeof cmd, "%s -d --no-show-raw-insn '%s' 2>&1",
	         ax->objdump, probe);
	FILE *f = popen(cmd, "r");
	cr_assert(f != NULL, "could not run %s", ax->objdump);
	size_t cap = 1 << 20, len = 0;
	char *dump = malloc(cap);
	cr_assert(dump != NULL);
	size_t got;
	while ((got = fread(dump + len, 1, cap - 1 - len, f)) > 0) {
		len += got;
		if (len + 1 == cap) {
			char *bigger = realloc(dump, cap *= 2);
			cr_assert(bigger != NULL);
			dump = bigger;
		}
	}
	dump[len] = '\0';
	int status = pclose(f);
	cr_assert(status == 0,
	          "%s failed on %s (install binutils for the arch: the "
	          "binutils-<triple> package ci/deps names):\n%.400s",
	          ax->objdump, probe, dump);
	static char buf[1 << 16];
	const char *lines[2048];
	for (size_t k = 0; k < sizeof rmw_functions / sizeof *rmw_functions;
	     k++) {
		const char *fn = rmw_functions[k];
		size_t n =
		    function_lines(dump, fn, lines, 2048, buf, sizeof buf);
		cr_assert(n > 0, "no function %s in the disassembly of %s", fn,
		          probe);
		long first = -1, last = -1;
		for (size_t i = 0; i < n; i++) {
			if (ax->rmw_forbidden &&
			    ere_match(ax->rmw_forbidden, lines[i]))
				cr_assert_fail("%s: %s has a weaker form than "
				               "%s's sequentially consistent "
				               "one (/%s/ must not match): %s",
				               ax->goarch, fn, ax->goarch,
				               ax->rmw_forbidden, lines[i]);
			if (ere_match(ax->rmw_insn, lines[i])) {
				if (first < 0)
					first = (long)i;
				last = (long)i;
			}
		}
		cr_assert(
		    first >= 0,
		    "%s: %s has no instruction of the arch's sequentially "
		    "consistent read-modify-write (/%s/)",
		    ax->goarch, fn, ax->rmw_insn);
		bool before = ax->rmw_fence_before == NULL;
		for (long i = 0; i < first && !before; i++)
			before = ere_match(ax->rmw_fence_before, lines[i]);
		bool after = ax->rmw_fence_after == NULL;
		for (size_t i = (size_t)last + 1; i < n && !after; i++)
			after = ere_match(ax->rmw_fence_after, lines[i]);
		cr_assert(before && after,
		          "%s: %s's read-modify-write needs /%s/ before it and "
		          "/%s/ after it (the arch's seq_cst mapping); %s",
		          ax->goarch, fn,
		          ax->rmw_fence_before ? ax->rmw_fence_before : "",
		          ax->rmw_fence_after ? ax->rmw_fence_after : "",
		          before ? "the one after is missing"
		                 : "the one before is missing");
	}
	free(dump);
}
