// The C half of libprog's Go twin: the flag the C host (probes/libhost.c)
// sets once its main runs, which a Go package cannot define itself.
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

uint32_t rt0lib_host_started;

void rt0lib_wait_host(void)
{
	while (__atomic_load_n(&rt0lib_host_started, __ATOMIC_ACQUIRE) == 0)
		syscall(SYS_futex, &rt0lib_host_started, FUTEX_WAIT_PRIVATE, 0,
		        NULL, NULL, 0);
}
