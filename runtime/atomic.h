/* atomic.h: the runtime's read-modify-writes, inline, for the scheduler's
 * hot paths (runtime/proc.c, thread.c) and for atomic.c, which exports them
 * as Go's runtime/internal/atomic (runtime/rt0.h). */
#ifndef RT0_ATOMIC_H
#define RT0_ATOMIC_H

#include "arch.h"
#include <stdbool.h>
#include <stdint.h>

/* The sequentially consistent read-modify-writes: the compiler's, unless
 * the arch gives its own (arch.h, ARCH_ATOMIC_RMW: where the compiler's
 * mapping is not the one the arch's psABI and Go use). */
#ifndef ARCH_ATOMIC_RMW
#define RMW_CAS(p, old, new)                                                   \
	__atomic_compare_exchange_n(p, &(old), new, false, __ATOMIC_SEQ_CST,   \
	                            __ATOMIC_SEQ_CST)
#define RMW_FETCH_ADD(p, v) __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST)
#define RMW_ADD_FETCH(p, v) __atomic_add_fetch(p, v, __ATOMIC_SEQ_CST)
#define RMW_XCHG(p, v)      __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST)
#define RMW_FETCH_OR(p, v)  __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST)
#define RMW_FETCH_AND(p, v) __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST)
#else
#define RMW_WIDTH(op, p)                                                       \
	_Generic((p), uint32_t * : arch_##op##32, uint64_t * : arch_##op##64)
#define RMW_CAS(p, old, new) RMW_WIDTH(cas, p)(p, old, new)
#define RMW_FETCH_ADD(p, v)  RMW_WIDTH(fetch_add, p)(p, v)
#define RMW_ADD_FETCH(p, v)  (RMW_FETCH_ADD(p, v) + (v))
#define RMW_XCHG(p, v)       RMW_WIDTH(xchg, p)(p, v)
#define RMW_FETCH_OR(p, v)   arch_fetch_or32(p, v)
#define RMW_FETCH_AND(p, v)  arch_fetch_and32(p, v)
#endif

static inline bool rt_cas32(uint32_t *p, uint32_t old, uint32_t desired)
{
	return RMW_CAS(p, old, desired);
}

static inline bool rt_cas64(uint64_t *p, uint64_t old, uint64_t desired)
{
	return RMW_CAS(p, old, desired);
}

static inline uint32_t rt_xadd32(uint32_t *p, int32_t delta)
{
	return RMW_ADD_FETCH(p, (uint32_t)delta);
}

static inline uint32_t rt_xchg32(uint32_t *p, uint32_t v)
{
	return RMW_XCHG(p, v);
}

#endif
