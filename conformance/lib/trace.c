/* trace.c: the trace protocol parser (see trace.h and conformance/TRACE.md).
 */
#define _GNU_SOURCE
#include "rt0conf/trace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static trace_fail_fn fail_handler;

void trace_set_fail_handler(trace_fail_fn fn)
{
	fail_handler = fn;
}

static _Noreturn void trace_fail(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (fail_handler)
		fail_handler(msg);
	fprintf(stderr, "rt0conf: %s\n", msg);
	abort();
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		trace_fail("out of memory");
	return p;
}

static void add_error(struct trace *t, size_t lineno, const char *what,
                      const char *line, size_t len)
{
	if (t->nerrors++ == 0)
		snprintf(t->error, sizeof t->error, "line %zu: %s: %.*s",
		         lineno, what, (int)(len > 120 ? 120 : len), line);
}

static bool is_key_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_';
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes [s, s+n) into a new buffer; NULL and *bad set on a grammar error.
 */
static char *decode_value(const char *s, size_t n, size_t *outlen,
                          const char **bad)
{
	char *v = xrealloc(NULL, n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			int hi =
			    i + 1 < n ? hexval((unsigned char)s[i + 1]) : -1;
			int lo =
			    i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				*bad = "bad percent escape";
				free(v);
				return NULL;
			}
			v[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (c < 0x21 || c > 0x7e) {
			*bad = "raw byte outside %x21-7E in a value";
			free(v);
			return NULL;
		} else {
			v[o++] = (char)c;
		}
	}
	v[o] = '\0';
	*outlen = o;
	return v;
}

/* Parses one protocol line (without its newline) after "rt0 ". Returns
 * false with *bad set when it breaks the grammar. */
static bool parse_protocol(const char *s, size_t n, struct trace_line *l,
                           const char **bad)
{
	size_t i = 0;
	while (i < n && s[i] != ' ')
		i++;
	if (i == 0) {
		*bad = "empty kind";
		return false;
	}
	for (size_t k = 0; k < i; k++)
		if (!is_key_char((unsigned char)s[k])) {
			*bad = "bad character in kind";
			return false;
		}
	l->kind = strndup(s, i);
	size_t cap = 0;
	while (i < n) {
		i++; /* the space */
		size_t start = i;
		while (i < n && s[i] != ' ')
			i++;
		const char *f = s + start;
		size_t flen = i - start;
		const char *eq = memchr(f, '=', flen);
		if (flen == 0) {
			*bad = "empty field (double or trailing space)";
			return false;
		}
		if (!eq || eq == f) {
			*bad = "field without key=value";
			return false;
		}
		for (const char *k = f; k < eq; k++)
			if (!is_key_char((unsigned char)*k)) {
				*bad = "bad character in key";
				return false;
			}
		size_t vlen;
		char *v = decode_value(eq + 1, flen - (size_t)(eq + 1 - f),
		                       &vlen, bad);
		if (!v)
			return false;
		if (l->nfields == cap) {
			cap = cap ? cap * 2 : 8;
			l->fields =
			    xrealloc(l->fields, cap * sizeof *l->fields);
		}
		l->fields[l->nfields++] =
		    (struct trace_field){strndup(f, (size_t)(eq - f)), v, vlen};
	}
	return true;
}

static void free_line(struct trace_line *l)
{
	for (size_t i = 0; i < l->nfields; i++) {
		free(l->fields[i].key);
		free(l->fields[i].value);
	}
	free(l->fields);
	free(l->kind);
	memset(l, 0, sizeof *l);
}

bool trace_parse(const char *buf, size_t len, struct trace *t)
{
	memset(t, 0, sizeof *t);
	size_t cap_lines = 0, cap_other = 0, lineno = 0;
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		const char *s = buf + pos;
		size_t n = end - pos;
		lineno++;
		if (n >= 4 && memcmp(s, "rt0 ", 4) == 0) {
			struct trace_line l = {0};
			const char *bad = NULL;
			if (!nl) {
				add_error(t, lineno,
				          "truncated (no newline at the end)",
				          s, n);
			}
			if (!parse_protocol(s + 4, n - 4, &l, &bad)) {
				add_error(t, lineno, bad, s, n);
				free_line(&l);
			} else {
				l.lineno = lineno;
				l.offset = pos;
				if (t->nlines == cap_lines) {
					cap_lines =
					    cap_lines ? cap_lines * 2 : 64;
					t->lines = xrealloc(
					    t->lines,
					    cap_lines * sizeof *t->lines);
				}
				t->lines[t->nlines++] = l;
			}
		} else {
			if (t->nother == cap_other) {
				cap_other = cap_other ? cap_other * 2 : 16;
				t->other = xrealloc(
				    t->other, cap_other * sizeof *t->other);
				t->other_offset = xrealloc(
				    t->other_offset,
				    cap_other * sizeof *t->other_offset);
			}
			t->other_offset[t->nother] = pos;
			t->other[t->nother++] = strndup(s, n);
		}
		pos = nl ? end + 1 : len;
	}

	/* Index the lines only now: t->lines no longer moves. */
	size_t nfacts = 0;
	for (size_t i = 0; i < t->nlines; i++) {
		if (strcmp(t->lines[i].kind, "ev") == 0)
			t->nevents++;
		else if (strcmp(t->lines[i].kind, "fact") == 0)
			nfacts += t->lines[i].nfields;
	}
	t->events = xrealloc(NULL, t->nevents * sizeof *t->events);
	t->facts = xrealloc(NULL, nfacts * sizeof *t->facts);
	t->nevents = 0;
	for (size_t i = 0; i < t->nlines; i++) {
		const struct trace_line *l = &t->lines[i];
		if (strcmp(l->kind, "trace") == 0) {
			if (t->header)
				add_error(t, l->lineno, "a second header line",
				          "rt0 trace ...", 13);
			else
				t->header = l;
		} else if (strcmp(l->kind, "ev") == 0) {
			t->events[t->nevents++] = l;
		} else if (strcmp(l->kind, "fact") == 0) {
			for (size_t f = 0; f < l->nfields; f++)
				t->facts[t->nfacts++] = &l->fields[f];
		}
	}
	return t->nerrors == 0;
}

void trace_free(struct trace *t)
{
	for (size_t i = 0; i < t->nlines; i++)
		free_line(&t->lines[i]);
	for (size_t i = 0; i < t->nother; i++)
		free(t->other[i]);
	free(t->lines);
	free(t->other);
	free(t->other_offset);
	free(t->events);
	free(t->facts);
	memset(t, 0, sizeof *t);
}

const char *trace_field(const struct trace_line *l, const char *key)
{
	if (!l)
		return NULL;
	for (size_t i = 0; i < l->nfields; i++)
		if (strcmp(l->fields[i].key, key) == 0)
			return l->fields[i].value;
	return NULL;
}

const char *trace_header(const struct trace *t, const char *key)
{
	return trace_field(t->header, key);
}

const struct trace_line *trace_find_event(const struct trace *t,
                                          const char *phase, size_t nth)
{
	for (size_t i = 0; i < t->nevents; i++) {
		const char *p = trace_field(t->events[i], "phase");
		if (p && strcmp(p, phase) == 0 && nth-- == 0)
			return t->events[i];
	}
	return NULL;
}

size_t trace_count_events(const struct trace *t, const char *phase)
{
	size_t n = 0;
	for (size_t i = 0; i < t->nevents; i++) {
		const char *p = trace_field(t->events[i], "phase");
		if (p && strcmp(p, phase) == 0)
			n++;
	}
	return n;
}

size_t trace_event_index(const struct trace *t, const struct trace_line *ev)
{
	for (size_t i = 0; i < t->nevents; i++)
		if (t->events[i] == ev)
			return i;
	return (size_t)-1;
}

const char *trace_fact(const struct trace *t, const char *key)
{
	for (size_t i = 0; i < t->nfacts; i++)
		if (strcmp(t->facts[i]->key, key) == 0)
			return t->facts[i]->value;
	return NULL;
}

const struct trace_field *trace_fact_next(const struct trace *t,
                                          const char *prefix, size_t *cursor)
{
	size_t plen = strlen(prefix);
	while (*cursor < t->nfacts) {
		const struct trace_field *f = t->facts[(*cursor)++];
		if (strncmp(f->key, prefix, plen) == 0)
			return f;
	}
	return NULL;
}

size_t trace_count_facts(const struct trace *t, const char *prefix)
{
	size_t cursor = 0, n = 0;
	while (trace_fact_next(t, prefix, &cursor))
		n++;
	return n;
}

bool trace_parse_u64(const char *s, uint64_t *out)
{
	if (!s || !*s)
		return false;
	uint64_t v = 0;
	if (s[0] == '0' && s[1] == 'x') {
		s += 2;
		if (!*s)
			return false;
		for (; *s; s++) {
			int d = hexval((unsigned char)*s);
			if (d < 0 || v > UINT64_MAX >> 4)
				return false;
			v = v << 4 | (uint64_t)d;
		}
	} else {
		for (; *s; s++) {
			if (*s < '0' || *s > '9')
				return false;
			uint64_t d = (uint64_t)(*s - '0');
			if (v > (UINT64_MAX - d) / 10)
				return false;
			v = v * 10 + d;
		}
	}
	*out = v;
	return true;
}

bool trace_parse_i64(const char *s, int64_t *out)
{
	if (!s)
		return false;
	bool neg = s[0] == '-';
	uint64_t mag;
	if (!trace_parse_u64(s + neg, &mag))
		return false;
	/* "-0x10" is not in the grammar: hex carries no sign. */
	if (neg && s[1] == '0' && s[2] == 'x')
		return false;
	if (neg ? mag > (uint64_t)INT64_MAX + 1 : mag > (uint64_t)INT64_MAX)
		return false;
	*out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	return true;
}

static const char *line_desc(const struct trace_line *l, char *buf, size_t cap)
{
	if (!l) {
		snprintf(buf, cap, "(no such line)");
		return buf;
	}
	trace_format_line(l, buf, cap);
	return buf;
}

int64_t trace_i64(const struct trace_line *l, const char *key)
{
	char desc[512];
	const char *v = trace_field(l, key);
	int64_t n;
	if (!v)
		trace_fail("field %s missing in: %s", key,
		           line_desc(l, desc, sizeof desc));
	if (!trace_parse_i64(v, &n))
		trace_fail("field %s=%s is not a signed 64-bit number in: %s",
		           key, v, line_desc(l, desc, sizeof desc));
	return n;
}

uint64_t trace_u64(const struct trace_line *l, const char *key)
{
	char desc[512];
	const char *v = trace_field(l, key);
	uint64_t n;
	if (!v)
		trace_fail("field %s missing in: %s", key,
		           line_desc(l, desc, sizeof desc));
	if (!trace_parse_u64(v, &n))
		trace_fail(
		    "field %s=%s is not an unsigned 64-bit number in: %s", key,
		    v, line_desc(l, desc, sizeof desc));
	return n;
}

int64_t trace_fact_i64(const struct trace *t, const char *key)
{
	const char *v = trace_fact(t, key);
	int64_t n;
	if (!v)
		trace_fail("fact %s missing", key);
	if (!trace_parse_i64(v, &n))
		trace_fail("fact %s=%s is not a signed 64-bit number", key, v);
	return n;
}

uint64_t trace_fact_u64(const struct trace *t, const char *key)
{
	const char *v = trace_fact(t, key);
	uint64_t n;
	if (!v)
		trace_fail("fact %s missing", key);
	if (!trace_parse_u64(v, &n))
		trace_fail("fact %s=%s is not an unsigned 64-bit number", key,
		           v);
	return n;
}

uint64_t trace_header_u64(const struct trace *t, const char *key)
{
	if (!t->header)
		trace_fail("no header line (rt0 trace v=...) in the trace");
	return trace_u64(t->header, key);
}

void trace_format_line(const struct trace_line *l, char *buf, size_t cap)
{
	size_t o = 0;
#define PUT(...)                                                               \
	do {                                                                   \
		if (o < cap)                                                   \
			o += (size_t)snprintf(buf + o, cap - o, __VA_ARGS__);  \
	} while (0)
	PUT("rt0 %s", l->kind);
	for (size_t i = 0; i < l->nfields; i++) {
		PUT(" %s=", l->fields[i].key);
		for (size_t k = 0; k < l->fields[i].value_len; k++) {
			unsigned char c = (unsigned char)l->fields[i].value[k];
			if (c <= 0x20 || c >= 0x7f || c == '%')
				PUT("%%%02X", c);
			else
				PUT("%c", c);
		}
	}
#undef PUT
	if (cap)
		buf[o < cap ? o : cap - 1] = '\0';
}
