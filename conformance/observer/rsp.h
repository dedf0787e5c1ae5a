/* rsp.h: the client side of gdb's remote serial protocol, as much as the
 * observer needs from qemu-user's gdbstub: framed packets with checksums
 * and acknowledgements, binary (escaped) replies, and target descriptions.
 * Every read gives up at a deadline, so a silent or dead stub cannot hang
 * the observer. The framing and the description parser are pure, for the
 * unit tests. */
#ifndef RT0OBS_RSP_H
#define RT0OBS_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct rsp {
	int fd;
	uint64_t deadline_ns; /* CLOCK_MONOTONIC; reads fail after it */
	char *reply;          /* the last reply's payload, NUL-terminated */
	size_t reply_len;
	size_t reply_cap;
	bool timed_out; /* the last failure was the deadline */
	bool closed;    /* the stub closed the connection */
	char error[256];
	FILE *log; /* when set, every packet both ways, for debugging */
	unsigned char in[4096];
	size_t in_pos, in_len;
};

void rsp_init(struct rsp *r, int fd, uint64_t deadline_ns);
void rsp_free(struct rsp *r);

/* Sends one packet and waits for its '+' (resending on '-', a few
 * times). */
bool rsp_send(struct rsp *r, const char *payload);
/* Receives one packet into r->reply and acknowledges it. binary: undo the
 * '}' escapes of binary replies (qXfer). Run-length encoding is expanded. */
bool rsp_recv(struct rsp *r, bool binary);
/* rsp_send, then rsp_recv of its reply, skipping console output ('O'). */
bool rsp_cmd(struct rsp *r, const char *payload, bool binary);
/* The interrupt byte (^C), outside any packet. */
bool rsp_interrupt(struct rsp *r);

/* "$<payload>#<checksum>" into out; false when cap is too small. */
bool rsp_frame(const char *payload, char *out, size_t cap);
/* Undoes the payload encodings in place ('}' escapes when binary, then
 * '*' run lengths); returns the new length, or (size_t)-1 when the data
 * are malformed. */
size_t rsp_decode(char *payload, size_t len, size_t cap, bool binary);
/* Little-endian hex (the target's byte order on every arch the observer
 * knows) to bytes; false on a bad digit. */
bool rsp_unhex(const char *hex, size_t nbytes, unsigned char *out);

/* A target description: registers with their numbers and sizes, as gdb
 * numbers them (in document order; an explicit regnum restarts the count,
 * and the includes follow each other in the order they are named). */
struct rsp_reg {
	char name[32];
	int regnum;
	int bitsize;
};
struct rsp_tdesc {
	struct rsp_reg *regs;
	size_t nregs, cap;
	int next_regnum;
};
/* Adds the <reg> elements of one XML document (target.xml or an included
 * feature). False on out of memory or a reg without name or bitsize. */
bool rsp_tdesc_add(struct rsp_tdesc *t, const char *xml);
/* The href of the nth <xi:include> of xml, into out; false when none. */
bool rsp_tdesc_include(const char *xml, size_t nth, char *out, size_t cap);
const struct rsp_reg *rsp_tdesc_find(const struct rsp_tdesc *t,
                                     const char *name);
void rsp_tdesc_free(struct rsp_tdesc *t);

/* A stop reply: 'T'/'S' (stopped with signal, maybe a thread), 'W'
 * (exited with code), 'X' (killed by signal). */
struct rsp_stop {
	char kind;
	int value;       /* signal (gdb's numbering) or exit code */
	char thread[48]; /* "p01.2b89", "" when not given */
};
bool rsp_parse_stop(const char *reply, struct rsp_stop *out);

#endif
