/* rt0.h: the program API of the rt0 reference runtime.
 *
 * A program supplies main_main() and, optionally, packages declared with
 * RT0_PACKAGE. It runs in internal link mode (no libc at all) or external
 * link mode (under the C library), so nothing here depends on libc. */
#ifndef RT0_H
#define RT0_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The program's entry, called on goroutine 1 after every package init. */
void main_main(void);

/* Goroutines. rt0_go is Go's `go fn(arg)`; it returns the new goroutine's id.
 */
typedef void (*rt0_fn)(void *arg);
int64_t rt0_go(rt0_fn fn, void *arg);
void rt0_gosched(void);
_Noreturn void rt0_goexit(void);
int64_t rt0_goid(void);
int32_t
rt0_num_goroutine(void); /* user goroutines only, as runtime.NumGoroutine */
void rt0_lock_os_thread(void);
void rt0_unlock_os_thread(void);
_Noreturn void rt0_panic(const char *msg);
/* The running goroutine's traceback header, "goroutine N [running]:" or
 * "goroutine N [running, locked to thread]:" (the first line Go's
 * runtime.Stack(buf, false) gives); returns its length, cut to cap - 1. */
size_t rt0_goroutine_header(char *buf, size_t cap);

/* Channels of machine words; capacity 0 is unbuffered (a rendezvous). */
struct rt0_chan;
struct rt0_chan *rt0_chan_make(uint32_t cap);
void rt0_chan_send(struct rt0_chan *c, uintptr_t v);
uintptr_t rt0_chan_recv(struct rt0_chan *c);

/* The runtime's verbatim copies of argv and the environment (os.Args,
 * os.Environ). rt0_getenv returns the first exact match, or NULL. */
int32_t rt0_argc(void);
const char *rt0_argv(int32_t i);
int32_t rt0_envc(void);
const char *rt0_envv(int32_t i);
const char *rt0_getenv(const char *key);

/* Output without libc. Facts are "rt0 fact KEY=VALUE" lines on stderr
 * (conformance/TRACE.md); rt0_mark records a trace event "user.NAME". */
void rt0_write(int fd, const void *buf, size_t len);
void rt0_print(const char *s); /* to stdout, unbuffered */
void rt0_fact_str(const char *key, const char *value);
void rt0_fact_int(const char *key, int64_t value);
void rt0_fact_hex(const char *key, uintptr_t value);
void rt0_mark(const char *name);
void rt0_flush(void); /* write out buffered facts and trace lines now */

/* The running goroutine's stack, [lo, hi); a guard page lies below lo. */
void rt0_stack_bounds(uintptr_t *lo, uintptr_t *hi);

/* Prints the parsed knobs as facts: knob.ncpu, knob.gomaxprocs, knob.gogc,
 * knob.gomemlimit, knob.traceback.level, knob.traceback.all,
 * knob.traceback.crash, knob.godebug.KEY for every known GODEBUG key,
 * knob.cpu.NAME (0 or 1) for every CPU feature the arch detects (GODEBUG
 * cpu.NAME=off clears it) and knob.aeshash (alginit chose the AES hash). */
void rt0_print_knobs(void);

/* Packages: an import path, the paths it imports, and its init functions in
 * order. Packages are initialised by Go 1.21's rule: repeatedly, the first
 * package in import-path order whose imports are all initialised. Every
 * package declared in the program takes part. */
struct rt0_package {
	const char *path;
	const char *const *imports; /* NULL-terminated */
	void (*const *inits)(void); /* NULL-terminated */
};

#define RT0_IMPORTS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define RT0_NO_IMPORTS   ((const char *const[]){NULL})
#define RT0_INITS(...)   ((void (*const[])(void)){__VA_ARGS__, NULL})
#define RT0_NO_INITS     ((void (*const[])(void)){NULL})

/* The linker gathers one pointer per package in section rt0_pkgs, the way
 * Go's linker gathers init tasks. */
#define RT0_PACKAGE(ident, import_path, imports_, inits_)                      \
	static const struct rt0_package ident = {import_path, imports_,        \
	                                         inits_};                      \
	__attribute__((used,                                                   \
	               section("rt0_pkgs"))) static const struct rt0_package   \
	    *const ident##_entry = &ident

/* Go's runtime/internal/atomic, as runtime.check verifies them and the
 * contention tests hammer them from several Ms. Every one is sequentially
 * consistent; a 64-bit one wants an 8-aligned word. */
bool cas32(uint32_t *p, uint32_t old, uint32_t new);
uint32_t xadd32(uint32_t *p, int32_t delta); /* returns the new value */
uint32_t xchg32(uint32_t *p, uint32_t v);    /* returns the old value */
void or8(uint8_t *p, uint8_t v);
void and8(uint8_t *p, uint8_t v);
bool cas64(uint64_t *p, uint64_t old, uint64_t new);
uint64_t load64(uint64_t *p);
void store64(uint64_t *p, uint64_t v);
uint64_t xadd64(uint64_t *p, int64_t delta);
uint64_t xchg64(uint64_t *p, uint64_t v);

/* Threads, as test hooks (Go's export_test.go reaches newm the same way).
 * rt0_newm starts a new M, a kernel thread of the process with its own g0,
 * that runs fn(arg) on that g0 without a P, as Go runs sysmon; fn must not
 * return (a parked M sleeps on a note until the process exits). It returns
 * the M's id. rt0_m_self says what the runtime believes about the running
 * M; notes are Go's one-shot futex events (lock_futex.go). */
int64_t rt0_newm(void (*fn)(void *), void *arg);
struct rt0_m_info {
	int64_t id;
	bool is_g0;             /* getg() is this M's g0 */
	uintptr_t g0_lo, g0_hi; /* g0's stack */
	int32_t procid;         /* the thread id minit recorded (0 on m0) */
	bool has_p;             /* the M holds a P */
};
void rt0_m_self(struct rt0_m_info *out);
/* sysmon's M, which runtime.main starts (is_g0 false): false when there is
 * none yet. */
bool rt0_sysmon_m(struct rt0_m_info *out);
struct rt0_note {
	uint32_t key;
};
void rt0_noteclear(struct rt0_note *n);
void rt0_notewakeup(struct rt0_note *n);
void rt0_notesleep(struct rt0_note *n);

/* Library mode (a program built as a C archive, external linking only):
 * a function the program exports to its C host calls rt0_lib_wait_init
 * first, which returns once runtime.main has run every init. */
void rt0_lib_wait_init(void);

/* Test hooks (weak; a probe may define them, like Go's export_test.go).
 * rt0_hook_schedinit runs on g0 inside schedinit, before the environment is
 * loaded; rt0_hook_schedule runs on g0 in the scheduler between goroutines. */
void rt0_hook_schedinit(void);
void rt0_hook_schedule(void);

#endif
