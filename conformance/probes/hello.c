/* hello: the smallest program; the start-up suite reads its trace, its ELF
 * file and its system calls. */
#include "rt0.h"

void main_main(void)
{
	uintptr_t lo, hi;

	rt0_mark("main");
	rt0_print("hello, world\n");
	rt0_fact_int("main.goid", rt0_goid());
	rt0_fact_int("main.numgoroutine", rt0_num_goroutine());
	rt0_stack_bounds(&lo, &hi);
	rt0_fact_hex("main.stack.lo", lo);
	rt0_fact_hex("main.stack.hi", hi);
}
