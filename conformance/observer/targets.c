/* targets.c: the runtimes the observer knows, as data (targets.h). */
#define _GNU_SOURCE
#include "rt0obs/targets.h"

#include <stdio.h>
#include <string.h>

#include "rt0conf/elfinfo.h"

/* rt0: the C names of Go's start-up steps (arch/<arch>/asm.S,
 * runtime/runtime.h). rt0_go_started is the first C function rt0_go
 * calls once g0 and the g slot are set up: it records the trace's
 * runtime.rt0_go event, so it is the stop to compare that event with; at
 * runtime_rt0_go's own entry there is no g yet, in rt0 as in Go. */
static const char *const rt0_symbols[] = {
    "runtime_rt0_go", "rt0_go_started", "check",   "args",
    "osinit",         "schedinit",      "newproc", "mstart",
    "runtime_main",   "main_main",      NULL};
static const char *const rt0_phases[] = {NULL,
                                         "runtime.rt0_go",
                                         "runtime.check",
                                         "runtime.args",
                                         "runtime.osinit",
                                         "runtime.schedinit",
                                         "runtime.newproc",
                                         "runtime.mstart",
                                         "runtime.main",
                                         "main.main",
                                         NULL};

/* Every M starts in mstart, sysmon's too (runtime.main starts it): only
 * m0's, the first, is the start-up step; past it the breakpoint is gone,
 * so no other thread stops. */
static const unsigned rt0_max_hits[] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0};
_Static_assert(sizeof rt0_max_hits / sizeof(unsigned) + 1 ==
                   sizeof rt0_symbols / sizeof(char *),
               "rt0: one hit limit per symbol");

/* rt0 keeps g behind the thread pointer on every arch (arch/<arch>/arch.h):
 * internal mode in the slot rt0_go points it at (amd64: FS = &m0.tls[1],
 * g at -8; 386: GS's base = &m0.tls[1], g at -4; arm64, riscv64, arm,
 * ppc64le and s390x: g at [tp]); external mode in the C thread-local
 * rt0_tls_g, whose offset comes from the ELF's PT_TLS. */
static const struct obs_impl_g rt0_g[] = {
    {"amd64", "tp-8", "tls:rt0_tls_g", NULL, NULL, {NULL, NULL}},
    {"arm64", "tp+0", "tls:rt0_tls_g", NULL, NULL, {NULL, NULL}},
    {"riscv64", "tp+0", "tls:rt0_tls_g", NULL, NULL, {NULL, NULL}},
    {"386", "tp-4", "tls:rt0_tls_g", NULL, NULL, {NULL, NULL}},
    {"arm", "tp+0", "tls:rt0_tls_g", NULL, NULL, {NULL, NULL}},
    {"ppc64le", "tp+0", "tls:rt0_tls_g", NULL, NULL, {NULL, NULL}},
    {"s390x", "tp+0", "tls:rt0_tls_g", NULL, NULL, {NULL, NULL}},
    {NULL, NULL, NULL, NULL, NULL, {NULL, NULL}}};

/* Go (issue 13): the ELF names of the same steps (assembly functions
 * carry Go's .abi0 suffix), and g where Go's ports keep it: amd64 in TLS
 * at -8 from FS (ELF TLS, internal linking), arm64 in R28, riscv64 in X27
 * (s11); with cgo, see go_g below. Written from shared/notes/go-as-target.md,
 * then run by hand on a go1.19.8 hello world (Debian's golang-go; amd64
 * natively, arm64 and riscv64 under qemu-user): all nine stops, goid 0 on g0
 * and 1 from runtime.main, SP inside g's bounds; g's layout came from its
 * (compressed) DWARF unchanged.
 *
 * "go": the steps every Go version has under the same name. At
 * runtime.rt0_go's entry there is no g yet (TLS is set up inside it):
 * runtime.check, the first Go function it calls, is where g0 is first
 * readable, so that stop also stands for the trace's runtime.rt0_go. */
static const char *const go_symbols[] = {
    "runtime.rt0_go.abi0", "runtime.check",
    "runtime.args",        "runtime.osinit",
    "runtime.schedinit",   "runtime.newproc",
    "runtime.mstart.abi0", "runtime.main",
    "main.main",           NULL};
static const char *const go_phases[] = {NULL,
                                        "runtime.check",
                                        "runtime.args",
                                        "runtime.osinit",
                                        "runtime.schedinit",
                                        "runtime.newproc",
                                        "runtime.mstart",
                                        "runtime.main",
                                        "main.main",
                                        NULL};

/* Per version, the whole start-up line, from schedinit's source (go1.19
 * runtime/proc.go:692-722, go1.23 proc.go:817-862) and runtime.main's.
 * A step the compiler may inline has no symbol of its own in some
 * binaries (go1.19.8 amd64: stackinit, fastrandinit; go1.23.5: stackinit,
 * cpuinit): may be absent. goenvs is `goenvs_unix()` and nothing else
 * (os_linux.go:367-369 / :358-360) and is inlined in both: goenvs_unix's
 * entry is where its body starts. Go 1.22 replaced fastrandinit with
 * randinit, called before alginit (go1.23 proc.go:821-822): the trace
 * gives it under its own name. runtime.main runs the runtime's init with
 * the first doInit (go1.19 proc.go:199) or doInit1 (go1.23 proc.go:201,
 * through doInit, :7256-7260); later doInit entries in Go 1.19 are one
 * per import edge, also for packages already initialised (proc.go:6294-
 * 6306), so they are no package's initialisation and give no event; Go
 * 1.23's doInit1 runs each task of the linker's list once (:7262). */
#define GO_STEPS_HEAD                                                          \
	"runtime.rt0_go.abi0", "runtime.check", "runtime.args",                \
	    "runtime.osinit", "runtime.schedinit", "runtime.stackinit",        \
	    "runtime.mallocinit", "runtime.cpuinit"
#define GO_PHASES_HEAD                                                         \
	NULL, "runtime.check", "runtime.args", "runtime.osinit",               \
	    "runtime.schedinit", "runtime.stackinit", "runtime.mallocinit",    \
	    "runtime.cpuinit"
#define GO_STEPS_TAIL                                                          \
	"runtime.mcommoninit", "runtime.goargs", "runtime.goenvs_unix",        \
	    "runtime.parsedebugvars", "runtime.gcinit", "runtime.procresize",  \
	    "runtime.newproc", "runtime.mstart.abi0", "runtime.main"
#define GO_PHASES_TAIL                                                         \
	"runtime.mcommoninit", "runtime.goargs", "runtime.goenvs",             \
	    "runtime.parsedebugvars", "runtime.gcinit", "runtime.procresize",  \
	    "runtime.newproc", "runtime.mstart", "runtime.main"
#define GO_STEPS_MAIN                                                          \
	"runtime.gcenable", "runtime.forcegchelper", "runtime.bgsweep",        \
	    "runtime.bgscavenge", "main.main", "runtime.exit.abi0",            \
	    "runtime.runqput", "runtime.execute", "runtime.gopark",            \
	    "runtime.stackalloc", "runtime.goschedImpl", NULL
#define GO_PHASES_MAIN                                                         \
	"runtime.gcenable", "runtime.forcegchelper", "runtime.bgsweep",        \
	    "runtime.bgscavenge", "main.main", "runtime.exit", NULL,           \
	    "runtime.execute", "runtime.gopark", NULL, NULL, NULL
/* may_be_absent: rt0_go .. cpuinit (stackinit and cpuinit small enough to
 * inline), then the version's two seed and hash steps (go1.23.5 inlines
 * alginit on riscv64), then mcommoninit .. runtime.main, the doInit step,
 * gcenable .. stackalloc: all there; goschedImpl may be inlined (its stop
 * is only to see preemptions, obs_impl.preempt_at). An absent
 * step is stopped at where its inlined call's code starts, which the
 * DWARF gives (observer.h, may_be_absent). */
#define GO_ABSENT_HEAD false, false, false, false, false, true, false, true
#define GO_ABSENT_REST                                                         \
	false, false, false, false, false, false, false, false, false, false,  \
	    false, false, false, false, false, false, false, false, false,     \
	    false, true

/* callers: schedinit's steps, stackinit .. procresize, count as its steps
 * only when schedinit calls them (mcommoninit also runs for every new M,
 * procresize for every GOMAXPROCS change); mstart is the trace's only
 * where rt0_go calls it (every new M's thread also starts there).
 * runqput(pp, newg, true) is called by newproc's systemstack closure with
 * the goroutine newproc1 made, complete (go1.19 proc.go:4094-4101, go1.23
 * proc.go:4975-4982); it is also called for every goroutine made ready,
 * so only those calls count. */
#define S "runtime.schedinit"
#define R "runtime.rt0_go.abi0"
#define N "runtime.newproc.func1"
static const char *const go_callers[] = {
    NULL, NULL, NULL, NULL, NULL, S,    S,    S,    S,    S,    S,
    S,    S,    S,    S,    S,    NULL, R,    NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, N,    NULL, NULL, NULL, NULL, NULL};
#undef S
#undef R
#undef N
_Static_assert(sizeof go_callers == 32 * sizeof(char *),
               "one caller per Go symbol, and the end");

static const char *const go119_symbols[] = {
    GO_STEPS_HEAD, "runtime.alginit", "runtime.fastrandinit",
    GO_STEPS_TAIL, "runtime.doInit",  GO_STEPS_MAIN};
static const char *const go119_phases[] = {
    GO_PHASES_HEAD, "runtime.alginit", "runtime.fastrandinit", GO_PHASES_TAIL,
    NULL,           GO_PHASES_MAIN};
/* Go 1.19's doInit: only the first entry, the runtime's own init, gives
 * an event (above); the others, about 150 for a hello world, would each
 * cost a stop. mstart: every M starts there, only m0's first is the
 * start-up step (go_callers); past it no other thread stops. goschedImpl,
 * the last: 8, for the preemptions of start-up, the first few
 * (obs_impl.preempt_at); a program's own Gosched loop would stop at every
 * turn. */
static const unsigned go119_max_hits[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                          0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0,
                                          0, 0, 0, 0, 0, 0, 0, 0, 8};
_Static_assert(sizeof go119_max_hits / sizeof(unsigned) + 1 ==
                   sizeof go119_symbols / sizeof(char *),
               "go1.19: one hit limit per symbol");
/* procresize(nprocs int32): go1.19 proc.go:4801, go1.23 proc.go:5684;
 * stackalloc(n uint32): go1.19 stack.go:344, go1.23 stack.go:336. */
static const char *const go_arg0_field[] = {
    NULL, NULL, NULL, NULL,     NULL, NULL,   NULL,   NULL,
    NULL, NULL, NULL, NULL,     NULL, NULL,   NULL,   "nprocs",
    NULL, NULL, NULL, NULL,     NULL, NULL,   NULL,   NULL,
    NULL, NULL, NULL, "g:next", NULL, "size", "g:gp", NULL};
_Static_assert(sizeof go_arg0_field == 32 * sizeof(char *),
               "one argument field per Go symbol, and the end");
/* execute(gp, inheritTime) and gopark: the scheduler's events, watched
 * from rt0trace=2 as rt0 prints them (go1.19 proc.go:2517, :346; go1.23
 * proc.go:3209, :407). */
static const unsigned char go_level[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                         1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                         1, 1, 1, 1, 1, 2, 2, 1, 1, 0};
_Static_assert(sizeof go_level == 32, "one level per Go symbol, and the end");
/* What is read where a call returns (obs_spec.stop_at_return): gcenable's
 * end, rt0's runtime.gcenable.done, once bgsweep and bgscavenge have both
 * signalled it (go1.19 mgc.go:175-183, go1.23 mgc.go:201-209); the stack
 * stackalloc returns (stack.go, above), in obs_impl_g.ret_regs. */
static const char *const go_return_phases[] = {
    NULL, NULL, NULL,
    NULL, NULL, NULL,
    NULL, NULL, NULL,
    NULL, NULL, NULL,
    NULL, NULL, NULL,
    NULL, NULL, NULL,
    NULL, NULL, "runtime.gcenable.done",
    NULL, NULL, NULL,
    NULL, NULL, NULL,
    NULL, NULL, "runtime.stackalloc",
    NULL, NULL};
_Static_assert(sizeof go_return_phases == 32 * sizeof(char *),
               "one return phase per Go symbol, and the end");
static const bool go119_absent[] = {GO_ABSENT_HEAD, true, true, GO_ABSENT_REST};
_Static_assert(sizeof go119_symbols == sizeof go_callers &&
                   sizeof go119_symbols == sizeof go119_phases &&
                   sizeof go119_absent / sizeof(bool) + 1 ==
                       sizeof go119_symbols / sizeof(char *),
               "go1.19: one phase and one absent flag per symbol");

static const char *const go123_symbols[] = {
    GO_STEPS_HEAD, "runtime.randinit", "runtime.alginit",
    GO_STEPS_TAIL, "runtime.doInit1",  GO_STEPS_MAIN};
static const char *const go123_phases[] = {
    GO_PHASES_HEAD, "runtime.randinit", "runtime.alginit",
    GO_PHASES_TAIL, "runtime.doInit",   GO_PHASES_MAIN};
static const bool go123_absent[] = {GO_ABSENT_HEAD, true, true, GO_ABSENT_REST};
static const unsigned go123_max_hits[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                          0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0,
                                          0, 0, 0, 0, 0, 0, 0, 0, 8};
_Static_assert(sizeof go123_symbols == sizeof go_callers &&
                   sizeof go123_symbols == sizeof go123_phases &&
                   sizeof go123_absent / sizeof(bool) + 1 ==
                       sizeof go123_symbols / sizeof(char *),
               "go1.23: one phase and one absent flag per symbol");
_Static_assert(sizeof go123_max_hits / sizeof(unsigned) + 1 ==
                   sizeof go123_symbols / sizeof(char *),
               "go1.23: one hit limit per symbol");

/* With cgo (external linking) amd64's g is the initial-exec thread-local
 * runtime.tlsg (go1.19 runtime/go_tls.h: get_tls and g(r)), whose
 * offset comes from the ELF's PT_TLS; the other ports keep g in a register
 * either way (cgo reloads it on entry from C), REGG in each port's
 * cmd/internal/obj/<arch>/a.out.go: arm64 R28, riscv64 X27, arm R10,
 * ppc64 R30, s390x R13. 386 keeps g in TLS: -4(GS) when Go links
 * (go1.19 cmd/link/internal/ld/sym.go:92, Tlsoffset = -PtrSize;
 * sys_linux_386.s:665-671), runtime.tlsg's slot under cgo, as amd64. */
/* newg_reg: runqput's second argument, in Go's internal ABI's second
 * integer argument register, arg0_reg the first (cmd/compile/
 * abi-internal.md: amd64 RBX and RAX, arm64 R1 and R0; riscv64 X11 and X10,
 * ppc64 R4 and R3; go1.23's :787, the register ABI being on for riscv64
 * since go1.19 and always on for ppc64le, internal/buildcfg/exp.go:64-69).
 * arm and s390x pass arguments on the stack (ABI0), from FixedFrameSize
 * past the SP a function is entered with (the word of the return address
 * the callee saves there): 4 on arm, 8 on s390x (go1.19 cmd/internal/sys/
 * arch.go FixedFrameSize), one pointer-sized slot per argument, and the
 * results after them, where the caller finds them once the call returned
 * (its SP is the one the call was entered with). 386 passes them on the
 * stack too, past the return address CALL pushed (FixedFrameSize 0), which
 * RET pops: results are 4 bytes nearer the SP after the return than at the
 * entry. ret_regs: the two words
 * of a two-word result (stackalloc's stack{lo, hi}): the first two result
 * registers of the internal ABI, the same as the argument registers. */
static const struct obs_impl_g go_g[] = {
    {"amd64", "tp-8", "tls:runtime.tlsg", "rbx", "rax", {"rax", "rbx"}},
    {"arm64", "reg:x28", "reg:x28", "x1", "x0", {"x0", "x1"}},
    {"riscv64", "reg:x27", "reg:x27", "x11", "x10", {"x10", "x11"}},
    {"386", "tp-4", "tls:runtime.tlsg", "sp+8", "sp+4", {"sp+4", "sp+8"}},
    {"arm", "reg:r10", "reg:r10", "sp+8", "sp+4", {"sp+8", "sp+12"}},
    {"ppc64le", "reg:r30", "reg:r30", "r4", "r3", {"r3", "r4"}},
    {"s390x", "reg:r13", "reg:r13", "sp+16", "sp+8", {"sp+16", "sp+24"}},
    {NULL, NULL, NULL, NULL, NULL, {NULL, NULL}}};

/* Go's first thread past m0 is sysmon's, which runtime.main starts before
 * anything else (go1.19 proc.go:171, go1.23 proc.go:173): until
 * runtime.main's entry a Go program has one thread. */
#define GO_SYSMON_IN "runtime.main"
/* sysmon's thread waits until main.main (natively at its first instruction,
 * under qemu-user in its first nanosleep the observer catches: qemu_hold.c):
 * it preempts a goroutine it sees running for 10 ms (forcePreemptNS, go1.19
 * proc.go:5289-5316), and the observer's stops, a fraction of a millisecond
 * each, add up to that on a loaded host, after which runtime.main goes to
 * the back of the queue and forcegchelper may run before gcenable's
 * goroutines. Nothing in start-up waits for sysmon. Its one preemption of
 * an unwatched start-up (its first look, at the P's schedtick 0, which
 * runtime.main's first run inherited: proc.go:2531-2533) changes nothing:
 * the M the P is handed to takes runtime.main back from the global queue
 * first (schedtick % 61 == 0, proc.go:2605); it may come under qemu-user,
 * where sysmon is caught after its first look (obs_synth_preempted does
 * not count it). */
#define GO_SYSMON_HELD_UNTIL "main.main"
/* With one P, every watched Go function past runtime.main runs on the M
 * that holds it: goroutines, their scheduling (runqput, execute, gopark,
 * goschedImpl) and stacks (stackalloc; an M made without a P borrows the
 * one being handed to it: go1.19 proc.go:1725, go1.23 proc.go:2171), and
 * mstart, which every new M enters, is watched only once. So the stops
 * come one thread at a time, and qemu-user's gdbstub holds (measured: 76
 * of 76 observed hello runs to the end, go1.19 and go1.23 on all six
 * foreign arches; with two Ps 0 of 10 on arm64). */
#define GO_ONE_RUNNER_ENV "GOMAXPROCS=1"

/* What every Go version shares; go1.19 and go1.23 add their own steps. */
#define GO_IMPL_COMMON                                                         \
	.g_type = "runtime.g", .m_type = "runtime.m", .m_id = "id",            \
	.goexit = "runtime.goexit.abi0", .rt0_go_at = "runtime.check",         \
	.g = go_g, .one_thread_until = GO_SYSMON_IN,                           \
	.one_runner_env = GO_ONE_RUNNER_ENV,                                   \
	.hold_first_thread_until = GO_SYSMON_HELD_UNTIL
#define GO_IMPL_STEPS                                                          \
	.callers = go_callers, .arg0_field = go_arg0_field, .level = go_level, \
	.newg_at = "runtime.runqput", .return_phases = go_return_phases,       \
	.preempt_at = "runtime.goschedImpl"

static const struct obs_impl impls[] = {
    {.name = "rt0",
     .g_type = "g",
     .goexit = "goexit",
     .symbols = rt0_symbols,
     .phases = rt0_phases,
     .max_hits = rt0_max_hits,
     .g = rt0_g},
    {.name = "go1.19",
     .symbols = go119_symbols,
     .phases = go119_phases,
     .may_be_absent = go119_absent,
     .max_hits = go119_max_hits,
     .runtime_init_at = "runtime.doInit",
     GO_IMPL_COMMON,
     GO_IMPL_STEPS},
    {.name = "go1.23",
     .symbols = go123_symbols,
     .phases = go123_phases,
     .may_be_absent = go123_absent,
     .max_hits = go123_max_hits,
     .runtime_init_at = "runtime.doInit1",
     GO_IMPL_COMMON,
     GO_IMPL_STEPS},
    {.name = "go", .symbols = go_symbols, .phases = go_phases, GO_IMPL_COMMON},
};

const struct obs_impl *obs_impl_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof impls / sizeof impls[0]; i++) {
		size_t n = strlen(impls[i].name);
		/* go1.19.8 is go1.19; go1.190 is not */
		if (strncmp(impls[i].name, name, n) == 0 &&
		    (name[n] == '\0' ||
		     (name[n] == '.' && strncmp(name, "go", 2) == 0)))
			return &impls[i];
	}
	return NULL;
}

const char *obs_impl_phase(const struct obs_impl *impl, const char *symbol)
{
	for (size_t i = 0; impl->symbols[i]; i++)
		if (strcmp(impl->symbols[i], symbol) == 0)
			return impl->phases[i];
	return NULL;
}

/* Whether env sets setting's name, and only ever to setting's value:
 * whichever of its settings the program's getenv finds (the first; under
 * qemu-user, which keeps the last of duplicate keys, the last). */
static bool env_sets(const char *const *env, const char *setting)
{
	if (!setting)
		return false;
	size_t name = strcspn(setting, "=") + 1;
	bool set = false;
	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], setting, name) == 0) {
			if (strcmp(env[i], setting) != 0)
				return false;
			set = true;
		}
	return set;
}

bool obs_spec_for_impl(const struct obs_impl *impl, const char *probe,
                       const char *goarch, struct obs_spec *spec, char *err,
                       size_t errcap)
{
	struct elf_info elf;
	if (!elf_open(probe, &elf)) {
		snprintf(err, errcap, "cannot read the probe: %s", elf.error);
		elf_close(&elf);
		return false;
	}
	bool external = !elf_is_static(&elf);
	elf_close(&elf);
	const struct obs_impl_g *g = impl->g;
	while (g->goarch && strcmp(g->goarch, goarch) != 0)
		g++;
	const char *where = !g->goarch ? NULL
	                    : external ? g->external
	                               : g->internal;
	if (!where) {
		snprintf(err, errcap,
		         "%s: where g lives on %s in %s mode is "
		         "not known",
		         impl->name, goarch,
		         external ? "external" : "internal");
		return false;
	}
	if (!obs_g_where_parse(where, goarch, probe, &spec->g, err, errcap) ||
	    !obs_layout_from_dwarf(probe, impl->g_type, &spec->layout, err,
	                           errcap))
		return false;
	spec->symbols = impl->symbols;
	spec->may_be_absent = impl->may_be_absent;
	spec->max_hits_of = impl->max_hits;
	spec->read_m = spec->layout.m.known;
	/* Under qemu-user, only while the runtime has one thread
	 * (obs_spec.release_after), or one runner of what is watched. */
	spec->release_after =
	    spec->qemu && !env_sets(spec->env, impl->one_runner_env)
	        ? impl->one_thread_until
	        : NULL;
	spec->hold_first_thread_until =
	    spec->release_after ? NULL : impl->hold_first_thread_until;
	return true;
}
