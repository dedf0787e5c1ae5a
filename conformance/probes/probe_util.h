/* probe_util.h: the few string helpers probes need. Probes use no libc at
 * all (they also build freestanding), so these are written out here. */
#ifndef PROBE_UTIL_H
#define PROBE_UTIL_H

#include "arch.h"
#include <asm/unistd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A system call of up to three arguments (the rest 0). */
static inline long pu_sys3(long nr, long a, long b, long c)
{
	return arch_syscall6(nr, a, b, c, 0, 0, 0);
}

static inline bool pu_streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static inline bool pu_has_prefix(const char *s, const char *prefix)
{
	if (!s)
		return false;
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	return true;
}

/* Builds "<a><n><b>" into buf (n omitted when negative): fact keys such as
 * "g.2.goid". buf must hold 64 bytes; longer keys are cut. */
static inline const char *pu_key(char *buf, const char *a, int64_t n,
                                 const char *b)
{
	size_t o = 0, cap = 63;
	for (; *a && o < cap; a++)
		buf[o++] = *a;
	if (n >= 0) {
		char digits[20];
		size_t k = 0;
		do
			digits[k++] = (char)('0' + n % 10);
		while ((n /= 10) && k < sizeof digits);
		while (k && o < cap)
			buf[o++] = digits[--k];
	}
	for (; *b && o < cap; b++)
		buf[o++] = *b;
	buf[o] = '\0';
	return buf;
}

/* CLOCK_MONOTONIC in nanoseconds, by the system call (probes have no libc;
 * the vDSO is the runtime's). */
static inline int64_t pu_monotonic_ns(void)
{
	struct {
		long sec, nsec; /* the kernel's timespec for this call */
	} ts = {0, 0};
	arch_syscall6(__NR_clock_gettime, 1 /* CLOCK_MONOTONIC */, (long)&ts, 0,
	              0, 0, 0);
	return (int64_t)ts.sec * 1000000000 + ts.nsec;
}

/* argv[1], or "" when there is none: the scenario a probe should run. */
#define PU_SCENARIO() (rt0_argc() > 1 ? rt0_argv(1) : "")

#endif
