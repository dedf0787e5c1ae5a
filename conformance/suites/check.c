/* check: runtime.check, one test per check (go-startup-facts.md B; Go 1.19
 * runtime1.go:142-296). The runtime states "rt0 fact check.<key>=ok" for
 * every check that passed (conformance/TRACE.md); the test of invariant
 * CHECK-<KEY> is check_<key> and passes only when hello's trace has that
 * fact. A check that fails is a fatal error before the trace: then every
 * test of the probe fails, this one with the runtime's message; a check
 * that is skipped, or gets a wrong key, fails only its own test. */
#include <stdio.h>
#include <string.h>

#include "suite.h"

SHARED_PROBE_SUITE(check, "hello");

static void expect_check(const char *key)
{
	char fact[64];
	snprintf(fact, sizeof fact, "check.%s", key);
	const char *v = trace_fact(&run.t, fact);
	if (v != NULL && strcmp(v, "ok") == 0)
		return;
	long fatal = other_line_prefix(&run, "fatal error: ");
	char got[256];
	if (v != NULL)
		snprintf(got, sizeof got, "%s=%s", fact, v);
	else
		snprintf(got, sizeof got, "no fact %s", fact);
	CHECK(&run, false,
	      "expected runtime.check to pass its check %s (fact %s=ok), got "
	      "%s (%zu check facts in all)%s%s",
	      key, fact, got, trace_count_facts(&run.t, "check."),
	      fatal >= 0 ? "; the runtime said: " : "",
	      fatal >= 0 ? run.t.other[fatal] : "");
}

/* Test check_<key> of invariant CHECK-<KEY>. */
#define CHECK_TEST(key)                                                        \
	SHARED_TEST(check, check, check_##key)                                 \
	{                                                                      \
		expect_check(#key);                                            \
	}

CHECK_TEST(sizeof_int8)
CHECK_TEST(sizeof_uint8)
CHECK_TEST(sizeof_int16)
CHECK_TEST(sizeof_uint16)
CHECK_TEST(sizeof_int32)
CHECK_TEST(sizeof_uint32)
CHECK_TEST(sizeof_int64)
CHECK_TEST(sizeof_uint64)
CHECK_TEST(sizeof_float32)
CHECK_TEST(sizeof_float64)
CHECK_TEST(sizeof_pointer)
CHECK_TEST(sizeof_typed_pointer)
CHECK_TEST(sizeof_uintptr)
CHECK_TEST(sizeof_x1)
CHECK_TEST(offsetof_y1_y)
CHECK_TEST(sizeof_y1)
CHECK_TEST(timediv)
CHECK_TEST(cas32_succeeds)
CHECK_TEST(cas32_stores)
CHECK_TEST(cas32_mismatch_fails)
CHECK_TEST(cas32_mismatch_keeps)
CHECK_TEST(cas32_all_ones_succeeds)
CHECK_TEST(cas32_all_ones_stores)
CHECK_TEST(or8_keeps_neighbours)
CHECK_TEST(and8_keeps_neighbours)
CHECK_TEST(float64_nan_not_eq_self)
CHECK_TEST(float64_nan_ne_self)
CHECK_TEST(float64_nans_not_eq)
CHECK_TEST(float64_nans_ne)
CHECK_TEST(float32_nan_not_eq_self)
CHECK_TEST(float32_nan_ne_self)
CHECK_TEST(float32_nans_not_eq)
CHECK_TEST(float32_nans_ne)
CHECK_TEST(atomic64_aligned)
CHECK_TEST(cas64_mismatch_fails)
CHECK_TEST(cas64_mismatch_keeps_old)
CHECK_TEST(cas64_succeeds)
CHECK_TEST(cas64_stores)
CHECK_TEST(load64)
CHECK_TEST(store64)
CHECK_TEST(xadd64_returns_new)
CHECK_TEST(xadd64_stores)
CHECK_TEST(xchg64_returns_old)
CHECK_TEST(xchg64_stores)
CHECK_TEST(stack_classes_pow2)
CHECK_TEST(g0_stack_pow2)
