/* contract: the context switch keeps what the arch's C ABI says a call
 * keeps. The regs probe (with arch/<arch>/probe_regs.S) fills every
 * callee-saved register, integer and floating-point, and the
 * floating-point control state with goroutine-specific patterns, yields by
 * gosched, by a channel hand-off and by letting another goroutine exit,
 * and compares on return; it reports each way's first mismatch. Each test
 * is named after its invariant (conformance/invariants-observed.toml). */
#include <stdio.h>
#include <string.h>

#include "suite.h"

SHARED_PROBE_SUITE(contract, "regs");

static const char *const ways[] = {"gosched", "chan", "exit"};

static void kept(const char *what, const char *desc)
{
	CHECK_EXIT(&run, 0);
	for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
		char key[64];
		snprintf(key, sizeof key, "regs.%s.checked", ways[i]);
		int64_t n = trace_fact_i64(&run.t, key);
		CHECK(&run, n > 0, "expected switches checked by %s, got %lld",
		      ways[i], (long long)n);
		snprintf(key, sizeof key, "regs.%s.%s.bad", ways[i], what);
		const char *bad = trace_fact(&run.t, key);
		CHECK(&run, bad == NULL,
		      "%s: expected %s to survive a switch by %s; %s",
		      want_arch(), desc, ways[i], bad);
	}
}

SHARED_TEST(contract, mstart, mstart_switch_keeps_callee_saved)
{
	kept("reg", "every callee-saved register");
}

SHARED_TEST(contract, mstart, mstart_switch_keeps_fp_control)
{
	kept("fpctl", "the floating-point control state");
}

SHARED_TEST(contract, newproc, newproc_inherits_fp_control)
{
	CHECK_EXIT(&run, 0);
	CHECK(&run, trace_fact_i64(&run.t, "fpctl.inherit.checked") == 1,
	      "expected the new goroutine to have run");
	const char *bad = trace_fact(&run.t, "fpctl.inherit.bad");
	CHECK(&run, bad == NULL,
	      "%s: expected a new goroutine to start with the floating-point "
	      "control state its creator had when it made it (C11 7.6), "
	      "not what the creator set afterwards; %s",
	      want_arch(), bad);
}
