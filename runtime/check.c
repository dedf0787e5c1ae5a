/* check.c: runtime.check (Go: runtime1.go). The runtime refuses to start
 * when the compiler, the CPU or the build disagree with what it assumes;
 * each failure has its own short name. */
#include "runtime.h"

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

/* On globals: 386 cannot 8-align 64-bit stack variables. */
static uint64_t test_z64, test_x64;

static void check_atomic64(void)
{
	test_z64 = 42;
	test_x64 = 0;
	if (cas64(&test_z64, test_x64, 1))
		fatal("cas64 succeeded on a wrong old value");
	if (test_x64 != 0)
		fatal("cas64 changed the old value");
	test_x64 = 42;
	if (!cas64(&test_z64, test_x64, 1))
		fatal("cas64 failed on the right old value");
	if (test_x64 != 42 || test_z64 != 1)
		fatal("cas64 did not store");
	if (load64(&test_z64) != 1)
		fatal("load64 failed");
	store64(&test_z64, (1ull << 40) + 1);
	if (load64(&test_z64) != (1ull << 40) + 1)
		fatal("store64 failed");
	if (xadd64(&test_z64, (1ll << 40) + 1) != (2ull << 40) + 2)
		fatal("xadd64 failed");
	if (load64(&test_z64) != (2ull << 40) + 2)
		fatal("xadd64 did not store");
	if (xchg64(&test_z64, (3ull << 40) + 3) != (2ull << 40) + 2)
		fatal("xchg64 failed");
	if (load64(&test_z64) != (3ull << 40) + 3)
		fatal("xchg64 did not store");
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
	if (vd == vd)
		fatal("float64nan");
	if (!(vd != vd))
		fatal("float64nan1");
	if (vd == vd1)
		fatal("float64nan2");
	if (!(vd != vd1))
		fatal("float64nan3");
	if (vf == vf)
		fatal("float32nan");
	if (!(vf != vf))
		fatal("float32nan1");
	if (vf == vf1)
		fatal("float32nan2");
	if (!(vf != vf1))
		fatal("float32nan3");
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
	if (sizeof(int8_t) != 1 || sizeof(uint8_t) != 1)
		fatal("bad int8 size");
	if (sizeof(int16_t) != 2 || sizeof(uint16_t) != 2)
		fatal("bad int16 size");
	if (sizeof(int32_t) != 4 || sizeof(uint32_t) != 4)
		fatal("bad int32 size");
	if (sizeof(int64_t) != 8 || sizeof(uint64_t) != 8)
		fatal("bad int64 size");
	if (sizeof(float) != 4)
		fatal("bad float32 size");
	if (sizeof(double) != 8)
		fatal("bad float64 size");
	if (sizeof(void *) != ARCH_PTRSIZE || sizeof(uintptr_t) != ARCH_PTRSIZE)
		fatal("bad pointer size");
	if (sizeof(struct x1) != 1)
		fatal("bad sizeof x1");
	if (offsetof(struct y1, y) != 1)
		fatal("bad offsetof y1.y");
	if (sizeof(struct y1) != 2)
		fatal("bad sizeof y1");
}

static void check_cas32(void)
{
	volatile uint32_t seed = 1;
	uint32_t z = seed;
	if (!cas32(&z, 1, 2))
		fatal("cas1");
	if (z != 2)
		fatal("cas2");
	z = 4;
	if (cas32(&z, 5, 6))
		fatal("cas3");
	if (z != 4)
		fatal("cas4");
	z = 0xffffffff;
	if (!cas32(&z, 0xffffffff, 0xfffffffe))
		fatal("cas5");
	if (z != 0xfffffffe)
		fatal("cas6");
}

static void check_byte_atomics(void)
{
	/* Aligned like a word, so the neighbours share m[1]'s word. */
	_Alignas(4) uint8_t m[4] = {1, 1, 1, 1};
	or8(&m[1], 0xf0);
	if (m[0] != 1 || m[1] != 0xf1 || m[2] != 1 || m[3] != 1)
		fatal("atomicor8");
	for (int i = 0; i < 4; i++)
		m[i] = 0xff;
	and8(&m[1], 0x1);
	if (m[0] != 0xff || m[1] != 0x1 || m[2] != 0xff || m[3] != 0xff)
		fatal("atomicand8");
}

static bool is_pow2(uintptr_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

void check(void)
{
	check_sizes();
	int32_t rem = 0;
	if (timediv(12345LL * 1000000000 + 54321, 1000000000, &rem) != 12345 ||
	    rem != 54321)
		fatal("bad timediv");
	check_cas32();
	check_byte_atomics();
	check_nan();
	check_atomic64();
	for (int order = 0; order < STACK_ORDERS; order++)
		if (!is_pow2((uintptr_t)STACK_MIN << order))
			fatal("stack size class is not power-of-2");
	if (!is_pow2(G0_STACK_SIZE))
		fatal("g0 stack size is not power-of-2");
	TRACE("runtime.check");
}
