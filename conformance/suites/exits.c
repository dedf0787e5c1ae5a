/* exits: how a program ends, as Go's runtime ends it (go-startup-facts.md
 * G): main returning exits 0 at once; a panic prints "panic: <msg>", then
 * "goroutine N [status]:" and exits 2; fatal errors exit 2. Each test is
 * named after its invariant (conformance/invariants.toml). */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "suite.h"

static void run_exits(struct run *r, const char *scenario)
{
	const char *args[] = {scenario, NULL};
	run_probe(r, "exits", args, env_trace);
}

/* The first non-empty, non-protocol line after line i, or NULL. */
static const char *next_text_line(struct run *r, long i)
{
	for (size_t k = (size_t)i + 1; k < r->t.nother; k++)
		if (r->t.other[k][0] != '\0')
			return r->t.other[k];
	return NULL;
}

/* Go's panic output: "panic: <msg>", then (after an empty line) the
 * panicking goroutine's header. */
static void check_panic(struct run *r, const char *msg, const char *header)
{
	char want[256];
	CHECK_EXIT(r, 2);
	snprintf(want, sizeof want, "panic: %s", msg);
	long at = other_line(r, want);
	CHECK(r, at >= 0, "expected the line \"%s\"", want);
	if (header == NULL)
		return;
	const char *next = next_text_line(r, at);
	CHECK(r, next && strcmp(next, header) == 0,
	      "expected \"%s\" right after \"%s\", got \"%s\"", header, want,
	      next ? next : "(nothing)");
}

Test(exits, exits_main_return_ends_goroutines)
{
	/* A goroutine that yields forever must not keep the process alive:
	 * the runner's timeout turns "it waited" into a failure. */
	struct run r;
	const char *args[] = {"mainreturns", NULL};
	struct probe_opts o = {
	    .args = args, .env = env_trace, .timeout_ms = 5000};
	run_probe_opts(&r, "exits", &o);
	CHECK_EXIT(&r, 0);
	CHECK(&r, trace_fact_i64(&r.t, "spinner.ran") == 1,
	      "expected the spinning goroutine to have run before main "
	      "returned");
	run_free(&r);
}

Test(exits, exits_panic_main)
{
	struct run r;
	run_exits(&r, "panicmain");
	check_panic(&r, "boom in main", "goroutine 1 [running]:");
	run_free(&r);
}

Test(exits, exits_panic_init)
{
	struct run r;
	run_exits(&r, "panicinit");
	check_panic(&r, "boom in init", NULL);
	const char *next =
	    next_text_line(&r, other_line(&r, "panic: boom in init"));
	CHECK(&r, next && strncmp(next, "goroutine 1 [running", 20) == 0,
	      "expected goroutine 1's header after the panic, got \"%s\"",
	      next ? next : "(nothing)");
	CHECK(&r, trace_fact_i64(&r.t, "init.goid") == 1,
	      "expected the init on goroutine 1");
	CHECK(&r, !trace_fact(&r.t, "main.ran"),
	      "expected main.main not to run after a panic in init");
	run_free(&r);
}

Test(main, main_init_locked_to_thread)
{
	/* Inits run locked to m0, and Go's goroutineheader says so:
	 * traceback.go prints ", locked to thread" when gp.lockedm != 0. */
	struct run r;
	run_exits(&r, "panicinit");
	check_panic(&r, "boom in init",
	            "goroutine 1 [running, locked to thread]:");
	run_free(&r);
}

Test(main, main_main_unlocked)
{
	/* runtime.main unlocks the thread before main.main. */
	struct run r;
	run_exits(&r, "panicmain");
	CHECK_EXIT(&r, 2);
	CHECK(&r, other_line_prefix(&r, "goroutine 1 [running, locked") < 0,
	      "expected main.main not locked to the thread");
	check_panic(&r, "boom in main", "goroutine 1 [running]:");
	run_free(&r);
}

Test(exits, exits_panic_goroutine)
{
	struct run r;
	run_exits(&r, "panicgoroutine");
	int64_t goid = trace_fact_i64(&r.t, "panicker.goid");
	CHECK(&r, goid == 5,
	      "expected the panicking goroutine to be 5, got %lld",
	      (long long)goid);
	check_panic(&r, "boom in goroutine", "goroutine 5 [running]:");
	CHECK(&r, !trace_fact(&r.t, "main.survived"),
	      "expected the panic to end the whole program");
	run_free(&r);
}

Test(exits, exits_goexit_main_alone)
{
	struct run r;
	run_exits(&r, "goexit");
	CHECK_EXIT(&r, 2);
	static const char want[] =
	    "fatal error: no goroutines (main called runtime.Goexit) - "
	    "deadlock!";
	CHECK(&r, other_line(&r, want) >= 0, "expected the line \"%s\"", want);
	run_free(&r);
}

Test(exits, exits_goexit_main_waits)
{
	struct run r;
	run_exits(&r, "goexitwait");
	CHECK_EXIT(&r, 2);
	static const char want[] =
	    "fatal error: no goroutines (main called runtime.Goexit) - "
	    "deadlock!";
	long fatal = other_line(&r, want);
	CHECK(&r, fatal >= 0, "expected the line \"%s\"", want);
	CHECK(&r, trace_count_facts(&r.t, "worker.round") == 5,
	      "expected the worker's 5 rounds to run after main's Goexit");
	/* Find where worker.done was written relative to the message. */
	const struct trace_line *done = NULL;
	for (size_t i = 0; i < r.t.nlines; i++)
		if (strcmp(r.t.lines[i].kind, "fact") == 0 &&
		    trace_field(&r.t.lines[i], "worker.done"))
			done = &r.t.lines[i];
	CHECK(&r, done != NULL, "expected fact worker.done");
	CHECK(&r, done->offset < r.t.other_offset[fatal],
	      "expected the fatal error only after the worker finished");
	run_free(&r);
}

Test(exits, exits_deadlock)
{
	struct run r;
	run_exits(&r, "deadlock");
	CHECK_EXIT(&r, 2);
	static const char want[] =
	    "fatal error: all goroutines are asleep - deadlock!";
	CHECK(&r, other_line(&r, want) >= 0, "expected the line \"%s\"", want);
	CHECK(&r, !trace_fact(&r.t, "main.survived"),
	      "expected the receive never to return");
	run_free(&r);
}

static void run_chan(struct run *r)
{
	run_exits(r, "chan");
	CHECK_EXIT(r, 0);
}

Test(main, main_chan_rendezvous)
{
	struct run r;
	run_chan(&r);
	int64_t ok = trace_fact_i64(&r.t, "chan.unbuffered.ok");
	CHECK(&r, ok == 50,
	      "expected 50 unbuffered ping-pong rounds to answer v+1, got %lld",
	      (long long)ok);
	run_free(&r);
}

Test(main, main_chan_buffered_nonblocking)
{
	struct run r;
	run_chan(&r);
	CHECK(&r, trace_fact_i64(&r.t, "chan.buffered.nonblocking") == 1,
	      "expected sends up to the capacity not to block");
	run_free(&r);
}

Test(main, main_chan_buffered_fifo)
{
	struct run r;
	run_chan(&r);
	const char *fifo = need_fact(&r, "chan.buffered.fifo");
	CHECK(&r, strcmp(fifo, "100,101,102,103") == 0,
	      "expected a buffered channel to be FIFO: 100,101,102,103, got "
	      "%s",
	      fifo);
	const char *order = need_fact(&r, "chan.buffered.order");
	CHECK(&r, strcmp(order, "1,2,3,4,5,6,7,8,9,10") == 0,
	      "expected values from a producer in order 1..10, got %s", order);
	run_free(&r);
}

Test(newproc, newproc_nil_func_fatal)
{
	struct run r;
	run_exits(&r, "gonil");
	CHECK_EXIT(&r, 2);
	static const char want[] = "fatal error: go of nil func value";
	CHECK(&r, other_line(&r, want) >= 0, "expected the line \"%s\"", want);
	CHECK(&r, !trace_fact(&r.t, "main.survived"),
	      "expected the go statement never to return");
	run_free(&r);
}

/* GOTRACEBACK and a panic in goroutine 5, while goroutine 1 is runnable
 * and the runtime's 2, 3 and 4 are parked. */
static void run_traceback(struct run *r, const char *level)
{
	char tb[64];
	snprintf(tb, sizeof tb, "GOTRACEBACK=%s", level);
	const char *env[] = {"GODEBUG=rt0trace=1", "GOMAXPROCS=1",
	                     level[0] ? tb : NULL, NULL};
	const char *args[] = {"panicgoroutine", NULL};
	run_probe(r, "exits", args, env);
}

static const char *const system_headers[] = {
    "goroutine 2 [force gc (idle)]:",
    "goroutine 3 [GC sweep wait]:",
    "goroutine 4 [GC scavenge wait]:",
};

static void expect_headers(struct run *r, const char *level, bool self,
                           bool user, bool system)
{
	CHECK(r, other_line(r, "panic: boom in goroutine") >= 0,
	      "with GOTRACEBACK=%s expected the panic message", level);
	CHECK(r, (other_line(r, "goroutine 5 [running]:") >= 0) == self,
	      "with GOTRACEBACK=%s expected %s header of the panicking "
	      "goroutine",
	      level, self ? "the" : "no");
	CHECK(r, (other_line(r, "goroutine 1 [runnable]:") >= 0) == user,
	      "with GOTRACEBACK=%s expected %s \"goroutine 1 [runnable]:\"",
	      level, user ? "the line" : "no line");
	for (int i = 0; i < 3; i++)
		CHECK(r, (other_line(r, system_headers[i]) >= 0) == system,
		      "with GOTRACEBACK=%s expected %s \"%s\"", level,
		      system ? "the line" : "no line", system_headers[i]);
}

Test(exits, exits_traceback_single)
{
	struct run r;
	run_traceback(&r, "");
	CHECK_EXIT(&r, 2);
	expect_headers(&r, "(unset)", true, false, false);
	run_free(&r);
}

Test(exits, exits_traceback_none)
{
	struct run r;
	run_traceback(&r, "none");
	CHECK_EXIT(&r, 2);
	expect_headers(&r, "none", false, false, false);
	CHECK(&r, other_line_prefix(&r, "goroutine ") < 0,
	      "expected no goroutine header at all with GOTRACEBACK=none");
	run_free(&r);
}

Test(exits, exits_traceback_all)
{
	struct run r;
	run_traceback(&r, "all");
	CHECK_EXIT(&r, 2);
	expect_headers(&r, "all", true, true, false);
	run_free(&r);
}

Test(exits, exits_traceback_system)
{
	struct run r;
	run_traceback(&r, "system");
	CHECK_EXIT(&r, 2);
	expect_headers(&r, "system", true, true, true);
	run_free(&r);
}

Test(exits, exits_traceback_crash)
{
	struct run r;
	run_traceback(&r, "crash");
	CHECK(&r, probe_killed_by(&r.r, SIGABRT),
	      "expected GOTRACEBACK=crash to end the panic with SIGABRT");
	expect_headers(&r, "crash", true, true, true);
	run_free(&r);
}
