/* probe.h: runs a probe program hermetically and captures what it did.
 *
 * A probe is $RT0_PROBE_DIR/<name>. It gets exactly the arguments and the
 * environment given here (never the suite's own environment), a timeout,
 * no core files and, optionally, a bound on its address space. When
 * RT0_QEMU is set (e.g. "qemu-aarch64") the probe runs as
 * `$RT0_QEMU [-L $RT0_SYSROOT] <probe> args...`; qemu-user then supplies the
 * guest's argv[0] itself, so argc 0 cannot be reproduced under it, and
 * RLIMIT_AS bounds qemu and the guest together (a bound measured natively
 * may be too small for qemu's own reservations). Each stream's capture
 * keeps its first and last 8 MiB (the cut is said in the text), and
 * whatever the probe leaves running after it ends is killed (probe_result's
 * leftovers): the caller becomes a child subreaper for that. qemu-user also
 * rebuilds the guest's envp (drops entries without '=', keeps the last of
 * duplicate keys, reverses the order), so env is not verbatim under it. */
#ifndef RT0CONF_PROBE_H
#define RT0CONF_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROBE_DEFAULT_TIMEOUT_MS 10000u

struct probe_opts {
	/* Arguments after argv[0], NULL-terminated; NULL means none. */
	const char *const *args;
	/* The whole environment, NULL-terminated; NULL means empty. */
	const char *const *env;
	/* Exec with an empty argv (argc 0); args is then ignored. */
	bool argc0;
	/* Before scaling by RT0_TIMEOUT_SCALE; 0 means the default. */
	unsigned timeout_ms;
	/* RLIMIT_AS for the probe in bytes; 0 leaves it unlimited. */
	uint64_t rlimit_as;
	/* A system call of the host's own arch that fails with EPERM in the
	 * probe (a seccomp filter installed before exec), to drive start-up
	 * error paths; 0 for none. Native probes only: under qemu-user the
	 * filter would see qemu's calls, not the guest's. */
	long deny_syscall;
	/* Signals blocked when the probe starts (bit s - 1 for signal s), as
	 * a parent's mask is inherited across execve; 0 blocks none. */
	uint64_t blocked_signals;
};

struct probe_result {
	char name[64];
	bool started;   /* false: the probe could not be executed */
	int exec_errno; /* why it could not, when !started */
	bool exited;    /* exited normally with exit_code */
	int exit_code;
	bool signaled; /* terminated by term_signal */
	int term_signal;
	bool timed_out;      /* killed by the runner after timeout_ms */
	unsigned timeout_ms; /* the scaled timeout that applied */
	uint64_t elapsed_ns;
	/* The host's CLOCK_MONOTONIC read just before the probe was started
	 * and just after it ended: every time the probe reads from the same
	 * clock (a trace's ns=) must lie between them. Under qemu-user the
	 * guest's clock_gettime is the host's. */
	uint64_t host_start_ns, host_end_ns;
	char *out; /* stdout, NUL-terminated (may contain NULs itself) */
	size_t out_len;
	char *err; /* stderr, NUL-terminated */
	size_t err_len;
	char *why; /* probe_why's buffer */
	/* Processes the probe left running after it ended (a daemon in a
	 * session of its own, say): killed by the runner, counted and named
	 * here. A well-behaved probe leaves none. */
	int leftovers;
	char leftover_names[256];
};

/* Runs the probe; always fills *r (check r->started). Returns 0, or -1 when
 * the runner itself failed (pipe, fork, ...: errno is set). */
int probe_run(const char *name, const struct probe_opts *o,
              struct probe_result *r);
void probe_result_free(struct probe_result *r);
/* Records how the probe ended from a wait status (for runners of their own,
 * like the ptrace walker). */
void probe_set_status(struct probe_result *r, int status);

/* Where probes live: $RT0_PROBE_DIR, or NULL when unset. */
const char *probe_dir(void);
/* RT0_TIMEOUT_SCALE (a positive number), else 1. */
double probe_timeout_scale(void);
/* $RT0_QEMU, or NULL when the probes run natively. */
const char *probe_emulator(void);
/* An executable's path: prog itself when it has a '/', else from PATH.
 * False when it cannot be found. */
bool probe_find_program(const char *prog, char *path, size_t cap);

/* A readable account of how the run ended, for assertion messages:
 * "probe hello: exited with status 2", "killed by SIGSEGV (Segmentation
 * fault)", "timed out after 10000 ms", "could not be executed: ...",
 * followed by the last lines of stderr. The string lives in r. */
const char *probe_why(struct probe_result *r);

/* "SIGSEGV" for 11, or "signal N" when the name is unknown. */
const char *probe_signame(int sig);

/* Convenience predicates. */
bool probe_exited_with(const struct probe_result *r, int code);
bool probe_killed_by(const struct probe_result *r, int sig);

/* Line helpers over a NUL-terminated output buffer. Returns the byte offset
 * of the first line (at or after offset from) equal to line, or -1. */
long probe_find_line(const char *buf, size_t len, const char *line,
                     size_t from);
/* The same, for the first line starting with prefix. */
long probe_find_line_prefix(const char *buf, size_t len, const char *prefix,
                            size_t from);

#endif
