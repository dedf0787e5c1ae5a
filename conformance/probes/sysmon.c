/* sysmon: Go's system monitor as a program sees it.
 *
 * The package init, the first code of the program's own, lists the
 * process's threads as the kernel has them (/proc/self/task) and asks the
 * runtime whether it has a sysmon M yet (rt0_sysmon_m); main.main prints
 * both as facts, with that M as the runtime has it once its thread has
 * recorded its id. Then it keeps the one P busy, without a system call that
 * sleeps, until the threads other than the main one have given up the CPU
 * argv[1] times between them (voluntary_ctxt_switches in /proc: sysmon's
 * sleeps) and for at least argv[2] ms (default 0), or for 20 s at most: a
 * tracer can make one switch look like several (each stop at a system call
 * is one too), so the switches alone could end the wait early. Every
 * nanosleep a tracer sees
 * meanwhile is sysmon's, and the suite reads sysmon's sleep schedule from
 * strace, outside the runtime. */
#include "arch.h"
#include "probe_util.h"
#include "rt0.h"
#include <asm/unistd.h>

#define MAX_TASKS   64
#define MAX_BUSY_MS 20000

static int64_t task_ids[MAX_TASKS];
static int ntasks;
static bool sysmon_at_init;
static struct rt0_m_info sysmon_m;

static int64_t parse_decimal(const char *s)
{
	int64_t v = 0;
	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 1000000000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* The thread ids in /proc/self/task, by getdents64. */
static void list_tasks(void)
{
	long fd = pu_sys3(__NR_openat, -100 /* AT_FDCWD */,
	                  (long)"/proc/self/task", 0 /* O_RDONLY */);
	if (fd < 0)
		return;
	static char buf[4096] __attribute__((aligned(8)));
	long n;
	while ((n = pu_sys3(__NR_getdents64, fd, (long)buf, sizeof buf)) > 0)
		for (long off = 0; off < n;) {
			/* linux_dirent64: ino, off, reclen (u16), type, name */
			unsigned short reclen =
			    *(unsigned short *)(buf + off + 16);
			int64_t tid = parse_decimal(buf + off + 19);
			if (tid > 0 && ntasks < MAX_TASKS)
				task_ids[ntasks++] = tid;
			off += reclen;
		}
	pu_sys3(__NR_close, fd, 0, 0);
}

static void init_main(void)
{
	list_tasks();
	sysmon_at_init = rt0_sysmon_m(&sysmon_m);
}

RT0_PACKAGE(pkg_main, "main", RT0_NO_IMPORTS, RT0_INITS(init_main));

/* The number after "voluntary_ctxt_switches:" in the thread's status. */
static int64_t voluntary_switches(int64_t tid)
{
	char path[64], buf[2048];
	pu_key(path, "/proc/self/task/", tid, "/status");
	long fd = pu_sys3(__NR_openat, -100 /* AT_FDCWD */, (long)path, 0);
	if (fd < 0)
		return 0;
	long n = pu_sys3(__NR_read, fd, (long)buf, sizeof buf - 1);
	pu_sys3(__NR_close, fd, 0, 0);
	buf[n > 0 ? n : 0] = '\0';
	static const char key[] = "voluntary_ctxt_switches:";
	for (char *p = buf; *p; p++)
		if (pu_has_prefix(p, key)) {
			int64_t v = 0;
			for (p += sizeof key - 1; *p == ' ' || *p == '\t'; p++)
				;
			for (; *p >= '0' && *p <= '9'; p++)
				v = v * 10 + (*p - '0');
			return v;
		}
	return 0;
}

static int64_t other_threads_switches(int64_t main_tid)
{
	int64_t sum = 0;
	for (int i = 0; i < ntasks; i++)
		if (task_ids[i] != main_tid)
			sum += voluntary_switches(task_ids[i]);
	return sum;
}

void main_main(void)
{
	int64_t want_switches = rt0_argc() > 1 ? parse_decimal(rt0_argv(1)) : 0;
	int64_t min_busy_ms = rt0_argc() > 2 ? parse_decimal(rt0_argv(2)) : 0;
	if (want_switches < 0 || want_switches > 100000 || min_busy_ms < 0 ||
	    min_busy_ms > MAX_BUSY_MS) {
		rt0_fact_str("error", "want: switches 0..100000 [ms 0..20000]");
		return;
	}
	struct rt0_m_info self;
	rt0_m_self(&self);
	/* sysmon's minit records its thread id on that thread, which may not
	 * have run yet (in Go too): wait for it, at most MAX_BUSY_MS. */
	int64_t waited_from = (pu_monotonic_ns() / 1000000);
	while (sysmon_at_init && rt0_sysmon_m(&sysmon_m) &&
	       sysmon_m.procid == 0 &&
	       (pu_monotonic_ns() / 1000000) - waited_from < MAX_BUSY_MS)
		;
	rt0_fact_int("pid", pu_sys3(__NR_getpid, 0, 0, 0));
	rt0_fact_int("main.tid", pu_sys3(__NR_gettid, 0, 0, 0));
	rt0_fact_int("main.m.id", self.id);
	rt0_fact_int("main.m.has_p", self.has_p);
	rt0_fact_int("init.tasks", ntasks);
	char key[64];
	for (int i = 0; i < ntasks; i++)
		rt0_fact_int(pu_key(key, "init.task.", i, ""), task_ids[i]);
	rt0_fact_int("sysmon.at_init", sysmon_at_init);
	if (sysmon_at_init) {
		rt0_fact_int("sysmon.id", sysmon_m.id);
		rt0_fact_int("sysmon.procid", sysmon_m.procid);
		rt0_fact_int("sysmon.has_p", sysmon_m.has_p);
		rt0_fact_hex("sysmon.g0_lo", sysmon_m.g0_lo);
		rt0_fact_hex("sysmon.g0_hi", sysmon_m.g0_hi);
	}
	/* Busy, in rounds of plain work between looks: reading the clock and
	 * /proc are the only system calls, and none of them sleeps. */
	int64_t main_tid = pu_sys3(__NR_gettid, 0, 0, 0), switches = 0;
	int64_t start = (pu_monotonic_ns() / 1000000), now = start;
	volatile uint64_t spin = 0;
	while (want_switches > 0 && now - start < MAX_BUSY_MS &&
	       ((switches = other_threads_switches(main_tid)) < want_switches ||
	        now - start < min_busy_ms)) {
		for (int i = 0; i < 100000; i++)
			spin += (uint64_t)i;
		now = (pu_monotonic_ns() / 1000000);
	}
	rt0_fact_int("busy.switches", switches);
	rt0_fact_int("busy.ms", now - start);
}
