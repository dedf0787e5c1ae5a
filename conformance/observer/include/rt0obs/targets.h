/* targets.h: what the observer is told about each runtime it can watch,
 * as data (targets.c): the start-up functions to stop at, the start-up
 * trace phase each one matches (TRACE.md), where g lives per arch and link
 * mode, and the DWARF name of g's type, whose layout layout.c reads from
 * the probe itself. */
#ifndef RT0OBS_TARGETS_H
#define RT0OBS_TARGETS_H

#include <stdbool.h>
#include <stddef.h>

#include "rt0obs/observer.h"

struct obs_impl_g {
	const char *goarch;
	/* obs_g_where_parse's text per link mode; NULL: not known. */
	const char *internal, *external;
	/* Where the new goroutine is at the entry of obs_impl.newg_at: a
	 * register, or "sp+N", the stack slot N bytes past the entry SP
	 * (NULL: not read). */
	const char *newg_reg;
	/* Where a function's first integer argument is at its entry, alike
	 * (obs_impl.arg0_field; NULL: not read). */
	const char *arg0_reg;
	/* Where the two words of a two-word result are once the call has
	 * returned (obs_impl.return_phases): registers, or "sp+N" (NULL:
	 * not read). */
	const char *ret_regs[2];
};

struct obs_impl {
	const char *name;   /* "rt0", "go1.19", "go1.23", "go" */
	const char *g_type; /* DWARF name of g's struct */
	/* DWARF names of m's struct and of its id member, read through g.m
	 * for a trace's m= (NULL: not read). */
	const char *m_type, *m_id;
	const char *goexit; /* ELF symbol of goexit, for a trace's header */
	/* The start-up functions in Go's order, NULL-terminated, the trace
	 * phase each corresponds to (NULL: none), and whether the symbol
	 * may be missing (inlined: then it has no stop and no event). */
	const char *const *symbols;
	const char *const *phases;
	const bool *may_be_absent; /* NULL: every symbol must be there */
	/* Parallel too: how many entries of a symbol the trace uses (0:
	 * all), so the observer stops no more often. NULL: all of every. */
	const unsigned *max_hits;
	/* Parallel too: the function a step's event needs as its caller (the
	 * return address lies in it), NULL: any. Go calls some of schedinit's
	 * steps again later for other reasons (mcommoninit for each new M):
	 * only schedinit's own calls are its steps. NULL array: any caller. */
	const char *const *callers;
	/* Parallel too: the event field a step's first argument is given as:
	 * "nprocs" (procresize's, an int32), or "g:next" (a g pointer: its
	 * goid, execute's next); NULL: none. NULL array: none. */
	const char *const *arg0_field;
	/* Parallel too: the rt0trace level from which a symbol is watched (2:
	 * the scheduler's, as rt0's own trace). NULL array: all at 1. */
	const unsigned char *level;
	/* The symbol at whose stop g0 is first readable: a trace built from
	 * the stops gives runtime.rt0_go's event there (NULL: the runtime
	 * has a stop of that phase of its own). */
	const char *rt0_go_at;
	/* The first stop at this symbol is the runtime's own init
	 * (runtime.init); NULL: the symbols say it. */
	const char *runtime_init_at;
	/* A function newproc calls with the goroutine it made, complete
	 * (id, stack, initial SP and PC, stackguard0), in the register
	 * newg_reg: read there, they are the newproc event's new* fields,
	 * which its own entry cannot know yet. NULL: none. */
	const char *newg_at;
	const struct obs_impl_g *g; /* ends with a NULL goarch */
	/* The start-up function in whose body the runtime starts its second
	 * thread: its entry is the last stop while the program has one
	 * (obs_spec.release_after under qemu-user). NULL: never threaded. */
	const char *one_thread_until;
	/* The environment setting under which past one_thread_until only
	 * one thread at a time runs the runtime's watched functions (Go's
	 * "GOMAXPROCS=1": they all need the one P), so under qemu-user the
	 * run is watched to its end; NULL: none. */
	const char *one_runner_env;
	/* Parallel to symbols: the trace phase of a call's return (the stop
	 * where it returns: obs_spec.stop_at_return), NULL: the return is not
	 * watched. NULL array: none. */
	const char *const *return_phases;
	/* The function a running goroutine is preempted through, on g0, with
	 * the goroutine as its first argument (arg0_field "g:gp"); Gosched
	 * comes through it too, which nothing in start-up calls before
	 * main.main. Its stops count the preemptions (obs_synth_preempted).
	 * NULL: not watched. */
	const char *preempt_at;
	/* obs_spec.hold_first_thread_until for a native run (NULL: none). */
	const char *hold_first_thread_until;
};

/* By name: "rt0", a Go version with data of its own ("go1.19", "go1.23";
 * a patch release "go1.19.8" finds "go1.19"), or "go": the steps every Go
 * version has. NULL when unknown. */
const struct obs_impl *obs_impl_find(const char *name);

struct elf_info;
/* elf_symbol_sized for a runtime's symbol name: a name ending in ".abi0"
 * that the ELF lacks is looked up without it (obs_internal.h says why);
 * size may be NULL. */
bool obs_symbol_sized(const struct elf_info *elf, const char *name,
                      uint64_t *value, uint64_t *size);

/* The trace phase of impl's symbol, or NULL. */
const char *obs_impl_phase(const struct obs_impl *impl, const char *symbol);

/* Fills spec->symbols, spec->may_be_absent, spec->max_hits_of,
 * spec->release_after (impl->one_thread_until when spec->qemu is set and
 * spec->env does not hold impl->one_runner_env),
 * spec->hold_first_thread_until (impl's, when it is not), spec->g,
 * spec->layout (from the
 * probe's DWARF) and spec->read_m for a probe of impl built for goarch; the
 * link mode is the ELF's (static: internal). The other fields are left alone.
 * False with a message on bad input. */
bool obs_spec_for_impl(const struct obs_impl *impl, const char *probe,
                       const char *goarch, struct obs_spec *spec, char *err,
                       size_t errcap);

/* g's field offsets and sizes from the probe's DWARF: members goid,
 * stack.lo, stack.hi (stack is a struct member), m and stackguard0 of the
 * struct named type. A missing member leaves its field unknown; a missing type
 * or no DWARF at all is an error. */
bool obs_layout_from_dwarf(const char *probe, const char *type,
                           struct obs_g_layout *out, char *err, size_t errcap);

/* The size in bytes of the type named name (a base type such as "long
 * int", a typedef or a struct) as the probe's DWARF has it, and of its
 * pointers: what its compiler laid out, to compare with the sizes the
 * program states about itself. False with a message when the DWARF has no
 * such type. */
bool obs_dwarf_type_size(const char *probe, const char *name, uint64_t *size,
                         char *err, size_t errcap);
bool obs_dwarf_pointer_size(const char *probe, uint64_t *size, char *err,
                            size_t errcap);

/* The member at a dotted path ("stack.lo") of the struct named type, from
 * the probe's DWARF: false with a message when there is no such type or
 * member. */
bool obs_dwarf_member(const char *probe, const char *type, const char *path,
                      struct obs_field *out, char *err, size_t errcap);

/* Where the code of each call of function name that its compiler inlined
 * starts (DW_TAG_inlined_subroutine whose abstract origin has that name),
 * ELF addresses, at most cap of them; 0 when there is none (or no DWARF). A
 * step Go inlines has no entry of its own, but its body still starts
 * somewhere. */
size_t obs_dwarf_inlined(const char *probe, const char *name, uint64_t *addrs,
                         size_t cap);

#endif
