/* knobs: prints the parsed knobs and the runtime's copies of argv and the
 * environment, as facts (values percent-encoded, so any byte survives).
 * An argument "--getenv=KEY" also prints getenv.<i> (rt0_getenv(KEY)), or
 * getenv.<i>.missing=1. */
#include "probe_util.h"
#include "rt0.h"

void main_main(void)
{
	char key[64];
	int32_t argc = rt0_argc(), envc = rt0_envc();

	rt0_print_knobs();
	rt0_fact_int("argc", argc);
	for (int32_t i = 0; i < argc; i++)
		rt0_fact_str(pu_key(key, "argv.", i, ""), rt0_argv(i));
	rt0_fact_int("envc", envc);
	for (int32_t i = 0; i < envc; i++)
		rt0_fact_str(pu_key(key, "env.", i, ""), rt0_envv(i));
	for (int32_t i = 1; i < argc; i++) {
		const char *a = rt0_argv(i);
		if (!pu_has_prefix(a, "--getenv="))
			continue;
		const char *v = rt0_getenv(a + 9);
		if (v)
			rt0_fact_str(pu_key(key, "getenv.", i, ""), v);
		else
			rt0_fact_int(pu_key(key, "getenv.", i, ".missing"), 1);
	}
}
