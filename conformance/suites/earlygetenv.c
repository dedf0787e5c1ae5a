/* earlygetenv: getenv before schedinit has loaded the environment is a
 * fatal error, as in Go (go-startup-facts.md D: "getenv before env init").
 * The probe calls rt0_getenv from the rt0_hook_schedinit test hook. */
#include <string.h>

#include "suite.h"

Test(schedinit, schedinit_getenv_before_env_fatal)
{
	struct run r;
	const char *env[] = {"HOME=/root", "GODEBUG=rt0trace=1", NULL};
	run_probe(&r, "earlygetenv", NULL, env);
	CHECK_EXIT(&r, 2);
	static const char want[] = "fatal error: getenv before env init";
	CHECK(&r, other_line(&r, want) >= 0, "expected the line \"%s\"", want);
	CHECK(&r, !trace_fact(&r.t, "earlygetenv.returned"),
	      "expected getenv not to return (it returned \"%s\")",
	      trace_fact(&r.t, "earlygetenv.returned"));
	CHECK(&r, r.r.out_len == 0, "expected main.main not to run, stdout: %s",
	      r.r.out);
	run_free(&r);
}
