/* sysmon.c: Go's system monitor (proc.go sysmon), on an M of its own
 * without a P, started by runtime.main before the runtime's init.
 *
 * Go's sysmon wakes on a schedule that backs off while it finds nothing to
 * do: 20 us sleeps, doubled once it has been idle for 50 rounds (1 ms),
 * up to 10 ms (go1.19 proc.go:5134-5153). Each round it retakes Ps blocked
 * in system calls and preempts goroutines that ran over 10 ms (retake), and
 * injects the forced GC's goroutine when one is due. rt0's goroutines
 * never enter a system call as Go's entersyscall does (a P stays with its
 * M), and run until they yield, so no round finds anything to retake or
 * preempt (DESIGN 1, Threads): sysmon keeps
 * Go's schedule and counts its rounds as idle, and the forced GC (2
 * minutes, forcegcperiod) is left to the GC that rt0 does not have. */
#include "runtime.h"

#define SYSMON_FIRST_DELAY_US 20
#define SYSMON_IDLE_ROUNDS    50 /* rounds at 20 us before backing off */
#define SYSMON_MAX_DELAY_US   10000

/* Go's usleep (sys_linux_amd64.s): nanosleep, the rest ignored. */
static void usleep(uint32_t us)
{
	struct {
		long sec, nsec;
	} ts = {(long)(us / 1000000), (long)(us % 1000000) * 1000};
	sys_nanosleep(&ts);
}

/* The next sleep after idle rounds that found nothing, given the last. */
static uint32_t sysmon_delay(uint32_t idle, uint32_t delay)
{
	if (idle == 0)
		delay = SYSMON_FIRST_DELAY_US;
	else if (idle > SYSMON_IDLE_ROUNDS)
		delay *= 2;
	return delay > SYSMON_MAX_DELAY_US ? SYSMON_MAX_DELAY_US : delay;
}

static _Noreturn void sysmon(void *unused)
{
	(void)unused;
	uint32_t idle = 0, delay = 0;
	for (;;) {
		delay = sysmon_delay(idle, delay);
		usleep(delay);
		/* retake found nothing (go1.19 proc.go:5254-5258) */
		if (idle < UINT32_MAX)
			idle++;
	}
}

/* runtime.main's newm(sysmon, nil, -1) (go1.19 proc.go:169-173). */
void sysmon_start(void)
{
	newm(sysmon, NULL);
}

bool rt0_sysmon_m(struct rt0_m_info *out)
{
	for (struct m *mp = sched.allm; mp != NULL; mp = mp->alllink)
		if (mp->mstartfn == sysmon) {
			m_info(mp, NULL, out);
			return true;
		}
	return false;
}
