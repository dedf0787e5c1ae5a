/* goroutines: spawns workers that take turns with rt0_gosched and prints
 * what a suite needs to check goids, NumGoroutine, the interleaving and
 * each goroutine's stack.
 *   (no argument)  NWORKERS workers, ROUNDS rounds each; facts
 *                  spawn.<i>.goid (what rt0_go returned), g.<i>.goid,
 *                  g.<i>.stack.lo/hi, g.<i>.sp, interleave (worker digits
 *                  in the order their rounds ran), numgoroutine.before/
 *                  spawned/after.
 *   guard          a goroutine writes the byte just below its stack's lo;
 *                  a guard page is there, so it must die by SIGSEGV.
 *   reuse          goroutine A runs and exits, then B is created: facts
 *                  reuse.<a|b>.goid and reuse.<a|b>.stack.lo. */
#include "probe_util.h"
#include "rt0.h"

#define NWORKERS 3
#define ROUNDS   4
/* Enough turns for any fair scheduler; a bound so a broken one cannot hang
 * the probe (the suite's timeout would catch it, later and less clearly). */
#define MAX_TURNS 100000

static char interleave[NWORKERS * ROUNDS + 1];
static int32_t ninterleave;
static int32_t nfinished;

static void worker(void *arg)
{
	char key[64];
	int64_t i = (int64_t)(intptr_t)arg;
	uintptr_t lo, hi;
	volatile char here = 0;

	rt0_fact_int(pu_key(key, "g.", i, ".goid"), rt0_goid());
	rt0_stack_bounds(&lo, &hi);
	rt0_fact_hex(pu_key(key, "g.", i, ".stack.lo"), lo);
	rt0_fact_hex(pu_key(key, "g.", i, ".stack.hi"), hi);
	rt0_fact_hex(pu_key(key, "g.", i, ".sp"), (uintptr_t)&here);
	for (int r = 0; r < ROUNDS; r++) {
		int32_t at =
		    __atomic_fetch_add(&ninterleave, 1, __ATOMIC_SEQ_CST);
		if (at < NWORKERS * ROUNDS)
			interleave[at] = (char)('0' + i);
		rt0_gosched();
	}
	__atomic_fetch_add(&nfinished, 1, __ATOMIC_SEQ_CST);
}

static void guard(void *arg)
{
	uintptr_t lo, hi;

	(void)arg;
	rt0_stack_bounds(&lo, &hi);
	rt0_fact_hex("guard.stack.lo", lo);
	rt0_fact_hex("guard.stack.hi", hi);
	rt0_fact_hex("guard.write", lo - 1);
	rt0_flush(); /* the facts must be out before the fault */
	*(volatile char *)(lo - 1) = 1;
	rt0_fact_int("guard.survived", 1);
}

static void report(void *arg)
{
	char key[64];
	const char *who = arg;
	uintptr_t lo, hi;

	rt0_stack_bounds(&lo, &hi);
	rt0_fact_int(pu_key(key, who, -1, ".goid"), rt0_goid());
	rt0_fact_hex(pu_key(key, who, -1, ".stack.lo"), lo);
}

static void wait_until_alone(void)
{
	for (int t = 0; t < MAX_TURNS && rt0_num_goroutine() > 1; t++)
		rt0_gosched();
}

void main_main(void)
{
	char key[64];

	if (pu_streq(PU_SCENARIO(), "guard")) {
		rt0_go(guard, NULL);
		wait_until_alone();
		return;
	}
	if (pu_streq(PU_SCENARIO(), "reuse")) {
		rt0_go(report, "reuse.a");
		wait_until_alone(); /* A has exited: its g and stack are free */
		rt0_go(report, "reuse.b");
		wait_until_alone();
		return;
	}
	rt0_fact_int("main.goid", rt0_goid());
	rt0_fact_int("numgoroutine.before", rt0_num_goroutine());
	for (int64_t i = 0; i < NWORKERS; i++)
		rt0_fact_int(pu_key(key, "spawn.", i, ".goid"),
		             rt0_go(worker, (void *)(intptr_t)i));
	rt0_fact_int("numgoroutine.spawned", rt0_num_goroutine());
	for (int t = 0;
	     t < MAX_TURNS &&
	     __atomic_load_n(&nfinished, __ATOMIC_SEQ_CST) < NWORKERS;
	     t++)
		rt0_gosched();
	wait_until_alone();
	rt0_fact_int("finished", nfinished);
	rt0_fact_str("interleave", interleave);
	rt0_fact_int("numgoroutine.after", rt0_num_goroutine());
}
