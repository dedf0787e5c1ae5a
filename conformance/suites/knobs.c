/* knobs: Go's start-up knobs and the verbatim argv/env copies, row by row
 * as measured on Go 1.19 (go-startup-facts.md E), through the knobs probe.
 * Parameters are self-contained char arrays: Criterion runs each in a
 * fresh exec of this (PIE) binary, where pointers to literals would dangle.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "suite.h"

#include <criterion/parameterized.h>

/* qemu-user does not pass envp through: it rebuilds it (util/envlist.c),
 * dropping entries without '=', keeping only the last of duplicate keys and
 * reversing the order. Tests of exactly those properties cannot run under
 * it; they say so rather than fail for the emulator's reasons. */
#define NEEDS_VERBATIM_ENVP()                                                  \
	do {                                                                   \
		if (probe_emulator())                                          \
			cr_skip_test("qemu-user rebuilds envp (drops NOEQ, "   \
			             "dedups keys, reverses order)");          \
	} while (0)

/* One row: up to two environment entries ("" = none), up to three facts
 * and their expected values. A value "ncpu" stands for the probe's own
 * knob.ncpu fact. */
struct knob_row {
	char env[2][64];
	char fact[3][40];
	char want[3][24];
};

static const char *env_desc(const struct knob_row *row, char *buf, size_t cap)
{
	if (!row->env[0][0])
		snprintf(buf, cap, "(knob unset)");
	else if (!row->env[1][0])
		snprintf(buf, cap, "\"%s\"", row->env[0]);
	else
		snprintf(buf, cap, "\"%s\", \"%s\"", row->env[0], row->env[1]);
	return buf;
}

static void check_row(const struct knob_row *row)
{
	const char *env[3] = {NULL, NULL, NULL};
	int n = 0;
	for (int i = 0; i < 2; i++)
		if (row->env[i][0])
			env[n++] = row->env[i];
	struct run r;
	char desc[160];
	env_desc(row, desc, sizeof desc);
	run_probe(&r, "knobs", NULL, env);
	CHECK_EXIT(&r, 0);
	for (int i = 0; i < 3 && row->fact[i][0]; i++) {
		const char *want = row->want[i];
		if (strcmp(want, "ncpu") == 0)
			want = need_fact(&r, "knob.ncpu");
		const char *got = trace_fact(&r.t, row->fact[i]);
		CHECK(&r, got && strcmp(got, want) == 0,
		      "with env %s expected %s=%s, got %s", desc, row->fact[i],
		      want, got ? got : "(missing)");
	}
	run_free(&r);
}

#define ROWS(arr)                                                              \
	cr_make_param_array(struct knob_row, arr, sizeof arr / sizeof arr[0])

/* GOMAXPROCS: an int32 > 0, else ncpu. */
ParameterizedTestParameters(knobs, gomaxprocs_table)
{
	static struct knob_row rows[] = {
	    {{""}, {"knob.gomaxprocs"}, {"ncpu"}},
	    {{"GOMAXPROCS=1"}, {"knob.gomaxprocs"}, {"1"}},
	    {{"GOMAXPROCS=3"}, {"knob.gomaxprocs"}, {"3"}},
	    {{"GOMAXPROCS="}, {"knob.gomaxprocs"}, {"ncpu"}},
	    {{"GOMAXPROCS=0"}, {"knob.gomaxprocs"}, {"ncpu"}},
	    {{"GOMAXPROCS=-3"}, {"knob.gomaxprocs"}, {"ncpu"}},
	    {{"GOMAXPROCS=abc"}, {"knob.gomaxprocs"}, {"ncpu"}},
	    {{"GOMAXPROCS= 2"}, {"knob.gomaxprocs"}, {"ncpu"}},
	    {{"GOMAXPROCS=+2"}, {"knob.gomaxprocs"}, {"ncpu"}},
	    {{"GOMAXPROCS=-"}, {"knob.gomaxprocs"}, {"ncpu"}},
	    {{"GOMAXPROCS=3x"}, {"knob.gomaxprocs"}, {"ncpu"}},
	    {{"GOMAXPROCS=2147483648"}, {"knob.gomaxprocs"}, {"ncpu"}},
	};
	return ROWS(rows);
}

ParameterizedTest(struct knob_row *row, knobs, gomaxprocs_table)
{
	check_row(row);
}

/* GOGC: "off" -> -1; an int32, negatives -> -1; else 100. */
ParameterizedTestParameters(knobs, gogc_table)
{
	static struct knob_row rows[] = {
	    {{""}, {"knob.gogc"}, {"100"}},
	    {{"GOGC=off"}, {"knob.gogc"}, {"-1"}},
	    {{"GOGC=50"}, {"knob.gogc"}, {"50"}},
	    {{"GOGC=-5"}, {"knob.gogc"}, {"-1"}},
	    {{"GOGC=OFF"}, {"knob.gogc"}, {"100"}},
	    {{"GOGC=abc"}, {"knob.gogc"}, {"100"}},
	    {{"GOGC="}, {"knob.gogc"}, {"100"}},
	    {{"GOGC=2147483648"}, {"knob.gogc"}, {"100"}},
	    {{"GOGC= 75"}, {"knob.gogc"}, {"100"}},
	    {{"GOGC=050"}, {"knob.gogc"}, {"50"}},
	    {{"GOGC=0"}, {"knob.gogc"}, {"0"}},
	    {{"GOGC=-"}, {"knob.gogc"}, {"0"}},
	    {{"GOGC=2147483647"}, {"knob.gogc"}, {"2147483647"}},
	};
	return ROWS(rows);
}

ParameterizedTest(struct knob_row *row, knobs, gogc_table)
{
	check_row(row);
}

/* GOMEMLIMIT: "" or "off" -> max int64; a byte count with an optional
 * unit. */
ParameterizedTestParameters(knobs, gomemlimit_table)
{
	static struct knob_row rows[] = {
	    {{""}, {"knob.gomemlimit"}, {"9223372036854775807"}},
	    {{"GOMEMLIMIT="}, {"knob.gomemlimit"}, {"9223372036854775807"}},
	    {{"GOMEMLIMIT=off"}, {"knob.gomemlimit"}, {"9223372036854775807"}},
	    {{"GOMEMLIMIT=1GiB"}, {"knob.gomemlimit"}, {"1073741824"}},
	    {{"GOMEMLIMIT=100MiB"}, {"knob.gomemlimit"}, {"104857600"}},
	    {{"GOMEMLIMIT=12345"}, {"knob.gomemlimit"}, {"12345"}},
	};
	return ROWS(rows);
}

ParameterizedTest(struct knob_row *row, knobs, gomemlimit_table)
{
	check_row(row);
}

/* A malformed GOMEMLIMIT: Go prints "GOMEMLIMIT=<value>", then a fatal
 * error (mgcpacer.go readGOMEMLIMIT), exit 2. */
struct bad_value {
	char value[32];
};

ParameterizedTestParameters(knobs, gomemlimit_malformed_is_fatal)
{
	static struct bad_value rows[] = {{"1GB"}, {"abc"}};
	return cr_make_param_array(struct bad_value, rows,
	                           sizeof rows / sizeof rows[0]);
}

ParameterizedTest(struct bad_value *bad, knobs, gomemlimit_malformed_is_fatal)
{
	char env0[64], line[64];
	snprintf(env0, sizeof env0, "GOMEMLIMIT=%s", bad->value);
	const char *env[] = {env0, NULL};
	struct run r;
	run_probe(&r, "knobs", NULL, env);
	CHECK_EXIT(&r, 2);
	snprintf(line, sizeof line, "GOMEMLIMIT=%s", bad->value);
	CHECK(&r, other_line(&r, line) >= 0,
	      "expected the value printed as the line \"%s\"", line);
	long fatal = other_line_prefix(&r, "fatal error: ");
	CHECK(&r, fatal >= 0 && strstr(r.t.other[fatal], "GOMEMLIMIT"),
	      "expected a \"fatal error: \" line naming GOMEMLIMIT");
	CHECK(&r, !trace_fact(&r.t, "argc"), "expected main.main not to run");
	run_free(&r);
}

/* GODEBUG: key=value fields left to right, last wins; fields without '=',
 * unknown keys and non-int32 values ignored; case-sensitive; only the
 * first GODEBUG entry counts (cpuinit reads it straight from envp). */
ParameterizedTestParameters(knobs, godebug_table)
{
	static struct knob_row rows[] = {
	    {{""}, {"knob.godebug.gctrace"}, {"0"}},
	    {{"GODEBUG=gctrace=1"}, {"knob.godebug.gctrace"}, {"1"}},
	    {{"GODEBUG=gctrace=1,gctrace=2"}, {"knob.godebug.gctrace"}, {"2"}},
	    {{"GODEBUG=gctrace=2,gctrace"}, {"knob.godebug.gctrace"}, {"2"}},
	    {{"GODEBUG=gctrace"}, {"knob.godebug.gctrace"}, {"0"}},
	    {{"GODEBUG=nosuchkey=5,gctrace=3"},
	     {"knob.godebug.gctrace"},
	     {"3"}},
	    {{"GODEBUG=gctrace=abc"}, {"knob.godebug.gctrace"}, {"0"}},
	    {{"GODEBUG=gctrace=1,gctrace=abc"},
	     {"knob.godebug.gctrace"},
	     {"1"}},
	    {{"GODEBUG=GCTRACE=1"}, {"knob.godebug.gctrace"}, {"0"}},
	    {{"GODEBUG=gctrace=1 "}, {"knob.godebug.gctrace"}, {"0"}},
	    {{"GODEBUG=gctrace=2147483648"}, {"knob.godebug.gctrace"}, {"0"}},
	    {{"GODEBUG=gctrace=-1"}, {"knob.godebug.gctrace"}, {"-1"}},
	    {{"GODEBUG=,,gctrace=4,,"}, {"knob.godebug.gctrace"}, {"4"}},
	    {{"GODEBUG=schedtrace=5,scheddetail=1,inittrace=1"},
	     {"knob.godebug.schedtrace", "knob.godebug.scheddetail",
	      "knob.godebug.inittrace"},
	     {"5", "1", "1"}},
	    {{""},
	     {"knob.godebug.cgocheck", "knob.godebug.invalidptr",
	      "knob.godebug.madvdontneed"},
	     {"1", "1", "1"}},
	};
	return ROWS(rows);
}

ParameterizedTest(struct knob_row *row, knobs, godebug_table)
{
	check_row(row);
}

Test(knobs, godebug_first_entry_wins)
{
	/* cpuinit reads the first GODEBUG entry straight from envp; a second
	 * one is ignored. */
	NEEDS_VERBATIM_ENVP();
	static const struct knob_row row = {
	    {"GODEBUG=gctrace=1", "GODEBUG=gctrace=2"},
	    {"knob.godebug.gctrace"},
	    {"1"}};
	check_row(&row);
}

/* GOTRACEBACK, as Go's setTraceback. */
ParameterizedTestParameters(knobs, gotraceback_table)
{
#define TB(e, level, all, crash)                                               \
	{                                                                      \
		{e},                                                           \
		    {"knob.traceback.level", "knob.traceback.all",             \
		     "knob.traceback.crash"},                                  \
		{                                                              \
			level, all, crash                                      \
		}                                                              \
	}
	static struct knob_row rows[] = {
	    TB("", "1", "0", "0"),
	    TB("GOTRACEBACK=none", "0", "0", "0"),
	    TB("GOTRACEBACK=single", "1", "0", "0"),
	    TB("GOTRACEBACK=", "1", "0", "0"),
	    TB("GOTRACEBACK=all", "1", "1", "0"),
	    TB("GOTRACEBACK=system", "2", "1", "0"),
	    TB("GOTRACEBACK=crash", "2", "1", "1"),
	    TB("GOTRACEBACK=5", "5", "1", "0"),
	    TB("GOTRACEBACK=0", "0", "1", "0"),
	    TB("GOTRACEBACK=abc", "0", "1", "0"),
	    TB("GOTRACEBACK=ALL", "0", "1", "0"),
	};
#undef TB
	return ROWS(rows);
}

ParameterizedTest(struct knob_row *row, knobs, gotraceback_table)
{
	check_row(row);
}

/* Huge GOMAXPROCS: Go takes it verbatim (no upper clamp) but then
 * allocates a P each, 13.5 GB for 1e6. The runtime must report the value
 * and still start in bounded memory and time. The bound: 64 MiB of
 * address space. Measured: both link modes start with GOMAXPROCS=2^31-1 in
 * 16 MiB (glibc's start-up in external mode adds nothing that matters), so
 * 64 MiB leaves room and still refuses any per-P allocation that scales. */
struct huge {
	char value[16];
};

ParameterizedTestParameters(knobs, gomaxprocs_huge_starts_bounded)
{
	static struct huge rows[] = {{"99999"}, {"2147483647"}};
	return cr_make_param_array(struct huge, rows,
	                           sizeof rows / sizeof rows[0]);
}

ParameterizedTest(struct huge *h, knobs, gomaxprocs_huge_starts_bounded)
{
	char env0[64];
	snprintf(env0, sizeof env0, "GOMAXPROCS=%s", h->value);
	const char *env[] = {env0, NULL};
	/* Under qemu-user the limit covers the emulator too, which alone
	 * needs 256-512 MiB (qemu-x86_64 7.2, measured); 1 GiB more still
	 * refuses a P per GOMAXPROCS unit. */
	uint64_t bound = (uint64_t)64 << 20;
	if (probe_emulator())
		bound += (uint64_t)1024 << 20;
	struct probe_opts o = {
	    .env = env, .rlimit_as = bound, .timeout_ms = 5000};
	struct run r;
	run_probe_opts(&r, "knobs", &o);
	CHECK_EXIT(&r, 0);
	const char *got = need_fact(&r, "knob.gomaxprocs");
	CHECK(&r, strcmp(got, h->value) == 0,
	      "expected knob.gomaxprocs=%s verbatim, got %s", h->value, got);
	run_free(&r);
}

Test(knobs, ncpu_is_the_affinity_count)
{
	cpu_set_t set;
	cr_assert_eq(sched_getaffinity(0, sizeof set, &set), 0, "%m");
	struct run r;
	run_probe(&r, "knobs", NULL, NULL);
	CHECK_EXIT(&r, 0);
	int64_t ncpu = trace_fact_i64(&r.t, "knob.ncpu");
	CHECK(&r, ncpu == CPU_COUNT(&set),
	      "expected knob.ncpu == the CPUs in the affinity mask (%d), got "
	      "%lld",
	      CPU_COUNT(&set), (long long)ncpu);
	run_free(&r);
}

/* argv and env verbatim. */

static void check_argv(struct run *r, const char *const *args, size_t nargs)
{
	CHECK_EXIT(r, 0);
	int64_t argc = trace_fact_i64(&r->t, "argc");
	CHECK(r, argc == (int64_t)nargs + 1, "expected argc=%zu, got %lld",
	      nargs + 1, (long long)argc);
	for (size_t i = 0; i < nargs; i++) {
		char key[32];
		snprintf(key, sizeof key, "argv.%zu", i + 1);
		const char *got = need_fact(r, key);
		CHECK(
		    r, strcmp(got, args[i]) == 0,
		    "expected %s=\"%.80s\" verbatim (%zu bytes), got \"%.80s\" "
		    "(%zu bytes)",
		    key, args[i], strlen(args[i]), got, strlen(got));
	}
}

static void check_env(struct run *r, const char *const *env, size_t n)
{
	CHECK_EXIT(r, 0);
	int64_t envc = trace_fact_i64(&r->t, "envc");
	CHECK(r, envc == (int64_t)n, "expected envc=%zu, got %lld", n,
	      (long long)envc);
	for (size_t i = 0; i < n; i++) {
		char key[32];
		snprintf(key, sizeof key, "env.%zu", i);
		const char *got = need_fact(r, key);
		CHECK(r, strcmp(got, env[i]) == 0,
		      "expected %s=\"%.80s\" verbatim, got \"%.80s\"", key,
		      env[i], got);
	}
}

Test(args, argv_verbatim)
{
	const char *args[] = {
	    "", "NOEQ",  "=v", "a b", "tab\there", "100%", "\xc3\xa9\xff\x01",
	    "", "--x=y", NULL};
	struct run r;
	run_probe(&r, "knobs", args, NULL);
	check_argv(&r, args, sizeof args / sizeof args[0] - 1);
	char path[4096];
	const char *argv0 = need_fact(&r, "argv.0");
	CHECK(&r,
	      probe_emulator() ||
	          strcmp(argv0, probe_path("knobs", path, sizeof path)) == 0,
	      "expected argv.0 to be the path the probe was run by, got %s",
	      argv0);
	run_free(&r);
}

Test(args, argv_131071_byte_argument)
{
	/* MAX_ARG_STRLEN is 32 pages including the NUL: 131071 bytes is the
	 * longest single argument Linux takes. */
	char *big = malloc(131072);
	cr_assert_not_null(big);
	for (size_t i = 0; i < 131071; i++)
		big[i] = (char)('a' + i % 26);
	big[131071] = '\0';
	const char *args[] = {big, NULL};
	struct run r;
	run_probe(&r, "knobs", args, NULL);
	check_argv(&r, args, 1);
	run_free(&r);
	free(big);
}

Test(args, argc_0_becomes_empty_argv0)
{
	/* execve with an empty argv: since Linux 5.18 (commit dcd46d897adb,
	 * "exec: Force single empty string when argv is empty") the kernel
	 * passes argc 1 with argv[0] = "", so no program sees argc 0; older
	 * kernels pass argc 0. Either way the runtime must copy what it got
	 * and start. */
	if (probe_emulator())
		cr_skip_test("qemu-user supplies argv[0] itself: argc 0 cannot "
		             "reach the guest");
	struct utsname u;
	cr_assert_eq(uname(&u), 0);
	int major = 0, minor = 0;
	sscanf(u.release, "%d.%d", &major, &minor);
	bool forced = major > 5 || (major == 5 && minor >= 18);
	struct run r;
	struct probe_opts o = {.argc0 = true};
	run_probe_opts(&r, "knobs", &o);
	CHECK_EXIT(&r, 0);
	int64_t argc = trace_fact_i64(&r.t, "argc");
	if (forced) {
		CHECK(
		    &r, argc == 1,
		    "expected argc=1 on Linux %s (>= 5.18 forces [\"\"]), got "
		    "%lld",
		    u.release, (long long)argc);
		const char *a0 = need_fact(&r, "argv.0");
		CHECK(&r, a0[0] == '\0', "expected argv.0=\"\", got \"%s\"",
		      a0);
	} else {
		CHECK(&r, argc == 0, "expected argc=0 on Linux %s, got %lld",
		      u.release, (long long)argc);
	}
	run_free(&r);
}

Test(env, env_verbatim_in_order)
{
	NEEDS_VERBATIM_ENVP();
	const char *env[] = {"A=1",          "NOEQ",   "=v",  "",  "B=x=y",
	                     "UTF=\xc3\xa9", "SP=a b", "A=2", NULL};
	struct run r;
	run_probe(&r, "knobs", NULL, env);
	check_env(&r, env, sizeof env / sizeof env[0] - 1);
	run_free(&r);
}

Test(env, env_200kb)
{
	/* 2000 variables of 100 bytes: 200 KB, well within ARG_MAX. */
	enum { N = 2000, LEN = 100 };
	char *storage = malloc((size_t)N * (LEN + 1));
	const char **env = calloc(N + 1, sizeof *env);
	cr_assert(storage && env);
	for (int i = 0; i < N; i++) {
		char *e = storage + (size_t)i * (LEN + 1);
		int w = snprintf(e, LEN + 1, "V%04d=", i);
		for (int k = w; k < LEN; k++)
			e[k] = (char)('A' + (i + k) % 26);
		e[LEN] = '\0';
		env[i] = e;
	}
	char arg[32];
	snprintf(arg, sizeof arg, "--getenv=V%04d", N - 1);
	const char *args[] = {arg, NULL};
	struct run r;
	run_probe(&r, "knobs", args, env);
	if (!probe_emulator()) {
		check_env(&r, env, N);
	} else {
		/* Every entry arrives, in qemu's (reversed) order. */
		CHECK_EXIT(&r, 0);
		CHECK(&r, trace_fact_i64(&r.t, "envc") == N, "expected envc=%d",
		      N);
		for (int i = 0; i < N; i++) {
			char key[32];
			snprintf(key, sizeof key, "env.%d", N - 1 - i);
			const char *got = need_fact(&r, key);
			CHECK(&r, strcmp(got, env[i]) == 0,
			      "expected %s=\"%.20s...\", got \"%.20s...\"", key,
			      env[i], got);
		}
	}
	const char *last = need_fact(&r, "getenv.1");
	CHECK(&r, strcmp(last, env[N - 1] + 6) == 0,
	      "expected getenv(V%04d) to find the last variable", N - 1);
	run_free(&r);
	free(env);
	free(storage);
}

Test(env, getenv_first_match)
{
	NEEDS_VERBATIM_ENVP();
	const char *env[] = {"DUP=first", "DUP=second", NULL};
	const char *args[] = {"--getenv=DUP", NULL};
	struct run r;
	run_probe(&r, "knobs", args, env);
	check_env(&r, env, 2);
	const char *got = need_fact(&r, "getenv.1");
	CHECK(&r, strcmp(got, "first") == 0,
	      "expected getenv(DUP) to return the first entry \"first\", got "
	      "\"%s\"",
	      got);
	run_free(&r);
}

Test(env, getenv_exact_key)
{
	/* Case-sensitive; "NOEQ" has no value and is never a match; a
	 * prefix of a key is not the key. */
	const char *env[] = {"NOEQ", "noeq=lower", "KEYLONG=x", "=v", NULL};
	const char *args[] = {"--getenv=NOEQ", "--getenv=noeq", "--getenv=KEY",
	                      NULL};
	struct run r;
	run_probe(&r, "knobs", args, env);
	CHECK_EXIT(&r, 0);
	CHECK(&r, trace_fact(&r.t, "getenv.1.missing"),
	      "expected getenv(NOEQ) to find nothing, got \"%s\"",
	      trace_fact(&r.t, "getenv.1"));
	const char *lower = need_fact(&r, "getenv.2");
	CHECK(&r, strcmp(lower, "lower") == 0,
	      "expected getenv(noeq)=\"lower\", got \"%s\"", lower);
	CHECK(&r, trace_fact(&r.t, "getenv.3.missing"),
	      "expected getenv(KEY) not to match KEYLONG");
	run_free(&r);
}
