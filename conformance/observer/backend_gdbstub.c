/* backend_gdbstub.c: the observer for foreign arches: the probe runs as
 * `qemu-<arch> -g SOCKET [-L sysroot] probe args...`, and the observer is
 * the gdb client (rsp.c). qemu-user waits for the client before the first
 * guest instruction, so every start-up function can be caught.
 *
 * The socket is a Unix one, in a directory only we can enter, instead of
 * a TCP port: qemu-user binds a TCP gdbstub to every interface, where
 * anyone who connects first owns the process, and a port picked as free
 * can be taken again before qemu binds it (parallel ctest runs). qemu 7.2
 * takes a path for -g; the path is removed as soon as we are connected.
 *
 * Registers are found by name in the target description qemu sends
 * (qXfer:features:read), since their numbers differ between CPUs and qemu
 * versions (arm64's TPIDR_EL0 is 240 in qemu 7.2's "max" CPU, in a
 * generated system-registers.xml). The load bias comes from the guest's
 * auxv (qXfer:auxv:read), so PIE probes (external mode) work too. */
#define _GNU_SOURCE
#include "obs_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rsp.h"

#define GDB_SIGTRAP 5     /* gdb's signal numbers are its own */
#define MEM_CHUNK   1024  /* bytes per 'm': 2 KiB of hex fits qemu's 4 KiB */
#define XFER_CHUNK  0xf00 /* per qXfer read: under qemu's 4 KiB packets */

struct stub {
	struct obs_session *s;
	struct rsp rsp;
	struct rsp_tdesc tdesc;
	char thread[48];       /* the thread 'g'/'p'/'m' read: Hg's */
	bool detached;         /* released: qemu runs the probe on without us */
	struct obs_qhold hold; /* obs_spec.hold_first_thread_until */
};

static int st_reg_lookup(void *c, const char *name)
{
	struct stub *x = c;
	const struct rsp_reg *r = rsp_tdesc_find(&x->tdesc, name);
	return r && r->bitsize <= 64 ? (int)(r - x->tdesc.regs) : -1;
}

static bool st_reg_read(void *c, int id, uint64_t *v)
{
	struct stub *x = c;
	if (id < 0)
		return false;
	const struct rsp_reg *r = &x->tdesc.regs[id];
	char pkt[32];
	snprintf(pkt, sizeof pkt, "p%x", r->regnum);
	size_t n = (size_t)r->bitsize / 8;
	unsigned char b[8];
	if (!rsp_cmd(&x->rsp, pkt, false) || x->rsp.reply_len < 2 * n ||
	    !rsp_unhex(x->rsp.reply, n, b))
		return false;
	*v = obs_arch_word(x->s->arch, b, n); /* in the target's byte order */
	return true;
}

static bool st_mem_read(void *c, uint64_t addr, void *buf, size_t n)
{
	struct stub *x = c;
	for (size_t done = 0; done < n;) {
		size_t k = n - done < MEM_CHUNK ? n - done : MEM_CHUNK;
		char pkt[64];
		snprintf(pkt, sizeof pkt, "m%" PRIx64 ",%zx", addr + done, k);
		/* An error ("E14") is how an unmapped address answers. */
		if (!rsp_cmd(&x->rsp, pkt, false) ||
		    x->rsp.reply_len != 2 * k ||
		    !rsp_unhex(x->rsp.reply, k, (unsigned char *)buf + done))
			return false;
		done += k;
	}
	return true;
}

static const struct obs_target_ops stub_ops = {st_reg_lookup, st_reg_read,
                                               st_mem_read};

/* A qXfer object (features or auxv), read in pieces, into a fresh
 * NUL-terminated buffer. */
static char *xfer(struct stub *x, const char *object, const char *annex,
                  size_t *len)
{
	char *out = NULL;
	size_t n = 0;
	for (;;) {
		char pkt[256];
		snprintf(pkt, sizeof pkt, "qXfer:%s:read:%s:%zx,%x", object,
		         annex, n, XFER_CHUNK);
		if (!rsp_cmd(&x->rsp, pkt, true) ||
		    (x->rsp.reply[0] != 'm' && x->rsp.reply[0] != 'l')) {
			free(out);
			return NULL;
		}
		size_t k = x->rsp.reply_len - 1;
		char *p = realloc(out, n + k + 1);
		if (!p) {
			free(out);
			return NULL;
		}
		out = p;
		memcpy(out + n, x->rsp.reply + 1, k);
		n += k;
		out[n] = '\0';
		if (x->rsp.reply[0] == 'l' || k == 0)
			break;
		if (n > (1u << 20)) { /* a description is a few KiB */
			free(out);
			return NULL;
		}
	}
	if (len)
		*len = n;
	return out;
}

static bool read_tdesc(struct stub *x)
{
	char *top = xfer(x, "features", "target.xml", NULL);
	if (!top)
		return false;
	bool ok = rsp_tdesc_add(&x->tdesc, top);
	char href[128];
	for (size_t i = 0; ok && rsp_tdesc_include(top, i, href, sizeof href);
	     i++) {
		char *feature = xfer(x, "features", href, NULL);
		ok = feature && rsp_tdesc_add(&x->tdesc, feature);
		free(feature);
	}
	free(top);
	return ok;
}

/* Waits for the stub to stop again: a breakpoint, a signal, or the end. */
static bool wait_stop(struct stub *x, struct rsp_stop *stop)
{
	for (;;) {
		if (!rsp_recv(&x->rsp, false))
			return false;
		if (x->rsp.reply[0] == 'O' && x->rsp.reply[1])
			continue; /* console output */
		if (!rsp_parse_stop(x->rsp.reply, stop)) {
			snprintf(x->rsp.error, sizeof x->rsp.error,
			         "unexpected reply '%.60s' while running",
			         x->rsp.reply);
			return false;
		}
		return true;
	}
}

static bool ok_reply(struct stub *x, const char *pkt)
{
	return rsp_cmd(&x->rsp, pkt, false) && strcmp(x->rsp.reply, "OK") == 0;
}

static bool set_bp(struct stub *x, const struct obs_bp *bp, bool insert)
{
	char pkt[64];
	snprintf(pkt, sizeof pkt, "%c0,%" PRIx64 ",%u", insert ? 'Z' : 'z',
	         bp->addr, x->s->arch->bp_kind);
	return ok_reply(x, pkt);
}

/* Reads must go to the thread that stopped. qemu 7.2 points Hg at it by
 * itself, but the protocol does not promise that, so it is said once per
 * stop (one round trip, about 0.1 ms) and not again for that stop's
 * reads. */
static bool select_thread(struct stub *x, const char *thread)
{
	if (!thread[0] || strcmp(thread, x->thread) == 0)
		return true;
	char pkt[64];
	snprintf(pkt, sizeof pkt, "Hg%s", thread);
	if (!ok_reply(x, pkt))
		return false;
	snprintf(x->thread, sizeof x->thread, "%s", thread);
	return true;
}

/* "p01.2b89" -> 0x2b89: the thread id part, for the stops' tid. */
static int64_t thread_tid(const char *thread)
{
	const char *dot = strchr(thread, '.');
	return (int64_t)strtoll(dot ? dot + 1 : thread, NULL, 16);
}

/* Connects to qemu's socket as soon as it listens; qemu itself may fail
 * first (a bad sysroot, a probe it cannot load). */
static int connect_stub(struct obs_session *s, const char *path, pid_t qemu,
                        int *status, bool *reaped)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	long nap_ns = 50000; /* qemu listens within some 20 ms */
	for (;;) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
			return fd;
		close(fd);
		if (errno != ENOENT && errno != ECONNREFUSED)
			return -1;
		if (waitpid(qemu, status, WNOHANG) == qemu) {
			*reaped = true;
			errno = ECHILD;
			return -1;
		}
		if (obs_now_ns() >= s->deadline_ns) {
			errno = ETIMEDOUT;
			return -1;
		}
		struct timespec ts = {0, nap_ns};
		nanosleep(&ts, NULL);
		if (nap_ns < 1000000)
			nap_ns *= 2;
	}
}

static const char *last_symbol(struct obs_session *s)
{
	struct obs_result *r = s->res;
	return r->nstops ? s->spec->symbols[r->stops[r->nstops - 1].symbol]
	                 : "(none yet)";
}

static _Noreturn void child(const struct obs_spec *spec, const char *qemu,
                            const char *sock, int outfd, int errfd,
                            int statusfd)
{
	obs_child_setup(outfd, errfd);
	size_t nargs = 0;
	while (spec->args && spec->args[nargs])
		nargs++;
	char **argv = calloc(nargs + 8, sizeof *argv);
	static char *const empty_env[] = {NULL};
	if (argv) {
		size_t i = 0;
		argv[i++] = (char *)qemu;
		argv[i++] = "-g";
		argv[i++] = (char *)sock;
		if (spec->sysroot && *spec->sysroot) {
			argv[i++] = "-L";
			argv[i++] = (char *)spec->sysroot;
		}
		argv[i++] = (char *)spec->probe;
		for (size_t k = 0; k < nargs; k++)
			argv[i++] = (char *)spec->args[k];
		execve(qemu, argv, spec->env ? (char **)spec->env : empty_env);
	}
	int e = errno;
	ssize_t w = write(statusfd, &e, sizeof e);
	(void)w;
	_exit(127);
}

/* After qemu said W or X (or closed the connection): it exits by itself. */
static bool reap_qemu(struct obs_session *s, pid_t qemu, int *status)
{
	while (obs_now_ns() < s->deadline_ns) {
		pid_t w = waitpid(qemu, status, WNOHANG);
		if (w == qemu)
			return true;
		if (w < 0 && errno != EINTR)
			return false;
		struct timespec ts = {0, 200000};
		nanosleep(&ts, NULL);
	}
	return false;
}

/* The return breakpoints the last stop asked for. */
static bool insert_pending(struct stub *x)
{
	struct obs_session *s = x->s;
	for (size_t i = 0; i < s->nbps; i++)
		if (s->bps[i].pending) {
			s->bps[i].pending = false;
			if (!set_bp(x, &s->bps[i], true))
				return false;
		}
	return true;
}

static bool disarm_all(struct stub *x)
{
	struct obs_session *s = x->s;
	for (size_t i = 0; i < s->nbps; i++)
		if (s->bps[i].armed) {
			if (!s->bps[i].pending && !set_bp(x, &s->bps[i], false))
				return false;
			s->bps[i].armed = false;
		}
	return true;
}

/* Released (obs_spec.release_after): qemu must stop reporting to us at
 * all, or a signal that two of the probe's threads take at once (Go's
 * preemption signal) breaks its gdbstub as two breakpoints would. D lets
 * the probe run on; once we close the connection qemu's gdbstub gives up
 * (its next report fails and it drops the socket) and the guest's signals
 * go to the guest. The probe's end is then qemu's exit, reaped as usual. */
static bool detach(struct stub *x, const char *thread)
{
	/* D;PID names the process as the stop reply did ("p01.2b89": 1 on
	 * qemu 7.2, the host pid on qemu 10, which takes "D;1" for another
	 * process and leaves the probe to die of the breakpoint's trap). */
	char pkt[32] = "D";
	if (thread[0] == 'p') {
		size_t n = strcspn(thread + 1, ".");
		if (n > 0 && n < 16)
			snprintf(pkt, sizeof pkt, "D;%.*s", (int)n, thread + 1);
	}
	if (!rsp_cmd(&x->rsp, pkt, false) || strcmp(x->rsp.reply, "OK") != 0)
		return false;
	close(x->rsp.fd);
	x->rsp.fd = -1;
	x->detached = true;
	return true;
}

/* Lets the probe run to its end, recording a stop at each armed
 * breakpoint. True when it ended (stop is the W or X); false when the
 * stub failed or the deadline came (x->rsp says which). */
static bool follow(struct stub *x, struct rsp_stop *stop)
{
	struct obs_session *s = x->s;
	char resume[16] = "c";
	for (;;) {
		if (!rsp_send(&x->rsp, resume) || !wait_stop(x, stop))
			return false;
		x->thread[0] = '\0'; /* a new stop: Hg to be said again */
		snprintf(resume, sizeof resume, "c");
		if (stop->kind == 'W' || stop->kind == 'X')
			return true;
		if (stop->value != GDB_SIGTRAP) {
			/* A signal: the probe gets it, as it would without
			 * us (gdb's "signal N"); a fatal one ends it in X. */
			snprintf(resume, sizeof resume, "C%02x", stop->value);
			continue;
		}
		uint64_t pc;
		if (!select_thread(x, stop->thread) ||
		    !st_reg_read(x, s->reg_pc, &pc))
			return false;
		struct obs_bp *bp = obs_bp_at(s, pc);
		if (!bp || !bp->armed) {
			snprintf(resume, sizeof resume, "C%02x", GDB_SIGTRAP);
			continue; /* a trap of the probe's own */
		}
		bool more = obs_record_stop(s, &stub_ops, x, bp,
		                            thread_tid(stop->thread));
		if (x->hold.on &&
		    (!more || strcmp(s->spec->symbols[bp->symbol],
		                     s->spec->hold_first_thread_until) == 0))
			obs_qhold_release(&x->hold);
		else
			obs_qhold_poll(&x->hold);
		if (!more || !bp->armed) {
			/* Its last hit: it goes, and the probe runs on from
			 * here without a step (each stop costs qemu-user a
			 * flush of all its translated code). */
			bp->armed = false;
			if (!set_bp(x, bp, false) ||
			    (!more && !disarm_all(x)) ||
			    (more && !insert_pending(x)))
				return false;
			if (!more && s->res->released)
				return detach(x, stop->thread);
			continue;
		}
		/* Resumed at a breakpoint, qemu reports it again: step over
		 * its instruction without it, then put it back. */
		char step[80];
		snprintf(step, sizeof step, "vCont;s:%s",
		         stop->thread[0] ? stop->thread : "-1");
		if (!set_bp(x, bp, false) || !rsp_send(&x->rsp, step) ||
		    !wait_stop(x, stop))
			return false;
		if (stop->kind == 'W' || stop->kind == 'X')
			return true;
		if (stop->value != GDB_SIGTRAP)
			snprintf(resume, sizeof resume, "C%02x", stop->value);
		if (!set_bp(x, bp, true) || !insert_pending(x))
			return false;
	}
}

enum obs_status obs_run_gdbstub(struct obs_session *s)
{
	struct probe_result *pr = &s->res->probe;
	struct stub x = {.s = s};
	rsp_init(&x.rsp, -1, s->deadline_ns);
	const char *log = getenv("RT0_OBSERVE_RSP_LOG");
	if (log && *log)
		x.rsp.log = fopen(log, "a");
	char dir[] = "/tmp/rt0-observe-XXXXXX", sock[64] = "";
	bool have_dir = false, reaped = false;
	int outfd = -1, errfd = -1, statp[2] = {-1, -1}, status = 0;
	pid_t qemu = -1;
	char qemu_path[4096];

	if (!probe_find_program(s->spec->qemu, qemu_path, sizeof qemu_path)) {
		obs_fail(s, OBS_ESETUP,
		         "cannot find %s (apt-get install "
		         "qemu-user)",
		         s->spec->qemu);
		goto out;
	}
	if (!mkdtemp(dir)) {
		obs_fail(s, OBS_ESETUP, "mkdtemp: %s", strerror(errno));
		goto out;
	}
	have_dir = true;
	snprintf(sock, sizeof sock, "%s/gdb", dir);
	outfd = memfd_create("obs-out", MFD_CLOEXEC);
	errfd = memfd_create("obs-err", MFD_CLOEXEC);
	if (outfd < 0 || errfd < 0 || pipe2(statp, O_CLOEXEC) < 0) {
		obs_fail(s, OBS_ESETUP, "memfd/pipe: %s", strerror(errno));
		goto out;
	}
	qemu = fork();
	if (qemu < 0) {
		obs_fail(s, OBS_ESETUP, "fork: %s", strerror(errno));
		goto out;
	}
	if (qemu == 0)
		child(s->spec, qemu_path, sock, outfd, errfd, statp[1]);
	setpgid(qemu, qemu);
	s->res->pid = qemu;
	close(statp[1]);
	statp[1] = -1;
	int e = 0;
	ssize_t n;
	do
		n = read(statp[0], &e, sizeof e);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof e) {
		pr->exec_errno = e;
		obs_fail(s, OBS_ESETUP, "cannot execute %s: %s", qemu_path,
		         strerror(e));
		goto out;
	}
	pr->started = true;

	x.rsp.fd = connect_stub(s, sock, qemu, &status, &reaped);
	if (x.rsp.fd < 0) {
		if (errno == ETIMEDOUT)
			pr->timed_out = true;
		obs_fail(s, errno == ETIMEDOUT ? OBS_ETIMEOUT : OBS_ESETUP,
		         "no gdbstub from %s: %s", s->spec->qemu,
		         errno == ECHILD ? "qemu exited first"
		                         : strerror(errno));
		if (reaped)
			probe_set_status(pr, status);
		goto out;
	}
	unlink(sock);
	rmdir(dir);
	have_dir = false;

	struct rsp_stop stop;
	uint64_t at_entry = 0;
	char *auxv = NULL;
	size_t auxv_len = 0;
	if (!rsp_cmd(&x.rsp, "qSupported:multiprocess+;swbreak+", false) ||
	    !rsp_cmd(&x.rsp, "?", false) ||
	    !rsp_parse_stop(x.rsp.reply, &stop)) {
		obs_fail(s, OBS_ETRACER, "gdbstub handshake: %s",
		         x.rsp.error[0] ? x.rsp.error : x.rsp.reply);
		goto out;
	}
	if (!read_tdesc(&x)) {
		obs_fail(s, OBS_ETRACER, "no target description from %s: %s",
		         s->spec->qemu, x.rsp.error);
		goto out;
	}
	auxv = xfer(&x, "auxv", "", &auxv_len);
	bool have_entry = auxv && obs_auxv_entry(s, (unsigned char *)auxv,
	                                         auxv_len, &at_entry);
	free(auxv);
	if (!have_entry) {
		obs_fail(s, OBS_ETRACER, "no AT_ENTRY in the guest's auxv");
		goto out;
	}
	obs_apply_bias(s, at_entry);
	if (obs_resolve_regs(s, &stub_ops, &x) != OBS_OK)
		goto out;
	for (size_t i = 0; i < s->nbps; i++)
		if (!set_bp(&x, &s->bps[i], true)) {
			obs_fail(
			    s, OBS_ETRACER,
			    "cannot set a breakpoint at 0x%" PRIx64 " (%s): %s",
			    s->bps[i].addr, s->spec->symbols[s->bps[i].symbol],
			    x.rsp.error[0] ? x.rsp.error : x.rsp.reply);
			goto out;
		}

	if (s->spec->hold_first_thread_until)
		obs_qhold_start(&x.hold, qemu);
	stop.kind = 0;
	follow(&x, &stop);
	obs_qhold_release(&x.hold);
	if (stop.kind != 'W' && stop.kind != 'X' && !x.rsp.closed &&
	    !x.detached) {
		if (x.rsp.timed_out) {
			pr->timed_out = true;
			obs_fail(s, OBS_ETIMEOUT,
			         "the probe did not finish in %u ms under %s "
			         "(last stop: %s); killed",
			         pr->timeout_ms, s->spec->qemu, last_symbol(s));
		} else {
			obs_fail(s, OBS_ETRACER, "gdbstub: %s", x.rsp.error);
		}
		goto out;
	}
	/* qemu exits with the guest's status, or kills itself with the
	 * guest's fatal signal: its wait status is the probe's. */
	if (!reap_qemu(s, qemu, &status)) {
		pr->timed_out = true;
		obs_fail(s, OBS_ETIMEOUT,
		         "%s did not exit after the probe "
		         "ended; killed",
		         s->spec->qemu);
		goto out;
	}
	reaped = true;
	probe_set_status(pr, status);
	if (pr->signaled)
		obs_fail(s, OBS_ECRASH,
		         "the probe was killed by %s under %s (last stop: %s)",
		         probe_signame(pr->term_signal), s->spec->qemu,
		         last_symbol(s));

out:
	if (x.rsp.fd >= 0) {
		/* Polite first: k ends the guest; the kill below makes
		 * sure. */
		if (!reaped && !x.rsp.closed) {
			x.rsp.deadline_ns = obs_now_ns() + 100000000u;
			rsp_send(&x.rsp, "k");
		}
		close(x.rsp.fd);
	}
	if (qemu > 0 && !reaped)
		obs_kill_and_reap(qemu, qemu, &status);
	if (have_dir) {
		unlink(sock);
		rmdir(dir);
	}
	obs_collect_output(s, outfd, errfd);
	if (outfd >= 0)
		close(outfd);
	if (errfd >= 0)
		close(errfd);
	for (int i = 0; i < 2; i++)
		if (statp[i] >= 0)
			close(statp[i]);
	rsp_tdesc_free(&x.tdesc);
	rsp_free(&x.rsp);
	if (x.rsp.log)
		fclose(x.rsp.log);
	return s->res->status;
}
