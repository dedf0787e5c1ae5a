/* earlygetenv: getenv on g0 inside schedinit, before the environment is
 * loaded, must be "fatal error: getenv before env init" (Go's rule), not a
 * silent NULL. */
#include "rt0.h"

void rt0_hook_schedinit(void)
{
	const char *home = rt0_getenv("HOME");

	/* Only reached when the runtime let the call through. */
	rt0_fact_str("earlygetenv.returned", home ? home : "(null)");
}

void main_main(void)
{
	rt0_mark("main");
	rt0_print("main ran\n");
}
