/* walk_ptrace.h: the internal-mode half of the walk suite. An internal
 * probe has no libc, so no in-process libunwind: the host runs it under
 * ptrace, and at each breakpoint the probe executes (amd64 int3, with the
 * global walk_where naming the place) walks it from outside with
 * libunwind-ptrace. The walk is written into the probe's own stderr, where
 * it was stopped, as the same facts the external probe prints itself
 * (walk.<w>.<i>.{name,obj,off,pc,sp,exec}, walk.<w>.{n,end,step}), so one set
 * of assertions serves both modes.
 *
 * Native only: qemu-user does not emulate ptrace for its guest. */
#ifndef RT0_WALK_PTRACE_H
#define RT0_WALK_PTRACE_H

#include "rt0conf/probe.h"

/* Runs $RT0_PROBE_DIR/<name> with exactly env (NULL-terminated), a timeout
 * (scaled by RT0_TIMEOUT_SCALE) and no core file; fills *r like probe_run
 * (r->err holds the probe's stderr with the walks in it). Returns 0, or -1
 * when the tracer itself failed (errno set; r->why-able message in
 * r->err). */
int walk_ptrace_run(const char *name, const char *const *env,
                    struct probe_result *r);

#endif
