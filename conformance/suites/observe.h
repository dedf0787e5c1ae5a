/* observe.h: the suites' side of the start-up observer (DESIGN 3a, issue
 * 12): a probe run under conformance/observer, stopped at the entry of every
 * start-up function, every goroutine's first instruction and the
 * scheduler's context switches, with its own trace of the same execution
 * parsed beside what was measured, so a test compares the two. */
#ifndef RT0_OBSERVE_H
#define RT0_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rt0obs/observer.h"
#include "suite.h"

/* How a function is entered, which decides the SP its entry must have. */
enum step_kind {
	STEP_CALL,       /* called (by C or by assembly): the ABI's entry SP */
	STEP_PROCESS,    /* the program's entry: the kernel's or libc's SP */
	STEP_GOROUTINE,  /* a goroutine's first instruction, reached by gogo */
	STEP_NOT_ENTERED /* stopped only to read state: no SP rule */
};

/* One function the observer stops at: its symbol, the trace phase the
 * runtime records for it (NULL: none), and how it is entered. */
struct step {
	const char *symbol;
	const char *phase;
	enum step_kind kind;
	/* Called only from inside another step that records its own event
	 * last (stackalloc, from newproc1): its event precedes that step's
	 * while its entry follows, so it has no place in the order. */
	bool nested;
};
#define STEP(symbol, phase, kind)                                              \
	{                                                                      \
		(symbol), (phase), (kind), false                               \
	}

/* What the stop hook saw of a native probe's /proc/<pid>/maps at a stop on
 * a goroutine's stack: whether [stack.lo, stack.hi) is mapped readable
 * and writable, and the page below lo mapped with no access at all. */
struct stop_maps {
	bool checked;
	bool stack_rw, guard_none;
	char detail[240];
};

struct observed {
	struct obs_spec spec;
	struct obs_result res;
	struct trace t;         /* the probe's stderr */
	struct stop_maps *maps; /* per stop, parallel to res.stops */
	const struct step *steps;
	size_t nsteps;
	const char *symbols[128]; /* spec.symbols: the steps' symbols */
	unsigned max_hits[128];   /* spec.max_hits_of, parallel to symbols */
	char path[4096];
	/* Run-time addresses (ELF values + the load bias the observer
	 * measured): rt0's g0 and m0, and goexit. */
	uint64_t g0, m0, goexit;
	/* Indexes made once, for runs of thousands of stops and events:
	 * each stop's event, and the newproc event of each goid. */
	const struct trace_line **stop_events;
	const struct trace_line **newproc_by_goid;
	size_t ngoids;
};

/* What observe_shared reads besides the stops: OBSERVE_MAPS, natively, the
 * probe's /proc/<pid>/maps at each goroutine's first instruction (struct
 * stop_maps; it costs a read of the whole table per stop). */
enum { OBSERVE_MAPS = 1 };

/* The observed run of probe `name` with env_trace, stopping at `steps`
 * (and at the program's entry point: _rt0_<arch>_linux in internal mode,
 * main in external mode) at most max_hits times each (0: every time).
 * All the tests of one suite run that ask for the same run share it, as
 * run_probe_shared does. Fails the test when the observer failed. */
void observe_shared(struct observed *o, const char *name,
                    const char *const *args, const struct step *steps,
                    size_t nsteps, unsigned max_hits, unsigned flags);
void observe_free(struct observed *o);

/* The start-up steps of rt0 (symbol, trace phase, how entered): the
 * main line of hello, the runtime's goroutines and its context
 * switches. */
extern const struct step rt0_steps[];
extern const size_t rt0_nsteps;

/* A stop's step and symbol. */
const struct step *stop_step(const struct observed *o,
                             const struct obs_stop *s);
const char *stop_symbol(const struct observed *o, const struct obs_stop *s);

/* The first stop at symbol from index *from on, or NULL; *from moves past
 * it. */
const struct obs_stop *next_stop_at(const struct observed *o,
                                    const char *symbol, size_t *from);

/* The stop's trace event: the nth event of its phase, n being how many
 * stops at the same phase came before it; NULL when the step has no phase
 * or the trace has no such event. */
const struct trace_line *stop_event(const struct observed *o,
                                    const struct obs_stop *s);

/* The newproc event that announced goroutine goid, or NULL. */
const struct trace_line *newproc_event(const struct observed *o, int64_t goid);

/* One stop as an `rt0 obs` line, for messages. */
const char *stop_line(const struct observed *o, const struct obs_stop *s,
                      char *buf, size_t cap);

/* The SP alignment the arch's ABI requires at a stop of this kind: SP %
 * align == rem (amd64: a call pushed 8 bytes on a 16-aligned SP; arm64,
 * riscv64: SP is 16-aligned at every call). */
void entry_sp_rule(enum step_kind kind, unsigned *align, unsigned *rem);

#endif
