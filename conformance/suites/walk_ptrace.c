/* walk_ptrace.c: see walk_ptrace.h. */
#define _GNU_SOURCE
#include "walk_ptrace.h"

#include <errno.h>
#include <fcntl.h>
#include <libunwind-ptrace.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rt0conf/elfinfo.h"

/* The same cap as the probe's in-process walks. */
#define WALK_MAX_FRAMES 32

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* "rt0 fact KEY=VALUE" with VALUE percent-encoded as TRACE.md wants. */
static void put_fact(int fd, const char *key, const char *val)
{
	char line[512];
	size_t o = (size_t)snprintf(line, sizeof line, "rt0 fact %s=", key);
	for (const unsigned char *p = (const unsigned char *)val;
	     *p && o + 5 < sizeof line; p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == '%')
			o += (size_t)snprintf(line + o, sizeof line - o,
			                      "%%%02X", *p);
		else
			line[o++] = (char)*p;
	}
	line[o++] = '\n';
	ssize_t w = write(fd, line, o);
	(void)w;
}

static void put_fact_hex(int fd, const char *key, uint64_t v)
{
	char s[32];
	snprintf(s, sizeof s, "0x%llx", (unsigned long long)v);
	put_fact(fd, key, s);
}

static void put_fact_int(int fd, const char *key, long long v)
{
	char s[32];
	snprintf(s, sizeof s, "%lld", v);
	put_fact(fd, key, s);
}

/* A NUL-terminated string of at most cap-1 bytes from the tracee. */
static bool peek_string(pid_t pid, uint64_t addr, char *buf, size_t cap)
{
	size_t o = 0;
	while (o + 1 < cap) {
		errno = 0;
		long word = ptrace(PTRACE_PEEKDATA, pid, (void *)(addr + o), 0);
		if (errno)
			return false;
		for (size_t k = 0; k < sizeof word && o + 1 < cap; k++, o++) {
			buf[o] = ((const char *)&word)[k];
			if (!buf[o])
				return true;
		}
	}
	buf[o] = '\0';
	return true;
}

/* The basename of the file mapped at pc in the tracee, like the external
 * probe's dladdr; "?" when pc lies in no file mapping. *exec: the mapping
 * is executable (the probe's dl_iterate_phdr check). */
static void obj_of(pid_t pid, uint64_t pc, char *buf, size_t cap, int *exec)
{
	char path[64], line[PATH_MAX + 128];
	snprintf(buf, cap, "?");
	*exec = 0;
	snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		unsigned long long lo, hi;
		char perms[8] = "";
		int name_at = 0;
		if (sscanf(line, "%llx-%llx %7s %*s %*s %*s %n", &lo, &hi,
		           perms, &name_at) < 3 ||
		    pc < lo || pc >= hi)
			continue;
		*exec = perms[2] == 'x';
		char *name = line + name_at;
		name[strcspn(name, "\n")] = '\0';
		if (name[0] == '/') {
			const char *base = strrchr(name, '/') + 1;
			snprintf(buf, cap, "%s", base);
		}
		break;
	}
	fclose(f);
}

/* One walk of the stopped tracee, as facts into fd. */
static void walk_remote(pid_t pid, const char *w, int fd)
{
	char key[128], name[128], obj[128];
	unw_addr_space_t as = unw_create_addr_space(&_UPT_accessors, 0);
	void *ui = as ? _UPT_create(pid) : NULL;
	unw_cursor_t c;
	if (!ui || unw_init_remote(&c, as, ui) != 0) {
		snprintf(key, sizeof key, "walk.%s.end", w);
		put_fact(fd, key, "init-failed");
		goto out;
	}
	int i = 0, step = 1;
	const char *end = "cap";
	while (i < WALK_MAX_FRAMES) {
		unw_word_t ip = 0, sp = 0, off = 0;
		unw_get_reg(&c, UNW_REG_IP, &ip);
		unw_get_reg(&c, UNW_REG_SP, &sp);
		/* No symbol: garbage, unless the catalogue says otherwise. */
		if (unw_get_proc_name(&c, name, sizeof name, &off) != 0) {
			snprintf(name, sizeof name, "?");
			off = 0;
		}
		int exec;
		obj_of(pid, ip, obj, sizeof obj, &exec);
		snprintf(key, sizeof key, "walk.%s.%d.name", w, i);
		put_fact(fd, key, name);
		snprintf(key, sizeof key, "walk.%s.%d.obj", w, i);
		put_fact(fd, key, obj);
		snprintf(key, sizeof key, "walk.%s.%d.off", w, i);
		put_fact_hex(fd, key, off);
		snprintf(key, sizeof key, "walk.%s.%d.pc", w, i);
		put_fact_hex(fd, key, ip);
		snprintf(key, sizeof key, "walk.%s.%d.sp", w, i);
		put_fact_hex(fd, key, sp);
		snprintf(key, sizeof key, "walk.%s.%d.exec", w, i);
		put_fact_int(fd, key, exec);
		i++;
		step = unw_step(&c);
		if (step <= 0) {
			end = step == 0 ? "end" : "error";
			break;
		}
	}
	snprintf(key, sizeof key, "walk.%s.n", w);
	put_fact_int(fd, key, i);
	snprintf(key, sizeof key, "walk.%s.end", w);
	put_fact(fd, key, end);
	snprintf(key, sizeof key, "walk.%s.step", w);
	put_fact_int(fd, key, step);
out:
	if (ui)
		_UPT_destroy(ui);
	if (as)
		unw_destroy_addr_space(as);
}

static char *read_all(int fd, size_t *len)
{
	struct stat st;
	*len = 0;
	if (fstat(fd, &st) < 0)
		return strdup("");
	char *p = malloc((size_t)st.st_size + 1);
	if (!p)
		return NULL;
	ssize_t n = pread(fd, p, (size_t)st.st_size, 0);
	*len = n > 0 ? (size_t)n : 0;
	p[*len] = '\0';
	return p;
}

static _Noreturn void child(const char *path, const char *const *env, int outfd,
                            int errfd)
{
	setpgid(0, 0);
	struct rlimit no_core = {0, 0};
	setrlimit(RLIMIT_CORE, &no_core);
	int devnull = open("/dev/null", O_RDONLY);
	if (devnull > 0) {
		dup2(devnull, 0);
		close(devnull);
	}
	dup2(outfd, 1);
	dup2(errfd, 2);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	static char *const empty_env[] = {NULL};
	char *argv[] = {(char *)path, NULL};
	if (ptrace(PTRACE_TRACEME, 0, 0, 0) == 0)
		execve(path, argv, env ? (char **)env : empty_env);
	dprintf(2, "walk_ptrace: cannot trace/exec %s: %s\n", path,
	        strerror(errno));
	_exit(127);
}

int walk_ptrace_run(const char *name, const char *const *env,
                    struct probe_result *r)
{
	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "%s", name);
	double t = PROBE_DEFAULT_TIMEOUT_MS * probe_timeout_scale();
	r->timeout_ms = t > UINT_MAX ? UINT_MAX : (unsigned)t;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", probe_dir() ? probe_dir() : ".",
	         name);

	/* Where the probe names its stop: the global walk_where (a char *),
	 * read from the static probe's symbol table. */
	struct elf_info elf;
	uint64_t where_addr = 0;
	bool have_sym = elf_open(path, &elf);
	if (have_sym) {
		have_sym = elf_symbol(&elf, "walk_where", &where_addr);
		elf_close(&elf);
	}
	if (!have_sym) {
		r->exec_errno = ENOENT;
		r->out = strdup("");
		r->err =
		    strdup("walk_ptrace: no symbol walk_where in the probe\n");
		r->err_len = strlen(r->err);
		errno = ENOENT;
		return -1;
	}

	/* Files, not pipes: the tracer writes its walks into the probe's
	 * stderr while it is stopped, and nothing can fill up and block. */
	int outfd = memfd_create("walk-out", MFD_CLOEXEC);
	int errfd = memfd_create("walk-err", MFD_CLOEXEC);
	if (outfd < 0 || errfd < 0)
		return -1;
	uint64_t start = now_ns();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		child(path, env, outfd, errfd);
	setpgid(pid, pid);
	r->started = true;

	uint64_t deadline = start + (uint64_t)r->timeout_ms * 1000000u;
	bool execed = false;
	int status = 0;
	for (;;) {
		/* Every thread of the probe: PTRACE_O_TRACECLONE makes each
		 * new M a tracee, whose int3 stops here too (walk m). */
		int st = 0;
		pid_t w = waitpid(-1, &st, WNOHANG | __WALL);
		if (w == 0) {
			if (now_ns() >= deadline) {
				r->timed_out = true;
				kill(-pid, SIGKILL);
				kill(pid, SIGKILL);
				waitpid(pid, &status, 0);
				break;
			}
			struct timespec ms = {0, 1000000};
			nanosleep(&ms, NULL);
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			break;
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (w != pid)
				continue; /* one of its threads */
			status = st;
			break;
		}
		int sig = WSTOPSIG(st), pass = 0;
		if (st >> 16 == PTRACE_EVENT_CLONE) {
			/* the new thread's own first stop follows */
		} else if (sig == SIGSTOP && w != pid) {
			/* A new thread starts stopped, as a tracee. */
		} else if (sig == SIGTRAP && !execed) {
			/* The stop after execve; the tracee dies with us. */
			execed = true;
			ptrace(PTRACE_SETOPTIONS, pid, 0,
			       PTRACE_O_EXITKILL | PTRACE_O_TRACECLONE);
		} else if (sig == SIGTRAP) {
			/* A breakpoint: int3 has already moved the pc past
			 * itself, so continuing without the signal goes on. */
			char where[32] = "?";
			errno = 0;
			long p = ptrace(PTRACE_PEEKDATA, w,
			                (void *)(uintptr_t)where_addr, 0);
			if (errno == 0 && p != 0)
				peek_string(w, (uint64_t)p, where,
				            sizeof where);
			walk_remote(w, where, errfd);
		} else {
			pass = sig; /* anything else is the probe's business */
		}
		ptrace(PTRACE_CONT, w, 0, (void *)(intptr_t)pass);
	}
	r->elapsed_ns = now_ns() - start;
	if (!r->timed_out)
		probe_set_status(r, status);
	r->out = read_all(outfd, &r->out_len);
	r->err = read_all(errfd, &r->err_len);
	close(outfd);
	close(errfd);
	return 0;
}
