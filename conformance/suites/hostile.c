/* hostile: the knobs probe executed with argv and environments built to
 * break start-up parsing (conformance/invariants-hostile.toml), one test per
 * invariant, named by its id. Each checks the documented outcome; a crash or
 * a hang fails it through CHECK_EXIT, naming the signal or the timeout.
 *
 * Under qemu-user the guest's envp is rebuilt in reverse order, so the
 * environment checks here compare entries as a set, never by position. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite.h"

/* Every fact key<i> (i from first), in the order printed, must equal
 * want[i - first] byte for byte. One pass over the facts: the lists here
 * run to thousands of entries. */
static void check_fact_list(struct run *r, const char *prefix, int first,
                            const char *const *want, size_t n)
{
	size_t cursor = 0, i = 0;
	const struct trace_field *f;
	char key[32];
	while ((f = trace_fact_next(&r->t, prefix, &cursor)) != NULL) {
		snprintf(key, sizeof key, "%s%zu", prefix, i + (size_t)first);
		CHECK(r, strcmp(f->key, key) == 0,
		      "expected fact %s next, got %s (%zu of %zu seen)", key,
		      f->key, i, n);
		CHECK(r, i < n && strcmp(f->value, want[i]) == 0,
		      "expected %s=\"%.60s\" verbatim (%zu bytes), got "
		      "\"%.60s\" (%zu bytes)",
		      key, i < n ? want[i] : "(none)",
		      i < n ? strlen(want[i]) : 0, f->value, f->value_len);
		i++;
	}
	CHECK(r, i == n, "expected %zu %s facts, got %zu", n, prefix, i);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The env.<i> facts are exactly the n entries of want, each once, in some
 * order (qemu-user reverses envp). */
static void check_env_set(struct run *r, const char *const *want, size_t n)
{
	CHECK_EXIT(r, 0);
	int64_t envc = trace_fact_i64(&r->t, "envc");
	CHECK(r, envc == (int64_t)n, "expected envc=%zu, got %lld", n,
	      (long long)envc);
	const char **got = calloc(n + 1, sizeof *got);
	const char **sorted = calloc(n + 1, sizeof *sorted);
	cr_assert(got && sorted);
	size_t cursor = 0, k = 0;
	const struct trace_field *f;
	while ((f = trace_fact_next(&r->t, "env.", &cursor)) != NULL && k < n)
		got[k++] = f->value;
	CHECK(r, k == n, "expected %zu env. facts, got %zu", n, k);
	memcpy(sorted, want, n * sizeof *want);
	qsort(got, n, sizeof *got, cmp_str);
	qsort(sorted, n, sizeof *sorted, cmp_str);
	for (size_t i = 0; i < n; i++)
		CHECK(r, strcmp(got[i], sorted[i]) == 0,
		      "expected the environment's entries each once, intact: "
		      "\"%.40s\" is not among them",
		      strcmp(got[i], sorted[i]) < 0 ? got[i] : sorted[i]);
	free(sorted);
	free(got);
}

/* getenv.<i>, printed for the probe's argument i "--getenv=KEY". */
static void check_getenv(struct run *r, int i, const char *want)
{
	char key[32];
	snprintf(key, sizeof key, "getenv.%d", i);
	const char *got = trace_fact(&r->t, key);
	CHECK(r, got && strcmp(got, want) == 0,
	      "expected %s=\"%.40s\" (%zu bytes), got \"%.40s\" (%zu bytes)",
	      key, want, strlen(want), got ? got : "(missing)",
	      got ? strlen(got) : 0);
}

static void check_fact(struct run *r, const char *key, const char *want,
                       const char *why)
{
	const char *got = trace_fact(&r->t, key);
	CHECK(r, got && strcmp(got, want) == 0, "%s: expected %s=%s, got %s",
	      why, key, want, got ? got : "(missing)");
}

Test(args, args_env_4000_vars)
{
	enum { N = 4000 };
	static char storage[N][16];
	const char *env[N + 1];
	for (int i = 0; i < N; i++) {
		snprintf(storage[i], sizeof storage[i], "E%04d=%d", i, i * 7);
		env[i] = storage[i];
	}
	env[N] = NULL;
	const char *args[] = {"--getenv=E0000", "--getenv=E3999", NULL};
	struct run r;
	run_probe(&r, "knobs", args, env);
	check_env_set(&r, env, N);
	check_getenv(&r, 1, "0");
	check_getenv(&r, 2, "27993");
	run_free(&r);
}

Test(args, args_env_entry_131071_bytes)
{
	enum { LEN = 131071 };
	char *big = malloc(LEN + 1);
	cr_assert_not_null(big);
	memcpy(big, "BIG=", 4);
	for (size_t i = 4; i < LEN; i++)
		big[i] = (char)('a' + i % 26);
	big[LEN] = '\0';
	const char *env[] = {big, "SMALL=1", NULL};
	const char *args[] = {"--getenv=BIG", NULL};
	struct run r;
	run_probe(&r, "knobs", args, env);
	check_env_set(&r, env, 2);
	check_getenv(&r, 1, big + 4);
	run_free(&r);
	free(big);
}

Test(args, args_argv_10000_args)
{
	enum { N = 10000 };
	static char storage[N][8];
	const char *args[N + 1];
	for (int i = 0; i < N; i++) {
		/* Every seventh empty: an empty argument is still counted. */
		if (i % 7 != 3)
			snprintf(storage[i], sizeof storage[i], "a%d", i);
		args[i] = storage[i];
	}
	args[N] = NULL;
	struct run r;
	run_probe(&r, "knobs", args, NULL);
	CHECK_EXIT(&r, 0);
	int64_t argc = trace_fact_i64(&r.t, "argc");
	CHECK(&r, argc == N + 1, "expected argc=%d, got %lld", N + 1,
	      (long long)argc);
	/* argv.0 is the probe's path; argv.1.. the arguments, in order. */
	const char *argv[N + 1];
	argv[0] = need_fact(&r, "argv.0");
	memcpy(argv + 1, args, N * sizeof *args);
	check_fact_list(&r, "argv.", 0, argv, N + 1);
	run_free(&r);
}

Test(args, args_env_empty)
{
	const char *args[] = {"--getenv=PATH", "--getenv=HOME", NULL};
	struct run r;
	run_probe(&r, "knobs", args, NULL);
	CHECK_EXIT(&r, 0);
	const char *why = "with an empty environment";
	check_fact(&r, "envc", "0", why);
	CHECK(&r, trace_count_facts(&r.t, "env.") == 0,
	      "expected no env. facts with an empty environment");
	CHECK(&r,
	      trace_fact(&r.t, "getenv.1.missing") &&
	          trace_fact(&r.t, "getenv.2.missing"),
	      "expected getenv(PATH) and getenv(HOME) to find nothing");
	check_fact(&r, "knob.gomaxprocs", need_fact(&r, "knob.ncpu"), why);
	check_fact(&r, "knob.gogc", "100", why);
	check_fact(&r, "knob.gomemlimit", "9223372036854775807", why);
	check_fact(&r, "knob.traceback.level", "1", why);
	check_fact(&r, "knob.traceback.all", "0", why);
	check_fact(&r, "knob.godebug.gctrace", "0", why);
	check_fact(&r, "knob.godebug.rt0trace", "0", why);
	CHECK(&r, r.t.header == NULL,
	      "expected no trace header: rt0trace is off by default");
	run_free(&r);
}

Test(args, args_trace_no_injection)
{
	const char *args[] = {"x\nrt0 fact forged=1",
	                      "\n",
	                      "\r\n",
	                      "a\rrt0 ev phase=forged g=0",
	                      "rt0 fact forged=2",
	                      "%0a%25",
	                      "--getenv=INJ",
	                      NULL};
	const char *env[] = {
	    "GODEBUG=rt0trace=1", "INJ=\nrt0 fact injected=1\n",
	    "HDR=\nrt0 trace v=9\n", "PCT=%0Art0 fact injected=2", NULL};
	struct run r;
	run_probe(&r, "knobs", args, env);
	check_env_set(&r, env, 4);
	const char *argv[8];
	argv[0] = need_fact(&r, "argv.0");
	memcpy(argv + 1, args, 7 * sizeof *args);
	check_fact_list(&r, "argv.", 0, argv, 8);
	check_getenv(&r, 7, env[1] + 4);
	CHECK(&r, memmem(r.r.err, r.r.err_len, "\nrt0 fact forged", 16) == NULL,
	      "expected no raw forged line in stderr");
	CHECK(&r,
	      !trace_fact(&r.t, "forged") && !trace_fact(&r.t, "injected") &&
	          !trace_find_event(&r.t, "forged", 0),
	      "expected no forged fact or event in the trace");
	size_t headers = 0;
	for (size_t i = 0; i < r.t.nlines; i++)
		headers += strcmp(r.t.lines[i].kind, "trace") == 0;
	CHECK(&r, headers == 1 && strcmp(trace_header(&r.t, "v"), "1") == 0,
	      "expected exactly one trace header, v=1; got %zu", headers);
	for (size_t i = 0; i < r.t.nother; i++)
		CHECK(&r,
		      !strstr(r.t.other[i], "forged") &&
		          !strstr(r.t.other[i], "injected"),
		      "expected no argument or entry to leak into stderr "
		      "unencoded, got the line \"%s\"",
		      r.t.other[i]);
	run_free(&r);
}

/* Appends s to buf at *len. */
static void put(char *buf, size_t *len, const char *s)
{
	size_t n = strlen(s);
	memcpy(buf + *len, s, n);
	*len += n;
}

Test(knobs, knobs_godebug_huge)
{
	/* "GODEBUG=" and the value: 131071 bytes, the most one entry takes. */
	enum { ENTRY = 131071, ZEROS = 100000 };
	char *e = malloc(ENTRY + 1);
	cr_assert_not_null(e);
	size_t n = 0;
	put(e, &n, "GODEBUG=gctrace=1,");
	for (int i = 0; i < 500; i++)
		put(e, &n, "nosuchkey=5,,gctrace=2,scheddetail,schedtrace=3,");
	put(e, &n, "gctrace=");
	memset(e + n, '0', ZEROS);
	n += ZEROS;
	put(e, &n, "7,gctrace=abc,gctrace=99999999999,");
	const char *tail = "rt0trace=1";
	size_t pad = ENTRY - n - strlen(tail);
	cr_assert(pad < ENTRY, "the fields outgrew the entry");
	memset(e + n, ',', pad); /* empty fields, skipped */
	n += pad;
	put(e, &n, tail);
	e[n] = '\0';
	cr_assert_eq(n, (size_t)ENTRY);
	const char *env[] = {e, NULL};
	struct run r;
	run_probe(&r, "knobs", NULL, env);
	CHECK_EXIT(&r, 0);
	const char *why = "with a GODEBUG of 131063 bytes";
	check_fact(&r, "knob.godebug.gctrace", "7", why);
	check_fact(&r, "knob.godebug.schedtrace", "3", why);
	check_fact(&r, "knob.godebug.scheddetail", "0", why);
	check_fact(&r, "knob.godebug.rt0trace", "1", why);
	CHECK(&r, r.t.header != NULL,
	      "expected rt0trace=1, the last field, to turn the trace on");
	run_free(&r);
	free(e);
}

Test(knobs, knobs_non_ascii_values_invalid)
{
	/* Two runs, so each knob meets two kinds of non-ASCII byte. "77"
	 * and "5" would be valid if the bytes after them were dropped. */
	static const char *const runs[2][5] = {
	    {"GOGC=\xef\xbc\x95\xef\xbc\x90", /* full-width "50" */
	     "GOMAXPROCS=\xd9\xa3",           /* Arabic-Indic "3" */
	     "GOTRACEBACK=\xe9"
	     "all",
	     "GODEBUG=gctrace=\xff,gc\xfftrace=1,inittrace=1,schedtrace="
	     "\xc2\xb2",
	     NULL},
	    {"GOGC=5\xff", "GOMAXPROCS=77\xc3\xa9",
	     "GOTRACEBACK=crash\xc2\xa0", /* a trailing no-break space */
	     "GODEBUG=gctrace=2,gctrace=3\xff", NULL},
	};
	static const char *const gctrace[2] = {"0", "2"};
	static const char *const inittrace[2] = {"1", "0"};
	for (int i = 0; i < 2; i++) {
		struct run r;
		run_probe(&r, "knobs", NULL, runs[i]);
		CHECK_EXIT(&r, 0);
		char why[96];
		snprintf(why, sizeof why, "with the non-ASCII knobs of run %d",
		         i + 1);
		check_fact(&r, "knob.gogc", "100", why);
		check_fact(&r, "knob.gomaxprocs", need_fact(&r, "knob.ncpu"),
		           why);
		check_fact(&r, "knob.traceback.level", "0", why);
		check_fact(&r, "knob.traceback.all", "1", why);
		check_fact(&r, "knob.traceback.crash", "0", why);
		check_fact(&r, "knob.godebug.gctrace", gctrace[i], why);
		check_fact(&r, "knob.godebug.inittrace", inittrace[i], why);
		check_fact(&r, "knob.godebug.schedtrace", "0", why);
		run_free(&r);
	}
}

Test(knobs, knobs_gomemlimit_non_ascii_fatal)
{
	const char *env[] = {"GOMEMLIMIT=1\xffGiB", NULL};
	struct run r;
	run_probe(&r, "knobs", NULL, env);
	CHECK_EXIT(&r, 2);
	CHECK(&r, other_line(&r, env[0]) >= 0,
	      "expected the value's bytes printed unchanged, as the line "
	      "\"GOMEMLIMIT=1\\xffGiB\"");
	long fatal = other_line_prefix(&r, "fatal error: ");
	CHECK(&r, fatal >= 0 && strstr(r.t.other[fatal], "GOMEMLIMIT"),
	      "expected a \"fatal error: \" line naming GOMEMLIMIT");
	CHECK(&r, !trace_fact(&r.t, "argc"), "expected main.main not to run");
	run_free(&r);
}
