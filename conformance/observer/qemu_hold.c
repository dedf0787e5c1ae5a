/* qemu_hold.c: obs_spec.hold_first_thread_until under qemu-user.
 *
 * qemu's gdbstub cannot keep a thread waiting while another one stops
 * (README.md), so the probe's first new thread is held from outside the
 * guest: each guest thread is a host thread of qemu's, and the observer,
 * qemu's parent, may ptrace it alone. It is taken only while the guest
 * sleeps in nanosleep (Go's sysmon, between its looks): a thread stopped
 * in a host system call is not running guest code, so qemu's exclusive
 * sections (the code flush every gdbstub stop asks for) do not wait for
 * it, and it holds none of qemu's locks. Stopped anywhere else it could
 * hold up the whole emulator, so it is let go and tried again. */
#define _GNU_SOURCE
#include "obs_internal.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

/* How long one stop may spend catching the thread asleep, in tries
 * (each a stop and a look, then a pause): about 100 ms. */
#define CATCH_TRIES    500
#define CATCH_PAUSE_NS 200000

/* qemu's threads (its /proc task list), at most cap of them. */
static size_t tasks_of(pid_t qemu, pid_t *out, size_t cap)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", (int)qemu);
	DIR *d = opendir(path);
	size_t n = 0;
	for (struct dirent *e; d && n < cap && (e = readdir(d)) != NULL;) {
		long tid = strtol(e->d_name, NULL, 10);
		if (tid > 0)
			out[n++] = (pid_t)tid;
	}
	if (d)
		closedir(d);
	return n;
}

void obs_qhold_start(struct obs_qhold *h, pid_t qemu)
{
	memset(h, 0, sizeof *h);
	h->qemu = qemu;
	h->nbase = tasks_of(qemu, h->base, sizeof h->base / sizeof *h->base);
	h->on = h->nbase > 0;
}

/* qemu's first thread that was not there at the start: the guest's. */
static pid_t new_thread(const struct obs_qhold *h)
{
	pid_t now[64];
	size_t n = tasks_of(h->qemu, now, sizeof now / sizeof *now);
	for (size_t k = 0; k < n; k++) {
		bool old = false;
		for (size_t i = 0; !old && i < h->nbase; i++)
			old = h->base[i] == now[k];
		if (!old)
			return now[k];
	}
	return 0;
}

/* The host system call the stopped thread is in, -1 if none (it was
 * running), -2 if unreadable. */
static long host_syscall(pid_t qemu, pid_t tid)
{
	char path[64], buf[64] = "";
	snprintf(path, sizeof path, "/proc/%d/task/%d/syscall", (int)qemu,
	         (int)tid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -2;
	bool got = fgets(buf, sizeof buf, f) != NULL;
	fclose(f);
	if (!got || strncmp(buf, "running", 7) == 0)
		return -2;
	return strtol(buf, NULL, 10);
}

static bool is_sleep(long nr)
{
#ifdef SYS_nanosleep
	if (nr == SYS_nanosleep)
		return true;
#endif
	return nr == SYS_clock_nanosleep;
}

/* Waits for the interrupt's stop of tid, passing on any signal it takes
 * meanwhile. False when the thread is gone. */
static bool wait_interrupted(pid_t tid)
{
	for (;;) {
		int status;
		pid_t w = waitpid(tid, &status, __WALL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w != tid || !WIFSTOPPED(status))
			return false;
		if (status >> 16 == PTRACE_EVENT_STOP)
			return true;
		ptrace(PTRACE_CONT, tid, 0, (void *)(long)WSTOPSIG(status));
	}
}

void obs_qhold_poll(struct obs_qhold *h)
{
	if (!h->on || h->held)
		return;
	pid_t tid = new_thread(h);
	if (!tid)
		return;
	if (ptrace(PTRACE_SEIZE, tid, 0, 0) < 0) {
		h->on = false; /* not ours to hold: it runs free */
		return;
	}
	for (unsigned i = 0; i < CATCH_TRIES; i++) {
		if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0 ||
		    !wait_interrupted(tid)) {
			h->on = false; /* it ended */
			return;
		}
		if (is_sleep(host_syscall(h->qemu, tid))) {
			h->held = tid;
			return;
		}
		if (i + 1 == CATCH_TRIES)
			break;
		ptrace(PTRACE_CONT, tid, 0, 0);
		struct timespec pause = {0, CATCH_PAUSE_NS};
		nanosleep(&pause, NULL);
	}
	/* Never caught asleep: free until the next stop tries again (kept
	 * traced meanwhile, a signal's stop would hold it anywhere). */
	ptrace(PTRACE_DETACH, tid, 0, 0);
}

void obs_qhold_release(struct obs_qhold *h)
{
	h->on = false;
	if (!h->held)
		return;
	/* Detaching resumes it (its sleep restarts). A thread that died
	 * with the process meanwhile is ours to reap, or qemu's own wait
	 * status would never come. */
	if (ptrace(PTRACE_DETACH, h->held, 0, 0) < 0) {
		int status;
		for (int i = 0; i < 1000; i++) {
			pid_t w = waitpid(h->held, &status, __WALL | WNOHANG);
			if (w == h->held || (w < 0 && errno != EINTR))
				break;
			struct timespec pause = {0, 1000000};
			nanosleep(&pause, NULL);
		}
	}
	h->held = 0;
}
