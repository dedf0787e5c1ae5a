/* osinit.c: what the OS tells the runtime before the scheduler exists. */
#include "runtime.h"
#include <linux/fcntl.h>

/* Go: the number of CPUs this thread may run on, at least 1. */
static int32_t getproccount(void)
{
	uint64_t mask[128]; /* 8192 CPUs */
	long n = sys_sched_getaffinity(sizeof mask, mask);
	if (n <= 0)
		return 1;
	int32_t count = 0;
	for (long i = 0; i < n / 8; i++)
		count += __builtin_popcountll(mask[i]);
	return count > 0 ? count : 1;
}

/* Go: the transparent huge page size, or 0 when it is unknown or not a
 * power of two. */
static uintptr_t gethugepagesize(void)
{
	char buf[24];
	long fd = sys_openat(
	    "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", O_RDONLY);
	if (fd < 0)
		return 0;
	long n = sys_read((int)fd, buf, sizeof buf);
	sys_close((int)fd);
	if (n <= 0)
		return 0;
	uintptr_t v = 0;
	for (long i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
		v = v * 10 + (uintptr_t)(buf[i] - '0');
	return (v & (v - 1)) == 0 ? v : 0;
}

void osinit(void)
{
	rt.ncpu = getproccount();
	rt.hugepagesize = gethugepagesize();
	TRACE("runtime.osinit");
}
