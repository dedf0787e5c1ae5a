/* misbehave: a program that goes wrong after a normal start-up, for the
 * observer's failure tests (conformance/observer/tests). argv[1]:
 *   crash  main.main stores through a null pointer: SIGSEGV, no handler
 *   hang   main.main spins forever: only a timeout ends it */
#include "probe_util.h"
#include "rt0.h"

void main_main(void)
{
	rt0_mark("main");
	rt0_flush(); /* the trace so far must survive the end */
	if (pu_streq(PU_SCENARIO(), "crash")) {
		/* volatile: a plain null store is undefined, and the
		 * compiler may make it a trap instruction instead. */
		volatile int *volatile nowhere = NULL;
		*nowhere = 1;
	}
	if (pu_streq(PU_SCENARIO(), "hang"))
		for (volatile int spin = 0;; spin++)
			;
	rt0_print("misbehave: no scenario\n");
}
