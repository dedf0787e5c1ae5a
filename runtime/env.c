/* env.c: argv and the environment (Go: goargs, goenvs, gogetenv) and the
 * knobs read from them (parsedebugvars, GOGC, GOMEMLIMIT, GOMAXPROCS). */
#include "runtime.h"

static const char *copy_string(const char *s)
{
	size_t n = rt_strlen(s);
	char *p = persistentalloc(n + 1);
	for (size_t i = 0; i <= n; i++)
		p[i] = s[i];
	return p;
}

/* Verbatim copies, in order, empty strings and entries without '='
 * included: os.Args and os.Environ see exactly what the kernel gave. */
void goargs(void)
{
	rt.nargs = rt.argc;
	rt.args = persistentalloc(sizeof(char *) * (size_t)(rt.argc + 1));
	for (int32_t i = 0; i < rt.argc; i++)
		rt.args[i] = copy_string(rt.argv[i]);
	TRACE("runtime.goargs");
}

void goenvs(void)
{
	int32_t n = 0;
	while (rt.envp[n] != NULL)
		n++;
	rt.envs = persistentalloc(sizeof(char *) * (size_t)(n + 1));
	for (int32_t i = 0; i < n; i++)
		rt.envs[i] = copy_string(rt.envp[i]);
	rt.nenvs = n;
	rt.envs_loaded = true;
	TRACE("runtime.goenvs");
}

/* Go's gogetenv: the first exact match; unset reads as "" to the knobs. */
static const char *gogetenv(const char *key)
{
	if (!rt.envs_loaded)
		fatal("getenv before env init");
	return knob_env_lookup(rt.envs, (size_t)rt.nenvs, key, rt_strlen(key));
}

struct env_value {
	const char *p;
	size_t n;
};

static struct env_value env(const char *key)
{
	const char *s = gogetenv(key);
	return (struct env_value){s, s != NULL ? rt_strlen(s) : 0};
}

void parsedebugvars(void)
{
	struct env_value v = env("GODEBUG");
	knob_godebug(v.p, v.n, &rt.debug);
	v = env("GOTRACEBACK");
	rt.traceback = knob_gotraceback(v.p, v.n);
	trace_env_known();
	TRACE("runtime.parsedebugvars");
}

void gcinit(void)
{
	struct env_value v = env("GOGC");
	rt.gogc = knob_gogc(v.p, v.n);
	v = env("GOMEMLIMIT");
	if (!knob_gomemlimit(v.p, v.n, &rt.gomemlimit)) {
		print_str("GOMEMLIMIT=");
		print_bytes(v.p, v.n);
		print_str("\n");
		fatal("malformed GOMEMLIMIT; see `go doc "
		      "runtime/debug.SetMemoryLimit`");
	}
	TRACE("runtime.gcinit");
}

int32_t read_gomaxprocs(void)
{
	struct env_value v = env("GOMAXPROCS");
	return knob_gomaxprocs(v.p, v.n, rt.ncpu);
}

int32_t rt0_argc(void)
{
	return rt.nargs;
}

const char *rt0_argv(int32_t i)
{
	return i >= 0 && i < rt.nargs ? rt.args[i] : NULL;
}

int32_t rt0_envc(void)
{
	return rt.nenvs;
}

const char *rt0_envv(int32_t i)
{
	return i >= 0 && i < rt.nenvs ? rt.envs[i] : NULL;
}

const char *rt0_getenv(const char *key)
{
	return gogetenv(key);
}

void rt0_print_knobs(void)
{
	rt0_fact_int("knob.ncpu", rt.ncpu);
	rt0_fact_int("knob.gomaxprocs", rt.gomaxprocs);
	rt0_fact_int("knob.gogc", rt.gogc);
	rt0_fact_int("knob.gomemlimit", rt.gomemlimit);
	rt0_fact_int("knob.traceback.level", rt.traceback.level);
	rt0_fact_int("knob.traceback.all", rt.traceback.all);
	rt0_fact_int("knob.traceback.crash", rt.traceback.crash);
#define PRINT_GODEBUG(name, dflt)                                              \
	rt0_fact_int("knob.godebug." #name, rt.debug.name);
	GODEBUG_KEYS(PRINT_GODEBUG)
#undef PRINT_GODEBUG
}
