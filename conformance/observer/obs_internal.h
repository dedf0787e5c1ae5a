/* obs_internal.h: what the observer's parts share: the per-arch table, a
 * session (one obs_run), and the two backends behind it. */
#ifndef RT0OBS_INTERNAL_H
#define RT0OBS_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rt0obs/observer.h"
#include "rt0obs/targets.h"

/* A register the native tracer can read: its name (as in gdb's target
 * description) and where PTRACE_GETREGS puts it. */
struct obs_native_reg {
	const char *name;
	size_t offset; /* in struct user_regs_struct */
};

/* Everything the observer knows about an arch, in one place (arch.c). */
struct obs_arch {
	const char *goarch;
	uint16_t elf_machine;
	unsigned ptrsize;
	const char *qemu; /* the qemu-user program for it */
	/* Register names in gdb's target description (qemu's gdbstub) and in
	 * native_regs: the PC, the SP and the thread pointer. */
	const char *pc_reg, *sp_reg, *tp_reg;
	/* The link register holding a function's return address at its
	 * entry; NULL when the call pushes it at SP instead (amd64). */
	const char *ret_reg;
	/* When set, the thread pointer is split in two 32-bit registers:
	 * tp_reg holds its high half and tp_reg_low its low half (s390x's
	 * access registers a0 and a1). */
	const char *tp_reg_low;
	/* Byte order of registers and memory as the target sends them. */
	bool big_endian;
	/* The kind argument of a Z0 breakpoint: the breakpoint instruction's
	 * length (qemu-user checks breakpoints itself and ignores it). */
	unsigned bp_kind;
	/* The psABI's TLS layout: variant 1 puts the executable's block
	 * above the thread pointer after a TCB of tcb_size bytes; variant 2
	 * puts it just below the thread pointer. */
	int tls_variant;
	unsigned tcb_size;
	/* Variant 1 only: how far past the block's start the thread pointer
	 * points (ppc64's ABI: 0x7000, so 16-bit offsets reach 64 KiB). */
	unsigned tp_bias;
	/* arm: bit 0 of a return address says the caller runs in Thumb state
	 * (interworking, BX LR); the instruction is at the address with that
	 * bit clear. glibc for armhf is Thumb-2 code. */
	bool thumb_bit;
	/* ELFv2 (ppc64le): a function's breakpoint goes at its local entry
	 * point, st_other's offset past its symbol, which direct calls enter
	 * at and calls through pointers reach from the global entry. */
	bool elfv2_local_entry;
	/* Other names a register may be given by: {alias, name} pairs,
	 * ending with {NULL, NULL}; NULL when there are none. */
	const char *const (*reg_aliases)[2];
	/* Registers for the ptrace backend, ending with {NULL, 0}; NULL when
	 * this arch cannot be traced natively on this host. */
	const struct obs_native_reg *native_regs;
	/* The psABI's callee-saved registers that both backends can read
	 * (64 bits or less), SP aside, NULL-terminated. */
	const char *const *callee_saved;
};

const struct obs_arch *obs_arch_find(const char *goarch);
/* "amd64, arm64, riscv64": for messages. */
const char *obs_arch_names(void);
/* The row whose ELF machine is m, or NULL. */
const struct obs_arch *obs_arch_by_machine(uint16_t m);
/* The n-byte integer at p in the arch's byte order. */
uint64_t obs_arch_word(const struct obs_arch *a, const unsigned char *p,
                       size_t n);
/* How far past a function's symbol value its breakpoint goes (ELFv2's
 * local entry point; 0 elsewhere), from the symbol's st_other. */
uint64_t obs_arch_entry_offset(const struct obs_arch *a, unsigned st_other);
/* name itself, or the name an alias stands for. */
const char *obs_arch_reg_name(const struct obs_arch *a, const char *name);

/* A breakpoint: one per distinct function entry. */
struct obs_bp {
	uint64_t addr;         /* at run time (ELF value + load bias) */
	uint64_t entry_offset; /* addr - the function's address (ELFv2) */
	uint32_t symbol; /* index in spec->symbols: the first name for addr */
	unsigned hits;
	bool armed;     /* still wanted: removed after max_hits */
	uint64_t saved; /* ptrace: the word int3 replaced */
	/* A return breakpoint (obs_spec.stop_at_return): at the return
	 * address an entry stop read, for that call only: the hit whose g
	 * and SP are the caller's after the return (want_g, want_sp). When g's
	 * stack is known, SP is compared as its distance below the stack's hi
	 * (want_hi): Go moves a goroutine's stack when a callee grows it
	 * (copystack keeps every frame's distance from hi). */
	bool is_return;
	/* At the start of an inlined call's code (no entry of its own). */
	bool inlined;
	bool pending; /* made at a stop: the backend inserts it next */
	uint64_t want_g, want_sp, want_hi; /* want_hi 0: not known */
	uint32_t entry_seq;
};

/* Return breakpoints a session can have at once, past its symbols'. */
#define OBS_MAX_RETURN_BPS 64

/* How a backend reads a stopped thread. Register ids come from reg_lookup,
 * called once per name after the probe has started. */
struct obs_target_ops {
	int (*reg_lookup)(void *ctx, const char *name); /* -1: no such reg */
	bool (*reg_read)(void *ctx, int id, uint64_t *value);
	bool (*mem_read)(void *ctx, uint64_t addr, void *buf, size_t n);
};

/* One obs_run. */
struct obs_session {
	const struct obs_spec *spec;
	const struct obs_arch *arch;
	struct obs_result *res;
	uint64_t elf_entry; /* e_entry: with AT_ENTRY, the load bias */
	uint64_t *sym_addr; /* per symbol, the ELF value */
	struct obs_bp *bps;
	size_t nbps;
	size_t bps_cap; /* a breakpoint per symbol, and the return ones */
	size_t stops_cap;
	uint64_t deadline_ns; /* CLOCK_MONOTONIC */
	uint64_t start_ns;
	int reg_pc, reg_sp, reg_tp, reg_g; /* ids from reg_lookup, or -1 */
	int reg_ret;
	int reg_tp_low; /* tp_reg_low's, or -1 */
	/* The process whose /proc describes the probe (native), else -1. */
	int native_pid;
};

/* A stop as a stop hook sees it (observer.h). */
struct obs_view {
	const struct obs_session *s;
	const struct obs_target_ops *ops;
	void *ctx;
	const struct obs_stop *stop;
};

uint64_t obs_now_ns(void);

/* Sets res->status and res->error (printf-style); returns the status. */
enum obs_status obs_fail(struct obs_session *s, enum obs_status st,
                         const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* After the probe has started: resolves the register names (pc, sp, tp
 * and g's register) through ops. */
enum obs_status obs_resolve_regs(struct obs_session *s,
                                 const struct obs_target_ops *ops, void *ctx);
/* Sets every breakpoint's run-time address from the load bias. */
void obs_apply_bias(struct obs_session *s, uint64_t at_entry);
/* The armed breakpoint at addr (else a disarmed one), or NULL. */
struct obs_bp *obs_bp_at(struct obs_session *s, uint64_t addr);
/* Records a stop at bp for thread tid: reads SP, the thread pointer, g and
 * g's fields through ops. Counts the hit and disarms the breakpoint when
 * it has had max_hits; returns false when max_stops is reached (the
 * backend then removes every breakpoint and lets the probe run). */
bool obs_record_stop(struct obs_session *s, const struct obs_target_ops *ops,
                     void *ctx, struct obs_bp *bp, int64_t tid);

/* An auxv (pairs of ptrsize words) -> AT_ENTRY; false when absent. Also
 * keeps AT_PAGESZ in the result, the page size the kernel told the probe. */
bool obs_auxv_entry(struct obs_session *s, const unsigned char *auxv,
                    size_t len, uint64_t *entry);

/* The child's side of both backends, before its exec: its own process
 * group, no core file, killed when the observer dies, stdin from
 * /dev/null, stdout and stderr into outfd and errfd, default signals. */
void obs_child_setup(int outfd, int errfd);
/* Moves what the probe wrote (the memfds) into res->probe. */
void obs_collect_output(struct obs_session *s, int outfd, int errfd);
/* Kills the process group pgid and reaps pid (no zombie, no survivor);
 * *status gets pid's wait status when it was still to be reaped. */
void obs_kill_and_reap(pid_t pgid, pid_t pid, int *status);

struct elf_sym;
/* elf_symbols_named, except that a name ending in
 * ".abi0" that the ELF lacks is looked up without the suffix: Go's linker
 * gives an assembly function's ABI0 entry that name only on the ports with
 * the register ABI (amd64, arm64, ppc64le, riscv64), which need wrappers
 * between the two ABIs; on arm, 386 and s390x there is one ABI and the
 * plain name (go1.19 cmd/link/internal/ld/symtab.go:860-868, mangleABIName:
 * only with buildcfg.Experiment.RegabiWrappers). */
size_t obs_symbols_named(const struct elf_info *elf, const char *name,
                         struct elf_sym *out, size_t cap);

/* obs_spec.hold_first_thread_until under qemu-user (qemu_hold.c): the
 * guest's first new thread, a host thread of qemu's, held over ptrace
 * while it sleeps. start: before the guest runs, qemu's own threads; poll:
 * at each later stop until one is held; release: at the hold point and
 * before qemu is reaped. */
struct obs_qhold {
	bool on;
	pid_t qemu;
	pid_t base[16]; /* qemu's threads before the guest made any */
	size_t nbase;
	pid_t held;
};
void obs_qhold_start(struct obs_qhold *h, pid_t qemu);
void obs_qhold_poll(struct obs_qhold *h);
void obs_qhold_release(struct obs_qhold *h);

/* The backends: run the probe to its end, filling s->res. */
enum obs_status obs_run_ptrace(struct obs_session *s);
enum obs_status obs_run_gdbstub(struct obs_session *s);

#endif
