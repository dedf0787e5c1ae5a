/* trace.h: a parser for the rt0 trace protocol, version 1
 * (conformance/TRACE.md), over a probe's stderr.
 *
 * Protocol lines ("rt0 <kind> k=v ...") are split into fields and their
 * values percent-decoded; every other line is kept apart, verbatim. A
 * protocol line that breaks the grammar makes trace_parse return false and
 * is described in trace.error, but parsing goes on, so one bad line does
 * not hide the rest. Numeric getters fail loudly: through the handler set
 * with trace_set_fail_handler (a suite makes it a test failure), or by
 * printing the problem and aborting. */
#ifndef RT0CONF_TRACE_H
#define RT0CONF_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct trace_field {
	char *key;
	char *value; /* decoded; may contain NUL bytes, see value_len */
	size_t value_len;
};

struct trace_line {
	char *kind; /* "trace", "ev", "fact", or a kind this parser does not
	               know */
	struct trace_field *fields;
	size_t nfields;
	size_t lineno; /* 1-based line number in the input */
	size_t offset; /* byte offset of the line in the input */
};

struct trace {
	struct trace_line *lines; /* every protocol line, in order */
	size_t nlines;
	const struct trace_line *header;  /* the first "rt0 trace" line */
	const struct trace_line **events; /* the "rt0 ev" lines, in order */
	size_t nevents;
	/* Facts, one key=value per "rt0 fact" line, in order. */
	const struct trace_field **facts;
	size_t nfacts;
	char **other; /* non-protocol lines, without their newline */
	size_t *other_offset;
	size_t nother;
	size_t nerrors;
	char error[256]; /* the first error, "" when there is none */
};

/* Parses len bytes of buf into *t (which trace_free releases). Returns true
 * when every protocol line follows the grammar. */
bool trace_parse(const char *buf, size_t len, struct trace *t);
void trace_free(struct trace *t);

/* A field's decoded value, or NULL when the line has no such field. */
const char *trace_field(const struct trace_line *l, const char *key);
/* A header field, or NULL (also when there is no header). */
const char *trace_header(const struct trace *t, const char *key);

/* The nth (0-based) event with this phase, or NULL. */
const struct trace_line *trace_find_event(const struct trace *t,
                                          const char *phase, size_t nth);
size_t trace_count_events(const struct trace *t, const char *phase);
/* The index in t->events of an event, or (size_t)-1. */
size_t trace_event_index(const struct trace *t, const struct trace_line *ev);

/* The first fact with this key, or NULL. */
const char *trace_fact(const struct trace *t, const char *key);
/* Iterates over the facts whose key starts with prefix: start with
 * *cursor = 0; returns NULL when there are no more. */
const struct trace_field *trace_fact_next(const struct trace *t,
                                          const char *prefix, size_t *cursor);
size_t trace_count_facts(const struct trace *t, const char *prefix);

/* Number syntax of TRACE.md: decimal with an optional '-', or "0x" and hex
 * digits. These return false on anything else, or on overflow. */
bool trace_parse_i64(const char *s, int64_t *out);
bool trace_parse_u64(const char *s, uint64_t *out);

/* Loud getters: a missing field or a malformed number calls the failure
 * handler with a message naming the line, the key and the value. */
int64_t trace_i64(const struct trace_line *l, const char *key);
uint64_t trace_u64(const struct trace_line *l, const char *key);
int64_t trace_fact_i64(const struct trace *t, const char *key);
uint64_t trace_fact_u64(const struct trace *t, const char *key);
uint64_t trace_header_u64(const struct trace *t, const char *key);

/* The handler must not return (a Criterion suite calls cr_assert_fail from it);
 * if it does, the process aborts. NULL restores the default. */
typedef void (*trace_fail_fn)(const char *msg);
void trace_set_fail_handler(trace_fail_fn fn);

/* Writes a line back in protocol form (values re-encoded) for messages. */
void trace_format_line(const struct trace_line *l, char *buf, size_t cap);

#endif
