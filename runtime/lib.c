/* lib.c: library mode, Go's -buildmode=c-archive and c-shared (external
 * linking only).
 *
 * The C library's start-up calls _rt0_<arch>_linux_lib (arch/<arch>/
 * rt0_linux.S, an .init_array entry) before the host's main, or dlopen
 * calls it before it returns the shared object; it comes here
 * and, as Go's _rt0_amd64_lib does, records argc and argv, starts rt0_go on
 * a new thread and returns at once. On that thread the runtime starts as
 * usual; runtime.main runs the runtime's and the program's inits but never
 * main.main (Go: proc.go:244-248), and its Ms park when nothing is left
 * to run (checkdead does not call that a deadlock). A function the program
 * exports to its host waits, with rt0_lib_wait_init, until runtime.main is past
 * the inits (Go's cgocallback waits on main_init_done). */
#include "runtime.h"
#include <linux/futex.h>
#include <pthread.h>

/* The .init_array slot (rt0_linux.S): referring to it here links it in
 * with this file, which every exported function needs. */
extern void (*const rt0_lib_init_entry)(void);

static int32_t lib_argc;
static char **lib_argv;
static uint32_t inits_done; /* 0, then 1 for good: a futex word */

static void *lib_thread(void *unused)
{
	(void)unused;
	runtime_rt0_go(lib_argc, lib_argv,
	               (uintptr_t)__builtin_frame_address(0));
}

void rt0_lib_start(int argc, char **argv)
{
	rt.islibrary = true;
	rt.threaded = true; /* the host's thread and the runtime's */
	lib_argc = argc;
	lib_argv = argv;
	pthread_t tid;
	if (pthread_create(&tid, NULL, lib_thread, NULL) != 0)
		fatal_nog("runtime: failed to create the runtime's thread");
}

/* runtime.main, on goroutine 1, where it would call main.main. */
void lib_inits_done(void)
{
	__atomic_store_n(&inits_done, 1, __ATOMIC_SEQ_CST);
	sys_futex(&inits_done, FUTEX_WAKE_PRIVATE, 0x7fffffff);
}

void rt0_lib_wait_init(void)
{
	if (rt0_lib_init_entry == NULL)
		fatal_nog("runtime: library mode without its constructor");
	while (__atomic_load_n(&inits_done, __ATOMIC_SEQ_CST) == 0)
		sys_futex(&inits_done, FUTEX_WAIT_PRIVATE, 0);
}
