/* backend_ptrace.c: the native observer (amd64 hosts): the probe runs
 * under ptrace; each function entry gets an int3, and at each hit the
 * stopped thread's registers and memory are read through ptrace and
 * process_vm_readv.
 *
 * A hit is stepped over the way debuggers do: put the original byte back,
 * single-step that thread, put the int3 back. Other threads keep running
 * meanwhile and could pass the entry unseen in that instant; rt0 is single
 * threaded, and Go's start-up is single threaded up to runtime.main's
 * sysmon, which is as far as a start-up observer needs to look. */
#define _GNU_SOURCE
#include "obs_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <sys/user.h>

#define INT3 0xccu

struct ptrace_ctx {
	struct obs_session *s;
	pid_t pid; /* the process (its leader) */
	pid_t tid; /* the stopped thread being read */
	struct user_regs_struct regs;
	bool have_regs;
};

static int pt_reg_lookup(void *c, const char *name)
{
	struct ptrace_ctx *x = c;
	const struct obs_native_reg *r = x->s->arch->native_regs;
	for (int i = 0; r[i].name; i++)
		if (strcmp(r[i].name, name) == 0)
			return i;
	return -1;
}

static bool pt_reg_read(void *c, int id, uint64_t *v)
{
	struct ptrace_ctx *x = c;
	if (id < 0)
		return false;
	if (!x->have_regs) {
		if (ptrace(PTRACE_GETREGS, x->tid, 0, &x->regs) < 0)
			return false;
		x->have_regs = true;
	}
	size_t off = x->s->arch->native_regs[id].offset;
	memcpy(v, (const char *)&x->regs + off, sizeof *v);
	return true;
}

static bool pt_mem_read(void *c, uint64_t addr, void *buf, size_t n)
{
	struct ptrace_ctx *x = c;
	struct iovec local = {buf, n};
	struct iovec remote = {(void *)(uintptr_t)addr, n};
	return process_vm_readv(x->pid, &local, 1, &remote, 1, 0) == (ssize_t)n;
}

static const struct obs_target_ops pt_ops = {pt_reg_lookup, pt_reg_read,
                                             pt_mem_read};

/* Waits for the next event of the probe's threads (they are all in its
 * process group), until the deadline. Every ptrace stop and exit sends
 * us SIGCHLD, which obs_run_ptrace keeps blocked so that sigtimedwait can
 * sleep until it comes: a poll with naps would add its nap to each of the
 * two waits a stop takes. The wait is cut into short slices in case the
 * signal goes to another thread of the caller's that does not block it.
 * Returns the tid, 0 at the deadline, -1 on error. */
static pid_t wait_event(struct obs_session *s, pid_t who, int *status)
{
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		pid_t w = waitpid(who, status, WNOHANG | __WALL);
		if (w != 0) {
			if (w < 0 && errno == EINTR)
				continue;
			return w;
		}
		uint64_t now = obs_now_ns();
		if (now >= s->deadline_ns)
			return 0;
		uint64_t left = s->deadline_ns - now;
		struct timespec slice = {
		    0, (long)(left < 10000000u ? left : 10000000u)};
		sigtimedwait(&chld, NULL, &slice);
	}
}

static bool poke_byte(pid_t pid, uint64_t addr, uint64_t word, unsigned byte)
{
	uint64_t w = (word & ~(uint64_t)0xff) | byte;
	return ptrace(PTRACE_POKEDATA, pid, (void *)(uintptr_t)addr,
	              (void *)(uintptr_t)w) == 0;
}

static bool insert_bp(pid_t pid, struct obs_bp *bp)
{
	errno = 0;
	long w = ptrace(PTRACE_PEEKDATA, pid, (void *)(uintptr_t)bp->addr, 0);
	if (errno)
		return false;
	bp->saved = (uint64_t)w;
	return poke_byte(pid, bp->addr, bp->saved, INT3);
}

/* Puts back the one byte int3 replaced: the rest of the word may hold
 * another breakpoint's int3, set or removed since. */
static bool remove_bp(pid_t pid, struct obs_bp *bp)
{
	errno = 0;
	long w = ptrace(PTRACE_PEEKDATA, pid, (void *)(uintptr_t)bp->addr, 0);
	return errno == 0 &&
	       poke_byte(pid, bp->addr, (uint64_t)w, bp->saved & 0xff);
}

/* The return breakpoints the last stop asked for, written through the
 * stopped thread tid (ptrace reads and writes only through a thread in a
 * ptrace stop; the others may be running). */
static bool insert_pending(struct obs_session *s, pid_t tid)
{
	for (size_t i = 0; i < s->nbps; i++)
		if (s->bps[i].pending) {
			s->bps[i].pending = false;
			if (!insert_bp(tid, &s->bps[i]))
				return false;
		}
	return true;
}

/* The thread stopped just after the int3 at bp: rewind it, run the real
 * first instruction, and re-arm. *gone when the thread ended meanwhile: the
 * process ended (exit_group kills a thread even in a ptrace stop; ESRCH, or
 * ECHILD once it was reaped with the process). False when ptrace failed us
 * otherwise. */
static bool step_over(struct obs_session *s, pid_t tid, struct obs_bp *bp,
                      struct user_regs_struct *regs, int *status, bool *gone)
{
	regs->rip = bp->addr;
	if (ptrace(PTRACE_SETREGS, tid, 0, regs) < 0 || !remove_bp(tid, bp))
		return *gone = errno == ESRCH;
	int pass = 0;
	for (int tries = 0; tries < 8; tries++) {
		if (ptrace(PTRACE_SINGLESTEP, tid, 0, (void *)(intptr_t)pass) <
		    0)
			return *gone = errno == ESRCH;
		pid_t w = wait_event(s, tid, status);
		if (w < 0)
			return *gone = errno == ECHILD;
		if (w == 0)
			return false;
		if (!WIFSTOPPED(*status)) {
			*gone = true;
			return true;
		}
		if (WSTOPSIG(*status) == SIGTRAP)
			break;
		/* A signal arrived first: deliver it on the next step. */
		pass = WSTOPSIG(*status);
	}
	return insert_bp(tid, bp);
}

static void disarm_all(struct obs_session *s, pid_t pid)
{
	for (size_t i = 0; i < s->nbps; i++)
		if (s->bps[i].armed) {
			if (!s->bps[i].pending) /* never inserted */
				remove_bp(pid, &s->bps[i]);
			s->bps[i].armed = false;
		}
}

/* obs_spec.hold_first_thread_until: the first thread the probe clones
 * waits at its first stop. Its stop can be reported before the clone
 * event that names it (two clones in a row: the second thread's stop
 * first), so a new thread stopped before the first clone event waits until
 * that event says whether it is the one. */
struct hold {
	bool on;
	pid_t first;      /* the first clone's thread; 0 until its event */
	bool first_waits; /* its first stop came: it waits for the release */
	pid_t early[16];  /* new threads stopped before the first clone */
	size_t nearly;
};

static void hold_resume(pid_t tid)
{
	ptrace(PTRACE_CONT, tid, 0, 0);
}

/* A new thread's first stop: whether it stays stopped. */
static bool hold_new_thread(struct hold *h, pid_t tid)
{
	if (!h->on)
		return false;
	if (h->first == tid)
		return h->first_waits = true;
	if (h->first != 0 || h->nearly == sizeof h->early / sizeof *h->early)
		return false;
	h->early[h->nearly++] = tid;
	return true;
}

/* A clone event of thread parent: the first names the thread to hold. */
static void hold_clone(struct hold *h, pid_t parent)
{
	unsigned long tid = 0;
	if (!h->on || h->first != 0 ||
	    ptrace(PTRACE_GETEVENTMSG, parent, 0, &tid) < 0)
		return;
	h->first = (pid_t)tid;
	for (size_t i = 0; i < h->nearly; i++)
		if (h->early[i] == h->first)
			h->first_waits = true;
		else
			hold_resume(h->early[i]);
	h->nearly = 0;
}

static void hold_release(struct hold *h)
{
	if (h->first_waits)
		hold_resume(h->first);
	for (size_t i = 0; i < h->nearly; i++)
		hold_resume(h->early[i]);
	memset(h, 0, sizeof *h);
}

static bool read_auxv_entry(struct obs_session *s, pid_t pid, uint64_t *entry)
{
	char path[64];
	unsigned char auxv[4096];
	snprintf(path, sizeof path, "/proc/%d/auxv", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, auxv, sizeof auxv);
	close(fd);
	return n > 0 && obs_auxv_entry(s, auxv, (size_t)n, entry);
}

static const char *last_symbol(struct obs_session *s)
{
	struct obs_result *r = s->res;
	return r->nstops ? s->spec->symbols[r->stops[r->nstops - 1].symbol]
	                 : "(none yet)";
}

static _Noreturn void child(const struct obs_spec *spec, int outfd, int errfd,
                            int statusfd)
{
	obs_child_setup(outfd, errfd);
	size_t nargs = 0;
	while (spec->args && spec->args[nargs])
		nargs++;
	char **argv = calloc(nargs + 2, sizeof *argv);
	static char *const empty_env[] = {NULL};
	if (argv) {
		argv[0] = (char *)spec->probe;
		for (size_t i = 0; i < nargs; i++)
			argv[i + 1] = (char *)spec->args[i];
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) == 0)
			execve(spec->probe, argv,
			       spec->env ? (char **)spec->env : empty_env);
	}
	int e = errno;
	ssize_t w = write(statusfd, &e, sizeof e);
	(void)w;
	_exit(127);
}

enum obs_status obs_run_ptrace(struct obs_session *s)
{
	struct probe_result *pr = &s->res->probe;
	/* SIGCHLD stays pending for wait_event (see there); the caller's
	 * mask comes back at the end. A SIGCHLD still pending then reaches
	 * the caller's handler, if any, as a spurious one. */
	sigset_t chld, old_mask;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &chld, &old_mask);
	int outfd = memfd_create("obs-out", MFD_CLOEXEC);
	int errfd = memfd_create("obs-err", MFD_CLOEXEC);
	int statp[2] = {-1, -1};
	pid_t pid = -1;
	int status = 0;
	bool reaped = false;
	if (outfd < 0 || errfd < 0 || pipe2(statp, O_CLOEXEC) < 0) {
		obs_fail(s, OBS_ESETUP, "memfd/pipe: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		obs_fail(s, OBS_ESETUP, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0)
		child(s->spec, outfd, errfd, statp[1]);
	setpgid(pid, pid);
	s->res->pid = pid;
	s->native_pid = pid;
	close(statp[1]);
	statp[1] = -1;
	int e = 0;
	ssize_t n;
	do
		n = read(statp[0], &e, sizeof e);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof e) {
		pr->exec_errno = e;
		obs_fail(s, OBS_ESETUP, "cannot execute %s: %s", s->spec->probe,
		         strerror(e));
		goto out;
	}
	pr->started = true;

	/* The stop at the end of execve: the image is mapped, nothing of it
	 * has run. */
	pid_t w = wait_event(s, pid, &status);
	if (w <= 0 || !WIFSTOPPED(status)) {
		reaped = w > 0;
		obs_fail(s, w == 0 ? OBS_ETIMEOUT : OBS_ETRACER,
		         "the probe did not stop after execve");
		goto out;
	}
	ptrace(PTRACE_SETOPTIONS, pid, 0,
	       PTRACE_O_EXITKILL | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC);
	uint64_t at_entry;
	if (!read_auxv_entry(s, pid, &at_entry)) {
		obs_fail(s, OBS_ETRACER, "cannot read AT_ENTRY of pid %d",
		         (int)pid);
		goto out;
	}
	obs_apply_bias(s, at_entry);
	struct ptrace_ctx ctx = {.s = s, .pid = pid, .tid = pid};
	if (obs_resolve_regs(s, &pt_ops, &ctx) != OBS_OK)
		goto out;
	for (size_t i = 0; i < s->nbps; i++)
		if (!insert_bp(pid, &s->bps[i])) {
			obs_fail(
			    s, OBS_ETRACER,
			    "cannot set a breakpoint at 0x%" PRIx64 " (%s): %s",
			    s->bps[i].addr, s->spec->symbols[s->bps[i].symbol],
			    strerror(errno));
			goto out;
		}

	pid_t resume = pid;
	int pass = 0;
	struct hold hold = {.on = s->spec->hold_first_thread_until != NULL};
	for (;;) {
		if (resume > 0 &&
		    ptrace(PTRACE_CONT, resume, 0, (void *)(intptr_t)pass) <
		        0 &&
		    errno != ESRCH) {
			obs_fail(s, OBS_ETRACER, "PTRACE_CONT: %s",
			         strerror(errno));
			goto out;
		}
		pass = 0;
		w = wait_event(s, -pid, &status);
		if (w == 0) {
			pr->timed_out = true;
			obs_fail(
			    s, OBS_ETIMEOUT,
			    "the probe did not finish in %u ms (last stop: "
			    "%s); killed",
			    pr->timeout_ms, last_symbol(s));
			goto out;
		}
		if (w < 0) {
			obs_fail(s, OBS_ETRACER, "waitpid: %s",
			         strerror(errno));
			goto out;
		}
		resume = w;
		if (!WIFSTOPPED(status)) {
			if (w != pid)
				continue; /* a thread ended; others go on */
			reaped = true;
			break;
		}
		int sig = WSTOPSIG(status);
		int event = status >> 16;
		if (event == PTRACE_EVENT_CLONE)
			hold_clone(&hold, w);
		if (event) /* clone or exec: nothing else to do but go on */
			continue;
		if (sig == SIGSTOP && w != pid) {
			/* A new thread's first stop. */
			if (hold_new_thread(&hold, w))
				resume = 0;
			continue;
		}
		if (sig != SIGTRAP) {
			pass = sig; /* the probe's business, a crash included */
			continue;
		}
		struct ptrace_ctx at = {.s = s, .pid = pid, .tid = w};
		uint64_t rip;
		if (!pt_reg_read(&at, s->reg_pc, &rip)) {
			obs_fail(s, OBS_ETRACER, "PTRACE_GETREGS: %s",
			         strerror(errno));
			goto out;
		}
		struct obs_bp *bp = obs_bp_at(s, rip - 1);
		if (bp && !bp->armed && !bp->pending) {
			/* Another thread reached the int3 just before the last
			 * hit took it away: back onto the original instruction,
			 * no signal (Go dies of a SIGTRAP it did not raise). */
			at.regs.rip = bp->addr;
			if (ptrace(PTRACE_SETREGS, w, 0, &at.regs) < 0) {
				obs_fail(s, OBS_ETRACER, "PTRACE_SETREGS: %s",
				         strerror(errno));
				goto out;
			}
			continue;
		}
		if (!bp) {
			pass = SIGTRAP; /* not ours: the probe's own trap */
			continue;
		}
		bool more = obs_record_stop(s, &pt_ops, &at, bp, w);
		if (hold.on &&
		    (!more || strcmp(s->spec->symbols[bp->symbol],
		                     s->spec->hold_first_thread_until) == 0))
			hold_release(&hold);
		if (!more || !bp->armed) {
			/* Its last hit: rewind onto the original instruction
			 * and go on from there, no step needed. */
			at.regs.rip = bp->addr;
			if (ptrace(PTRACE_SETREGS, w, 0, &at.regs) < 0 ||
			    !remove_bp(w, bp)) {
				obs_fail(s, OBS_ETRACER,
				         "cannot remove the breakpoint at %s",
				         s->spec->symbols[bp->symbol]);
				goto out;
			}
			bp->armed = false;
			if (!more)
				disarm_all(s, w);
			else if (!insert_pending(s, w))
				goto no_return_bp;
			continue;
		}
		bool gone = false;
		if (!step_over(s, w, bp, &at.regs, &status, &gone)) {
			obs_fail(s, OBS_ETRACER,
			         "cannot step over the breakpoint at %s",
			         s->spec->symbols[bp->symbol]);
			goto out;
		}
		if (gone && w == pid && !WIFSTOPPED(status)) {
			reaped = true;
			break;
		}
		if (!gone && !insert_pending(s, w))
			goto no_return_bp;
	}
	probe_set_status(pr, status);
	if (pr->signaled)
		obs_fail(s, OBS_ECRASH,
		         "the probe was killed by %s (last stop: %s)",
		         probe_signame(pr->term_signal), last_symbol(s));
	goto out;
no_return_bp:
	obs_fail(s, OBS_ETRACER, "cannot set a breakpoint where %s returns: %s",
	         last_symbol(s), strerror(errno));
out:
	/* Once the probe is reaped its group id may be reused: it is only
	 * killed (with anything it started) while it is still ours. */
	if (pid > 0 && !reaped)
		obs_kill_and_reap(pid, pid, &status);
	obs_collect_output(s, outfd, errfd);
	if (outfd >= 0)
		close(outfd);
	if (errfd >= 0)
		close(errfd);
	for (int i = 0; i < 2; i++)
		if (statp[i] >= 0)
			close(statp[i]);
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	return s->res->status;
}

#else /* !__x86_64__ */

enum obs_status obs_run_ptrace(struct obs_session *s)
{
	return obs_fail(s, OBS_EBADSPEC,
	                "native observing is written for x86-64 hosts only");
}

#endif
