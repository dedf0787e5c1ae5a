/* rsp.c: see rsp.h. Written from gdb's manual, "Remote Protocol"
 * (Overview, Packets, Stop Reply Packets, Target Descriptions). */
#define _GNU_SOURCE
#include "rsp.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RESENDS 3 /* a '-' means a damaged packet: try again, not forever */

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static bool fail(struct rsp *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static bool fail(struct rsp *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof r->error, fmt, ap);
	va_end(ap);
	return false;
}

void rsp_init(struct rsp *r, int fd, uint64_t deadline_ns)
{
	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->deadline_ns = deadline_ns;
}

void rsp_free(struct rsp *r)
{
	free(r->reply);
	r->reply = NULL;
	r->reply_len = r->reply_cap = 0;
}

/* The next byte from the stub, waiting no later than the deadline. */
static bool get_byte(struct rsp *r, unsigned char *c)
{
	while (r->in_pos == r->in_len) {
		uint64_t now = now_ns();
		if (now >= r->deadline_ns) {
			r->timed_out = true;
			return fail(r, "no answer from the gdbstub in time");
		}
		uint64_t left_ms = (r->deadline_ns - now) / 1000000u + 1;
		struct pollfd p = {r->fd, POLLIN, 0};
		int n = poll(&p, 1, left_ms > 1000 ? 1000 : (int)left_ms);
		if (n < 0 && errno != EINTR)
			return fail(r, "poll: %s", strerror(errno));
		if (n <= 0)
			continue;
		ssize_t got = read(r->fd, r->in, sizeof r->in);
		if (got == 0) {
			r->closed = true;
			return fail(r, "the gdbstub closed the connection");
		}
		if (got < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			r->closed = true;
			return fail(r, "read from the gdbstub: %s",
			            strerror(errno));
		}
		r->in_pos = 0;
		r->in_len = (size_t)got;
	}
	*c = r->in[r->in_pos++];
	return true;
}

static bool put_all(struct rsp *r, const void *p, size_t n)
{
	const char *b = p;
	while (n) {
		ssize_t w = write(r->fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			r->closed = true;
			return fail(r, "write to the gdbstub: %s",
			            w < 0 ? strerror(errno) : "closed");
		}
		b += w;
		n -= (size_t)w;
	}
	return true;
}

bool rsp_frame(const char *payload, char *out, size_t cap)
{
	size_t n = strlen(payload);
	if (n + 5 > cap)
		return false;
	unsigned sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += (unsigned char)payload[i];
	out[0] = '$';
	memcpy(out + 1, payload, n);
	static const char hex[] = "0123456789abcdef";
	out[n + 1] = '#';
	out[n + 2] = hex[(sum >> 4) & 0xf];
	out[n + 3] = hex[sum & 0xf];
	out[n + 4] = '\0';
	return true;
}

bool rsp_send(struct rsp *r, const char *payload)
{
	char frame[1024];
	if (!rsp_frame(payload, frame, sizeof frame))
		return fail(r, "packet too long: %.40s...", payload);
	if (r->log)
		fprintf(r->log, "-> %s\n", payload);
	for (int attempt = 0; attempt <= RESENDS; attempt++) {
		if (!put_all(r, frame, strlen(frame)))
			return false;
		for (;;) {
			unsigned char c;
			if (!get_byte(r, &c))
				return false;
			if (c == '+')
				return true;
			if (c == '-')
				break;
			/* Anything else before the ack is noise. */
		}
	}
	return fail(r, "the gdbstub rejected packet %.40s %d times", payload,
	            RESENDS + 1);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t rsp_decode(char *p, size_t len, size_t cap, bool binary)
{
	/* '}' escapes first: a run-length marker can itself be escaped
	 * data only in binary replies. */
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		if (binary && p[i] == '}') {
			if (++i == len)
				return (size_t)-1;
			p[o++] = (char)(p[i] ^ 0x20);
		} else {
			p[o++] = p[i];
		}
	}
	len = o;
	if (!memchr(p, '*', len) || binary)
		return len;
	/* X*N repeats X (N - 29) more times, N printable. */
	char *tmp = malloc(cap);
	if (!tmp)
		return (size_t)-1;
	o = 0;
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '*' && i > 0 && i + 1 < len) {
			int extra = (unsigned char)p[++i] - 29;
			if (extra < 0 || o + (size_t)extra >= cap) {
				free(tmp);
				return (size_t)-1;
			}
			memset(tmp + o, tmp[o - 1], (size_t)extra);
			o += (size_t)extra;
		} else {
			if (o + 1 >= cap) {
				free(tmp);
				return (size_t)-1;
			}
			tmp[o++] = p[i];
		}
	}
	memcpy(p, tmp, o);
	free(tmp);
	return o;
}

bool rsp_recv(struct rsp *r, bool binary)
{
	for (int attempt = 0; attempt <= RESENDS; attempt++) {
		unsigned char c;
		do
			if (!get_byte(r, &c))
				return false;
		while (c != '$');
		size_t n = 0;
		unsigned sum = 0;
		for (;;) {
			if (!get_byte(r, &c))
				return false;
			if (c == '#')
				break;
			sum += c;
			if (n + 1 >= r->reply_cap) {
				size_t cap =
				    r->reply_cap ? 2 * r->reply_cap : 4096;
				if (cap > (64u << 20))
					return fail(r, "reply too long");
				char *p = realloc(r->reply, cap);
				if (!p)
					return fail(r, "out of memory");
				r->reply = p;
				r->reply_cap = cap;
			}
			r->reply[n++] = (char)c;
		}
		unsigned char h1, h2;
		if (!get_byte(r, &h1) || !get_byte(r, &h2))
			return false;
		int want = hexval(h1) * 16 + hexval(h2);
		if (hexval(h1) < 0 || hexval(h2) < 0 ||
		    (unsigned)want != (sum & 0xff)) {
			if (!put_all(r, "-", 1))
				return false;
			continue;
		}
		if (!put_all(r, "+", 1))
			return false;
		if (!r->reply) { /* an empty first reply */
			r->reply = malloc(4096);
			if (!r->reply)
				return fail(r, "out of memory");
			r->reply_cap = 4096;
		}
		size_t len = rsp_decode(r->reply, n, r->reply_cap, binary);
		if (len == (size_t)-1)
			return fail(r, "malformed reply encoding");
		r->reply[len] = '\0';
		r->reply_len = len;
		if (r->log)
			fprintf(r->log, "<- %.*s\n",
			        (int)(len > 200 ? 200 : len), r->reply);
		return true;
	}
	return fail(r, "replies kept arriving damaged");
}

bool rsp_cmd(struct rsp *r, const char *payload, bool binary)
{
	if (!rsp_send(r, payload))
		return false;
	for (;;) {
		if (!rsp_recv(r, binary))
			return false;
		/* 'O' + hex is the program's console output, not a reply
		 * ("OK" is one). */
		if (r->reply[0] == 'O' && r->reply[1] != 'K' && r->reply[1])
			continue;
		return true;
	}
}

bool rsp_interrupt(struct rsp *r)
{
	return put_all(r, "\x03", 1);
}

bool rsp_unhex(const char *hex, size_t nbytes, unsigned char *out)
{
	for (size_t i = 0; i < nbytes; i++) {
		int a = hexval(hex[2 * i]),
		    b = a < 0 ? -1 : hexval(hex[2 * i + 1]);
		if (a < 0 || b < 0)
			return false;
		out[i] = (unsigned char)(a * 16 + b);
	}
	return true;
}

/* ---- target descriptions ---------------------------------------------- */

/* The value of attribute name inside one tag [tag, end), into out. */
static bool attr(const char *tag, const char *end, const char *name, char *out,
                 size_t cap)
{
	size_t n = strlen(name);
	for (const char *p = tag; p + n + 2 < end; p++) {
		if ((p == tag || p[-1] == ' ' || p[-1] == '\t' ||
		     p[-1] == '\n') &&
		    strncmp(p, name, n) == 0 && p[n] == '=' &&
		    (p[n + 1] == '"' || p[n + 1] == '\'')) {
			char q = p[n + 1];
			const char *v = p + n + 2;
			const char *e = memchr(v, q, (size_t)(end - v));
			if (!e || (size_t)(e - v) >= cap)
				return false;
			memcpy(out, v, (size_t)(e - v));
			out[e - v] = '\0';
			return true;
		}
	}
	return false;
}

/* The first "<reg" at or after p that is not inside an XML comment:
 * qemu's i386-32bit.xml comments out ss_base, ds_base and es_base, which
 * its gdbstub does not number. */
static const char *next_reg(const char *p)
{
	for (;;) {
		const char *r = strstr(p, "<reg"), *c = strstr(p, "<!--");
		if (!r || !c || r < c)
			return r;
		const char *e = strstr(c + 4, "-->");
		if (!e)
			return NULL;
		p = e + 3;
	}
}

bool rsp_tdesc_add(struct rsp_tdesc *t, const char *xml)
{
	for (const char *p = next_reg(xml); p; p = next_reg(p + 1)) {
		if (p[4] != ' ' && p[4] != '\t' && p[4] != '\n')
			continue; /* <registers>, ... */
		const char *end = strchr(p, '>');
		if (!end)
			return false;
		char name[32], bits[16], num[16];
		if (!attr(p, end, "name", name, sizeof name) ||
		    !attr(p, end, "bitsize", bits, sizeof bits))
			return false;
		if (attr(p, end, "regnum", num, sizeof num))
			t->next_regnum = atoi(num);
		if (t->nregs == t->cap) {
			size_t cap = t->cap ? 2 * t->cap : 64;
			struct rsp_reg *r = realloc(t->regs, cap * sizeof *r);
			if (!r)
				return false;
			t->regs = r;
			t->cap = cap;
		}
		struct rsp_reg *r = &t->regs[t->nregs++];
		snprintf(r->name, sizeof r->name, "%s", name);
		r->regnum = t->next_regnum++;
		r->bitsize = atoi(bits);
	}
	return true;
}

bool rsp_tdesc_include(const char *xml, size_t nth, char *out, size_t cap)
{
	const char *p = xml;
	for (size_t i = 0;; i++) {
		p = strstr(p, "<xi:include");
		if (!p)
			return false;
		const char *end = strchr(p, '>');
		if (!end)
			return false;
		if (i == nth)
			return attr(p, end, "href", out, cap);
		p = end;
	}
}

const struct rsp_reg *rsp_tdesc_find(const struct rsp_tdesc *t,
                                     const char *name)
{
	for (size_t i = 0; i < t->nregs; i++)
		if (strcmp(t->regs[i].name, name) == 0)
			return &t->regs[i];
	return NULL;
}

void rsp_tdesc_free(struct rsp_tdesc *t)
{
	free(t->regs);
	memset(t, 0, sizeof *t);
}

bool rsp_parse_stop(const char *reply, struct rsp_stop *out)
{
	memset(out, 0, sizeof *out);
	char k = reply[0];
	if (k != 'T' && k != 'S' && k != 'W' && k != 'X')
		return false;
	int a = hexval(reply[1]), b = a < 0 ? -1 : hexval(reply[2]);
	if (a < 0 || b < 0)
		return false;
	out->kind = k;
	out->value = a * 16 + b;
	if (k == 'W' || k == 'X')
		return true;
	/* T05thread:p01.2b89;... (other n:r pairs are registers). */
	const char *t = strstr(reply, "thread:");
	if (t) {
		t += 7;
		size_t n = strcspn(t, ";");
		if (n >= sizeof out->thread)
			return false;
		memcpy(out->thread, t, n);
		out->thread[n] = '\0';
	}
	return true;
}
