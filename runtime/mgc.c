/* mgc.c: the GC's start-up half (Go: mgc.go, mgcsweep.go, mgcscavenge.go,
 * proc.go's forcegchelper). There is no collector to drive; what start-up
 * must show is that the background goroutines exist, have run, and park. */
#include "runtime.h"

static void forcegchelper(void *unused)
{
	(void)unused;
	TRACE("runtime.forcegchelper");
	for (;;) /* until sysmon would want a GC */
		gopark(WAIT_FORCEGC_IDLE, NULL);
}

void forcegc_start(void)
{
	newproc1(forcegchelper, NULL, true, STACK_SYSTEM);
}

static void bgsweep(void *c)
{
	TRACE("runtime.bgsweep");
	rt0_chan_send(c, 1);
	for (;;)
		gopark(WAIT_GC_SWEEP, NULL);
}

static void bgscavenge(void *c)
{
	TRACE("runtime.bgscavenge");
	rt0_chan_send(c, 1);
	for (;;)
		gopark(WAIT_GC_SCAVENGE, NULL);
}

void gcenable(void)
{
	TRACE("runtime.gcenable");
	/* Go: c := make(chan int, 2); go bgsweep(c); go bgscavenge(c); <-c; <-c
	 */
	struct rt0_chan *c = rt0_chan_make(2);
	newproc1(bgsweep, c, true, STACK_SYSTEM);
	newproc1(bgscavenge, c, true, STACK_SYSTEM);
	rt0_chan_recv(c);
	rt0_chan_recv(c);
	TRACE("runtime.gcenable.done");
}
