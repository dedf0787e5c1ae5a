/* atomic.c: the atomics runtime.check verifies. Byte-wide Or8/And8 are
 * built from a 32-bit CAS on the aligned word that holds the byte, as on
 * arches without byte atomics; the byte's shift depends on endianness,
 * which is exactly what check() is there to catch. */
#include "runtime.h"

#include "atomic.h"

bool cas32(uint32_t *p, uint32_t old, uint32_t new)
{
	return RMW_CAS(p, old, new);
}

uint32_t xadd32(uint32_t *p, int32_t delta)
{
	return RMW_ADD_FETCH(p, (uint32_t)delta);
}

uint32_t xchg32(uint32_t *p, uint32_t v)
{
	return RMW_XCHG(p, v);
}

static unsigned byte_shift(uintptr_t addr)
{
	unsigned idx = (unsigned)(addr & 3);
	return 8 * (ARCH_BIG_ENDIAN ? 3 - idx : idx);
}

void or8(uint8_t *p, uint8_t v)
{
	uint32_t *word = (uint32_t *)((uintptr_t)p & ~(uintptr_t)3);
	uint32_t bits = (uint32_t)v << byte_shift((uintptr_t)p);
	RMW_FETCH_OR(word, bits);
}

void and8(uint8_t *p, uint8_t v)
{
	uint32_t *word = (uint32_t *)((uintptr_t)p & ~(uintptr_t)3);
	unsigned shift = byte_shift((uintptr_t)p);
	uint32_t keep = ~((uint32_t)0xff << shift) | ((uint32_t)v << shift);
	RMW_FETCH_AND(word, keep);
}

/* Go's 32-bit ports refuse a 64-bit atomic on a word that is not 8-aligned
 * (runtime/internal/atomic, panicUnaligned): ARM's LDREXD faults on it, and
 * a locked CMPXCHG8B that splits a cache line locks the whole bus. The i386
 * ABI aligns a 64-bit struct member to 4 only, so the mistake is easy. */
static void need_aligned64(const uint64_t *p)
{
	if ((uintptr_t)p & 7)
		fatal("unaligned 64-bit atomic operation");
}

bool cas64(uint64_t *p, uint64_t old, uint64_t new)
{
	need_aligned64(p);
	return RMW_CAS(p, old, new);
}

uint64_t load64(uint64_t *p)
{
	need_aligned64(p);
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

void store64(uint64_t *p, uint64_t v)
{
	need_aligned64(p);
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

uint64_t xadd64(uint64_t *p, int64_t delta)
{
	need_aligned64(p);
	return RMW_ADD_FETCH(p, (uint64_t)delta);
}

uint64_t xchg64(uint64_t *p, uint64_t v)
{
	need_aligned64(p);
	return RMW_XCHG(p, v);
}
