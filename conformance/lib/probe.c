/* probe.c: the probe runner (see probe.h). */
#define _GNU_SOURCE
#include "rt0conf/probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The host's own system call ABI, for the seccomp filter of deny_syscall
 * (the suites run on the build machine). */
#if defined(__x86_64__)
#define RT0CONF_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define RT0CONF_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
#define RT0CONF_AUDIT_ARCH AUDIT_ARCH_RISCV64
#else
#error "probe.c: no AUDIT_ARCH for this host: add it"
#endif

/* How much of stderr probe_why quotes. */
#define WHY_TAIL_LINES 20
#define WHY_TAIL_BYTES 4000

const char *probe_dir(void)
{
	const char *d = getenv("RT0_PROBE_DIR");
	return d && *d ? d : NULL;
}

double probe_timeout_scale(void)
{
	const char *s = getenv("RT0_TIMEOUT_SCALE");
	if (!s || !*s)
		return 1.0;
	char *end;
	double v = strtod(s, &end);
	if (*end != '\0' || !(v > 0)) {
		fprintf(stderr, "rt0conf: ignoring bad RT0_TIMEOUT_SCALE=%s\n",
		        s);
		return 1.0;
	}
	return v;
}

const char *probe_emulator(void)
{
	const char *q = getenv("RT0_QEMU");
	return q && *q ? q : NULL;
}

bool probe_find_program(const char *prog, char *path, size_t cap)
{
	if (strchr(prog, '/')) {
		snprintf(path, cap, "%s", prog);
		return access(path, X_OK) == 0;
	}
	const char *p = getenv("PATH");
	const char *dirs = p && *p ? p : "/usr/bin:/bin";
	while (*dirs) {
		size_t n = strcspn(dirs, ":");
		int w = snprintf(path, cap, "%.*s/%s", (int)n, dirs, prog);
		if (w > 0 && (size_t)w < cap && access(path, X_OK) == 0)
			return true;
		dirs += n + (dirs[n] == ':');
	}
	return false;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* What the runner keeps of each stream: its first and last half. A probe
 * gone wrong may write without end; the cut is said in the text. */
#define CAPTURE_CAP ((size_t)16 << 20)

struct buf {
	char *
	    p; /* the first CAPTURE_CAP / 2 bytes (then the tail, at the end) */
	size_t len, cap;
	char *ring; /* after those, the last CAPTURE_CAP / 2 bytes, circular */
	size_t ring_len, ring_pos;
	unsigned long long cut; /* bytes dropped between the two */
};

static int buf_append(struct buf *b, const char *src, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p)
			return -1;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, src, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

/* Keeps the head whole and, past it, only the newest half of the cap. */
static int buf_take(struct buf *b, const char *src, size_t n)
{
	const size_t half = CAPTURE_CAP / 2;
	if (b->len < half) {
		size_t k = n < half - b->len ? n : half - b->len;
		if (buf_append(b, src, k) < 0)
			return -1;
		src += k, n -= k;
	}
	if (n == 0)
		return 0;
	if (b->ring == NULL && (b->ring = malloc(half)) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (b->ring_len == half)
			b->cut++;
		else
			b->ring_len++;
		b->ring[b->ring_pos] = src[i];
		b->ring_pos = (b->ring_pos + 1) % half;
	}
	return 0;
}

/* The head, a line saying what was cut, and the tail, as one string. */
static int buf_finish(struct buf *b)
{
	int rc = 0;
	if (b->ring != NULL) {
		const size_t half = CAPTURE_CAP / 2;
		size_t start = b->ring_len == half ? b->ring_pos : 0;
		if (b->cut > 0) {
			char note[160];
			int k =
			    snprintf(note, sizeof note,
			             "\n[... %llu bytes cut: the output was "
			             "longer than the runner keeps ...]\n",
			             b->cut);
			rc |= buf_append(b, note, (size_t)k);
		}
		rc |= buf_append(b, b->ring + start, b->ring_len - start);
		rc |= buf_append(b, b->ring, start);
		free(b->ring);
		b->ring = NULL;
	}
	if (b->p == NULL)
		rc |= buf_append(b, "", 0);
	return rc;
}

/* Reads what is available; returns 1 at EOF, 0 otherwise, -1 on error. */
static int drain(int fd, struct buf *b)
{
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n > 0) {
			if (buf_take(b, chunk, (size_t)n) < 0)
				return -1;
			continue;
		}
		if (n == 0)
			return 1;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return -1;
	}
}

/* Builds the argv for execve: [qemu [-L sysroot]] path args... */
static char **build_argv(const char *path, const struct probe_opts *o)
{
	size_t nargs = 0;
	if (o->args)
		while (o->args[nargs])
			nargs++;
	const char *qemu = probe_emulator();
	const char *sysroot = getenv("RT0_SYSROOT");
	char **argv = calloc(nargs + 5, sizeof *argv);
	if (!argv)
		return NULL;
	size_t i = 0;
	if (qemu) {
		argv[i++] = (char *)qemu;
		if (sysroot && *sysroot) {
			argv[i++] = "-L";
			argv[i++] = (char *)sysroot;
		}
	} else if (o->argc0) {
		return argv; /* the empty argv: argc 0 */
	}
	argv[i++] = (char *)path;
	for (size_t k = 0; k < nargs; k++)
		argv[i++] = (char *)o->args[k];
	return argv;
}

/* The filter for probe_opts.deny_syscall: on this arch, nr fails with
 * EPERM; everything else (and any other arch's call) is allowed. */
static bool deny_syscall(long nr)
{
	struct sock_filter prog[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	             offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, RT0CONF_AUDIT_ARCH, 0, 3),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	             offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & 0xffff)),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fprog = {sizeof prog / sizeof prog[0], prog};
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
	       prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) == 0;
}

/* ---- nothing left running ------------------------------------------------
 * A probe runs in a process group of its own, killed when it ends; but a
 * child that made a session of its own (a daemon) would outlive both, and
 * keep the probe's binary busy. So the process calling probe_run is a child
 * subreaper: whatever the probe leaves is re-parented to it, and killed. */

static void become_subreaper(void)
{
	static bool done;
	if (!done)
		done = prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
}

/* The pids whose parent is this process, and (in comm) the name of each:
 * at most max of them. */
static size_t children_of(pid_t *out, char (*comm)[32], size_t max)
{
	DIR *d = opendir("/proc");
	if (d == NULL)
		return 0;
	size_t n = 0;
	pid_t self = getpid();
	struct dirent *e;
	while (n < max && (e = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end != '\0' || pid <= 0)
			continue;
		char path[64], stat[512];
		snprintf(path, sizeof path, "/proc/%ld/stat", pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t k = read(fd, stat, sizeof stat - 1);
		close(fd);
		if (k <= 0)
			continue;
		stat[k] = '\0';
		/* "pid (comm) state ppid ...": comm may hold ')' itself. */
		char *close_paren = strrchr(stat, ')');
		char *open_paren = strchr(stat, '(');
		long ppid;
		if (close_paren == NULL || open_paren == NULL ||
		    sscanf(close_paren + 2, "%*c %ld", &ppid) != 1 ||
		    ppid != self)
			continue;
		if (comm != NULL)
			snprintf(comm[n], sizeof comm[n], "%.*s",
			         (int)(close_paren - open_paren - 1),
			         open_paren + 1);
		out[n++] = (pid_t)pid;
	}
	closedir(d);
	return n;
}

static size_t children_of_self(pid_t *out, size_t max)
{
	return children_of(out, NULL, max);
}

static bool listed(pid_t pid, const pid_t *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == pid)
			return true;
	return false;
}

/* Stops, kills and reaps every child that was not one before the probe
 * started, round after round (killing one re-parents its own children to
 * us); names them in names. Returns how many there were. */
static int kill_leftovers(const pid_t *before, size_t nbefore, char *names,
                          size_t cap)
{
	int killed = 0;
	size_t used = 0;
	names[0] = '\0';
	for (int round = 0; round < 50; round++) {
		pid_t pids[64];
		char comm[64][32];
		size_t n = children_of(pids, comm, 64), k = 0;
		for (size_t i = 0; i < n; i++)
			if (!listed(pids[i], before, nbefore)) {
				pids[k] = pids[i];
				memcpy(comm[k], comm[i], sizeof comm[k]);
				k++;
			}
		if (k == 0)
			break;
		for (size_t i = 0; i < k; i++)
			kill(pids[i], SIGSTOP);
		for (size_t i = 0; i < k; i++)
			kill(pids[i], SIGKILL);
		for (size_t i = 0; i < k; i++) {
			waitpid(pids[i], NULL, 0);
			int w =
			    snprintf(names + used, cap - used, "%s%s (%d)",
			             killed ? ", " : "", comm[i], (int)pids[i]);
			if (w > 0 && (size_t)w < cap - used)
				used += (size_t)w;
			killed++;
		}
	}
	return killed;
}

static _Noreturn void child(const char *exe, char **argv, char **envp,
                            const struct probe_opts *o, int outfd, int errfd,
                            int statusfd)
{
	/* Its own process group, so a timeout kills everything it started;
	 * and killed when the runner dies (a suite killed by Ctrl-C or a
	 * harness timeout), which no process-group kill would reach. */
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	struct rlimit no_core = {0, 0};
	setrlimit(RLIMIT_CORE, &no_core);
	if (o->rlimit_as) {
		struct rlimit as = {o->rlimit_as, o->rlimit_as};
		setrlimit(RLIMIT_AS, &as);
	}
	int devnull = open("/dev/null", O_RDONLY);
	if (devnull >= 0 && devnull != 0) {
		dup2(devnull, 0);
		close(devnull);
	}
	dup2(outfd, 1);
	dup2(errfd, 2);
	if (outfd > 2)
		close(outfd);
	if (errfd > 2)
		close(errfd);
	/* The suite may have blocked or ignored signals; start the probe
	 * with defaults like a shell would, and the mask it asked for. */
	sigset_t mask;
	sigemptyset(&mask);
	for (int s = 1; s <= 64 && s < NSIG; s++)
		if (o->blocked_signals >> (s - 1) & 1)
			sigaddset(&mask, s);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	if (o->deny_syscall != 0 && !deny_syscall(o->deny_syscall)) {
		int e = errno;
		ssize_t w = write(statusfd, &e, sizeof e);
		(void)w;
		_exit(127);
	}
	execve(exe, argv, envp);
	int e = errno;
	ssize_t w = write(statusfd, &e, sizeof e);
	(void)w;
	_exit(127);
}

static void set_nonblock_cloexec(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
}

int probe_run(const char *name, const struct probe_opts *opts,
              struct probe_result *r)
{
	static const struct probe_opts no_opts;
	const struct probe_opts *o = opts ? opts : &no_opts;
	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "%s", name);
	double t = (o->timeout_ms ? o->timeout_ms : PROBE_DEFAULT_TIMEOUT_MS) *
	           probe_timeout_scale();
	r->timeout_ms = t > UINT_MAX ? UINT_MAX : (unsigned)t;

	const char *dir = probe_dir();
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", name);
	const char *exe = probe_emulator() ? probe_emulator() : path;

	static char *const empty_env[] = {NULL};
	char **envp = o->env ? (char **)o->env : (char **)empty_env;
	char **argv = build_argv(path, o);
	int outp[2] = {-1, -1}, errp[2] = {-1, -1}, statp[2] = {-1, -1};
	if (!argv || pipe(outp) < 0 || pipe(errp) < 0 ||
	    pipe2(statp, O_CLOEXEC) < 0)
		goto fail;

	/* probe_emulator() finds qemu on PATH: execve does not search. */
	char qemu_path[PATH_MAX];
	if (probe_emulator() && !strchr(exe, '/') &&
	    probe_find_program(exe, qemu_path, sizeof qemu_path))
		exe = qemu_path;

	become_subreaper();
	pid_t before[64];
	size_t nbefore = children_of_self(before, 64);
	uint64_t start = now_ns();
	pid_t pid = fork();
	if (pid < 0)
		goto fail;
	if (pid == 0)
		child(exe, argv, envp, o, outp[1], errp[1], statp[1]);
	/* Also from the parent, so the group exists before any kill. */
	setpgid(pid, pid);
	close(outp[1]);
	close(errp[1]);
	close(statp[1]);
	outp[1] = errp[1] = statp[1] = -1;

	int e;
	ssize_t n;
	do
		n = read(statp[0], &e, sizeof e);
	while (n < 0 && errno == EINTR);
	close(statp[0]);
	statp[0] = -1;
	r->started = n != (ssize_t)sizeof e;
	if (!r->started)
		r->exec_errno = e;

	set_nonblock_cloexec(outp[0]);
	set_nonblock_cloexec(errp[0]);
	struct buf out = {0}, err = {0};
	bool out_open = true, err_open = true, reaped = false;
	int status = 0;
	uint64_t deadline = start + (uint64_t)r->timeout_ms * 1000000u;
	while (!reaped) {
		/* The child has exited when waitid says so; keep it a zombie
		 * (WNOWAIT) until its group is killed, so the group id cannot
		 * be reused by then. */
		siginfo_t si;
		memset(&si, 0, sizeof si);
		if (waitid(P_PID, (id_t)pid, &si,
		           WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    si.si_pid == pid) {
			/* Collect what is still in the pipes, then reap. */
			if (out_open && drain(outp[0], &out) != 0)
				out_open = false;
			if (err_open && drain(errp[0], &err) != 0)
				err_open = false;
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			reaped = true;
			break;
		}
		uint64_t now = now_ns();
		if (now >= deadline) {
			r->timed_out = true;
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			reaped = true;
			break;
		}
		struct pollfd pfd[2];
		nfds_t nfd = 0;
		if (out_open)
			pfd[nfd++] = (struct pollfd){outp[0], POLLIN, 0};
		if (err_open)
			pfd[nfd++] = (struct pollfd){errp[0], POLLIN, 0};
		/* With both pipes closed only the exit is left to wait for;
		 * poll in short steps for it. */
		uint64_t left_ms = (deadline - now) / 1000000u + 1;
		int wait_ms = nfd ? (left_ms > 50 ? 50 : (int)left_ms)
		                  : (left_ms > 5 ? 5 : (int)left_ms);
		int pr = poll(nfd ? pfd : NULL, nfd, wait_ms);
		if (pr < 0 && errno != EINTR)
			break;
		if (out_open && drain(outp[0], &out) != 0)
			out_open = false;
		if (err_open && drain(errp[0], &err) != 0)
			err_open = false;
	}
	/* Anything written just before the end. */
	if (out_open)
		drain(outp[0], &out);
	if (err_open)
		drain(errp[0], &err);
	close(outp[0]);
	close(errp[0]);
	r->host_start_ns = start;
	r->host_end_ns = now_ns();
	r->elapsed_ns = r->host_end_ns - start;
	if (!r->timed_out)
		probe_set_status(r, status);
	buf_finish(&out);
	buf_finish(&err);
	r->leftovers = kill_leftovers(before, nbefore, r->leftover_names,
	                              sizeof r->leftover_names);
	r->out = out.p;
	r->out_len = out.len;
	r->err = err.p;
	r->err_len = err.len;
	free(argv);
	return 0;

fail:;
	int saved = errno;
	free(argv);
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
		if (statp[i] >= 0)
			close(statp[i]);
	}
	r->exec_errno = saved;
	r->out = strdup("");
	r->err = strdup("");
	errno = saved;
	return -1;
}

void probe_set_status(struct probe_result *r, int status)
{
	r->exited = WIFEXITED(status);
	r->exit_code = r->exited ? WEXITSTATUS(status) : 0;
	r->signaled = WIFSIGNALED(status);
	r->term_signal = r->signaled ? WTERMSIG(status) : 0;
}

void probe_result_free(struct probe_result *r)
{
	free(r->out);
	free(r->err);
	free(r->why);
	r->out = r->err = r->why = NULL;
}

const char *probe_signame(int sig)
{
	static __thread char buf[32];
	const char *abbrev = sigabbrev_np(sig);
	if (abbrev) {
		snprintf(buf, sizeof buf, "SIG%s", abbrev);
		return buf;
	}
	snprintf(buf, sizeof buf, "signal %d", sig);
	return buf;
}

bool probe_exited_with(const struct probe_result *r, int code)
{
	return r->started && r->exited && r->exit_code == code;
}

bool probe_killed_by(const struct probe_result *r, int sig)
{
	return r->started && r->signaled && r->term_signal == sig;
}

const char *probe_why(struct probe_result *r)
{
	char head[512];
	if (!r->started)
		snprintf(head, sizeof head,
		         "probe %s could not be executed from %s: %s", r->name,
		         probe_dir() ? probe_dir() : "(RT0_PROBE_DIR unset)",
		         strerror(r->exec_errno));
	else if (r->timed_out)
		snprintf(head, sizeof head, "probe %s timed out after %u ms",
		         r->name, r->timeout_ms);
	else if (r->signaled)
		snprintf(head, sizeof head, "probe %s killed by %s (%s)",
		         r->name, probe_signame(r->term_signal),
		         strsignal(r->term_signal));
	else
		snprintf(head, sizeof head, "probe %s exited with status %d",
		         r->name, r->exit_code);
	if (r->leftovers > 0) {
		size_t used = strlen(head);
		snprintf(head + used, sizeof head - used,
		         "; it left %d process(es) running, killed: %s",
		         r->leftovers, r->leftover_names);
	}

	/* The tail of stderr: the last lines hold the fatal message. */
	size_t start = r->err_len;
	int lines = 0;
	while (start > 0 && r->err_len - start < WHY_TAIL_BYTES) {
		if (r->err[start - 1] == '\n' && start != r->err_len &&
		    ++lines > WHY_TAIL_LINES)
			break;
		start--;
	}
	const char *tail = r->err ? r->err + start : "";
	free(r->why);
	if (asprintf(
	        &r->why, "%s; stderr%s:\n%s%s", head,
	        start > 0 ? " (tail)" : "", r->err_len ? tail : "(empty)\n",
	        r->err_len && r->err[r->err_len - 1] != '\n' ? "\n" : "") < 0)
		r->why = NULL;
	return r->why ? r->why : "probe_why: out of memory";
}

static long find_line(const char *buf, size_t len, const char *s, size_t from,
                      bool prefix)
{
	size_t slen = strlen(s);
	size_t pos = from;
	/* Start at the beginning of a line. */
	while (pos > 0 && pos < len && buf[pos - 1] != '\n')
		pos++;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		size_t llen = end - pos;
		if ((prefix ? llen >= slen : llen == slen) &&
		    memcmp(buf + pos, s, slen) == 0)
			return (long)pos;
		pos = end + 1;
	}
	return -1;
}

long probe_find_line(const char *buf, size_t len, const char *line, size_t from)
{
	return find_line(buf, len, line, from, false);
}

long probe_find_line_prefix(const char *buf, size_t len, const char *prefix,
                            size_t from)
{
	return find_line(buf, len, prefix, from, true);
}
