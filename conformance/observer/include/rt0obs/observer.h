/* observer.h: a start-up observer that needs nothing from the runtime it
 * watches (DESIGN 3a, issue 12). It runs a probe program, stops it at the
 * entry of each function in a list of symbols, and reads at each stop what
 * the machine says: PC, SP, the thread pointer, g, and through g the
 * goroutine id and stack bounds (and g.m when asked). Natively (amd64) it is
 * a ptrace tracer with int3 breakpoints; for a foreign arch it starts
 * `qemu-<arch> [-L sysroot] -g SOCKET probe args` and speaks the gdb remote
 * serial protocol to qemu-user's gdbstub.
 *
 * Nothing about the runtime under test is code here: the symbols, where g
 * lives and g's field offsets are data in struct obs_spec, so the same
 * observer serves the reference runtime and real Go binaries. targets.h has
 * the data for both; layout.h reads g's layout from DWARF. The probe's own
 * stdout and stderr are captured in the same run, so a test can compare
 * what was measured with what the program said about itself. */
#ifndef RT0OBS_OBSERVER_H
#define RT0OBS_OBSERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rt0conf/probe.h"

#define OBS_DEFAULT_TIMEOUT_MS 10000u
#define OBS_DEFAULT_MAX_STOPS  256u

/* How g is found at a stop. */
enum obs_g_kind {
	OBS_G_NONE,     /* g is not read */
	OBS_G_REGISTER, /* g is held in a register (Go: arm64 x28) */
	OBS_G_TP,       /* g is the word at thread pointer + tp_offset */
};

struct obs_g_where {
	enum obs_g_kind kind;
	/* OBS_G_REGISTER: the register's name as gdb's target description
	 * for the arch spells it ("x28", "s11"; "x27" is accepted for
	 * riscv64's s11). */
	char reg[16];
	int64_t tp_offset; /* OBS_G_TP */
};

/* One field of g: its byte offset and size (1 to 8), as DWARF or the
 * runtime's generated offsets give them. */
struct obs_field {
	bool known;
	uint32_t offset, size;
};

struct obs_g_layout {
	struct obs_field goid, stack_lo, stack_hi, m;
	struct obs_field stackguard0, stackguard1; /* read when known */
};

struct obs_view;

/* Called at every stop, while the probe is stopped there, after the stop
 * has been read (struct obs_spec.on_stop): the view reads more of the
 * stopped program (obs_view_*). */
typedef void (*obs_stop_hook)(void *arg, const struct obs_view *view);

struct obs_spec {
	const char *arch;  /* GOARCH of the probe: selects its row in arch.c */
	const char *probe; /* path of the program */
	/* Arguments after argv[0], NULL-terminated; NULL means none. */
	const char *const *args;
	/* The whole environment, NULL-terminated; NULL means empty. */
	const char *const *env;
	/* NULL: run natively under ptrace. Else the qemu-user program
	 * (a path, or a name found on PATH) that runs the probe with its
	 * gdbstub. */
	const char *qemu;
	const char *sysroot; /* qemu's -L, or NULL */
	/* Stop at the entry of each of these functions (.symtab names),
	 * NULL-terminated. A symbol that two names share is reported under
	 * the first. */
	const char *const *symbols;
	/* Parallel to symbols: a symbol that may be missing from the binary
	 * (a step its compiler inlined) gets no breakpoint instead of failing
	 * the run; where the DWARF has its inlined calls, it gets one at the
	 * start of each (obs_stop.inlined). NULL: every symbol must be
	 * there. */
	const bool *may_be_absent;
	struct obs_g_where g;
	struct obs_g_layout layout; /* the fields read through g */
	bool read_m;                /* also read g.m (layout.m must be known) */
	unsigned max_hits; /* per symbol, then its breakpoint goes; 0: all */
	/* Parallel to symbols: a symbol's own max_hits (0: max_hits). NULL:
	 * none. */
	const unsigned *max_hits_of;
	unsigned max_stops; /* in all; 0: OBS_DEFAULT_MAX_STOPS */
	/* After the first stop at this symbol every breakpoint goes and the
	 * probe runs on unwatched; NULL: watch to the end. Under qemu-user
	 * only the stopped thread waits for the debugger, and two threads
	 * stopping at once break 7.2's gdbstub (observer/README.md), so a
	 * runtime with threads is watched up to where it starts its second,
	 * unless only one thread at a time can reach a watched function (Go
	 * with one P: obs_impl.one_runner_env). */
	const char *release_after;
	/* The first thread the probe starts past its main thread waits at
	 * its first instruction until the first stop at this symbol (one of
	 * symbols), or until watching ends; NULL: every thread runs at once.
	 * Natively the thread is stopped at its first instruction; under
	 * qemu-user, where the gdbstub cannot keep one thread waiting while
	 * another stops, it is held from outside while it sleeps in
	 * nanosleep (qemu_hold.c), and not at all with release_after. Go's
	 * first such thread is sysmon's, which preempts any goroutine it
	 * sees running for 10 ms: with the observer's stops adding up to
	 * that, start-up would not run in Go's order (targets.c). */
	const char *hold_first_thread_until;
	/* Parallel to symbols: also stop where each call of the function
	 * returns (at the return address its entry stop read, on the same g,
	 * once its frame is gone), to read what it returned. NULL: none. */
	const bool *stop_at_return;
	unsigned timeout_ms;   /* the whole run; 0: OBS_DEFAULT_TIMEOUT_MS */
	obs_stop_hook on_stop; /* NULL: none */
	void *on_stop_arg;
};

/* What reading g gave at a stop. */
enum obs_g_read {
	OBS_GREAD_NOT_ASKED,  /* spec.g.kind is OBS_G_NONE */
	OBS_GREAD_OK,         /* g was read; 0 means no goroutine yet */
	OBS_GREAD_NO_SLOT,    /* tp + offset could not be read (no TLS yet) */
	OBS_GREAD_BAD_G,      /* g is not 0, but *g could not be read */
	OBS_GREAD_NO_REGISTER /* the register could not be read */
};

struct obs_stop {
	uint32_t seq;    /* 0, 1, 2, ... in the order of the stops */
	uint32_t symbol; /* index in spec.symbols */
	int64_t tid;     /* the stopped thread (kernel tid, or qemu's) */
	uint64_t pc, sp;
	bool have_tp; /* the arch's thread pointer could be read */
	uint64_t tp;
	enum obs_g_read gread;
	uint64_t g;
	/* Only with gread == OBS_GREAD_OK and g != 0: */
	bool have_goid, have_stack, have_m;
	int64_t goid;
	uint64_t stack_lo, stack_hi, m;
	/* lo <= sp <= hi: inclusive, since on link-register arches the
	 * entry SP of a function called from a stack's top frame is hi. */
	bool sp_in_stack;
	bool have_guard; /* g.stackguard0, when the layout has it */
	uint64_t stackguard0;
	bool have_guard1; /* g.stackguard1, likewise */
	uint64_t stackguard1;
	/* The return address the function was entered with, where the arch's
	 * ABI keeps it at a function's entry: the word at SP (amd64) or the
	 * link register (arm64 x30, riscv64 ra). */
	bool have_ret;
	uint64_t ret;
	/* A stop where a call returned (obs_spec.stop_at_return), not a
	 * function's entry: pc is the return address, and entry_seq the
	 * seq of the call's entry stop. */
	bool at_return;
	uint32_t entry_seq;
	/* A stop where the code of a call its compiler inlined starts (the
	 * symbol has no function of its own: obs_spec.may_be_absent, and
	 * DWARF's DW_TAG_inlined_subroutine): nothing was called, so there is
	 * no return address, and SP is the caller's. */
	bool inlined;
};

enum obs_status {
	OBS_OK = 0,   /* every stop seen, and the probe exited */
	OBS_EBADSPEC, /* bad input: unknown arch, missing symbol, ... */
	OBS_ESETUP,   /* the probe or qemu could not be started */
	OBS_ECRASH,   /* the probe was killed by a signal */
	OBS_ETIMEOUT, /* the probe did not finish in time: killed */
	OBS_ETRACER,  /* ptrace or the gdbstub failed us */
};

struct obs_result {
	enum obs_status status;
	char error[512];     /* why, when status != OBS_OK */
	const char *backend; /* "ptrace" or "gdbstub" */
	/* The process obs_run started (the probe, or qemu), also its process
	 * group; gone, and reaped, when obs_run returns. 0: none started. */
	int pid;
	uint64_t load_bias; /* run-time address minus ELF address (PIE) */
	uint64_t pagesize;  /* the kernel's AT_PAGESZ from the auxv; 0: none */
	/* Per symbol of spec.symbols: it was found and got a breakpoint
	 * (false only for a may_be_absent symbol missing from the binary). */
	bool *present;
	struct obs_stop *stops;
	size_t nstops;
	bool truncated; /* max_stops was reached; later hits were not seen */
	bool released;  /* release_after was reached: later hits not watched */
	/* How the probe ended, with its stdout and stderr (probe_why works
	 * on it). Under qemu, qemu's own messages are part of stderr. */
	struct probe_result probe;
};

/* Runs spec->probe to its end under the observer. Always fills *res
 * (stops seen so far, the probe's output) and never leaves a process
 * behind; returns res->status. */
enum obs_status obs_run(const struct obs_spec *spec, struct obs_result *res);
void obs_result_free(struct obs_result *res);

/* What a stop hook can read of the stopped probe. */
const struct obs_stop *obs_view_stop(const struct obs_view *v);
/* The process whose /proc files describe the probe's memory: the probe
 * itself when it runs natively; -1 under qemu-user, whose own mappings
 * are not the guest's. */
int obs_view_native_pid(const struct obs_view *v);
/* n bytes of the probe's memory at addr; false when unmapped. */
bool obs_view_read(const struct obs_view *v, uint64_t addr, void *buf,
                   size_t n);
/* A register of the stopped thread by its name in gdb's target description
 * ("rbx", "x19", "s1"); false when there is none or it cannot be read. */
bool obs_view_reg(const struct obs_view *v, const char *name, uint64_t *value);

/* "ok", "bad input", ...: for messages. */
const char *obs_status_name(enum obs_status s);

/* Formats one stop as an `rt0 obs` line of the trace protocol
 * (conformance/TRACE.md), newline included; returns its length (cut to
 * cap - 1 bytes). */
size_t obs_format_stop(const struct obs_spec *spec, const struct obs_stop *s,
                       char *buf, size_t cap);
/* The `rt0 obsrun` line that ends a run's lines: backend, stop count, how
 * the probe ended, the observer's status. */
size_t obs_format_summary(const struct obs_spec *spec,
                          const struct obs_result *res, char *buf, size_t cap);

/* The arch table (arch.c) for callers: the GOARCH of an ELF file, or NULL
 * with a message; the qemu-user program for goarch; whether ptrace can
 * observe goarch on this host. */
const char *obs_arch_of_elf(const char *probe, char *err, size_t errcap);
const char *obs_arch_qemu(const char *goarch);
bool obs_arch_native(const char *goarch);
/* The psABI's callee-saved registers of goarch that obs_view_reg reads
 * (SP aside), NULL-terminated; NULL for an unknown arch. */
const char *const *obs_arch_callee_saved(const char *goarch);

/* Parses how g is found: "none", "reg:NAME", "tp+N" / "tp-N" (decimal or
 * 0x hex). "tls:SYMBOL" (a C thread-local of the probe) is resolved with
 * obs_tls_offset, so it needs the probe and its arch. False with a message
 * in err on bad input. */
bool obs_g_where_parse(const char *text, const char *arch, const char *probe,
                       struct obs_g_where *out, char *err, size_t errcap);

/* The thread-pointer offset of the executable's thread-local `symbol`, from
 * its PT_TLS segment and the psABI's TLS variant for arch (the arch
 * table): what the linker computes for a local-exec access. */
bool obs_tls_offset(const char *probe, const char *arch, const char *symbol,
                    int64_t *tp_offset, char *err, size_t errcap);

/* Parses a layout given by hand: "goid=152:8,stack.lo=0,stack.hi=8,m=48"
 * (OFFSET[:SIZE], size 8 when left out; also stackguard0, stackguard1). */
bool obs_layout_parse(const char *text, struct obs_g_layout *out, char *err,
                      size_t errcap);

#endif
