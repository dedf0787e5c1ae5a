/* check.c: runtime.check (Go: runtime1.go:142-296). The runtime refuses to
 * start when the compiler, the CPU or the build disagree with what it
 * assumes; each failure is a fatal error with its own short message (Go's
 * where Go has one). Each check that passes is remembered, and with
 * GODEBUG=rt0trace=1 reported as "rt0 fact check.<key>=ok" (check_report),
 * so every single check is observable from outside: a check that is
 * skipped or never reached shows up as its missing fact
 * (conformance/invariants.toml, group "check"). */
#include "runtime.h"

/* Every check, in the order check() runs them; the key names the fact. */
#define CHECKS(X)                                                              \
	X(sizeof_int8)                                                         \
	X(sizeof_uint8)                                                        \
	X(sizeof_int16)                                                        \
	X(sizeof_uint16)                                                       \
	X(sizeof_int32)                                                        \
	X(sizeof_uint32)                                                       \
	X(sizeof_int64)                                                        \
	X(sizeof_uint64)                                                       \
	X(sizeof_float32)                                                      \
	X(sizeof_float64)                                                      \
	X(sizeof_pointer)                                                      \
	X(sizeof_typed_pointer)                                                \
	X(sizeof_uintptr)                                                      \
	X(sizeof_x1)                                                           \
	X(offsetof_y1_y)                                                       \
	X(sizeof_y1)                                                           \
	X(timediv)                                                             \
	X(cas32_succeeds)                                                      \
	X(cas32_stores)                                                        \
	X(cas32_mismatch_fails)                                                \
	X(cas32_mismatch_keeps)                                                \
	X(cas32_all_ones_succeeds)                                             \
	X(cas32_all_ones_stores)                                               \
	X(or8_keeps_neighbours)                                                \
	X(and8_keeps_neighbours)                                               \
	X(float64_nan_not_eq_self)                                             \
	X(float64_nan_ne_self)                                                 \
	X(float64_nans_not_eq)                                                 \
	X(float64_nans_ne)                                                     \
	X(float32_nan_not_eq_self)                                             \
	X(float32_nan_ne_self)                                                 \
	X(float32_nans_not_eq)                                                 \
	X(float32_nans_ne)                                                     \
	X(atomic64_aligned)                                                    \
	X(cas64_mismatch_fails)                                                \
	X(cas64_mismatch_keeps_old)                                            \
	X(cas64_succeeds)                                                      \
	X(cas64_stores)                                                        \
	X(load64)                                                              \
	X(store64)                                                             \
	X(xadd64_returns_new)                                                  \
	X(xadd64_stores)                                                       \
	X(xchg64_returns_old)                                                  \
	X(xchg64_stores)                                                       \
	X(stack_classes_pow2)                                                  \
	X(g0_stack_pow2)

enum check_key {
#define CHECK_ENUM(key) CK_##key,
	CHECKS(CHECK_ENUM)
#undef CHECK_ENUM
	    CK_COUNT
};

_Static_assert(CK_COUNT <= 64, "one bit per check in check_passed");

static const char *const check_keys[CK_COUNT] = {
#define CHECK_NAME(key) #key,
    CHECKS(CHECK_NAME)
#undef CHECK_NAME
};

static uint64_t check_passed;

/* One check: a fatal error with msg unless cond holds. */
#define CHECK(key, cond, msg)                                                  \
	do {                                                                   \
		if (!(cond))                                                   \
			fatal(msg);                                            \
		check_passed |= (uint64_t)1 << CK_##key;                       \
	} while (0)

/* Go 1.19's timediv: 64-bit division by subtraction of shifted divisors,
 * because 32-bit arches have no 64-bit divide instruction. */
static int32_t timediv(int64_t v, int32_t div, int32_t *rem)
{
	int32_t res = 0;
	for (int bit = 30; bit >= 0; bit--) {
		if (v >= (int64_t)div << bit) {
			v -= (int64_t)div << bit;
			res |= (int32_t)1 << bit;
		}
	}
	if (v >= (int64_t)div) {
		if (rem != NULL)
			*rem = 0;
		return 0x7fffffff;
	}
	if (rem != NULL)
		*rem = (int32_t)v;
	return res;
}

/* On globals: 386 cannot 8-align 64-bit stack variables (its ABI aligns
 * them, and 64-bit struct members, to 4 only), and the 64-bit atomics of
 * the 32-bit arches need 8. */
static _Alignas(8) uint64_t test_z64, test_x64;

static void check_atomic64(void)
{
	/* The atomics would refuse it too, but as this check's own failure. */
	CHECK(atomic64_aligned, ((uintptr_t)&test_z64 & 7) == 0,
	      "unaligned 64-bit atomic operation");
	test_z64 = 42;
	test_x64 = 0;
	CHECK(cas64_mismatch_fails, !cas64(&test_z64, test_x64, 1),
	      "cas64 succeeded on a wrong old value");
	/* A C compare-exchange writes the current value back into its
	 * expected operand on failure; Go's Cas64 must not. */
	CHECK(cas64_mismatch_keeps_old, test_x64 == 0,
	      "cas64 changed the old value");
	test_x64 = 42;
	CHECK(cas64_succeeds, cas64(&test_z64, test_x64, 1),
	      "cas64 failed on the right old value");
	CHECK(cas64_stores, test_x64 == 42 && test_z64 == 1,
	      "cas64 did not store");
	CHECK(load64, load64(&test_z64) == 1, "load64 failed");
	store64(&test_z64, (1ull << 40) + 1);
	CHECK(store64, load64(&test_z64) == (1ull << 40) + 1, "store64 failed");
	CHECK(xadd64_returns_new,
	      xadd64(&test_z64, (1ll << 40) + 1) == (2ull << 40) + 2,
	      "xadd64 failed");
	CHECK(xadd64_stores, load64(&test_z64) == (2ull << 40) + 2,
	      "xadd64 did not store");
	CHECK(xchg64_returns_old,
	      xchg64(&test_z64, (3ull << 40) + 3) == (2ull << 40) + 2,
	      "xchg64 failed");
	CHECK(xchg64_stores, load64(&test_z64) == (3ull << 40) + 3,
	      "xchg64 did not store");
}

static void check_nan(void)
{
	/* volatile: the checks are about the FPU, not constant folding. */
	volatile uint64_t bits64 = ~(uint64_t)0, bits64b = ~(uint64_t)1;
	volatile uint32_t bits32 = ~(uint32_t)0, bits32b = ~(uint32_t)1;
	double d, d1;
	float f, f1;
	uint64_t b64 = bits64, b64b = bits64b;
	uint32_t b32 = bits32, b32b = bits32b;
	__builtin_memcpy(&d, &b64, sizeof d);
	__builtin_memcpy(&d1, &b64b, sizeof d1);
	__builtin_memcpy(&f, &b32, sizeof f);
	__builtin_memcpy(&f1, &b32b, sizeof f1);
	volatile double vd = d, vd1 = d1;
	volatile float vf = f, vf1 = f1;
	CHECK(float64_nan_not_eq_self, !(vd == vd), "float64nan");
	CHECK(float64_nan_ne_self, vd != vd, "float64nan1");
	CHECK(float64_nans_not_eq, !(vd == vd1), "float64nan2");
	CHECK(float64_nans_ne, vd != vd1, "float64nan3");
	/* Go 1.19 tests i == i twice for float32 (a slip); these are the
	 * float64 checks' intent. */
	CHECK(float32_nan_not_eq_self, !(vf == vf), "float32nan");
	CHECK(float32_nan_ne_self, vf != vf, "float32nan1");
	CHECK(float32_nans_not_eq, !(vf == vf1), "float32nan2");
	CHECK(float32_nans_ne, vf != vf1, "float32nan3");
}

static void check_sizes(void)
{
	struct x1 {
		uint8_t x;
	};
	struct y1 {
		struct x1 x1;
		uint8_t y;
	};
	CHECK(sizeof_int8, sizeof(int8_t) == 1, "bad int8 size");
	CHECK(sizeof_uint8, sizeof(uint8_t) == 1, "bad uint8 size");
	CHECK(sizeof_int16, sizeof(int16_t) == 2, "bad int16 size");
	CHECK(sizeof_uint16, sizeof(uint16_t) == 2, "bad uint16 size");
	CHECK(sizeof_int32, sizeof(int32_t) == 4, "bad int32 size");
	CHECK(sizeof_uint32, sizeof(uint32_t) == 4, "bad uint32 size");
	CHECK(sizeof_int64, sizeof(int64_t) == 8, "bad int64 size");
	CHECK(sizeof_uint64, sizeof(uint64_t) == 8, "bad uint64 size");
	CHECK(sizeof_float32, sizeof(float) == 4, "bad float32 size");
	CHECK(sizeof_float64, sizeof(double) == 8, "bad float64 size");
	CHECK(sizeof_pointer, sizeof(void *) == ARCH_PTRSIZE,
	      "bad pointer size");
	CHECK(sizeof_typed_pointer, sizeof(uint16_t *) == ARCH_PTRSIZE,
	      "bad typed pointer size");
	CHECK(sizeof_uintptr, sizeof(uintptr_t) == ARCH_PTRSIZE,
	      "bad uintptr size");
	CHECK(sizeof_x1, sizeof(struct x1) == 1, "bad sizeof x1");
	CHECK(offsetof_y1_y, offsetof(struct y1, y) == 1, "bad offsetof y1.y");
	CHECK(sizeof_y1, sizeof(struct y1) == 2, "bad sizeof y1");
}

static void check_cas32(void)
{
	volatile uint32_t seed = 1;
	uint32_t z = seed;
	CHECK(cas32_succeeds, cas32(&z, 1, 2), "cas1");
	CHECK(cas32_stores, z == 2, "cas2");
	z = 4;
	CHECK(cas32_mismatch_fails, !cas32(&z, 5, 6), "cas3");
	CHECK(cas32_mismatch_keeps, z == 4, "cas4");
	z = 0xffffffff;
	CHECK(cas32_all_ones_succeeds, cas32(&z, 0xffffffff, 0xfffffffe),
	      "cas5");
	CHECK(cas32_all_ones_stores, z == 0xfffffffe, "cas6");
}

static void check_byte_atomics(void)
{
	/* Aligned like a word, so the neighbours share m[1]'s word. */
	_Alignas(4) uint8_t m[4] = {1, 1, 1, 1};
	or8(&m[1], 0xf0);
	CHECK(or8_keeps_neighbours,
	      m[0] == 1 && m[1] == 0xf1 && m[2] == 1 && m[3] == 1, "atomicor8");
	for (int i = 0; i < 4; i++)
		m[i] = 0xff;
	and8(&m[1], 0x1);
	CHECK(and8_keeps_neighbours,
	      m[0] == 0xff && m[1] == 0x1 && m[2] == 0xff && m[3] == 0xff,
	      "atomicand8");
}

static bool is_pow2(uintptr_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

static bool stack_classes_pow2(void)
{
	for (int order = 0; order < STACK_ORDERS; order++)
		if (!is_pow2((uintptr_t)STACK_MIN << order))
			return false;
	return true;
}

void check(void)
{
	check_sizes();
	int32_t rem = 0;
	CHECK(timediv,
	      timediv(12345LL * 1000000000 + 54321, 1000000000, &rem) ==
	              12345 &&
	          rem == 54321,
	      "bad timediv");
	check_cas32();
	check_byte_atomics();
	check_nan();
	check_atomic64();
	CHECK(stack_classes_pow2, stack_classes_pow2(),
	      "stack size class is not power-of-2");
	CHECK(g0_stack_pow2, is_pow2(G0_STACK_SIZE),
	      "g0 stack size is not power-of-2");
	TRACE("runtime.check");
}

/* Called once the trace is known to be wanted (trace_env_known). */
void check_report(void)
{
	for (int k = 0; k < CK_COUNT; k++) {
		if (!(check_passed & (uint64_t)1 << k))
			continue;
		print_str("rt0 fact check.");
		print_str(check_keys[k]);
		print_str("=ok\n");
	}
}
