/* synth.h: a start-up trace (conformance/TRACE.md: the `rt0 trace` header
 * and `rt0 ev` events) built from what the observer measured, for a runtime
 * that prints none of its own (Go). Every line says `src=obs`, and carries
 * only measured values: a field that cannot be measured at a function's
 * entry is left out, never made up. */
#ifndef RT0OBS_SYNTH_H
#define RT0OBS_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rt0obs/observer.h"
#include "rt0obs/targets.h"

/* What the stop hook records at each stop, beyond struct obs_stop. */
struct obs_synth_stop {
	uint64_t ns; /* the host's CLOCK_MONOTONIC, taken at the stop */
	bool have_mid;
	int64_t mid; /* g.m.id */
	/* At obs_impl.newg_at's entry: the goroutine in newg_reg, read
	 * through g's layout (goid, stack, sched.sp, sched.pc, sched.lr,
	 * stackguard0) and the word at its sched.sp. */
	bool have_arg0; /* obs_impl.arg0_field's value, an int32 */
	int64_t arg0;
	bool have_newg;
	int64_t newg;
	uint64_t newlo, newhi, newsp, newpc, newlr, newguard, word_at_sp;
	/* At an entry: the stopped goroutine's g.sched.pc (where it last
	 * left off). */
	bool have_schedpc;
	uint64_t schedpc;
	/* Where a call returned: the two words of its result (ret_regs). */
	bool have_result;
	uint64_t result[2];
};

struct obs_synth {
	const struct obs_impl *impl;
	struct obs_field m_id; /* m.id in m's struct (DWARF); read when known */
	/* g.sched's sp, pc and lr (DWARF), and the register newg is in at
	 * impl->newg_at (NULL: the new* fields are not read). */
	struct obs_field sched_sp, sched_pc, sched_lr;
	const char *newg_reg;
	const char *arg0_reg;      /* NULL: no argument is read */
	const char *ret_regs[2];   /* NULL: no result is read */
	struct obs_synth_stop *at; /* by stop seq */
	size_t cap;
	bool oom;
};

/* For impl's probe: m.id's place in m and g.sched's fields from the probe's
 * DWARF, and impl's newg register for the probe's arch (each left unknown
 * when impl names none or the DWARF has none). */
void obs_synth_init(struct obs_synth *y, const struct obs_impl *impl,
                    const char *probe);
/* The stop hook (obs_spec.on_stop, with the struct obs_synth as its arg).
 * The spec must read g.m (read_m) for m=. */
void obs_synth_hook(void *arg, const struct obs_view *v);
/* The trace of an observed run, newline-terminated lines, malloc'd (NULL
 * when out of memory); *len its length. entry_symbol: the symbol of
 * spec->symbols that is the program's entry (its SP is the header's
 * entrysp), or NULL. */
char *obs_synth_trace(const struct obs_synth *y, const struct obs_spec *spec,
                      const struct obs_result *res, const char *entry_symbol,
                      size_t *len);
/* How often goroutine goid was preempted in start-up, while another
 * goroutine could have run first (until gcenable's return, else main.main):
 * stops at impl->preempt_at whose goroutine argument is goid (0 when impl
 * names no preempt_at). */
unsigned obs_synth_preempted(const struct obs_synth *y,
                             const struct obs_spec *spec,
                             const struct obs_result *res, int64_t goid);
void obs_synth_free(struct obs_synth *y);

#endif
