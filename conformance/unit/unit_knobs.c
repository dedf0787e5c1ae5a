/* unit_knobs.c: table tests of runtime/knobs.c against Go 1.19's behaviour
 * (docs/go-facts.md, section E, plus the edge cases of the
 * parsers in Go's runtime/string.go and runtime1.go). Each test is named
 * after its invariant, KNOBS-PARSE-* (conformance/invariants.toml).
 *
 * Every parser gets its input in a heap block of exactly n bytes, so that
 * AddressSanitizer catches a read outside [s, s + n). Each test runs its
 * whole table in one process (a parameterized test would cost a process per
 * case); the first failing case fails it, and the message names the case. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "knobs.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* An input string: bytes, length (a literal's sizeof, so embedded NULs
 * count) and whether the pointer is NULL ("unset"). */
struct input {
	char s[80];
	size_t n;
	bool null;
};
#define IN(lit)                                                                \
	{                                                                      \
		.s = lit, .n = sizeof(lit) - 1, .null = false                  \
	}
#define IN_NULL                                                                \
	{                                                                      \
		.s = "", .n = 0, .null = true                                  \
	}

/* A heap copy of exactly in->n bytes (NULL for an unset input). */
static char *input_dup(const struct input *in)
{
	char *p;

	if (in->null)
		return NULL;
	p = malloc(in->n ? in->n : 1);
	cr_assert_not_null(p);
	memcpy(p, in->s, in->n);
	return p;
}

/* A heap copy of the C string s, exactly strlen(s) + 1 bytes. */
static char *cstr_dup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	cr_assert_not_null(p);
	memcpy(p, s, n);
	return p;
}

/* The input, quoted and escaped, for assertion messages. */
static const char *show(const struct input *in, char *buf, size_t cap)
{
	size_t i, o = 0;

	if (in->null)
		return "NULL";
	o += (size_t)snprintf(buf + o, cap - o, "\"");
	for (i = 0; i < in->n && o + 8 < cap; i++) {
		unsigned char c = (unsigned char)in->s[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", c);
	}
	snprintf(buf + o, cap - o, "\" (n=%zu)", in->n);
	return buf;
}

/* ---- atoi64 / atoi32 ------------------------------------------------ */

struct atoi64_case {
	struct input in;
	bool ok;
	int64_t want;
};

static void knobs_parse_atoi64_case(const struct atoi64_case *c)
{
	char buf[256];
	char *s = input_dup(&c->in);
	int64_t v = 42;
	bool ok = knob_atoi64(s, c->in.n, &v);

	cr_assert_eq(ok, c->ok, "knob_atoi64(%s): ok %d, want %d",
	             show(&c->in, buf, sizeof buf), ok, c->ok);
	if (c->ok)
		cr_assert_eq(v, c->want,
		             "knob_atoi64(%s) = %" PRId64 ", want %" PRId64,
		             show(&c->in, buf, sizeof buf), v, c->want);
	free(s);
}

Test(knobs, knobs_parse_atoi64)
{
	static const struct atoi64_case cases[] = {
	    {IN("0"), true, 0},
	    {IN("7"), true, 7},
	    {IN("123"), true, 123},
	    {IN("-123"), true, -123},
	    {IN("-0"), true, 0},
	    {IN("007"), true, 7},
	    {IN("00000000000000000000000001"), true, 1},
	    /* "-" alone has no digits: Go 1.19 reads it as 0. */
	    {IN("-"), true, 0},
	    {IN(""), false, 0},
	    {IN_NULL, false, 0},
	    {IN("+2"), false, 0},
	    {IN(" 2"), false, 0},
	    {IN("2 "), false, 0},
	    {IN("\t2"), false, 0},
	    {IN("--1"), false, 0},
	    {IN("-+1"), false, 0},
	    {IN("1-"), false, 0},
	    {IN("1_000"), false, 0},
	    {IN("0x10"), false, 0},
	    {IN("1e3"), false, 0},
	    {IN("abc"), false, 0},
	    {IN("1\0002"), false, 0},
	    {IN("\0"), false, 0},
	    {IN("2\0"), false, 0},
	    {IN("9223372036854775807"), true, INT64_MAX},
	    {IN("9223372036854775808"), false, 0},
	    {IN("-9223372036854775808"), true, INT64_MIN},
	    {IN("-9223372036854775809"), false, 0},
	    {IN("18446744073709551615"), false, 0},
	    {IN("18446744073709551616"), false, 0},
	    {IN("-18446744073709551616"), false, 0},
	    {IN("99999999999999999999"), false, 0},
	    {IN("000009223372036854775807"), true, INT64_MAX},
	};
	for (size_t i = 0; i < NELEM(cases); i++)
		knobs_parse_atoi64_case(&cases[i]);
}

struct atoi32_case {
	struct input in;
	bool ok;
	int32_t want;
};

static void knobs_parse_atoi32_case(const struct atoi32_case *c)
{
	char buf[256];
	char *s = input_dup(&c->in);
	int32_t v = 42;
	bool ok = knob_atoi32(s, c->in.n, &v);

	cr_assert_eq(ok, c->ok, "knob_atoi32(%s): ok %d, want %d",
	             show(&c->in, buf, sizeof buf), ok, c->ok);
	if (c->ok)
		cr_assert_eq(v, c->want,
		             "knob_atoi32(%s) = %" PRId32 ", want %" PRId32,
		             show(&c->in, buf, sizeof buf), v, c->want);
	free(s);
}

Test(knobs, knobs_parse_atoi32)
{
	static const struct atoi32_case cases[] = {
	    {IN("0"), true, 0},
	    {IN("42"), true, 42},
	    {IN("-42"), true, -42},
	    {IN("-"), true, 0},
	    {IN(""), false, 0},
	    {IN_NULL, false, 0},
	    {IN("+2"), false, 0},
	    {IN(" 2"), false, 0},
	    {IN("2 "), false, 0},
	    {IN("2147483647"), true, INT32_MAX},
	    {IN("2147483648"), false, 0},
	    {IN("-2147483648"), true, INT32_MIN},
	    {IN("-2147483649"), false, 0},
	    /* Would wrap to 0 and 1 if the range check truncated. */
	    {IN("4294967296"), false, 0},
	    {IN("4294967297"), false, 0},
	    {IN("9223372036854775807"), false, 0},
	    {IN("9223372036854775808"), false, 0},
	    {IN("00000000002147483647"), true, INT32_MAX},
	    {IN("1\0002"), false, 0},
	};
	for (size_t i = 0; i < NELEM(cases); i++)
		knobs_parse_atoi32_case(&cases[i]);
}

/* ---- GOMAXPROCS ------------------------------------------------------ */

struct gomaxprocs_case {
	struct input in;
	int32_t ncpu;
	int32_t want;
};

static void knobs_parse_gomaxprocs_case(const struct gomaxprocs_case *c)
{
	char buf[256];
	char *s = input_dup(&c->in);
	int32_t got = knob_gomaxprocs(s, c->in.n, c->ncpu);

	cr_assert_eq(got, c->want,
	             "GOMAXPROCS=%s with ncpu %" PRId32 ": got %" PRId32
	             ", want %" PRId32,
	             show(&c->in, buf, sizeof buf), c->ncpu, got, c->want);
	free(s);
}

Test(knobs, knobs_parse_gomaxprocs)
{
	static const struct gomaxprocs_case cases[] = {
	    /* Measured on Go 1.19 (facts E). */
	    {IN("1"), 4, 1},
	    {IN("99999"), 4, 99999}, /* no upper clamp */
	    {IN(""), 4, 4},
	    {IN("0"), 4, 4},
	    {IN("-3"), 4, 4},
	    {IN("abc"), 4, 4},
	    {IN(" 2"), 4, 4},
	    {IN("+2"), 4, 4},
	    {IN("-"), 4, 4}, /* parses as 0, which is not > 0 */
	    {IN("3x"), 4, 4},
	    {IN("2147483648"), 4, 4},
	    /* Edges. */
	    {IN_NULL, 4, 4},
	    {IN_NULL, 7, 7},
	    {IN("2 "), 4, 4},
	    {IN("2147483647"), 4, INT32_MAX},
	    {IN("-2147483648"), 4, 4},
	    {IN("08"), 4, 8},
	    {IN("2\0"), 4, 4},
	    {IN("16"), 1, 16},
	};
	for (size_t i = 0; i < NELEM(cases); i++)
		knobs_parse_gomaxprocs_case(&cases[i]);
}

/* ---- GOGC ------------------------------------------------------------ */

struct gogc_case {
	struct input in;
	int32_t want;
};

static void knobs_parse_gogc_case(const struct gogc_case *c)
{
	char buf[256];
	char *s = input_dup(&c->in);
	int32_t got = knob_gogc(s, c->in.n);

	cr_assert_eq(got, c->want, "GOGC=%s: got %" PRId32 ", want %" PRId32,
	             show(&c->in, buf, sizeof buf), got, c->want);
	free(s);
}

Test(knobs, knobs_parse_gogc)
{
	static const struct gogc_case cases[] = {
	    /* Measured on Go 1.19 (facts E). */
	    {IN("off"), -1},
	    {IN("OFF"), 100},
	    {IN("abc"), 100},
	    {IN(""), 100},
	    {IN("2147483648"), 100},
	    {IN(" 75"), 100},
	    {IN("050"), 50},
	    {IN("0"), 0},
	    {IN("-"), 0},
	    /* Negatives become -1 (setGCPercent). */
	    {IN("-1"), -1},
	    {IN("-50"), -1},
	    {IN("-2147483648"), -1},
	    {IN("-2147483649"), 100},
	    /* Edges. */
	    {IN_NULL, 100},
	    {IN("100"), 100},
	    {IN("200"), 200},
	    {IN("2147483647"), INT32_MAX},
	    {IN("+2"), 100},
	    {IN("75 "), 100},
	    {IN("Off"), 100},
	    {IN("of"), 100},
	    {IN("offx"), 100},
	    {IN(" off"), 100},
	    {IN("off\0"), 100},
	    {IN("5\0"), 100},
	};
	for (size_t i = 0; i < NELEM(cases); i++)
		knobs_parse_gogc_case(&cases[i]);
}

/* ---- GOMEMLIMIT ------------------------------------------------------ */

struct gomemlimit_case {
	struct input in;
	bool ok;
	int64_t want;
};

static void knobs_parse_gomemlimit_case(const struct gomemlimit_case *c)
{
	char buf[256];
	char *s = input_dup(&c->in);
	int64_t v = 42;
	bool ok = knob_gomemlimit(s, c->in.n, &v);

	cr_assert_eq(ok, c->ok, "GOMEMLIMIT=%s: ok %d, want %d",
	             show(&c->in, buf, sizeof buf), ok, c->ok);
	if (c->ok)
		cr_assert_eq(v, c->want,
		             "GOMEMLIMIT=%s = %" PRId64 ", want %" PRId64,
		             show(&c->in, buf, sizeof buf), v, c->want);
	free(s);
}

Test(knobs, knobs_parse_gomemlimit)
{
	static const struct gomemlimit_case cases[] = {
	    /* Measured on Go 1.19 (facts E): failures are fatal there. */
	    {IN(""), true, INT64_MAX},
	    {IN("off"), true, INT64_MAX},
	    {IN("1GiB"), true, 1073741824},
	    {IN("100MiB"), true, 104857600},
	    {IN("12345"), true, 12345},
	    {IN("1GB"), false, 0},
	    {IN("abc"), false, 0},
	    /* Units. */
	    {IN_NULL, true, INT64_MAX},
	    {IN("0"), true, 0},
	    {IN("0B"), true, 0},
	    {IN("1B"), true, 1},
	    {IN("12345B"), true, 12345},
	    {IN("1KiB"), true, 1024},
	    {IN("3MiB"), true, 3145728},
	    {IN("1TiB"), true, 1099511627776},
	    {IN("0TiB"), true, 0},
	    {IN("007KiB"), true, 7168},
	    /* Overflow: int64 limit, the TiB product, the uint64 check. */
	    {IN("9223372036854775807"), true, INT64_MAX},
	    {IN("9223372036854775807B"), true, INT64_MAX},
	    {IN("9223372036854775808"), false, 0},
	    {IN("9223372036854775808B"), false, 0},
	    {IN("8388607TiB"), true, INT64_C(9223370937343148032)},
	    {IN("8388608TiB"), false, 0},  /* 2^63 */
	    {IN("16777216TiB"), false, 0}, /* 2^64 */
	    {IN("9007199254740991KiB"), true, INT64_C(9223372036854774784)},
	    {IN("9007199254740992KiB"), false, 0},
	    {IN("9223372036854775807KiB"), false, 0},
	    {IN("9223372036854775808KiB"), false, 0},
	    /* Malformed. */
	    {IN("OFF"), false, 0},
	    {IN("Off"), false, 0},
	    {IN("B"), false, 0},
	    {IN("iB"), false, 0},
	    {IN("KiB"), false, 0},
	    {IN("1iB"), false, 0},
	    {IN("1kiB"), false, 0},
	    {IN("1KB"), false, 0},
	    {IN("1PiB"), false, 0},
	    {IN("1Ki"), false, 0},
	    {IN("1K"), false, 0},
	    {IN("1b"), false, 0},
	    {IN("1 KiB"), false, 0},
	    {IN(" 1"), false, 0},
	    {IN("1 "), false, 0},
	    {IN("+1"), false, 0},
	    {IN("+1KiB"), false, 0},
	    {IN("1.5GiB"), false, 0},
	    {IN("-"), false, 0},
	    {IN("-1"), false, 0},
	    {IN("-1B"), false, 0},
	    {IN("-1KiB"), false, 0},
	    {IN("-B"), false, 0},
	    {IN("1\0KiB"), false, 0},
	    {IN("1KiB\0"), false, 0},
	    {IN("off\0"), false, 0},
	    /* Go 1.19 quirks of atoi64: a lone '-' is 0. Newer Go (strconv)
	     * rejects both. */
	    {IN("-0"), true, 0},
	    {IN("-KiB"), true, 0},
	};
	for (size_t i = 0; i < NELEM(cases); i++)
		knobs_parse_gomemlimit_case(&cases[i]);
}

/* ---- GOTRACEBACK ----------------------------------------------------- */

struct gotraceback_case {
	struct input in;
	uint32_t level;
	bool all;
	bool crash;
};

static void knobs_parse_gotraceback_case(const struct gotraceback_case *c,
                                         unsigned int_bits)
{
	char buf[256];
	char *s = input_dup(&c->in);
	struct knob_traceback t = knob_gotraceback(s, c->in.n, int_bits);

	cr_assert_eq(t.level, c->level,
	             "GOTRACEBACK=%s: level %" PRIu32 ", want %" PRIu32,
	             show(&c->in, buf, sizeof buf), t.level, c->level);
	cr_assert_eq(t.all, c->all, "GOTRACEBACK=%s: all %d, want %d",
	             show(&c->in, buf, sizeof buf), t.all, c->all);
	cr_assert_eq(t.crash, c->crash, "GOTRACEBACK=%s: crash %d, want %d",
	             show(&c->in, buf, sizeof buf), t.crash, c->crash);
	free(s);
}

Test(knobs, knobs_parse_gotraceback)
{
	static const struct gotraceback_case cases[] = {
	    /* Facts E. */
	    {IN("none"), 0, false, false},
	    {IN("single"), 1, false, false},
	    {IN(""), 1, false, false},
	    {IN("all"), 1, true, false},
	    {IN("system"), 2, true, false},
	    {IN("crash"), 2, true, true},
	    {IN("0"), 0, true, false},
	    {IN("1"), 1, true, false},
	    {IN("2"), 2, true, false},
	    {IN("3"), 3, true, false},
	    {IN("10"), 10, true, false},
	    {IN("garbage"), 0, true, false},
	    /* Edges. */
	    {IN_NULL, 1, false, false},
	    {IN("None"), 0, true, false},
	    {IN("ALL"), 0, true, false},
	    {IN("Crash"), 0, true, false},
	    {IN("single "), 0, true, false},
	    {IN(" all"), 0, true, false},
	    {IN("crash\0"), 0, true, false},
	    {IN("wer"), 0, true, false}, /* Windows only in Go */
	    {IN("-1"), 0, true, false},  /* 64-bit Go: not a uint32 */
	    {IN("-"), 0, true, false},
	    {IN("-0"), 0, true, false},
	    {IN("+2"), 0, true, false},
	    {IN(" 2"), 0, true, false},
	    {IN("2 "), 0, true, false},
	    {IN("00002"), 2, true, false},
	    /* Go keeps 30 bits of the level (uint32 << 2). */
	    {IN("1073741823"), 1073741823, true, false},
	    {IN("1073741824"), 0, true, false},
	    {IN("1073741825"), 1, true, false},
	    {IN("4294967295"), 1073741823, true, false},
	    {IN("4294967296"), 0, true, false},
	    {IN("9223372036854775808"), 0, true, false},
	};
	/* 32-bit Go (386, arm): atoi fails outside int32, and every int32
	 * passes n == int(uint32(n)). */
	static const struct gotraceback_case cases32[] = {
	    {IN("-1"), 1073741823, true, false},
	    {IN("-2147483648"), 0, true, false},
	    {IN("-2147483647"), 1, true, false},
	    {IN("2147483647"), 1073741823, true, false},
	    {IN("2147483648"), 0, true, false},
	    {IN("4294967295"), 0, true, false},
	    {IN("3"), 3, true, false},
	    {IN("all"), 1, true, false},
	};
	for (size_t i = 0; i < NELEM(cases); i++)
		knobs_parse_gotraceback_case(&cases[i], 64);
	for (size_t i = 0; i < NELEM(cases32); i++)
		knobs_parse_gotraceback_case(&cases32[i], 32);
}

/* ---- GODEBUG --------------------------------------------------------- */

/* Field of g named name (test side of the GODEBUG_KEYS table). */
static int32_t *godebug_field(struct godebug *g, const char *name)
{
#define FIELD(f, dflt)                                                         \
	if (strcmp(name, #f) == 0)                                             \
		return &g->f;
	GODEBUG_KEYS(FIELD)
#undef FIELD
	return NULL;
}

struct godebug_set {
	char key[16];
	int32_t val;
};

/* An input and the fields that differ from the defaults afterwards. */
struct godebug_case {
	struct input in;
	struct godebug_set set[6];
};

static void knobs_parse_godebug_case(const struct godebug_case *c)
{
	char buf[256];
	char *s = input_dup(&c->in);
	struct godebug got, want;
	size_t i;

	knob_godebug("", 0, &want);
	for (i = 0; i < NELEM(c->set) && c->set[i].key[0]; i++) {
		int32_t *f = godebug_field(&want, c->set[i].key);

		cr_assert_not_null(f, "bad key %s in the table", c->set[i].key);
		*f = c->set[i].val;
	}
	memset(&got, 0x5a, sizeof got); /* stale contents must not leak */
	knob_godebug(s, c->in.n, &got);
#define CHECK(f, dflt)                                                         \
	cr_assert_eq(got.f, want.f,                                            \
	             "GODEBUG=%s: " #f " = %" PRId32 ", want %" PRId32,        \
	             show(&c->in, buf, sizeof buf), got.f, want.f);
	GODEBUG_KEYS(CHECK)
#undef CHECK
	free(s);
}

Test(knobs, knobs_parse_godebug)
{
	static const struct godebug_case cases[] = {
	    {IN(""), {{"", 0}}},
	    {IN_NULL, {{"", 0}}},
	    {IN("gctrace=1"), {{"gctrace", 1}}},
	    /* Left to right, last wins. */
	    {IN("gctrace=1,gctrace=2"), {{"gctrace", 2}}},
	    {IN("gctrace=2,gctrace=1"), {{"gctrace", 1}}},
	    /* A malformed value is ignored: the last VALID one wins. */
	    {IN("gctrace=2,gctrace=x"), {{"gctrace", 2}}},
	    {IN("gctrace=2,gctrace="), {{"gctrace", 2}}},
	    {IN("gctrace=2,gctrace=1 "), {{"gctrace", 2}}},
	    {IN("gctrace=1 "), {{"", 0}}},
	    {IN("gctrace= 1"), {{"", 0}}},
	    {IN("gctrace=+1"), {{"", 0}}},
	    {IN("gctrace=1=2"), {{"", 0}}},
	    {IN("gctrace==1"), {{"", 0}}},
	    {IN("gctrace=2147483648"), {{"", 0}}},
	    {IN("gctrace=2147483647"), {{"gctrace", INT32_MAX}}},
	    {IN("gctrace=-2147483648"), {{"gctrace", INT32_MIN}}},
	    {IN("gctrace=-5"), {{"gctrace", -5}}},
	    {IN("cgocheck=-"), {{"cgocheck", 0}}}, /* "-" is 0 in Go 1.19 */
	    /* Keys: exact, case-sensitive; unknown and '='-less fields are
	     * skipped. */
	    {IN("GCTRACE=1"), {{"", 0}}},
	    {IN(" gctrace=1"), {{"", 0}}},
	    {IN("gctrace =1"), {{"", 0}}},
	    {IN("gctrace"), {{"", 0}}},
	    {IN("gctrace,schedtrace=3"), {{"schedtrace", 3}}},
	    {IN("gctrac=1,gctracex=2"), {{"", 0}}},
	    {IN("unknown=5,gctrace=3"), {{"gctrace", 3}}},
	    {IN("memprofilerate=1"), {{"", 0}}},
	    {IN("=1"), {{"", 0}}},
	    {IN(",,gctrace=4,,"), {{"gctrace", 4}}},
	    {IN(","), {{"", 0}}},
	    {IN("gctrace=1,"), {{"gctrace", 1}}},
	    {IN("gctrace=1,cgocheck=0,invalidptr=0"),
	     {{"gctrace", 1}, {"cgocheck", 0}, {"invalidptr", 0}}},
	    {IN("madvdontneed=0,schedtrace=1000,scheddetail=1,inittrace=1,"
	        "rt0trace=1"),
	     {{"madvdontneed", 0},
	      {"schedtrace", 1000},
	      {"scheddetail", 1},
	      {"inittrace", 1},
	      {"rt0trace", 1}}},
	    /* Embedded NUL: just a byte that makes a value malformed. */
	    {IN("gctrace=1\0,schedtrace=5"), {{"schedtrace", 5}}},
	    {IN("gctrace=7\0"), {{"", 0}}},
	};
	for (size_t i = 0; i < NELEM(cases); i++)
		knobs_parse_godebug_case(&cases[i]);
}

/* The defaults Go's parsedebugvars sets before parsing (cgocheck 1,
 * invalidptr 1, madvdontneed 1 on Linux), the rest 0. */
Test(knobs, knobs_parse_godebug_defaults)
{
	struct godebug g;

	memset(&g, 0x5a, sizeof g);
	knob_godebug(NULL, 0, &g);
	cr_assert_eq(g.cgocheck, 1, "GODEBUG unset: cgocheck");
	cr_assert_eq(g.invalidptr, 1, "GODEBUG unset: invalidptr");
	cr_assert_eq(g.madvdontneed, 1, "GODEBUG unset: madvdontneed");
	cr_assert_eq(g.gctrace, 0, "GODEBUG unset: gctrace");
	cr_assert_eq(g.inittrace, 0, "GODEBUG unset: inittrace");
	cr_assert_eq(g.rt0trace, 0, "GODEBUG unset: rt0trace");
	cr_assert_eq(g.scheddetail, 0, "GODEBUG unset: scheddetail");
	cr_assert_eq(g.schedtrace, 0, "GODEBUG unset: schedtrace");
}

/* ---- GODEBUG cpu options ------------------------------------------------ */

/* The features of the table below, as an arch would name them. */
static const char *const cpu_names[] = {"aes", "ssse3", "sse41", "avx2"};

struct cpu_case {
	struct input in;
	uint32_t detected, want;
	char warnings[80]; /* what warn saw, "kind:a:b;" each */
};

struct warn_log {
	char text[256];
	size_t len;
};

static void log_warning(void *ctx, enum knob_cpu_warning w, const char *a,
                        size_t alen, const char *b, size_t blen)
{
	static const char *const kind[] = {"novalue", "badvalue", "nosupport"};
	struct warn_log *log = ctx;
	int k = (int)w >= 0 && (size_t)w < NELEM(kind) ? (int)w : 0;
	int n = snprintf(log->text + log->len, sizeof log->text - log->len,
	                 "%s:%.*s:%.*s;", kind[k], (int)alen, a ? a : "",
	                 (int)blen, b ? b : "");
	if (n > 0 && (size_t)n < sizeof log->text - log->len)
		log->len += (size_t)n;
}

static void knobs_parse_godebug_cpu_case(const struct cpu_case *c)
{
	char buf[256];
	char *s = input_dup(&c->in);
	struct warn_log log = {{0}, 0};
	uint32_t got = knob_godebug_cpu(s, c->in.n, cpu_names, NELEM(cpu_names),
	                                c->detected, log_warning, &log);

	cr_assert_eq(got, c->want,
	             "knob_godebug_cpu(%s) with features 0x%x: 0x%x, want 0x%x",
	             show(&c->in, buf, sizeof buf), c->detected, got, c->want);
	cr_assert_str_eq(log.text, c->warnings,
	                 "knob_godebug_cpu(%s): warnings",
	                 show(&c->in, buf, sizeof buf));
	free(s);
}

/* Go's processOptions: cpu.NAME and cpu.all, on or off, the last one for a
 * feature wins, on only where the CPU has it; Go's warnings. */
Test(knobs, knobs_parse_godebug_cpu)
{
	static const struct cpu_case cases[] = {
	    {IN(""), 0xf, 0xf, ""},
	    {IN_NULL, 0xf, 0xf, ""},
	    {IN("cpu.aes=off"), 0xf, 0xe, ""},
	    {IN("cpu.all=off"), 0xf, 0x0, ""},
	    {IN("cpu.all=off,cpu.aes=on"), 0xf, 0x1, ""},
	    {IN("cpu.aes=off,cpu.aes=on"), 0xf, 0xf, ""},
	    {IN("gctrace=1,cpu.sse41=off,,cpu.ssse3=off"), 0xf, 0x9, ""},
	    {IN("cpu.aes=on"), 0xe, 0xe, "nosupport:aes:;"},
	    {IN("cpu.all=on"), 0x5, 0x5, "nosupport:ssse3:;nosupport:avx2:;"},
	    {IN("cpu.aes"), 0xf, 0xf, "novalue:cpu.aes:;"},
	    {IN("cpu.aes=off,cpu.all"), 0xf, 0xe, "novalue:cpu.all:;"},
	    {IN("cpu.aes=1"), 0xf, 0xf, "badvalue:1:aes;"},
	    {IN("cpu.aes=off "), 0xf, 0xf, "badvalue:off :aes;"},
	    {IN("cpu.aes=OFF"), 0xf, 0xf, "badvalue:OFF:aes;"},
	    /* Names the arch does not model are left alone, quietly. */
	    {IN("cpu.popcnt=off"), 0xf, 0xf, ""},
	    {IN("cpu.=off"), 0xf, 0xf, ""},
	    /* Case-sensitive, and "cpu." must start the field. */
	    {IN("CPU.aes=off,cpu.AES=off,xcpu.aes=off"), 0xf, 0xf, ""},
	    {IN("cpu."), 0xf, 0xf, "novalue:cpu.:;"},
	    {IN("cpu"), 0xf, 0xf, ""},
	    /* The key ends at the first '='. */
	    {IN("cpu.aes=off=1"), 0xf, 0xf, "badvalue:off=1:aes;"},
	    {IN("cpu.aes=o\0ff"), 0xf, 0xf, "badvalue:o:aes;"},
	};
	for (size_t i = 0; i < NELEM(cases); i++)
		knobs_parse_godebug_cpu_case(&cases[i]);
}

/* ---- getenv ---------------------------------------------------------- */

struct env_case {
	char env[4][24];
	size_t nenv;
	struct input key;
	int found; /* index of the matching entry, or -1 */
	char want[24];
};

static void knobs_parse_env_lookup_case(const struct env_case *c)
{
	char buf[256];
	const char *env[4];
	char *key = input_dup(&c->key);
	const char *got;
	size_t i;

	/* Exact-size copies, so reading past an entry's NUL is caught. */
	for (i = 0; i < c->nenv; i++)
		env[i] = cstr_dup(c->env[i]);
	got = knob_env_lookup(env, c->nenv, key, c->key.n);
	if (c->found < 0) {
		cr_assert_null(got, "getenv(%s) in %zu entries: got \"%s\"",
		               show(&c->key, buf, sizeof buf), c->nenv, got);
	} else {
		const char *e = env[c->found];

		cr_assert_not_null(got, "getenv(%s): not found, want \"%s\"",
		                   show(&c->key, buf, sizeof buf), c->want);
		/* A pointer into the entry itself, right after "KEY=". */
		cr_assert_eq(got, e + c->key.n + 1,
		             "getenv(%s): not a pointer into entry %d \"%s\"",
		             show(&c->key, buf, sizeof buf), c->found, e);
		cr_assert_str_eq(got, c->want,
		                 "getenv(%s) = \"%s\", want \"%s\"",
		                 show(&c->key, buf, sizeof buf), got, c->want);
	}
	for (i = 0; i < c->nenv; i++)
		free((void *)env[i]);
	free(key);
}

Test(knobs, knobs_parse_env_lookup)
{
	static const struct env_case cases[] = {
	    {{"GOGC=50"}, 1, IN("GOGC"), 0, "50"},
	    /* First exact match; duplicates do not override. */
	    {{"GOGC=1", "GOGC=2"}, 2, IN("GOGC"), 0, "1"},
	    {{"A=1", "GOGC=1", "GOGC=2"}, 3, IN("GOGC"), 1, "1"},
	    /* A key that is a prefix of another key does not match it. */
	    {{"GOGCX=1", "GOGC=2"}, 2, IN("GOGC"), 1, "2"},
	    {{"GOGCX=1"}, 1, IN("GOGC"), -1, ""},
	    {{"GOG=1"}, 1, IN("GOGC"), -1, ""},
	    {{"GOGC=1"}, 1, IN("GOG"), -1, ""},
	    /* Case-sensitive. */
	    {{"gogc=1", "GOGC=3"}, 2, IN("GOGC"), 1, "3"},
	    {{"gogc=1"}, 1, IN("GOGC"), -1, ""},
	    /* Entries without '=' never match. */
	    {{"NOEQ"}, 1, IN("NOEQ"), -1, ""},
	    {{"NOEQ", "NOEQ=v"}, 2, IN("NOEQ"), 1, "v"},
	    {{"GOGC", "GOGC=", "GOGC=3"}, 3, IN("GOGC"), 1, ""},
	    {{"KEY="}, 1, IN("KEY"), 0, ""},
	    /* "=v" has the empty key, as in Go's gogetenv. */
	    {{"=v"}, 1, IN("v"), -1, ""},
	    {{"=v"}, 1, IN(""), 0, "v"},
	    {{"A=1", "=v"}, 2, IN(""), 1, "v"},
	    {{"A=1"}, 1, IN(""), -1, ""},
	    {{"A=1"}, 1, IN_NULL, -1, ""},
	    {{"=z"}, 1, IN_NULL, 0, "z"},
	    /* The value runs to the end, '=' included. */
	    {{"A=B=C"}, 1, IN("A"), 0, "B=C"},
	    {{"A=B=C"}, 1, IN("A=B"), 0, "C"},
	    /* Empty entries, empty env. */
	    {{"X=1", "", "GOGC=7"}, 3, IN("GOGC"), 2, "7"},
	    {{""}, 0, IN("GOGC"), -1, ""},
	    {{"GOGC=1"}, 0, IN("GOGC"), -1, ""},
	    /* The key is (key, keylen): bytes past keylen do not count, and a
	     * NUL inside the key matches no entry (and reads no further). */
	    {{"GOGC=1"}, 1, {"GOGCX", 4, false}, 0, "1"},
	    {{"GOGC=1"}, 1, IN("GOGC\0"), -1, ""},
	    {{"GO", "GOGC=2"}, 2, IN("GO\0GC"), -1, ""},
	    {{"GOGC=1"}, 1, IN("GOGC="), -1, ""},
	};
	for (size_t i = 0; i < NELEM(cases); i++)
		knobs_parse_env_lookup_case(&cases[i]);
}

Test(knobs, knobs_parse_env_lookup_null)
{
	const char *env[] = {NULL, "GOGC=1", NULL};

	cr_assert_null(knob_env_lookup(NULL, 0, "GOGC", 4),
	               "getenv(\"GOGC\") with env NULL");
	cr_assert_null(knob_env_lookup(env, 3, NULL, 4),
	               "getenv(NULL, keylen 4)");
	cr_assert_eq(knob_env_lookup(env, 3, "GOGC", 4), env[1] + 5,
	             "getenv(\"GOGC\") skips a NULL entry");
}

/* ---- All parsers stay inside [s, s + n) ------------------------------ */

/* Every prefix of each input, in an exact-size heap block: a read past the
 * end is an ASan report. Also checks the parsers agree with each other
 * where Go's code says they must. */
Test(knobs, knobs_parse_in_bounds)
{
	static const char *inputs[] = {
	    "9223372036854775807KiB",
	    "-9223372036854775808",
	    "gctrace=1,cgocheck=0,schedtrace=1000,x=1",
	    "crash",
	    "system",
	    "single",
	    "none",
	    "off",
	    "100MiB",
	    "1TiB",
	    "4294967295",
	};
	size_t i, n;

	for (i = 0; i < NELEM(inputs); i++) {
		size_t len = strlen(inputs[i]);

		for (n = 0; n <= len; n++) {
			char *s = malloc(n ? n : 1);
			int64_t v64;
			int32_t v32;
			struct godebug g;
			bool ok32;

			cr_assert_not_null(s);
			memcpy(s, inputs[i], n);
			(void)knob_atoi64(s, n, &v64);
			ok32 = knob_atoi32(s, n, &v32);
			(void)knob_gomemlimit(s, n, &v64);
			(void)knob_gotraceback(s, n, 64);
			knob_godebug(s, n, &g);
			if (ok32 && v32 > 0)
				cr_assert_eq(knob_gomaxprocs(s, n, 1), v32,
				             "GOMAXPROCS=\"%.*s\"", (int)n,
				             inputs[i]);
			if (ok32)
				cr_assert_eq(
				    knob_gogc(s, n), v32 < 0 ? -1 : v32,
				    "GOGC=\"%.*s\"", (int)n, inputs[i]);
			free(s);
		}
	}
}
