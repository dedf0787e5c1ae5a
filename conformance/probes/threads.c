/* threads: Ms beyond m0 (rt0_newm) and Go's atomics hammered from them.
 *
 * Each M first says who it is: what the runtime believes (rt0_m_self) next
 * to what the probe measures itself, with its own system calls and SP: the
 * kernel's thread and process ids and the thread's signal mask. Then, once
 * every M is ready, all of them hammer the same words at once, and the main
 * goroutine prints the final values and counts as facts after the last M
 * is done (only the main goroutine writes output: facts are buffered).
 *
 * Before making any M the main goroutine blocks SIGUSR2: Go gives a new M
 * the mask the process started with (initSigmask), not its creator's.
 * argv[1], when given, is the iterations per M.
 *
 * Under libc each M is a pthread, and the probe asks the C library for the
 * thread's own stack (pthread_getattr_np), beside the g0 bounds the runtime
 * took from it.
 *
 * argv[1] "serial" makes each M only once the one before is ready, so that
 * one thread at a time enters m_main: the observer stops there on each
 * M's thread (a debugger cannot take two threads stopping at once under
 * qemu-user). */
#ifdef RT0_LINK_EXTERNAL
#define _GNU_SOURCE /* pthread_getattr_np */
#include <pthread.h>
#endif
#include "arch.h"
#include "probe_util.h"
#include "rt0.h"
#include <asm/unistd.h>

#define NMS       4 /* one byte each of the Or8/And8 word */
#define SIGUSR2_  12
#define MAX_ITERS 1000000
/* Atomicity only fails while two Ms really run at once, which a loaded
 * machine may not allow for a while: each M goes on past its iterations
 * until the Ms have seen each other's updates land between their own this
 * many times, and another M's write has landed inside an M's Or8/And8 as
 * often, or for at most MAX_HAMMER_NS. */
#define WANT_OVERLAP  2000
#define MAX_HAMMER_NS 3000000000ll

struct m_report {
	struct rt0_m_info self, after; /* at its start; once every M runs */
	int64_t iters;
	int64_t id_returned;
	uintptr_t sp;
	long tid, pid;
	uint64_t sigmask;
	uintptr_t os_stack_lo, os_stack_hi; /* the C library's, under libc */
	uint64_t xadd_interleaved; /* xadd results that skipped past ours */
	/* The same for the probe's own counter beside it (compiler atomics):
	 * the Ms' rounds interleaved, whatever the runtime's Xadd does. */
	uint64_t witness_interleaved;
	uint64_t cas_retries;
	uint64_t xchg_foreign; /* Xchg gave back another M's token */
	uint64_t xchg_in32, xchg_out32, xchg_in64, xchg_out64;
	uint64_t byte_mismatches; /* own byte not what or8/and8 left there */
	struct rt0_note ready, done;
};

static struct m_report reports[NMS];
static struct rt0_note never;
static uint32_t go_flag;
static int64_t iters = 20000;
static uint32_t overlap; /* the probe's own count, by compiler atomics */
static uint32_t witness; /* counted beside Xadd, by compiler atomics */
/* How often another M's write to the Or8/And8 word landed between an M's
 * own reads of it just before and just after one of its Or8/And8: the
 * lost byte updates of a non-atomic Or8/And8 need exactly that. Counting
 * Ms merely inside their rounds at once is not enough: on a loaded host an
 * M preempted mid-round counts every round of the others while none of
 * them runs beside another (a CI run saw 2000 such "overlaps" and no
 * update lost under a non-atomic Or8). */
static uint32_t byte_ops_interleaved;

static uint32_t xadd32_word, cas32_word, xchg32_word;
static uint64_t xadd64_word __attribute__((aligned(8)));
static uint64_t cas64_word __attribute__((aligned(8)));
static uint64_t xchg64_word __attribute__((aligned(8)));
static uint8_t bytes_word[4] __attribute__((aligned(4)));

/* The whole Or8/And8 word, and where byte idx of it sits (as the runtime
 * numbers bytes: by address, in the arch's byte order). */
static uint32_t bytes_word_now(void)
{
	return __atomic_load_n((uint32_t *)bytes_word, __ATOMIC_SEQ_CST);
}

static unsigned byte_shift_of(int idx)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return 8 * (3 - (unsigned)idx);
#else
	return 8 * (unsigned)idx;
#endif
}

static long sys(long nr, long a, long b, long c, long d)
{
	return arch_syscall6(nr, a, b, c, d, 0, 0);
}

static uint64_t sigmask_now(void)
{
	uint64_t m = 0;
	sys(__NR_rt_sigprocmask, 0 /* SIG_BLOCK, with no set: a query */, 0,
	    (long)&m, 8);
	return m;
}

static bool hammered_enough(int64_t n, int64_t start)
{
	if (n < iters || n % 1024 != 0)
		return false;
	return (__atomic_load_n(&overlap, __ATOMIC_RELAXED) >= WANT_OVERLAP &&
	        __atomic_load_n(&byte_ops_interleaved, __ATOMIC_RELAXED) >=
	            WANT_OVERLAP) ||
	       pu_monotonic_ns() - start > MAX_HAMMER_NS;
}

static void hammer(struct m_report *r, int idx)
{
	uint32_t prev32 = 0, prev_witness = 0;
	int64_t n, start = pu_monotonic_ns();
	for (n = 0; !hammered_enough(n, start); n++) {
		uint32_t seen =
		    __atomic_fetch_add(&witness, 1, __ATOMIC_SEQ_CST);
		uint32_t now = xadd32(&xadd32_word, 1);
		if (n > 0 && seen != prev_witness + 1) {
			r->witness_interleaved++;
			__atomic_fetch_add(&overlap, 1, __ATOMIC_RELAXED);
		}
		if (n > 0 && now != prev32 + 1)
			r->xadd_interleaved++;
		prev_witness = seen;
		prev32 = now;
		xadd64(&xadd64_word, 1);

		for (;;) {
			uint32_t o =
			    __atomic_load_n(&cas32_word, __ATOMIC_RELAXED);
			if (cas32(&cas32_word, o, o + 1))
				break;
			r->cas_retries++;
		}
		for (;;) {
			uint64_t o = load64(&cas64_word);
			if (cas64(&cas64_word, o, o + 1))
				break;
			r->cas_retries++;
		}

		/* Tokens no other M puts in: what comes out of the word plus
		 * what is left in it at the end is exactly what went in. */
		uint32_t t32 =
		    (uint32_t)(idx + 1) << 24 | ((uint32_t)n & 0xffffff);
		r->xchg_in32 += t32;
		uint32_t out = xchg32(&xchg32_word, t32);
		r->xchg_out32 += out;
		r->xchg_foreign +=
		    out >> 24 != 0 && out >> 24 != (uint32_t)idx + 1;
		uint64_t t64 = (uint64_t)(idx + 1) << 40 | (uint64_t)n;
		r->xchg_in64 += t64;
		r->xchg_out64 += xchg64(&xchg64_word, t64);

		/* Bits 0..7 of this M's own byte set one by one with or8, then
		 * cleared one by one with and8, a whole round each iteration
		 * (a lost update needs two Ms inside the same few
		 * instructions): only this M writes the byte, so after each
		 * step it holds exactly what this M expects, whatever the
		 * other Ms do to their bytes of the word. */
		uint8_t *mine = &bytes_word[idx];
		uint32_t others = ~((uint32_t)0xff << byte_shift_of(idx));
		for (int bit = 0; bit < 16; bit++) {
			uint32_t before = bytes_word_now();
			if (bit < 8)
				or8(mine, (uint8_t)(1u << bit));
			else
				and8(mine, (uint8_t) ~(1u << (bit - 8)));
			if ((before ^ bytes_word_now()) & others)
				__atomic_fetch_add(&byte_ops_interleaved, 1,
				                   __ATOMIC_RELAXED);
			uint8_t want = bit < 8
			                   ? (uint8_t)((2u << bit) - 1)
			                   : (uint8_t) ~((2u << (bit - 8)) - 1);
			if (__atomic_load_n(mine, __ATOMIC_SEQ_CST) != want)
				r->byte_mismatches++;
		}
	}
	r->iters = n;
}

static void m_main(void *arg)
{
	struct m_report *r = arg;
	int idx = (int)(r - reports);
	uintptr_t here = arch_getsp();
	rt0_m_self(&r->self);
	r->sp = here;
	r->tid = sys(__NR_gettid, 0, 0, 0, 0);
	r->pid = sys(__NR_getpid, 0, 0, 0, 0);
	r->sigmask = sigmask_now();
#ifdef RT0_LINK_EXTERNAL
	pthread_attr_t attr;
	void *stack;
	size_t size;
	if (pthread_getattr_np(pthread_self(), &attr) == 0) {
		if (pthread_attr_getstack(&attr, &stack, &size) == 0) {
			r->os_stack_lo = (uintptr_t)stack;
			r->os_stack_hi = (uintptr_t)stack + size;
		}
		pthread_attr_destroy(&attr);
	}
#endif
	rt0_notewakeup(&r->ready);
	while (__atomic_load_n(&go_flag, __ATOMIC_ACQUIRE) == 0)
		;
	rt0_m_self(&r->after); /* every M has set its g by now */
	hammer(r, idx);
	rt0_notewakeup(&r->done);
	rt0_notesleep(&never); /* an M never exits: the process ends it */
}

static void fact_m(int i, const char *key, int64_t v)
{
	char buf[64];
	rt0_fact_int(pu_key(buf, "m.", i, key), v);
}

static void fact_mx(int i, const char *key, uintptr_t v)
{
	char buf[64];
	rt0_fact_hex(pu_key(buf, "m.", i, key), v);
}

static int64_t parse_iters(const char *s)
{
	int64_t v = 0;
	for (; *s >= '0' && *s <= '9' && v <= MAX_ITERS; s++)
		v = v * 10 + (*s - '0');
	return *s == '\0' && v > 0 && v <= MAX_ITERS ? v : -1;
}

void main_main(void)
{
	bool serial = rt0_argc() > 1 && pu_streq(rt0_argv(1), "serial");
	if (rt0_argc() > 1 && !serial &&
	    (iters = parse_iters(rt0_argv(1))) < 0) {
		rt0_fact_str("error", "iterations: want 1..1000000");
		return;
	}
	struct rt0_m_info self;
	rt0_m_self(&self);
	uint64_t initial_mask = sigmask_now();
	uint64_t usr2 = (uint64_t)1 << (SIGUSR2_ - 1);
	sys(__NR_rt_sigprocmask, 0 /* SIG_BLOCK */, (long)&usr2, 0, 8);

	for (int i = 0; i < NMS; i++) {
		reports[i].id_returned = rt0_newm(m_main, &reports[i]);
		if (serial)
			rt0_notesleep(&reports[i].ready);
	}
	for (int i = 0; i < NMS && !serial; i++)
		rt0_notesleep(&reports[i].ready);
	__atomic_store_n(&go_flag, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < NMS; i++)
		rt0_notesleep(&reports[i].done);
	struct rt0_m_info after;
	rt0_m_self(&after);

	rt0_fact_int("m0.id", self.id);
	struct rt0_m_info sysmon;
	if (rt0_sysmon_m(&sysmon))
		rt0_fact_int("sysmon.id", sysmon.id);
	rt0_fact_int("m0.is_g0", self.is_g0);
	rt0_fact_int("m0.after.id", after.id);
	rt0_fact_int("m0.after.is_g0", after.is_g0);
	rt0_fact_int("m0.after.goid", rt0_goid());
	rt0_fact_hex("m0.g0_lo", self.g0_lo);
	rt0_fact_hex("m0.g0_hi", self.g0_hi);
	rt0_fact_int("m0.tid", sys(__NR_gettid, 0, 0, 0, 0));
	rt0_fact_int("m0.pid", sys(__NR_getpid, 0, 0, 0, 0));
	rt0_fact_int("m0.sigmask.initial", (int64_t)initial_mask);
	rt0_fact_int("m0.sigmask.creating", (int64_t)sigmask_now());
	rt0_fact_int("ms", NMS);
	for (int i = 0; i < NMS; i++) {
		struct m_report *r = &reports[i];
		fact_m(i, ".id", r->id_returned);
		fact_m(i, ".self_id", r->self.id);
		fact_m(i, ".is_g0", r->self.is_g0);
		fact_m(i, ".after.self_id", r->after.id);
		fact_m(i, ".after.is_g0", r->after.is_g0);
		fact_mx(i, ".g0_lo", r->self.g0_lo);
		fact_mx(i, ".g0_hi", r->self.g0_hi);
		fact_mx(i, ".sp", r->sp);
		fact_m(i, ".tid", r->tid);
		fact_m(i, ".procid", r->self.procid);
		fact_m(i, ".pid", r->pid);
		fact_m(i, ".sigmask", (int64_t)r->sigmask);
#ifdef RT0_LINK_EXTERNAL
		fact_mx(i, ".os_stack_lo", r->os_stack_lo);
		fact_mx(i, ".os_stack_hi", r->os_stack_hi);
#endif
	}

	uint64_t interleaved = 0, retries = 0, mismatches = 0, total = 0;
	uint64_t witnessed = 0, foreign = 0;
	uint64_t in32 = 0, out32 = 0, in64 = 0, out64 = 0;
	for (int i = 0; i < NMS; i++) {
		total += (uint64_t)reports[i].iters;
		interleaved += reports[i].xadd_interleaved;
		retries += reports[i].cas_retries;
		witnessed += reports[i].witness_interleaved;
		foreign += reports[i].xchg_foreign;
		mismatches += reports[i].byte_mismatches;
		in32 += reports[i].xchg_in32, out32 += reports[i].xchg_out32;
		in64 += reports[i].xchg_in64, out64 += reports[i].xchg_out64;
	}
	rt0_fact_int("atomic.iters", (int64_t)total); /* over all Ms */
	rt0_fact_int("atomic.xadd32", xadd32_word);
	rt0_fact_int("atomic.xadd64", (int64_t)xadd64_word);
	rt0_fact_int("atomic.cas32", cas32_word);
	rt0_fact_int("atomic.cas64", (int64_t)cas64_word);
	rt0_fact_int("atomic.cas_retries", (int64_t)retries);
	rt0_fact_int("atomic.xadd_interleaved", (int64_t)interleaved);
	rt0_fact_int("atomic.witness_interleaved", (int64_t)witnessed);
	rt0_fact_int("atomic.xchg_foreign", (int64_t)foreign);
	/* The sums wrap alike on both sides: compared modulo the width. */
	rt0_fact_str("atomic.xchg32.balanced",
	             (uint32_t)(out32 + xchg32_word) == (uint32_t)in32 ? "yes"
	                                                               : "no");
	rt0_fact_str("atomic.xchg64.balanced",
	             out64 + xchg64_word == in64 ? "yes" : "no");
	rt0_fact_int("atomic.byte_mismatches", (int64_t)mismatches);
	rt0_fact_int("atomic.byte_ops_interleaved", byte_ops_interleaved);
	rt0_fact_hex("atomic.bytes_word", *(uint32_t *)bytes_word);
}
