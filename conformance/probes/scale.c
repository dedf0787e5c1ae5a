/* scale: every start-up invariant that rests on a batch, a cache or a table,
 * exercised well past its first boundary: the P's goid batches of 16
 * (runtime/proc.c GOID_BATCH), the run queue (a list in rt0; a 256-slot
 * ring in Go), the dead g's and the per-class stack pools they free into
 * (runtime/stack.c), persistentalloc's 256 KiB chunks that hold the g's,
 * and a channel's ring buffer (runtime/chan.c). The probe checks what it
 * can measure itself and states the result as facts; the suite adds the
 * trace and the observer.
 *   many     NMANY goroutines alive at once: each checks that its goid is
 *            the one rt0_go returned for it, marks its own stack, yields
 *            ROUNDS times and checks its mark; the rounds must come
 *            round-robin, each whole before the next; facts scale.many.*
 *            (below).
 *   waves    NWAVES waves of WAVE goroutines, each wave started once the
 *            last has exited: stacks come back from the pool; every page
 *            of each stack is written and read back; facts scale.waves.*.
 *   chan     CHAN_VALUES values through buffered channels of 3 and 7 slots
 *            (their rings wrap hundreds of times) and as many unbuffered
 *            hand-offs; facts scale.chan.*. */
#include <stdint.h>

#include "probe_util.h"
#include "rt0.h"

#define NMANY       2000
#define ROUNDS      3
#define NWAVES      50
#define WAVE        40
#define CHAN_VALUES 1000
#define PAGE        4096
/* Turns a waiting goroutine yields before it gives up: enough for any fair
 * scheduler, and a bound so a broken one cannot hang the probe (the suite
 * would see a timeout, later and less clearly). */
#define MAX_TURNS 1000000

static void fact_bad(const char *key, const char *what, int64_t a, int64_t b)
{
	/* "<what> <a> <b>": the first thing found wrong, once per key. */
	char v[96];
	size_t o = 0;
	for (const char *s = what; *s && o < 60; s++)
		v[o++] = *s;
	int64_t nums[2] = {a, b};
	for (int i = 0; i < 2; i++) {
		char d[24];
		int n = 0;
		uint64_t u =
		    nums[i] < 0 ? (uint64_t)-nums[i] : (uint64_t)nums[i];
		do
			d[n++] = (char)('0' + u % 10);
		while ((u /= 10) != 0);
		v[o++] = ' ';
		if (nums[i] < 0)
			v[o++] = '-';
		while (n > 0)
			v[o++] = d[--n];
	}
	v[o] = '\0';
	rt0_fact_str(key, v);
}

static int32_t started, finished;

/* The counters goroutines share: atomic, so that a run with several Ps
 * (GOMAXPROCS from the environment) counts right; returns the old value. */
static int32_t bump(int32_t *n)
{
	return __atomic_fetch_add(n, 1, __ATOMIC_SEQ_CST);
}

static int32_t count(int32_t *n)
{
	return __atomic_load_n(n, __ATOMIC_SEQ_CST);
}

/* ---- many ------------------------------------------------------------------
 */

static struct {
	int64_t spawned; /* what rt0_go returned */
	int64_t self;    /* rt0_goid() in the goroutine */
	uintptr_t lo, hi, local;
} many[NMANY];
static int32_t turns[ROUNDS][NMANY];
static int32_t nturns[ROUNDS];
/* The round of every turn, in the order the turns were taken. */
static int8_t turn_round[ROUNDS * NMANY];
static int32_t nturn_rounds;
static int32_t marks_bad = -1;

static void many_worker(void *arg)
{
	int32_t i = (int32_t)(intptr_t)arg;
	/* A mark on this goroutine's own stack, read back after every other
	 * goroutine has run: two goroutines on one stack would clobber it. */
	volatile uint64_t mark[8];
	for (int k = 0; k < 8; k++)
		mark[k] = 0x6d61726b00000000u ^ (uint64_t)i << 8 ^ (uint64_t)k;
	many[i].self = rt0_goid();
	rt0_stack_bounds(&many[i].lo, &many[i].hi);
	many[i].local = (uintptr_t)&mark[0];
	bump(&started);
	for (int r = 0; r < ROUNDS; r++) {
		turns[r][bump(&nturns[r])] = i;
		turn_round[bump(&nturn_rounds)] = (int8_t)r;
		rt0_gosched();
	}
	for (int k = 0; k < 8; k++)
		if (mark[k] != (0x6d61726b00000000u ^ (uint64_t)i << 8 ^
		                (uint64_t)k) &&
		    marks_bad < 0)
			marks_bad = i;
	bump(&finished);
}

static void run_many(void)
{
	for (int32_t i = 0; i < NMANY; i++)
		many[i].spawned = rt0_go(many_worker, (void *)(intptr_t)i);
	for (int t = 0; t < MAX_TURNS && count(&finished) < NMANY; t++)
		rt0_gosched();
	if (count(&finished) < NMANY) {
		fact_bad("scale.many.stuck", "finished of", count(&finished),
		         NMANY);
		return;
	}
	rt0_fact_int("scale.many.n", NMANY);
	/* goids: each the one rt0_go returned, consecutive, none twice. */
	int32_t bad = -1;
	for (int32_t i = 0; i < NMANY && bad < 0; i++)
		if (many[i].self != many[i].spawned ||
		    (i > 0 && many[i].spawned != many[i - 1].spawned + 1))
			bad = i;
	rt0_fact_int("scale.many.goid.first", many[0].spawned);
	rt0_fact_int("scale.many.goid.last", many[NMANY - 1].spawned);
	if (bad >= 0)
		fact_bad("scale.many.goid.bad",
		         "goroutine rt0_go-goid self-goid", many[bad].spawned,
		         many[bad].self);
	/* Stacks: each goroutine's local inside its own, no two stacks (with
	 * the guard page below each) overlapping. Sorted by lo first. */
	static int32_t order[NMANY];
	for (int32_t i = 0; i < NMANY; i++)
		order[i] = i;
	for (int32_t i = 1; i < NMANY;
	     i++) { /* insertion sort: mostly sorted */
		int32_t v = order[i], j = i;
		while (j > 0 && many[order[j - 1]].lo > many[v].lo) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = v;
	}
	int32_t overlap = -1, outside = -1;
	for (int32_t k = 0; k < NMANY; k++) {
		int32_t i = order[k];
		if (many[i].local < many[i].lo || many[i].local >= many[i].hi)
			outside = outside < 0 ? i : outside;
		if (k > 0 && many[order[k - 1]].hi + PAGE > many[i].lo)
			overlap = overlap < 0 ? i : overlap;
	}
	if (outside >= 0)
		fact_bad("scale.many.stack.outside", "goroutine local-offset",
		         many[outside].spawned,
		         (int64_t)(many[outside].local - many[outside].lo));
	if (overlap >= 0)
		fact_bad("scale.many.stack.overlap", "goroutine lo-delta",
		         many[overlap].spawned, 0);
	if (marks_bad >= 0)
		fact_bad("scale.many.stack.clobbered", "goroutine", marks_bad,
		         0);
	/* The run queue: round-robin, so every goroutine takes its turn of
	 * a round before any takes its turn of the next, and every round in
	 * the same order as the first. */
	int32_t unfair = -1;
	for (int32_t k = 1; k < nturn_rounds && unfair < 0; k++)
		if (turn_round[k] < turn_round[k - 1])
			unfair = turn_round[k - 1];
	for (int r = 0; r < ROUNDS; r++) {
		if (nturns[r] != NMANY && unfair < 0)
			unfair = r;
		for (int32_t k = 0; k < nturns[r] && unfair < 0; k++)
			if (turns[r][k] != turns[0][k])
				unfair = r;
	}
	rt0_fact_int("scale.many.rounds", ROUNDS);
	if (unfair >= 0)
		fact_bad("scale.many.runq.bad", "round turns", unfair,
		         nturns[unfair]);
}

/* ---- waves
 * --------------------------------------------------------------------- */

static uintptr_t wave_los[NWAVES * WAVE];
static int32_t nwave_los;
static int32_t touch_bad = -1;

static void wave_worker(void *arg)
{
	int32_t n = (int32_t)(intptr_t)arg;
	uintptr_t lo, hi;
	rt0_stack_bounds(&lo, &hi);
	wave_los[nwave_los++] = lo;
	/* Every page of the stack, below this frame, written and read back:
	 * the stack is really there, whatever size was claimed for it. */
	volatile char here = 0;
	uintptr_t top = ((uintptr_t)&here - 1024) & ~(uintptr_t)(PAGE - 1);
	for (uintptr_t p = lo; p < top; p += PAGE) {
		volatile uint32_t *w = (volatile uint32_t *)p;
		*w = 0x77617665u ^ (uint32_t)n;
		if (*w != (0x77617665u ^ (uint32_t)n) && touch_bad < 0)
			touch_bad = n;
	}
	(void)here;
	bump(&finished);
}

static void run_waves(void)
{
	for (int32_t w = 0; w < NWAVES; w++) {
		int32_t before = count(&finished);
		for (int32_t k = 0; k < WAVE; k++)
			rt0_go(wave_worker, (void *)(intptr_t)(w * WAVE + k));
		for (int t = 0;
		     t < MAX_TURNS && count(&finished) < before + WAVE; t++)
			rt0_gosched();
		/* A worker that counted itself may not have exited yet where
		 * Ms run in parallel. The runtime's own count says when they
		 * have, but this invariant is not about that count (the main
		 * suite's is): a few turns per worker, not MAX_TURNS, so a
		 * count that never comes down cannot stall the waves. */
		for (int t = 0; t < 4 * WAVE && rt0_num_goroutine() > 1; t++)
			rt0_gosched();
	}
	int32_t distinct = 0;
	for (int32_t i = 0; i < nwave_los; i++) {
		int32_t k = 0;
		while (k < i && wave_los[k] != wave_los[i])
			k++;
		distinct += k == i;
	}
	rt0_fact_int("scale.waves.goroutines", nwave_los);
	rt0_fact_int("scale.waves.per_wave", WAVE);
	rt0_fact_int("scale.waves.stacks", distinct);
	if (touch_bad >= 0)
		fact_bad("scale.waves.touch.bad", "goroutine", touch_bad, 0);
}

/* ---- chan
 * -------------------------------------------------------------------- */

static struct rt0_chan *chans[3];
static int32_t chan_bad[3] = {-1, -1, -1};

static void producer(void *arg)
{
	struct rt0_chan *c = chans[(intptr_t)arg];
	for (uintptr_t v = 0; v < CHAN_VALUES; v++) {
		rt0_chan_send(c, v);
		if (v % 5 == 0) /* let the consumer drain part of the ring */
			rt0_gosched();
	}
	bump(&finished);
}

static void run_chan(void)
{
	chans[0] = rt0_chan_make(3);
	chans[1] = rt0_chan_make(7);
	chans[2] = rt0_chan_make(0);
	int32_t before = count(&finished);
	for (intptr_t k = 0; k < 3; k++)
		rt0_go(producer, (void *)k);
	for (uintptr_t v = 0; v < CHAN_VALUES; v++)
		for (int k = 0; k < 3; k++) {
			uintptr_t got = rt0_chan_recv(chans[k]);
			if (got != v && chan_bad[k] < 0)
				chan_bad[k] = (int32_t)v;
			if (v % 7 == 0)
				rt0_gosched();
		}
	for (int t = 0; t < MAX_TURNS && count(&finished) < before + 3; t++)
		rt0_gosched();
	rt0_fact_int("scale.chan.values", CHAN_VALUES);
	static const char *const keys[3] = {"scale.chan.cap3.bad",
	                                    "scale.chan.cap7.bad",
	                                    "scale.chan.unbuffered.bad"};
	for (int k = 0; k < 3; k++)
		if (chan_bad[k] >= 0)
			fact_bad(keys[k], "value-index", chan_bad[k], 0);
}

void main_main(void)
{
	const char *s = PU_SCENARIO();
	if (pu_streq(s, "many"))
		run_many();
	else if (pu_streq(s, "waves"))
		run_waves();
	else if (pu_streq(s, "chan"))
		run_chan();
	else
		rt0_fact_str("scale.error", "unknown scenario");
	(void)started;
}
