/* exits: how a program ends, one scenario per argv[1].
 *   mainreturns     main returns while a goroutine spins: exit 0 at once
 *   panicmain       panic in main.main
 *   panicinit       panic in a package init (package exits/p)
 *   panicgoroutine  panic in the first user goroutine
 *   goexit          main calls Goexit with nothing else left
 *   goexitwait      main calls Goexit while a worker still runs a while
 *   deadlock        main receives on a channel nobody sends on
 *   chan            unbuffered and buffered channels between goroutines
 *   gonil           go of a nil function */
#include "probe_util.h"
#include "rt0.h"

#define MAX_TURNS 100000

/* The running goroutine's traceback header as a fact (Go: the first line
 * of runtime.Stack(buf, false)). */
static void header_fact(const char *key)
{
	char line[96];
	rt0_goroutine_header(line, sizeof line);
	rt0_fact_str(key, line);
}

static void pkg_init(void)
{
	rt0_fact_int("init.goid", rt0_goid());
	header_fact("init.header");
	if (pu_streq(PU_SCENARIO(), "panicinit"))
		rt0_panic("boom in init");
}

RT0_PACKAGE(pkg_p, "exits/p", RT0_NO_IMPORTS, RT0_INITS(pkg_init));

static int32_t spinner_ran;

static void spinner(void *arg)
{
	(void)arg;
	__atomic_store_n(&spinner_ran, 1, __ATOMIC_SEQ_CST);
	for (;;)
		rt0_gosched();
}

static void panicker(void *arg)
{
	(void)arg;
	rt0_fact_int("panicker.goid", rt0_goid());
	rt0_panic("boom in goroutine");
}

static void slow_worker(void *arg)
{
	(void)arg;
	for (int r = 0; r < 5; r++) {
		rt0_fact_int("worker.round", r);
		rt0_gosched();
	}
	rt0_fact_int("worker.done", 1);
	rt0_flush(); /* must be visible before the fatal message that follows */
}

/* Ping-pong over two unbuffered channels: each send is a rendezvous. */
#define PINGS 50
static struct rt0_chan *ping, *pong;

static void ponger(void *arg)
{
	(void)arg;
	for (int i = 0; i < PINGS; i++)
		rt0_chan_send(pong, rt0_chan_recv(ping) + 1);
}

#define NBUF 10
static struct rt0_chan *buffered;

static void producer(void *arg)
{
	(void)arg;
	for (uintptr_t v = 1; v <= NBUF; v++)
		rt0_chan_send(buffered, v);
}

static void channels(void)
{
	int ok = 0;

	ping = rt0_chan_make(0);
	pong = rt0_chan_make(0);
	rt0_go(ponger, NULL);
	for (uintptr_t i = 0; i < PINGS; i++) {
		rt0_chan_send(ping, 2 * i);
		ok += rt0_chan_recv(pong) == 2 * i + 1;
	}
	rt0_fact_int("chan.unbuffered.rounds", PINGS);
	rt0_fact_int("chan.unbuffered.ok", ok);

	/* Sends up to the capacity complete without a receiver. */
	buffered = rt0_chan_make(4);
	for (uintptr_t v = 100; v < 104; v++)
		rt0_chan_send(buffered, v);
	rt0_fact_int("chan.buffered.nonblocking", 1);
	char got[4 * 4 + 1];
	int n = 0;
	for (int i = 0; i < 4; i++) {
		uintptr_t v = rt0_chan_recv(buffered);
		got[n++] = (char)('0' + v / 100);
		got[n++] = (char)('0' + v / 10 % 10);
		got[n++] = (char)('0' + v % 10);
		got[n++] = i < 3 ? ',' : '\0';
	}
	rt0_fact_str("chan.buffered.fifo", got);

	/* A producer that runs ahead of the consumer by up to 4 values. */
	rt0_go(producer, NULL);
	char order[NBUF * 3 + 1];
	n = 0;
	for (int i = 0; i < NBUF; i++) {
		uintptr_t v = rt0_chan_recv(buffered);
		if (v >= 10)
			order[n++] = (char)('0' + v / 10);
		order[n++] = (char)('0' + v % 10);
		order[n++] = ',';
	}
	order[n - 1] = '\0';
	rt0_fact_str("chan.buffered.order", order);
}

void main_main(void)
{
	const char *s = PU_SCENARIO();

	rt0_fact_str("scenario", s);
	header_fact("main.header");
	if (pu_streq(s, "mainreturns")) {
		rt0_go(spinner, NULL);
		for (int t = 0;
		     t < MAX_TURNS &&
		     !__atomic_load_n(&spinner_ran, __ATOMIC_SEQ_CST);
		     t++)
			rt0_gosched();
		rt0_fact_int("spinner.ran", spinner_ran);
		return;
	}
	if (pu_streq(s, "panicmain"))
		rt0_panic("boom in main");
	if (pu_streq(s, "panicinit")) {
		rt0_fact_int("main.ran", 1); /* must not get here */
		return;
	}
	if (pu_streq(s, "panicgoroutine")) {
		rt0_go(panicker, NULL);
		for (int t = 0; t < MAX_TURNS; t++)
			rt0_gosched();
		rt0_fact_int("main.survived", 1);
		return;
	}
	if (pu_streq(s, "goexit")) {
		rt0_fact_int("main.goexit", 1);
		rt0_goexit();
	}
	if (pu_streq(s, "goexitwait")) {
		rt0_go(slow_worker, NULL);
		rt0_fact_int("main.goexit", 1);
		rt0_goexit();
	}
	if (pu_streq(s, "deadlock")) {
		struct rt0_chan *never = rt0_chan_make(0);
		rt0_chan_recv(never);
		rt0_fact_int("main.survived", 1);
		return;
	}
	if (pu_streq(s, "chan")) {
		channels();
		return;
	}
	if (pu_streq(s, "gonil")) {
		/* volatile: not a constant the compiler could see through */
		rt0_fn volatile nil = NULL;
		rt0_go(nil, NULL);
		rt0_fact_int("main.survived", 1);
		return;
	}
	rt0_panic("exits: unknown scenario");
}
