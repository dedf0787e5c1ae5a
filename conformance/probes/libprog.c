/* libprog: an rt0 program built as a C archive (library mode, Go's
 * -buildmode=c-archive), for the C host in libhost.c. Its first init waits
 * until the host's main has started, which only a constructor that returned
 * at once lets happen; the second takes 20 ms, then records the thread and
 * goroutine the inits ran on, so a host that did not wait for them sees
 * none of it; main.main must never run; the exported functions wait for
 * the inits first, as Go's exported functions do. */
#include "arch.h"
#include "rt0.h"
#include <asm/unistd.h>
#include <linux/futex.h>

uint32_t rt0lib_host_started; /* the host sets it and wakes the futex */

static int32_t inits_run;
static long init_tid, init_pid;
static int64_t init_goid;
static uint32_t main_ran;

static void init_waits_for_host(void)
{
	while (__atomic_load_n(&rt0lib_host_started, __ATOMIC_ACQUIRE) == 0)
		arch_syscall6(__NR_futex, (long)&rt0lib_host_started,
		              FUTEX_WAIT_PRIVATE, 0, 0, 0, 0);
}

static void init_records_after_20ms(void)
{
	struct {
		long sec, nsec; /* the kernel's timespec for nanosleep */
	} ts = {0, 20000000};
	arch_syscall6(__NR_nanosleep, (long)&ts, 0, 0, 0, 0, 0);
	init_tid = arch_syscall6(__NR_gettid, 0, 0, 0, 0, 0, 0);
	init_pid = arch_syscall6(__NR_getpid, 0, 0, 0, 0, 0, 0);
	init_goid = rt0_goid();
	inits_run = 2;
}

RT0_PACKAGE(pkg_lib, "example.com/lib", RT0_NO_IMPORTS,
            RT0_INITS(init_waits_for_host, init_records_after_20ms));

void main_main(void)
{
	__atomic_store_n(&main_ran, 1, __ATOMIC_SEQ_CST);
}

int32_t rt0lib_inits_run(void)
{
	rt0_lib_wait_init();
	return inits_run;
}

long rt0lib_init_tid(void)
{
	rt0_lib_wait_init();
	return init_tid;
}

long rt0lib_init_pid(void)
{
	rt0_lib_wait_init();
	return init_pid;
}

int64_t rt0lib_init_goid(void)
{
	rt0_lib_wait_init();
	return init_goid;
}

/* Panics, unrecovered, on the host's thread: the process must end. */
void rt0lib_panic(void)
{
	rt0_lib_wait_init();
	rt0_panic("rt0lib_panic called");
}

uint32_t rt0lib_main_ran(void)
{
	rt0_lib_wait_init();
	return __atomic_load_n(&main_ran, __ATOMIC_SEQ_CST);
}
