/* knobs: Go's start-up knobs, one test per parsing rule with the table of
 * its cases, as measured on Go 1.19 (go-startup-facts.md E), and the
 * verbatim argv/env copies, osinit's CPU count and cpuinit's GODEBUG, all
 * through the knobs probe's facts. Each test is named after its invariant
 * (conformance/invariants.toml). */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "suite.h"

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
		/* GOTRACEBACK=-1: Go's int is a pointer wide, and only a
		 * 32-bit int passes n == int(uint32(n)) for -1 (the host
		 * table's pointer size, not the probe's word). */
		if (strcmp(want, "level-of-minus-1") == 0)
			want = want_arch_expect()->ptrsize == 4 ? "1073741823"
			                                        : "0";
		const char *got = trace_fact(&r.t, row->fact[i]);
		CHECK(&r, got && strcmp(got, want) == 0,
		      "with env %s expected %s=%s, got %s", desc, row->fact[i],
		      want, got ? got : "(missing)");
	}
	run_free(&r);
}

/* KNOB_TABLE(test, rows...): the test of one rule, every row of its table
 * in the one test process (Criterion runs a parameterized test in a process
 * per row, about 11 ms each). The first failing row fails the test, named
 * by its environment. */
#define KNOB_TABLE(test, ...)                                                  \
	Test(knobs, test)                                                      \
	{                                                                      \
		static const struct knob_row rows[] = {__VA_ARGS__};           \
		for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)      \
			check_row(&rows[i]);                                   \
	}

/* A row setting one variable and checking one fact. */
#define ONE(e, f, w)                                                           \
	{                                                                      \
		{e}, {f},                                                      \
		{                                                              \
			w                                                      \
		}                                                              \
	}

/* ---- GOMAXPROCS: an int32 > 0, else ncpu ------------------------------- */

#define MAXPROCS(e, w) ONE(e, "knob.gomaxprocs", w)

KNOB_TABLE(knobs_gomaxprocs_default_ncpu, MAXPROCS("", "ncpu"),
           MAXPROCS("GOMAXPROCS=", "ncpu"))

KNOB_TABLE(knobs_gomaxprocs_positive, MAXPROCS("GOMAXPROCS=1", "1"),
           MAXPROCS("GOMAXPROCS=3", "3"), MAXPROCS("GOMAXPROCS=007", "7"))

KNOB_TABLE(knobs_gomaxprocs_nonpositive_ignored,
           MAXPROCS("GOMAXPROCS=0", "ncpu"), MAXPROCS("GOMAXPROCS=-3", "ncpu"),
           MAXPROCS("GOMAXPROCS=-", "ncpu"))

KNOB_TABLE(knobs_gomaxprocs_malformed_ignored,
           MAXPROCS("GOMAXPROCS=abc", "ncpu"),
           MAXPROCS("GOMAXPROCS= 2", "ncpu"), MAXPROCS("GOMAXPROCS=+2", "ncpu"),
           MAXPROCS("GOMAXPROCS=3x", "ncpu"), MAXPROCS("GOMAXPROCS=2 ", "ncpu"))

KNOB_TABLE(knobs_gomaxprocs_overflow_ignored,
           MAXPROCS("GOMAXPROCS=2147483648", "ncpu"),
           MAXPROCS("GOMAXPROCS=99999999999999999999", "ncpu"))

KNOB_TABLE(knobs_gomaxprocs_no_clamp, MAXPROCS("GOMAXPROCS=2048", "2048"),
           MAXPROCS("GOMAXPROCS=4096", "4096"))

/* Huge GOMAXPROCS: Go takes it verbatim (no upper clamp) but then
 * allocates a P each, 13.5 GB for 1e6. The runtime must report the value
 * and still start in bounded memory and time. The bound: 64 MiB of
 * address space. Measured: both link modes start with GOMAXPROCS=2^31-1 in
 * 16 MiB (glibc's start-up in external mode adds nothing that matters), so
 * 64 MiB leaves room and still refuses any per-P allocation that scales. */
struct huge {
	char value[16];
};

static void knobs_gomaxprocs_huge_bounded_case(const struct huge *h)
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
	/* qemu-user reserves a 32-bit guest's whole 4 GiB address space up
	 * front, before the guest runs; the guest's own mappings come out of
	 * that reservation, so there its 4 GiB are what bound it. */
	if (probe_emulator() && want_arch_expect()->ptrsize == 4)
		bound += (uint64_t)4 << 30;
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

Test(knobs, knobs_gomaxprocs_huge_bounded)
{
	static const struct huge rows[] = {{"99999"}, {"2147483647"}};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		knobs_gomaxprocs_huge_bounded_case(&rows[i]);
}

/* ---- GOGC: "off" -> -1; an int32, negatives -> -1; else 100 ------------ */

#define GOGC(e, w) ONE(e, "knob.gogc", w)

KNOB_TABLE(knobs_gogc_default_100, GOGC("", "100"))

KNOB_TABLE(knobs_gogc_off, GOGC("GOGC=off", "-1"), GOGC("GOGC=OFF", "100"),
           GOGC("GOGC=Off", "100"))

KNOB_TABLE(knobs_gogc_int32, GOGC("GOGC=50", "50"), GOGC("GOGC=050", "50"),
           GOGC("GOGC=0", "0"), GOGC("GOGC=2147483647", "2147483647"))

KNOB_TABLE(knobs_gogc_negative_off, GOGC("GOGC=-5", "-1"),
           GOGC("GOGC=-1", "-1"), GOGC("GOGC=-2147483648", "-1"))

KNOB_TABLE(knobs_gogc_malformed_100, GOGC("GOGC=", "100"),
           GOGC("GOGC=abc", "100"), GOGC("GOGC= 75", "100"),
           GOGC("GOGC=75 ", "100"), GOGC("GOGC=2147483648", "100"))

KNOB_TABLE(knobs_gogc_dash_is_0, GOGC("GOGC=-", "0"))

/* ---- GOMEMLIMIT: "" or "off" -> max int64; a byte count and unit --------- */

#define MEMLIMIT(e, w) ONE(e, "knob.gomemlimit", w)

KNOB_TABLE(knobs_gomemlimit_default_max, MEMLIMIT("", "9223372036854775807"),
           MEMLIMIT("GOMEMLIMIT=", "9223372036854775807"))

KNOB_TABLE(knobs_gomemlimit_off,
           MEMLIMIT("GOMEMLIMIT=off", "9223372036854775807"))

KNOB_TABLE(knobs_gomemlimit_bytes, MEMLIMIT("GOMEMLIMIT=12345", "12345"),
           MEMLIMIT("GOMEMLIMIT=12345B", "12345"),
           MEMLIMIT("GOMEMLIMIT=0", "0"))

KNOB_TABLE(knobs_gomemlimit_units, MEMLIMIT("GOMEMLIMIT=1GiB", "1073741824"),
           MEMLIMIT("GOMEMLIMIT=100MiB", "104857600"),
           MEMLIMIT("GOMEMLIMIT=1KiB", "1024"),
           MEMLIMIT("GOMEMLIMIT=1TiB", "1099511627776"))

/* A malformed GOMEMLIMIT: Go prints "GOMEMLIMIT=<value>", then a fatal
 * error (mgcpacer.go readGOMEMLIMIT), exit 2. */
struct bad_value {
	char value[32];
};

static void knobs_gomemlimit_malformed_fatal_case(const struct bad_value *bad)
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

Test(knobs, knobs_gomemlimit_malformed_fatal)
{
	static const struct bad_value rows[] = {{"1GB"}, {"abc"}, {"1KB"}};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		knobs_gomemlimit_malformed_fatal_case(&rows[i]);
}

/* ---- GODEBUG ----------------------------------------------------------- */

#define GCTRACE(e, w) ONE(e, "knob.godebug.gctrace", w)

KNOB_TABLE(knobs_godebug_defaults,
           {{""},
            {"knob.godebug.gctrace", "knob.godebug.inittrace",
             "knob.godebug.schedtrace"},
            {"0", "0", "0"}},
           {{""},
            {"knob.godebug.scheddetail", "knob.godebug.rt0trace",
             "knob.godebug.cgocheck"},
            {"0", "0", "1"}},
           {{""},
            {"knob.godebug.cgocheck", "knob.godebug.invalidptr",
             "knob.godebug.madvdontneed"},
            {"1", "1", "1"}})

KNOB_TABLE(knobs_godebug_key_value, GCTRACE("GODEBUG=gctrace=1", "1"),
           {{"GODEBUG=schedtrace=5,scheddetail=1,inittrace=1"},
            {"knob.godebug.schedtrace", "knob.godebug.scheddetail",
             "knob.godebug.inittrace"},
            {"5", "1", "1"}},
           GCTRACE("GODEBUG=gctrace=-1", "-1"),
           GCTRACE("GODEBUG=gctrace=2147483647", "2147483647"))

KNOB_TABLE(knobs_godebug_last_wins, GCTRACE("GODEBUG=gctrace=1,gctrace=2", "2"),
           GCTRACE("GODEBUG=gctrace=3,inittrace=1,gctrace=4", "4"))

KNOB_TABLE(knobs_godebug_no_eq_ignored, GCTRACE("GODEBUG=gctrace", "0"),
           GCTRACE("GODEBUG=gctrace=2,gctrace", "2"))

KNOB_TABLE(knobs_godebug_empty_fields, GCTRACE("GODEBUG=,,gctrace=4,,", "4"),
           GCTRACE("GODEBUG=,", "0"))

KNOB_TABLE(knobs_godebug_unknown_key_ignored,
           GCTRACE("GODEBUG=nosuchkey=5,gctrace=3", "3"),
           GCTRACE("GODEBUG=memprofilerate=1,gctrace=2", "2"))

KNOB_TABLE(knobs_godebug_bad_value_ignored, GCTRACE("GODEBUG=gctrace=abc", "0"),
           GCTRACE("GODEBUG=gctrace=1,gctrace=abc", "1"),
           GCTRACE("GODEBUG=gctrace=1 ", "0"),
           GCTRACE("GODEBUG=gctrace=2147483648", "0"),
           GCTRACE("GODEBUG=gctrace=1=2", "0"))

KNOB_TABLE(knobs_godebug_case_sensitive, GCTRACE("GODEBUG=GCTRACE=1", "0"),
           GCTRACE("GODEBUG=GcTrace=1", "0"))

Test(knobs, knobs_godebug_first_entry)
{
	/* cpuinit reads the first GODEBUG entry straight from envp, and
	 * gogetenv returns the first match: a second one is ignored. */
	SKIP_IF_EXCEPTION("KNOBS-GODEBUG-FIRST-ENTRY");
	static const struct knob_row row = {
	    {"GODEBUG=gctrace=1", "GODEBUG=gctrace=2"},
	    {"knob.godebug.gctrace"},
	    {"1"}};
	check_row(&row);
}

/* The knob.cpu.* facts of one run, in order: names and values. */
struct cpu_facts {
	size_t n;
	char name[16][24];
	int val[16];
	int aeshash;
};

static void cpu_facts(const char *const *env, struct cpu_facts *cf)
{
	struct run r;
	run_probe(&r, "knobs", NULL, env);
	CHECK_EXIT(&r, 0);
	size_t cur = 0;
	const struct trace_field *f;
	cf->n = 0;
	while ((f = trace_fact_next(&r.t, "knob.cpu.", &cur)) != NULL &&
	       cf->n < 16) {
		snprintf(cf->name[cf->n], sizeof cf->name[0], "%s",
		         f->key + strlen("knob.cpu."));
		cf->val[cf->n++] = strcmp(f->value, "1") == 0;
	}
	cf->aeshash = (int)trace_fact_i64(&r.t, "knob.aeshash");
	CHECK(&r, cf->n > 0, "expected knob.cpu.* facts from the knobs probe");
	run_free(&r);
}

Test(knobs, knobs_godebug_cpu_off)
{
	struct cpu_facts base, off;
	cpu_facts(NULL, &base);
	for (size_t i = 0; i < base.n; i++) {
		char env0[64];
		snprintf(env0, sizeof env0, "GODEBUG=cpu.%s=off", base.name[i]);
		const char *env[] = {env0, NULL};
		cpu_facts(env, &off);
		cr_assert_eq(off.n, base.n);
		for (size_t k = 0; k < base.n; k++) {
			int want = k == i ? 0 : base.val[k];
			cr_assert_eq(off.val[k], want,
			             "with %s expected knob.cpu.%s=%d, got %d",
			             env0, base.name[k], want, off.val[k]);
		}
		/* Anything but "off" changes nothing. */
		snprintf(env0, sizeof env0, "GODEBUG=cpu.%s=on", base.name[i]);
		cpu_facts(env, &off);
		for (size_t k = 0; k < base.n; k++)
			cr_assert_eq(
			    off.val[k], base.val[k],
			    "with %s expected knob.cpu.%s=%d as without "
			    "it, got %d",
			    env0, base.name[k], base.val[k], off.val[k]);
	}
}

Test(knobs, knobs_godebug_cpu_all_off)
{
	static const char *const env[] = {"GODEBUG=cpu.all=off", NULL};
	struct cpu_facts cf;
	cpu_facts(env, &cf);
	for (size_t k = 0; k < cf.n; k++)
		cr_assert_eq(cf.val[k], 0,
		             "with GODEBUG=cpu.all=off expected knob.cpu.%s=0",
		             cf.name[k]);
	cr_assert_eq(cf.aeshash, 0,
	             "with GODEBUG=cpu.all=off expected no AES hash");
}

/* ---- GOTRACEBACK, as Go's setTraceback ---------------------------------- */

#define TB(e, level, all, crash)                                               \
	{                                                                      \
		{e},                                                           \
		    {"knob.traceback.level", "knob.traceback.all",             \
		     "knob.traceback.crash"},                                  \
		{                                                              \
			level, all, crash                                      \
		}                                                              \
	}

KNOB_TABLE(knobs_gotraceback_default_single, TB("", "1", "0", "0"),
           TB("GOTRACEBACK=", "1", "0", "0"),
           TB("GOTRACEBACK=single", "1", "0", "0"))

KNOB_TABLE(knobs_gotraceback_none, TB("GOTRACEBACK=none", "0", "0", "0"))

KNOB_TABLE(knobs_gotraceback_all, TB("GOTRACEBACK=all", "1", "1", "0"))

KNOB_TABLE(knobs_gotraceback_system, TB("GOTRACEBACK=system", "2", "1", "0"))

KNOB_TABLE(knobs_gotraceback_crash, TB("GOTRACEBACK=crash", "2", "1", "1"))

KNOB_TABLE(knobs_gotraceback_number, TB("GOTRACEBACK=5", "5", "1", "0"),
           TB("GOTRACEBACK=0", "0", "1", "0"))

KNOB_TABLE(knobs_gotraceback_other, TB("GOTRACEBACK=abc", "0", "1", "0"),
           TB("GOTRACEBACK=ALL", "0", "1", "0"),
           TB("GOTRACEBACK=-1", "level-of-minus-1", "1", "0"))

/* ---- osinit ---------------------------------------------------------------
 */

Test(osinit, osinit_ncpu_affinity)
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

Test(osinit, osinit_ncpu_follows_mask)
{
	/* Criterion runs this test in a process of its own: narrowing its
	 * mask narrows the probe's, which inherits it. */
	cpu_set_t set, one;
	cr_assert_eq(sched_getaffinity(0, sizeof set, &set), 0, "%m");
	int cpu = 0;
	while (!CPU_ISSET(cpu, &set))
		cpu++;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	cr_assert_eq(sched_setaffinity(0, sizeof one, &one), 0, "%m");
	struct run r;
	run_probe(&r, "knobs", NULL, NULL);
	CHECK_EXIT(&r, 0);
	int64_t ncpu = trace_fact_i64(&r.t, "knob.ncpu");
	int64_t procs = trace_fact_i64(&r.t, "knob.gomaxprocs");
	CHECK(&r, ncpu == 1 && procs == 1,
	      "expected ncpu=1 and gomaxprocs=1 on a mask of CPU %d alone, got "
	      "%lld and %lld",
	      cpu, (long long)ncpu, (long long)procs);
	run_free(&r);
	sched_setaffinity(0, sizeof set, &set);
}

/* ---- schedinit: procresize and cpuinit ------------------------------------
 */

Test(schedinit, schedinit_procresize_nprocs)
{
	static const char *const envs[][3] = {
	    {"GODEBUG=rt0trace=1", "GOMAXPROCS=3", NULL},
	    {"GODEBUG=rt0trace=1", NULL, NULL},
	};
	for (size_t i = 0; i < 2; i++) {
		struct run r;
		run_probe(&r, "knobs", NULL, envs[i]);
		CHECK_EXIT(&r, 0);
		const struct trace_line *ev =
		    need_event(&r, "runtime.procresize", 0);
		int64_t n = trace_i64(ev, "nprocs");
		int64_t want = trace_fact_i64(&r.t, "knob.gomaxprocs");
		CHECK(&r, n == want && (i == 1 || n == 3),
		      "with %s expected procresize(nprocs=%lld), got %lld",
		      envs[i][1] ? envs[i][1] : "GOMAXPROCS unset",
		      (long long)want, (long long)n);
		run_free(&r);
	}
}

Test(schedinit, schedinit_cpuinit_first_godebug)
{
	SKIP_IF_EXCEPTION("SCHEDINIT-CPUINIT-FIRST-GODEBUG");
	struct cpu_facts base, first, second;
	cpu_facts(NULL, &base);
	static const char *const off_first[] = {"GODEBUG=cpu.all=off",
	                                        "GODEBUG=gctrace=1", NULL};
	static const char *const off_second[] = {"GODEBUG=gctrace=1",
	                                         "GODEBUG=cpu.all=off", NULL};
	cpu_facts(off_first, &first);
	cpu_facts(off_second, &second);
	for (size_t k = 0; k < base.n; k++) {
		cr_assert_eq(first.val[k], 0,
		             "with cpu.all=off in the first GODEBUG entry "
		             "expected knob.cpu.%s=0",
		             base.name[k]);
		cr_assert_eq(second.val[k], base.val[k],
		             "with cpu.all=off in a second GODEBUG entry "
		             "expected knob.cpu.%s=%d as without it, got %d",
		             base.name[k], base.val[k], second.val[k]);
	}
}

Test(schedinit, schedinit_aeshash_needs_cpu)
{
	const char *arch = want_arch();
	const struct arch_expect *x = want_arch_expect();
	struct cpu_facts cf;
	cpu_facts(NULL, &cf);
	/* The AES hash where the arch has one and the CPU has every feature
	 * it needs (conformance/lib/arches.c). */
	int want = x->aeshash_cpu[0] != NULL;
	for (size_t k = 0; k < 3 && x->aeshash_cpu[k]; k++) {
		bool have = false;
		for (size_t f = 0; f < cf.n; f++)
			if (strcmp(cf.name[f], x->aeshash_cpu[k]) == 0)
				have = cf.val[f];
		want &= have;
	}
	cr_assert_eq(cf.aeshash, want,
	             "%s: expected knob.aeshash=%d from the CPU features, got "
	             "%d",
	             arch, want, cf.aeshash);
	static const char *const env[] = {"GODEBUG=cpu.aes=off", NULL};
	cpu_facts(env, &cf);
	cr_assert_eq(cf.aeshash, 0,
	             "%s: expected no AES hash with GODEBUG=cpu.aes=off", arch);
}

/* ---- args: argv and env verbatim -------------------------------------------
 */

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

Test(args, args_argv_verbatim)
{
	const char *args[] = {
	    "", "NOEQ",  "=v", "a b", "tab\there", "100%", "\xc3\xa9\xff\x01",
	    "", "--x=y", NULL};
	struct run r;
	run_probe(&r, "knobs", args, NULL);
	check_argv(&r, args, sizeof args / sizeof args[0] - 1);
	run_free(&r);
}

Test(args, args_argv0_as_executed)
{
	struct run r;
	run_probe(&r, "knobs", NULL, NULL);
	CHECK_EXIT(&r, 0);
	char path[4096];
	const char *argv0 = need_fact(&r, "argv.0");
	CHECK(&r, strcmp(argv0, probe_path("knobs", path, sizeof path)) == 0,
	      "expected argv.0 to be the path the probe was run by, %s, got %s",
	      path, argv0);
	run_free(&r);
}

Test(args, args_arg_131071_bytes)
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

Test(args, args_argc0_starts)
{
	/* execve with an empty argv: since Linux 5.18 (commit dcd46d897adb,
	 * "exec: Force single empty string when argv is empty") the kernel
	 * passes argc 1 with argv[0] = "", so no program sees argc 0; older
	 * kernels pass argc 0. Either way the runtime must copy what it got
	 * and start. */
	SKIP_IF_EXCEPTION("ARGS-ARGC0-STARTS");
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

Test(args, args_env_verbatim)
{
	SKIP_IF_EXCEPTION("ARGS-ENV-VERBATIM");
	const char *env[] = {"A=1",          "NOEQ",   "=v",  "",  "B=x=y",
	                     "UTF=\xc3\xa9", "SP=a b", "A=2", NULL};
	struct run r;
	run_probe(&r, "knobs", NULL, env);
	check_env(&r, env, sizeof env / sizeof env[0] - 1);
	run_free(&r);
}

Test(args, args_env_200kb)
{
	/* 2000 variables of 100 bytes: 200 KB, well within ARG_MAX. Every
	 * entry must arrive, once; their order is ARGS-ENV-VERBATIM's. */
	enum { N = 2000, LEN = 100 };
	char *storage = malloc((size_t)N * (LEN + 1));
	const char **env = calloc(N + 1, sizeof *env);
	bool *seen = calloc(N, sizeof *seen);
	cr_assert(storage && env && seen);
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
	CHECK_EXIT(&r, 0);
	CHECK(&r, trace_fact_i64(&r.t, "envc") == N, "expected envc=%d", N);
	for (int i = 0; i < N; i++) {
		char key[32];
		snprintf(key, sizeof key, "env.%d", i);
		const char *got = need_fact(&r, key);
		int v = -1;
		if (sscanf(got, "V%04d=", &v) != 1 || v < 0 || v >= N ||
		    seen[v] || strcmp(got, env[v]) != 0)
			CHECK(&r, false,
			      "expected %s to be one of the %d entries, each "
			      "once, intact: got \"%.20s...\"",
			      key, N, got);
		seen[v] = true;
	}
	const char *last = need_fact(&r, "getenv.1");
	CHECK(&r, strcmp(last, env[N - 1] + 6) == 0,
	      "expected getenv(V%04d) to find the last variable", N - 1);
	run_free(&r);
	free(seen);
	free(env);
	free(storage);
}

Test(args, args_getenv_first_match)
{
	SKIP_IF_EXCEPTION("ARGS-GETENV-FIRST-MATCH");
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

/* Runs knobs with env and one --getenv=KEY per key; getenv.<i> (i from 1)
 * is the value, getenv.<i>.missing=1 when there is none. */
static void run_getenv(struct run *r, const char *const *env,
                       const char *const *args)
{
	run_probe(r, "knobs", args, env);
	CHECK_EXIT(r, 0);
}

Test(args, args_getenv_case_sensitive)
{
	const char *env[] = {"NOEQ=upper", "noeq=lower", "Mixed=m", NULL};
	const char *args[] = {"--getenv=noeq", "--getenv=NOEQ",
	                      "--getenv=MIXED", NULL};
	struct run r;
	run_getenv(&r, env, args);
	const char *lower = need_fact(&r, "getenv.1");
	CHECK(&r, strcmp(lower, "lower") == 0,
	      "expected getenv(noeq)=\"lower\", got \"%s\"", lower);
	const char *upper = need_fact(&r, "getenv.2");
	CHECK(&r, strcmp(upper, "upper") == 0,
	      "expected getenv(NOEQ)=\"upper\", got \"%s\"", upper);
	CHECK(&r, trace_fact(&r.t, "getenv.3.missing"),
	      "expected getenv(MIXED) not to find Mixed, got \"%s\"",
	      trace_fact(&r.t, "getenv.3"));
	run_free(&r);
}

Test(args, args_getenv_whole_key)
{
	const char *env[] = {"KEYLONG=x", "K=short", NULL};
	const char *args[] = {"--getenv=KEY", "--getenv=KEYLONGER", NULL};
	struct run r;
	run_getenv(&r, env, args);
	CHECK(&r, trace_fact(&r.t, "getenv.1.missing"),
	      "expected getenv(KEY) not to match KEYLONG, got \"%s\"",
	      trace_fact(&r.t, "getenv.1"));
	CHECK(&r, trace_fact(&r.t, "getenv.2.missing"),
	      "expected getenv(KEYLONGER) not to match KEYLONG, got \"%s\"",
	      trace_fact(&r.t, "getenv.2"));
	run_free(&r);
}

Test(args, args_getenv_noeq_never_matches)
{
	/* Under qemu-user "NOEQ" never arrives; the answer is the same. */
	const char *env[] = {"NOEQ", "=v", NULL};
	const char *args[] = {"--getenv=NOEQ", NULL};
	struct run r;
	run_getenv(&r, env, args);
	CHECK(&r, trace_fact(&r.t, "getenv.1.missing"),
	      "expected getenv(NOEQ) to find nothing, got \"%s\"",
	      trace_fact(&r.t, "getenv.1"));
	run_free(&r);
}

Test(args, args_getenv_empty_value)
{
	const char *env[] = {"EMPTY=", NULL};
	const char *args[] = {"--getenv=EMPTY", NULL};
	struct run r;
	run_getenv(&r, env, args);
	const char *v = trace_fact(&r.t, "getenv.1");
	CHECK(&r, v != NULL && v[0] == '\0',
	      "expected getenv(EMPTY) to find the empty value, got %s%s",
	      v ? "" : "nothing", v ? v : "");
	run_free(&r);
}
