/* unit_traceparse.c: the trace parser against hand-written protocol text
 * (conformance/TRACE.md, version 1). */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt0conf/trace.h"

static const char sample[] =
    "rt0 trace v=1 arch=amd64 link=internal ptrsize=8 pcquantum=1 "
    "entrysp=0x7ffc1000 goexit=0x401000 goexitret=0x401001\n"
    "hello, world\n"
    "rt0 ev seq=0 phase=runtime.rt0_go goid=0 m=0 g0=1 sp=0x7ffc0ff0 "
    "lo=0x7ffb1000 hi=0x7ffc1000 ns=100\n"
    "rt0 fact argv.1=hello%20world\n"
    "rt0 ev seq=1 phase=runtime.newproc goid=0 m=0 g0=1 newg=1 ns=101\n"
    "rt0 ev seq=2 phase=runtime.newproc goid=0 m=0 g0=1 newg=2 ns=102\n"
    "rt0 fact eq=a=b=c\n"
    "rt0 fact argv.2=\n"
    "rt0 fact neg=-42\n"
    "panic: boom\n"
    "rt0 fact bytes=%00%FF%25\n"
    "rt0 future k=v\n";

static struct trace t;

static void fail_as_criterion(const char *msg)
{
	cr_assert_fail("%s", msg);
}

static void parse_sample(void)
{
	trace_set_fail_handler(fail_as_criterion);
	cr_assert(trace_parse(sample, strlen(sample), &t),
	          "expected the sample to parse, got error: %s", t.error);
}

static void free_sample(void)
{
	trace_free(&t);
}

TestSuite(traceparse, .init = parse_sample, .fini = free_sample);

Test(traceparse, header_fields)
{
	cr_assert_not_null(t.header, "expected a header line");
	cr_assert_str_eq(trace_header(&t, "v"), "1");
	cr_assert_str_eq(trace_header(&t, "arch"), "amd64");
	cr_assert_eq(trace_header_u64(&t, "goexitret"), 0x401001);
	cr_assert_null(trace_header(&t, "nosuchfield"));
}

Test(traceparse, events_in_order)
{
	cr_assert_eq(t.nevents, 3, "expected 3 events, got %zu", t.nevents);
	for (size_t i = 0; i < t.nevents; i++)
		cr_assert_eq(trace_i64(t.events[i], "seq"), (int64_t)i);
	cr_assert_str_eq(trace_field(t.events[0], "phase"), "runtime.rt0_go");
	cr_assert_eq(trace_u64(t.events[0], "lo"), 0x7ffb1000);
}

Test(traceparse, find_nth_event_by_phase)
{
	cr_assert_eq(trace_count_events(&t, "runtime.newproc"), 2);
	const struct trace_line *second =
	    trace_find_event(&t, "runtime.newproc", 1);
	cr_assert_not_null(second);
	cr_assert_eq(trace_i64(second, "newg"), 2);
	cr_assert_eq(trace_event_index(&t, second), 2);
	cr_assert_null(trace_find_event(&t, "runtime.newproc", 2));
	cr_assert_null(trace_find_event(&t, "runtime.nosuch", 0));
}

Test(traceparse, facts_percent_decoded)
{
	cr_assert_str_eq(trace_fact(&t, "argv.1"), "hello world");
	cr_assert_str_eq(trace_fact(&t, "argv.2"), "", "empty value");
	cr_assert_null(trace_fact(&t, "argv.3"));
}

Test(traceparse, value_keeps_equals_after_the_first)
{
	cr_assert_str_eq(trace_fact(&t, "eq"), "a=b=c");
}

Test(traceparse, binary_values_with_length)
{
	size_t cursor = 0;
	const struct trace_field *f = trace_fact_next(&t, "bytes", &cursor);
	cr_assert_not_null(f);
	cr_assert_eq(f->value_len, 3);
	cr_assert(memcmp(f->value, "\0\xff%", 3) == 0);
}

Test(traceparse, iterate_facts_with_prefix)
{
	size_t cursor = 0, n = 0;
	const struct trace_field *f;
	const char *want[] = {"argv.1", "argv.2"};
	while ((f = trace_fact_next(&t, "argv.", &cursor)))
		cr_assert_str_eq(f->key, want[n++]);
	cr_assert_eq(n, 2);
	cr_assert_eq(trace_count_facts(&t, ""), 5);
}

Test(traceparse, other_lines_kept_verbatim)
{
	cr_assert_eq(t.nother, 2, "got %zu", t.nother);
	cr_assert_str_eq(t.other[0], "hello, world");
	cr_assert_str_eq(t.other[1], "panic: boom");
	cr_assert_eq(memcmp(sample + t.other_offset[1], "panic: boom", 11), 0);
}

Test(traceparse, unknown_kinds_are_kept_but_not_indexed)
{
	cr_assert_eq(t.nlines, 10);
	cr_assert_str_eq(t.lines[9].kind, "future");
}

Test(traceparse, numbers_decimal_negative_hex)
{
	int64_t i;
	uint64_t u;
	cr_assert_eq(trace_fact_i64(&t, "neg"), -42);
	cr_assert(trace_parse_i64("-9223372036854775808", &i) &&
	          i == INT64_MIN);
	cr_assert(trace_parse_i64("9223372036854775807", &i) && i == INT64_MAX);
	cr_assert(!trace_parse_i64("9223372036854775808", &i));
	cr_assert(trace_parse_u64("0xffffffffffffffff", &u) && u == UINT64_MAX);
	cr_assert(trace_parse_u64("0xABCdef", &u) && u == 0xabcdef);
	cr_assert(!trace_parse_u64("0x1ffffffffffffffff", &u));
	cr_assert(!trace_parse_u64("18446744073709551616", &u));
	const char *bad[] = {"",   "-",    "0x",    "12a", " 1", "1 ",
	                     "+1", "0X10", "-0x10", "--1", "1.0"};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
		cr_assert(!trace_parse_i64(bad[k], &i),
		          "expected \"%s\" to be refused", bad[k]);
	cr_assert(!trace_parse_u64("-1", &u));
}

/* The loud getters: a malformed or missing number must stop the test. */
static char last_failure[1024];
static void record_and_exit(const char *msg)
{
	snprintf(last_failure, sizeof last_failure, "%s", msg);
	fprintf(stderr, "%s\n", msg);
	exit(3);
}

Test(traceparse_loud, malformed_number_fails, .exit_code = 3)
{
	static const char text[] = "rt0 fact n=12x\n";
	struct trace tt;
	cr_assert(trace_parse(text, strlen(text), &tt));
	trace_set_fail_handler(record_and_exit);
	trace_fact_i64(&tt, "n");
	cr_assert_fail("expected trace_fact_i64 to fail on 12x");
}

Test(traceparse_loud, missing_field_fails, .exit_code = 3)
{
	static const char text[] = "rt0 ev seq=0\n";
	struct trace tt;
	cr_assert(trace_parse(text, strlen(text), &tt));
	trace_set_fail_handler(record_and_exit);
	trace_u64(tt.events[0], "sp");
	cr_assert_fail("expected trace_u64 to fail on a missing field");
}

Test(traceparse_loud, default_handler_aborts, .signal = SIGABRT)
{
	trace_set_fail_handler(NULL);
	struct trace tt;
	cr_assert(trace_parse("", 0, &tt));
	trace_header_u64(&tt, "v");
}

/* Grammar errors are reported, and do not stop the rest being parsed. */
static void expect_error(const char *text, const char *what)
{
	struct trace tt;
	bool ok = trace_parse(text, strlen(text), &tt);
	cr_assert(!ok, "expected %s to be refused: \"%s\"", what, text);
	cr_assert_neq(tt.error[0], '\0', "expected an error message");
	trace_free(&tt);
}

Test(traceparse_grammar, malformed_lines_are_errors)
{
	expect_error("rt0 ev seq=0  phase=x\n", "a double space");
	expect_error("rt0 ev seq=0 \n", "a trailing space");
	expect_error("rt0 ev seq\n", "a field without =");
	expect_error("rt0 ev =1\n", "an empty key");
	expect_error("rt0 ev k-y=1\n", "a bad key character");
	expect_error("rt0 fact k=%4\n", "a short escape");
	expect_error("rt0 fact k=%zz\n", "a bad escape");
	expect_error("rt0 fact k=\xc3\xa9\n", "raw non-ASCII");
	expect_error("rt0 fact k=a\tb\n", "a raw tab");
	expect_error("rt0 fact k=v", "a truncated last line");
	expect_error("rt0  ev\n", "an empty kind");
	expect_error("rt0 trace v=1\nrt0 trace v=1\n", "a second header");
}

Test(traceparse_grammar, error_does_not_hide_later_lines)
{
	static const char text[] = "rt0 fact a=%zz\nrt0 fact b=2\n";
	struct trace tt;
	cr_assert(!trace_parse(text, strlen(text), &tt));
	cr_assert_eq(tt.nerrors, 1);
	cr_assert_str_eq(trace_fact(&tt, "b"), "2");
	cr_assert(strstr(tt.error, "line 1") != NULL, "error was: %s",
	          tt.error);
	trace_free(&tt);
}

Test(traceparse_grammar, not_protocol_lines)
{
	static const char text[] = "rt0\nrt0x y=1\nrt0:\n  rt0 fact a=1\n";
	struct trace tt;
	cr_assert(trace_parse(text, strlen(text), &tt), "%s", tt.error);
	cr_assert_eq(tt.nlines, 0);
	cr_assert_eq(tt.nother, 4);
	trace_free(&tt);
}

Test(traceparse_grammar, format_round_trip)
{
	static const char text[] = "rt0 fact k=a%20b%25=c\n";
	struct trace tt;
	char buf[128];
	cr_assert(trace_parse(text, strlen(text), &tt));
	trace_format_line(&tt.lines[0], buf, sizeof buf);
	cr_assert_str_eq(buf, "rt0 fact k=a%20b%25=c");
	trace_free(&tt);
}
