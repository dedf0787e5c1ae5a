/* unit_proberunner.c: the probe runner against ordinary system programs
 * (RT0_PROBE_DIR=/bin), so its timeouts, signals, hermetic environment and
 * large outputs are known to work before any probe depends on them. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "rt0conf/elfinfo.h"
#include "rt0conf/probe.h"

static void use_bin(void)
{
	setenv("RT0_PROBE_DIR", "/bin", 1);
	unsetenv("RT0_TIMEOUT_SCALE");
	unsetenv("RT0_QEMU");
}

TestSuite(proberunner, .init = use_bin);

static struct probe_result sh(const char *script, struct probe_opts o)
{
	const char *args[] = {"-c", script, NULL};
	struct probe_result r;
	o.args = args;
	cr_assert_eq(probe_run("sh", &o, &r), 0, "runner failed: %m");
	return r;
}

Test(proberunner, exit_status_and_outputs)
{
	struct probe_result r =
	    sh("echo out; echo err >&2; exit 7", (struct probe_opts){0});
	cr_assert(probe_exited_with(&r, 7), "%s", probe_why(&r));
	cr_assert_str_eq(r.out, "out\n");
	cr_assert_str_eq(r.err, "err\n");
	cr_assert(strstr(probe_why(&r), "exited with status 7"), "%s",
	          probe_why(&r));
	probe_result_free(&r);
}

Test(proberunner, environment_is_exactly_the_given_one)
{
	const char *env[] = {"A=1", "NOEQ", "=v", NULL};
	struct probe_result r;
	struct probe_opts o = {.env = env};
	setenv("RT0_SUITE_SECRET", "leak", 1);
	cr_assert_eq(probe_run("env", &o, &r), 0);
	/* env(1) prints its environment verbatim, one entry a line. */
	cr_assert_str_eq(r.out, "A=1\nNOEQ\n=v\n", "got: %s", r.out);
	probe_result_free(&r);
	o.env = NULL;
	cr_assert_eq(probe_run("env", &o, &r), 0);
	cr_assert_str_eq(r.out, "", "expected an empty environment, got: %s",
	                 r.out);
	probe_result_free(&r);
}

Test(proberunner, signal_is_named)
{
	struct probe_result r = sh("kill -SEGV $$", (struct probe_opts){0});
	cr_assert(probe_killed_by(&r, SIGSEGV), "%s", probe_why(&r));
	cr_assert(strstr(probe_why(&r), "killed by SIGSEGV"), "%s",
	          probe_why(&r));
	probe_result_free(&r);
}

Test(proberunner, timeout_kills_the_process_group)
{
	/* The background sleep keeps the pipes open: only killing the whole
	 * group ends the run in time. */
	struct probe_result r =
	    sh("sleep 30 & sleep 30", (struct probe_opts){.timeout_ms = 300});
	cr_assert(r.timed_out, "%s", probe_why(&r));
	cr_assert_lt(r.elapsed_ns, 5000000000u, "took %llu ns",
	             (unsigned long long)r.elapsed_ns);
	cr_assert(strstr(probe_why(&r), "timed out after 300 ms"), "%s",
	          probe_why(&r));
	probe_result_free(&r);
}

Test(proberunner, timeout_scale_applies)
{
	setenv("RT0_TIMEOUT_SCALE", "2.5", 1);
	struct probe_result r =
	    sh("exit 0", (struct probe_opts){.timeout_ms = 1000});
	cr_assert_eq(r.timeout_ms, 2500);
	probe_result_free(&r);
}

Test(proberunner, large_outputs_on_both_pipes)
{
	/* 3 MB on each pipe, interleaved: needs both pipes polled. */
	struct probe_result r = sh("head -c 3000000 /dev/zero | tr '\\0' a & "
	                           "head -c 3000000 /dev/zero | tr '\\0' b "
	                           ">&2; wait",
	                           (struct probe_opts){0});
	cr_assert(probe_exited_with(&r, 0), "%s", probe_why(&r));
	cr_assert_eq(r.out_len, 3000000);
	cr_assert_eq(r.err_len, 3000000);
	probe_result_free(&r);
}

Test(proberunner, no_core_files_and_address_space_limit)
{
	struct probe_result r =
	    sh("ulimit -c; ulimit -v",
	       (struct probe_opts){.rlimit_as = 512u << 20});
	cr_assert_str_eq(r.out, "0\n524288\n", "got: %s", r.out);
	probe_result_free(&r);
}

Test(proberunner, missing_probe_is_reported)
{
	struct probe_result r;
	cr_assert_eq(probe_run("no-such-probe", NULL, &r), 0);
	cr_assert(!r.started);
	cr_assert(strstr(probe_why(&r), "could not be executed"), "%s",
	          probe_why(&r));
	probe_result_free(&r);
}

Test(proberunner, find_lines)
{
	static const char text[] = "a\npanic: x\n\ngoroutine 1 [running]:\n";
	size_t n = strlen(text);
	cr_assert_eq(probe_find_line(text, n, "panic: x", 0), 2);
	cr_assert_eq(probe_find_line(text, n, "panic:", 0), -1);
	cr_assert_eq(probe_find_line_prefix(text, n, "goroutine ", 3), 12);
	cr_assert_eq(probe_find_line(text, n, "a", 1), -1);
}

Test(proberunner, elf_of_a_dynamic_program)
{
	struct elf_info e;
	cr_assert(elf_open("/bin/sh", &e), "%s", e.error);
	cr_assert(!elf_is_static(&e));
	cr_assert(e.has_interp);
	cr_assert(elf_needs_shared_libs(&e));
	bool libc = false;
	for (size_t i = 0; i < e.nneeded && i < 16; i++)
		libc |= strncmp(e.needed[i], "libc.so", 7) == 0;
	cr_assert(libc, "expected /bin/sh to need libc.so.*");
	elf_close(&e);
}

/* deny_syscall: the one call fails with EPERM, the program runs on. */
Test(proberunner, deny_syscall_fails_only_that_call)
{
	struct probe_result r;
	struct probe_opts o = {0};
	cr_assert_eq(probe_run("uname", &o, &r), 0);
	cr_assert(probe_exited_with(&r, 0), "%s", probe_why(&r));
	probe_result_free(&r);
	o.deny_syscall = SYS_uname;
	cr_assert_eq(probe_run("uname", &o, &r), 0);
	cr_assert(r.started && r.exited && r.exit_code != 0,
	          "expected uname(1) to fail without uname(2): %s",
	          probe_why(&r));
	cr_assert(strstr(r.err, "Operation not permitted"), "stderr: %s",
	          r.err);
	probe_result_free(&r);
}

/* A daemon (a session of its own) outlives a process group kill; the
 * runner kills it anyway and says so. */
Test(proberunner, a_daemon_left_running_is_killed_and_named)
{
	struct probe_result r =
	    sh("setsid sleep 300 </dev/null >/dev/null 2>&1 &"
	       " echo started",
	       (struct probe_opts){0});
	cr_assert(probe_exited_with(&r, 0), "%s", probe_why(&r));
	cr_assert_eq(r.leftovers, 1, "%s", probe_why(&r));
	/* "setsid" or "sleep", depending on how far it got */
	cr_assert(strstr(r.leftover_names, " ("), "%s", r.leftover_names);
	cr_assert(strstr(probe_why(&r), "left 1 process(es) running, killed"),
	          "%s", probe_why(&r));
	probe_result_free(&r);
}

/* Output past the cap keeps its head and its tail, and says what it cut. */
Test(proberunner, output_is_capped_head_and_tail)
{
	struct probe_result r =
	    sh("printf HEAD; head -c 40000000 /dev/zero | tr '\\0' x; "
	       "printf TAIL",
	       (struct probe_opts){0});
	cr_assert(probe_exited_with(&r, 0), "%s", probe_why(&r));
	cr_assert_lt(r.out_len, (size_t)(17 << 20));
	cr_assert(strncmp(r.out, "HEAD", 4) == 0);
	cr_assert(strcmp(r.out + r.out_len - 4, "TAIL") == 0);
	cr_assert(strstr(r.out, "bytes cut: the output was longer than the "
	                        "runner keeps"));
	probe_result_free(&r);
}
