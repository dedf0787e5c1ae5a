/* knobs.h: Go's start-up knobs as pure functions (no libc, no allocation,
 * no global state), so the runtime, the unit tests and the fuzzers share
 * them unchanged. Strings are (pointer, length) pairs: environment values
 * are not copied to be parsed. A NULL pointer means "unset"; it behaves
 * exactly like the empty string, as Go's gogetenv returns "" for both. */
#ifndef RT0_KNOBS_H
#define RT0_KNOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Go's runtime atoi/atoi64/atoi32 (runtime/string.go): optional leading
 * '-', then decimal digits only; "" fails, "-" alone is 0, overflow fails. */
bool knob_atoi64(const char *s, size_t n, int64_t *out);
bool knob_atoi32(const char *s, size_t n, int32_t *out);

/* GOMAXPROCS: the value if it parses as an int32 greater than 0, else ncpu. */
int32_t knob_gomaxprocs(const char *s, size_t n, int32_t ncpu);

/* GOGC: "off" -> -1; an int32 -> itself, negatives -> -1; otherwise 100. */
int32_t knob_gogc(const char *s, size_t n);

/* GOMEMLIMIT: "" or "off" -> INT64_MAX; otherwise Go's parseByteCount
 * (digits, optional "B", or "KiB"/"MiB"/"GiB"/"TiB"). Returns false on a
 * malformed value, which the runtime turns into a fatal error. */
bool knob_gomemlimit(const char *s, size_t n, int64_t *out);

/* GOTRACEBACK, as Go's setTraceback, for a Go whose int is int_bits wide
 * (64 or 32: Go's int is as wide as a pointer, so the runtime passes its
 * own pointer width, KNOB_INT_BITS). */
struct knob_traceback {
	uint32_t level; /* 0 none, 1 single, 2 system, or the number given */
	bool all;       /* print every goroutine */
	bool crash;     /* crash (abort) after printing */
};
#define KNOB_INT_BITS (8 * sizeof(uintptr_t))
struct knob_traceback knob_gotraceback(const char *s, size_t n,
                                       unsigned int_bits);

/* GODEBUG: comma-separated key=value fields, left to right, last wins;
 * fields without '=', unknown keys and values that are not int32 are
 * ignored; keys are case-sensitive. The table below names the keys the
 * runtime knows; GODEBUG_DEFAULTS gives their values when unset. */
#define GODEBUG_KEYS(X)                                                        \
	X(cgocheck, 1)                                                         \
	X(gctrace, 0)                                                          \
	X(inittrace, 0)                                                        \
	X(invalidptr, 1)                                                       \
	X(madvdontneed, 1)                                                     \
	X(rt0trace, 0)                                                         \
	X(scheddetail, 0)                                                      \
	X(schedtrace, 0)

struct godebug {
#define GODEBUG_FIELD(name, dflt) int32_t name;
	GODEBUG_KEYS(GODEBUG_FIELD)
#undef GODEBUG_FIELD
};

/* Sets every field to its default, then applies s. */
void knob_godebug(const char *s, size_t n, struct godebug *out);

/* GODEBUG's cpu options, as Go's cpuinit applies them before anything else
 * (internal/cpu/cpu.go processOptions): fields "cpu.NAME=on|off" and
 * "cpu.all=on|off", left to right, the last one for a feature wins; a
 * feature is turned on only when the CPU has it (detected). names[i] names
 * feature bit i (nnames <= 32). Returns detected with the options applied.
 * What Go warns about is reported through warn (when not NULL), in order:
 * a "cpu." field without '=' (a: the field), a value that is neither "on"
 * nor "off" (a: the value, b: the name), and a feature asked for that the
 * CPU lacks (a: its name). A name this arch does not model is ignored:
 * Go knows more features than the runtime detects, so "unknown" would be
 * a claim the runtime cannot make. */
enum knob_cpu_warning {
	KNOB_CPU_NO_VALUE,   /* GODEBUG: no value specified for "<a>" */
	KNOB_CPU_BAD_VALUE,  /* GODEBUG: value "<a>" not supported for cpu
	                        option "<b>" */
	KNOB_CPU_NO_SUPPORT, /* GODEBUG: can not enable "<a>", missing CPU
	                        support */
};
typedef void (*knob_cpu_warn_fn)(void *ctx, enum knob_cpu_warning w,
                                 const char *a, size_t alen, const char *b,
                                 size_t blen);
uint32_t knob_godebug_cpu(const char *s, size_t n, const char *const *names,
                          size_t nnames, uint32_t detected,
                          knob_cpu_warn_fn warn, void *ctx);

/* Finds the value of the first environment entry that is exactly
 * "KEY=..." (case-sensitive; entries without '=' never match). env is an
 * array of n NUL-terminated strings. Returns NULL when there is none. */
const char *knob_env_lookup(const char *const *env, size_t n, const char *key,
                            size_t keylen);

#endif
