/* libhost: a C program (with libc) that links the rt0 program libprog as a
 * C archive, the way a C program links a Go c-archive. It measures what it
 * can itself: its own thread and process, whether its .init_array holds the
 * runtime's library entry, and what the exported functions report once the
 * inits ran. argv[1], when given, is the status to exit with. */
#define _GNU_SOURCE
#include <limits.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

extern uint32_t rt0lib_host_started;
int32_t rt0lib_inits_run(void);
long rt0lib_init_tid(void);
int64_t rt0lib_init_goid(void);
uint32_t rt0lib_main_ran(void);

/* The linker's bounds of .init_array, and the runtime's entry
 * (RT0_LIB_ENTRY: _rt0_<arch>_linux_lib, from the build). */
typedef void (*init_fn)(int, char **, char **);
extern init_fn __init_array_start[] __attribute__((weak));
extern init_fn __init_array_end[] __attribute__((weak));
void RT0_LIB_ENTRY(int, char **, char **);

int main(int argc, char **argv)
{
	int in_init_array = 0;
	for (init_fn *f = __init_array_start; f && f < __init_array_end; f++)
		in_init_array |= *f == RT0_LIB_ENTRY;
	__atomic_store_n(&rt0lib_host_started, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &rt0lib_host_started, FUTEX_WAKE_PRIVATE, INT_MAX,
	        NULL, NULL, 0);
	int32_t inits = rt0lib_inits_run();
	fprintf(stderr, "rt0 fact host.pid=%ld\n", (long)getpid());
	fprintf(stderr, "rt0 fact host.tid=%ld\n", (long)syscall(SYS_gettid));
	fprintf(stderr, "rt0 fact host.init_array_has_entry=%d\n",
	        in_init_array);
	fprintf(stderr, "rt0 fact lib.inits_run=%d\n", (int)inits);
	fprintf(stderr, "rt0 fact lib.init_tid=%ld\n", rt0lib_init_tid());
	fprintf(stderr, "rt0 fact lib.init_goid=%lld\n",
	        (long long)rt0lib_init_goid());
	fprintf(stderr, "rt0 fact lib.main_ran=%u\n", rt0lib_main_ran());
	return argc > 1 ? atoi(argv[1]) : 0;
}
