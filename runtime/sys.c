/* sys.c: the system calls the runtime makes, raw in both link modes, so
 * start-up costs the same with or without libc. */
#include "runtime.h"
#include <asm/unistd.h>
#include <linux/fcntl.h>

#define SYSCALL(nr, a, b, c, d, e, f)                                          \
	arch_syscall6(nr, (long)(a), (long)(b), (long)(c), (long)(d),          \
	              (long)(e), (long)(f))

long sys_write(int fd, const void *p, size_t n)
{
	return SYSCALL(__NR_write, fd, p, n, 0, 0, 0);
}

long sys_read(int fd, void *p, size_t n)
{
	return SYSCALL(__NR_read, fd, p, n, 0, 0, 0);
}

long sys_openat(const char *path, int flags)
{
	return SYSCALL(__NR_openat, AT_FDCWD, path, flags | O_CLOEXEC, 0, 0, 0);
}

long sys_close(int fd)
{
	return SYSCALL(__NR_close, fd, 0, 0, 0, 0, 0);
}

void *sys_mmap(void *addr, size_t n, int prot, int flags)
{
	long r;
#if defined(ARCH_MMAP_ARGS_IN_MEMORY)
	/* The kernel's old_mmap: one argument, the address of all six. */
	unsigned long argbuf[6] = {(unsigned long)addr, n,
	                           (unsigned long)prot, (unsigned long)flags,
	                           (unsigned long)-1,   0};
	r = SYSCALL(__NR_mmap, argbuf, 0, 0, 0, 0, 0);
#elif defined(__NR_mmap2)
	r = SYSCALL(__NR_mmap2, addr, n, prot, flags, -1, 0);
#else
	r = SYSCALL(__NR_mmap, addr, n, prot, flags, -1, 0);
#endif
	return (unsigned long)r > -4096UL ? NULL : (void *)r;
}

long sys_mprotect(void *addr, size_t n, int prot)
{
	return SYSCALL(__NR_mprotect, addr, n, prot, 0, 0, 0);
}

long sys_sched_getaffinity(size_t n, void *mask)
{
	return SYSCALL(__NR_sched_getaffinity, 0, n, mask, 0, 0, 0);
}

long sys_clock_gettime(int clk, void *ts)
{
#ifdef __NR_clock_gettime64
	return SYSCALL(__NR_clock_gettime64, clk, ts, 0, 0, 0, 0);
#else
	return SYSCALL(__NR_clock_gettime, clk, ts, 0, 0, 0, 0);
#endif
}

long sys_gettid(void)
{
	return SYSCALL(__NR_gettid, 0, 0, 0, 0, 0, 0);
}

/* The kernel's sigset is 64 bits on every arch rt0 supports. */
long sys_sigprocmask(int how, const uint64_t *set, uint64_t *old)
{
	return SYSCALL(__NR_rt_sigprocmask, how, set, old, 8, 0, 0);
}

/* FUTEX_WAIT_PRIVATE or FUTEX_WAKE_PRIVATE on a 32-bit word, no timeout. */
long sys_futex(uint32_t *word, int op, uint32_t val)
{
	return SYSCALL(__NR_futex, word, op, val, 0, 0, 0);
}

/* nanosleep(ts, NULL): ts is the arch's struct timespec of two longs. */
long sys_nanosleep(const void *ts)
{
	return SYSCALL(__NR_nanosleep, ts, 0, 0, 0, 0, 0);
}

long sys_raise(int sig)
{
	long pid = SYSCALL(__NR_getpid, 0, 0, 0, 0, 0, 0);
	long tid = SYSCALL(__NR_gettid, 0, 0, 0, 0, 0, 0);
	return SYSCALL(__NR_tgkill, pid, tid, sig, 0, 0, 0);
}

_Noreturn void sys_exit_group(int code)
{
	for (;;) {
		SYSCALL(__NR_exit_group, code, 0, 0, 0, 0, 0);
		arch_trap();
	}
}
