/* env.c: argv and the environment (Go: goargs, goenvs, gogetenv) and the
 * knobs read from them (parsedebugvars, GOGC, GOMEMLIMIT, GOMAXPROCS). */
#include "runtime.h"

/* Verbatim copies, in order, empty strings and entries without '='
 * included: os.Args and os.Environ see exactly what the kernel gave. The
 * copying is copy_strings (startup_image.c), the code the fuzzers check. */
static const char **copy_all(char **src, int32_t n)
{
	size_t bytes = strings_size(src, (size_t)n);
	const char **dst = persistentalloc(sizeof(char *) * ((size_t)n + 1));

	if (bytes == SIZE_MAX)
		fatal("argv or environment too large");
	copy_strings(src, (size_t)n, dst, persistentalloc(bytes));
	return dst;
}

void goargs(void)
{
	rt.nargs = rt.argc;
	rt.args = copy_all(rt.argv, rt.argc);
	TRACE("runtime.goargs");
}

void goenvs(void)
{
	int32_t n = 0;
	while (rt.envp[n] != NULL)
		n++;
	rt.envs = copy_all(rt.envp, n);
	rt.nenvs = n;
	rt.envs_loaded = true;
	TRACE("runtime.goenvs");
}

/* Go's gogetenv: the first exact match; unset reads as "" to the knobs. */
static const char *gogetenv(const char *key)
{
	if (!rt.envs_loaded) {
		fatal("getenv before env init");
	}
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
	rt.traceback = knob_gotraceback(v.p, v.n, KNOB_INT_BITS);
	/* When C owns the process, a panic or fatal error aborts it instead
	 * of exiting it (go1.19 runtime1.go:433-437: tracebackCrash). */
	if (rt.islibrary)
		rt.traceback.crash = true;
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
	/* cpuinit's feature bits (after GODEBUG cpu.NAME=off) and alginit's
	 * choice of hash that depends on them. */
#define PRINT_CPU(name)                                                        \
	rt0_fact_int("knob.cpu." #name, (rt.cpu >> CPU_##name) & 1);
	ARCH_CPU_FEATURES(PRINT_CPU)
#undef PRINT_CPU
	rt0_fact_int("knob.aeshash", rt.use_aeshash);
}
