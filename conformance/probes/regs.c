/* regs: the context switch's contract, from inside. Goroutines fill every
 * callee-saved register of the arch's C ABI, integer and floating-point,
 * and the floating-point control state with patterns of their own
 * (arch/<arch>/probe_regs.h says which and after which document), switch
 * away in one of three ways, and on return compare what the registers hold
 * with what they put there:
 *   gosched  three goroutines yield round-robin (mcall, gosched_m, gogo);
 *   chan     two goroutines hand values over unbuffered channels, so each
 *            parks and is readied by the other (gopark, goready, gogo);
 *   exit     a goroutine lets one it just created run, fill every register
 *            with garbage and exit (goexit0 on g0, then gogo back).
 * Facts: regs.<way>.checked (switches checked), regs.<way>.reg.bad and
 * regs.<way>.fpctl.bad (the first mismatch, only when there is one).
 * Then a new goroutine's floating-point control state: C11 7.6 gives a new
 * thread its creator's floating-point environment at creation, and so does
 * rt0 a new goroutine: fpctl.inherit.checked, fpctl.inherit.bad. */
#include <stddef.h>
#include <stdint.h>

#include "probe_regs.h"
#include "probe_util.h"
#include "rt0.h"

/* Laid out as probe_regs.h's offsets say (the assembly uses those): as
 * many 64-bit slots as the arch has registers to check (ppc64le's vector
 * registers take two each). */
struct regs_set {
	uint64_t gpr[(REGS_FPR - REGS_GPR) / 8];
	uint64_t fpr[(REGS_FPCTL - REGS_FPR) / 8];
	uint64_t fpctl[2];
};
_Static_assert(offsetof(struct regs_set, gpr) == REGS_GPR, "REGS_GPR");
_Static_assert(offsetof(struct regs_set, fpr) == REGS_FPR, "REGS_FPR");
_Static_assert(offsetof(struct regs_set, fpctl) == REGS_FPCTL, "REGS_FPCTL");
_Static_assert(sizeof(struct regs_set) == REGS_SIZE, "REGS_SIZE");

/* arch/<arch>/probe_regs.S */
void regs_around(const struct regs_set *in, void (*fn)(void *), void *arg,
                 struct regs_set *out);
void regs_fpctl_get(uint64_t fpctl[2]);
void regs_fpctl_set(const uint64_t fpctl[2]);

#define ROUNDS 4

struct way {
	const char *name;
	int64_t checked;
	char reg_bad[160], fpctl_bad[160];
};

/* The bits of a general-purpose slot that its register holds: a pointer's
 * worth, unless probe_regs.h says otherwise (ppc64le's CR fields). */
#ifndef REGS_GPR_BITS
#define REGS_GPR_BITS(i) ((uint64_t)UINTPTR_MAX)
#endif

/* Goroutine k's pattern for a round: every register a different value,
 * every goroutine and round different (on 32-bit arches in the low word
 * too: the round and k are folded into it). */
static void pattern(unsigned k, unsigned round, struct regs_set *in)
{
	for (unsigned i = 0; i < sizeof in->gpr / sizeof in->gpr[0]; i++)
		in->gpr[i] =
		    (0x5a5a000000000000u ^ (uint64_t)k << 40 ^
		     (uint64_t)round << 32 ^ (uint64_t)k << 12 ^
		     (uint64_t)round << 20 ^ (uint64_t)(i + 1) * 0x01010101u) &
		    REGS_GPR_BITS(i);
	for (unsigned i = 0; i < sizeof in->fpr / sizeof in->fpr[0]; i++)
		in->fpr[i] = 0xa5a5000000000000u ^ (uint64_t)k << 40 ^
		             (uint64_t)round << 32 ^
		             (uint64_t)(i + 1) * 0x00110011u;
	regs_fpctl_pattern(k + 3 * round + 1, in->fpctl);
}

static char *put(char *p, char *end, const char *s)
{
	while (*s && p < end)
		*p++ = *s++;
	return p;
}

static char *put_hex(char *p, char *end, uint64_t v)
{
	char tmp[18];
	int n = 0;
	do
		tmp[n++] = "0123456789abcdef"[v & 15];
	while ((v >>= 4) != 0);
	p = put(p, end, "0x");
	while (n > 0 && p < end)
		*p++ = tmp[--n];
	return p;
}

/* "<who> round <r>: <reg>=<got>, put <want>" into buf, once. */
static void note(char *buf, size_t cap, const char *who, unsigned round,
                 const char *reg, uint64_t got, uint64_t want)
{
	if (buf[0] != '\0')
		return;
	char *p = buf, *end = buf + cap - 1;
	p = put(p, end, who);
	p = put(p, end, " round ");
	char r[2] = {(char)('0' + round % 10), '\0'};
	p = put(p, end, r);
	p = put(p, end, ": ");
	p = put(p, end, reg);
	p = put(p, end, "=");
	p = put_hex(p, end, got);
	p = put(p, end, ", put ");
	p = put_hex(p, end, want);
	*p = '\0';
}

static void compare(struct way *w, const char *who, unsigned round,
                    const struct regs_set *in, const struct regs_set *out)
{
	w->checked++;
	for (unsigned i = 0; i < REGS_NGPR; i++)
		if (out->gpr[i] != in->gpr[i])
			note(w->reg_bad, sizeof w->reg_bad, who, round,
			     regs_gpr_names[i], out->gpr[i], in->gpr[i]);
	/* A variable: amd64 has no callee-saved vector register at all. */
	const unsigned nfpr = REGS_NFPR;
	for (unsigned i = 0; i < nfpr; i++)
		if (out->fpr[i] != in->fpr[i])
			note(w->reg_bad, sizeof w->reg_bad, who, round,
			     regs_fpr_names[i], out->fpr[i], in->fpr[i]);
	for (unsigned i = 0; i < 2; i++) {
		uint64_t m = regs_fpctl_mask[i];
		if ((out->fpctl[i] & m) != (in->fpctl[i] & m))
			note(w->fpctl_bad, sizeof w->fpctl_bad, who, round,
			     regs_fpctl_names[i], out->fpctl[i] & m,
			     in->fpctl[i] & m);
	}
}

static int32_t running;

/* ---- gosched ------------------------------------------------------------ */

static struct way gosched_way = {.name = "gosched"};

static void yield_gosched(void *unused)
{
	(void)unused;
	rt0_gosched();
}

static void gosched_worker(void *arg)
{
	unsigned k = (unsigned)(uintptr_t)arg;
	const char *who[] = {"g0", "g1", "g2"};
	for (unsigned r = 0; r < ROUNDS; r++) {
		struct regs_set in, out;
		pattern(k, r, &in);
		regs_around(&in, yield_gosched, NULL, &out);
		compare(&gosched_way, who[k], r, &in, &out);
	}
	running--;
}

/* ---- chan -----------------------------------------------------------------
 */

static struct way chan_way = {.name = "chan"};
static struct rt0_chan *ping, *pong;

static void send_then_receive(void *unused)
{
	(void)unused;
	rt0_chan_send(ping, 1);
	rt0_chan_recv(pong);
}

static void receive_then_send(void *unused)
{
	(void)unused;
	rt0_chan_recv(ping);
	rt0_chan_send(pong, 2);
}

static void chan_worker(void *arg)
{
	unsigned k = (unsigned)(uintptr_t)arg;
	for (unsigned r = 0; r < ROUNDS; r++) {
		struct regs_set in, out;
		pattern(k + 4, r, &in);
		regs_around(&in, k == 0 ? send_then_receive : receive_then_send,
		            NULL, &out);
		compare(&chan_way, k == 0 ? "sender" : "receiver", r, &in,
		        &out);
	}
	running--;
}

/* ---- exit -------------------------------------------------------------------
 */

static struct way exit_way = {.name = "exit"};
static int32_t exited;

static void exit_now(void *unused)
{
	(void)unused;
	exited++;
	rt0_goexit();
}

/* Dies with every callee-saved register and the control state its own. */
static void scribbler(void *arg)
{
	struct regs_set garbage, unused;
	pattern(9, (unsigned)(uintptr_t)arg, &garbage);
	regs_around(&garbage, exit_now, NULL, &unused);
}

static void let_one_exit(void *arg)
{
	int32_t before = exited;
	rt0_go(scribbler, arg);
	for (int t = 0; t < 1000 && exited == before; t++)
		rt0_gosched();
}

static void exit_worker(void *unused)
{
	(void)unused;
	for (unsigned r = 0; r < ROUNDS; r++) {
		struct regs_set in, out;
		pattern(7, r, &in);
		regs_around(&in, let_one_exit, (void *)(uintptr_t)r, &out);
		compare(&exit_way, "survivor", r, &in, &out);
	}
	running--;
}

/* ---- a new goroutine's control state ----------------------------------------
 */

static uint64_t inherited[2];

static void read_own_fpctl(void *unused)
{
	(void)unused;
	regs_fpctl_get(inherited);
	running--;
}

static void check_inherit(void)
{
	uint64_t at_creation[2], later[2], saved[2];
	regs_fpctl_get(saved);
	regs_fpctl_pattern(5, at_creation);
	regs_fpctl_pattern(10, later);
	regs_fpctl_set(at_creation);
	running = 1;
	rt0_go(read_own_fpctl, NULL);
	regs_fpctl_set(later); /* the creator's change after creation */
	for (int t = 0; t < 1000 && running > 0; t++)
		rt0_gosched();
	regs_fpctl_set(saved);
	char bad[160] = "";
	for (unsigned i = 0; i < 2; i++) {
		uint64_t m = regs_fpctl_mask[i];
		if ((inherited[i] & m) != (at_creation[i] & m))
			note(bad, sizeof bad, "new goroutine", 0,
			     regs_fpctl_names[i], inherited[i] & m,
			     at_creation[i] & m);
	}
	rt0_fact_int("fpctl.inherit.checked", running == 0);
	if (bad[0])
		rt0_fact_str("fpctl.inherit.bad", bad);
}

static void fact(const char *way, const char *what, const char *value)
{
	char key[64];
	const char *parts[] = {"regs.", way, what};
	size_t o = 0;
	for (size_t i = 0; i < 3; i++)
		for (const char *s = parts[i]; *s && o < sizeof key - 1; s++)
			key[o++] = *s;
	key[o] = '\0';
	rt0_fact_str(key, value);
}

static void report_way(const struct way *w)
{
	char n[24];
	int64_t v = w->checked;
	size_t i = sizeof n - 1;
	n[i] = '\0';
	do
		n[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0 && i > 0);
	fact(w->name, ".checked", n + i);
	if (w->reg_bad[0])
		fact(w->name, ".reg.bad", w->reg_bad);
	if (w->fpctl_bad[0])
		fact(w->name, ".fpctl.bad", w->fpctl_bad);
}

static void wait_all(void)
{
	for (int t = 0; t < 100000 && running > 0; t++)
		rt0_gosched();
}

void main_main(void)
{
	running = 3;
	for (uintptr_t k = 0; k < 3; k++)
		rt0_go(gosched_worker, (void *)k);
	wait_all();
	report_way(&gosched_way);

	ping = rt0_chan_make(0);
	pong = rt0_chan_make(0);
	running = 2;
	rt0_go(chan_worker, (void *)0);
	rt0_go(chan_worker, (void *)1);
	wait_all();
	report_way(&chan_way);

	running = 1;
	rt0_go(exit_worker, NULL);
	wait_all();
	report_way(&exit_way);

	check_inherit();
}
