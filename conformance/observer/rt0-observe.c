/* rt0-observe: the observer for humans. Runs a probe, stops it at each
 * start-up function and prints what it measured as `rt0 obs` lines
 * (conformance/TRACE.md) on stdout, then one `rt0 obsrun` line; the
 * probe's own stdout and stderr follow on stderr (or go to files).
 *
 * Exit status: 0 the run was observed to its end (whatever the probe's
 * own status, which obsrun reports); 1 the observation failed (the probe
 * crashed or hung, qemu or ptrace failed us); 2 bad usage or bad input
 * (unknown arch, missing symbol, no DWARF). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rt0obs/observer.h"
#include "rt0obs/targets.h"

#define MAX_LIST 256

static const char usage[] =
    "usage: rt0-observe [options] [--] PROBE [ARG...]\n"
    "  -i, --impl NAME      the runtime: rt0 (default), go1.19, go1.23 or go;\n"
    "                       gives the symbols, where g is and g's type\n"
    "                       (DWARF)\n"
    "  -a, --arch GOARCH    amd64, 386, arm, arm64, riscv64, ppc64le,\n"
    "                       s390x (default: the ELF's)\n"
    "  -s, --symbols A,B,.. stop at these functions instead\n"
    "  -g, --g WHERE        g is: none, reg:NAME, tp+N, tp-N, tls:SYMBOL\n"
    "  -l, --layout SPEC    g's fields by hand: goid=OFF[:SIZE],stack.lo=..,\n"
    "                       stack.hi=..,m=.. (default: from DWARF)\n"
    "  -q, --qemu PROG      run under qemu-user's gdbstub (default for a\n"
    "                       foreign arch: the arch's qemu-<name>)\n"
    "  -L, --sysroot DIR    qemu's -L (external-mode probes)\n"
    "  -e, --env K=V        the probe's environment (repeat; default: "
    "empty)\n"
    "  -t, --timeout MS     for the whole run (default 10000)\n"
    "  -n, --max-hits N     stops per symbol (default: every hit)\n"
    "  -r, --release-after SYMBOL\n"
    "                       after its first stop, let the probe run on\n"
    "                       unwatched (default: a Go run under qemu\n"
    "                       stops watching at runtime.main, where Go\n"
    "                       starts its second thread, unless -e\n"
    "                       GOMAXPROCS=1; 'none': never)\n"
    "      --max-stops N    stops in all (default 256)\n"
    "  -o, --probe-stdout F the probe's stdout into F\n"
    "  -E, --probe-stderr F the probe's stderr into F\n"
    "      --cost N         measure instead: N plain runs and N observed\n"
    "                       ones, alternating; prints rt0 obscost\n"
    "  -h, --help\n"
    "exit status: 0 observed, 1 observation failed, 2 bad input\n";

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "rt0-observe: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", usage);
	return 2;
}

static bool parse_uint(const char *s, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v > 100000000ul || *s == '-')
		return false;
	*out = (unsigned)v;
	return true;
}

/* Splits a comma list into list (pointing into text). */
static bool split(char *text, const char **list, size_t cap)
{
	size_t n = 0;
	char *save = NULL;
	for (char *t = strtok_r(text, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		if (n + 1 >= cap)
			return false;
		list[n++] = t;
	}
	list[n] = NULL;
	return n > 0;
}

static bool write_file(const char *path, const char *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	bool ok = fwrite(p, 1, n, f) == n;
	return (fclose(f) == 0) && ok;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One run of the probe as the suites make it, without the observer: the
 * same command (under qemu for a foreign arch), environment and outputs
 * thrown away. Returns its wall time, or 0 when it could not run. */
static uint64_t plain_run(const struct obs_spec *spec)
{
	const char *argv[512];
	size_t n = 0;
	if (spec->qemu) {
		argv[n++] = spec->qemu;
		if (spec->sysroot) {
			argv[n++] = "-L";
			argv[n++] = spec->sysroot;
		}
	}
	argv[n++] = spec->probe;
	for (size_t i = 0; spec->args[i] && n + 1 < 512; i++)
		argv[n++] = spec->args[i];
	argv[n] = NULL;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	uint64_t t0 = now_ns();
	pid_t pid;
	int status;
	int e = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv,
	                     (char *const *)spec->env);
	posix_spawn_file_actions_destroy(&fa);
	if (e != 0 || waitpid(pid, &status, 0) != pid)
		return 0;
	return now_ns() - t0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The observer's cost: medians of n plain and n observed runs, taken in
 * turn so that both see the same load. */
static int measure_cost(const struct obs_spec *spec, unsigned n)
{
	uint64_t *plain = calloc(n, sizeof *plain);
	uint64_t *observed = calloc(n, sizeof *observed);
	size_t stops = 0;
	if (!plain || !observed)
		return 1;
	for (unsigned i = 0; i < n; i++) {
		plain[i] = plain_run(spec);
		struct obs_result res;
		uint64_t t0 = now_ns();
		enum obs_status st = obs_run(spec, &res);
		observed[i] = now_ns() - t0;
		stops = res.nstops;
		if (st != OBS_OK || plain[i] == 0) {
			fprintf(stderr, "rt0-observe: --cost: %s\n",
			        st != OBS_OK ? res.error : "plain run failed");
			obs_result_free(&res);
			free(plain);
			free(observed);
			return st == OBS_EBADSPEC ? 2 : 1;
		}
		obs_result_free(&res);
	}
	qsort(plain, n, sizeof *plain, cmp_u64);
	qsort(observed, n, sizeof *observed, cmp_u64);
	uint64_t p = plain[n / 2], o = observed[n / 2];
	printf(
	    "rt0 obscost arch=%s backend=%s runs=%u stops=%zu plain_ns=%" PRIu64
	    " observed_ns=%" PRIu64 " ratio=%.2f extra_per_stop_ns=%" PRIu64
	    "\n",
	    spec->arch, spec->qemu ? "gdbstub" : "ptrace", n, stops, p, o,
	    (double)o / (double)p, stops && o > p ? (o - p) / stops : 0);
	free(plain);
	free(observed);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"impl", required_argument, NULL, 'i'},
	    {"arch", required_argument, NULL, 'a'},
	    {"symbols", required_argument, NULL, 's'},
	    {"g", required_argument, NULL, 'g'},
	    {"layout", required_argument, NULL, 'l'},
	    {"qemu", required_argument, NULL, 'q'},
	    {"sysroot", required_argument, NULL, 'L'},
	    {"env", required_argument, NULL, 'e'},
	    {"timeout", required_argument, NULL, 't'},
	    {"max-hits", required_argument, NULL, 'n'},
	    {"release-after", required_argument, NULL, 'r'},
	    {"max-stops", required_argument, NULL, 'S'},
	    {"probe-stdout", required_argument, NULL, 'o'},
	    {"probe-stderr", required_argument, NULL, 'E'},
	    {"cost", required_argument, NULL, 'C'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	const char *impl_name = "rt0", *arch = NULL, *g_text = NULL,
	           *layout_text = NULL, *out_file = NULL, *err_file = NULL;
	char *symbols_text = NULL;
	const char *release_text = NULL;
	static const char *symbols[MAX_LIST], *env[MAX_LIST];
	size_t nenv = 0;
	unsigned cost_runs = 0;
	struct obs_spec spec = {0};
	int c;
	while ((c = getopt_long(argc, argv, "+i:a:s:g:l:q:L:e:t:n:r:o:E:h",
	                        longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			impl_name = optarg;
			break;
		case 'a':
			arch = optarg;
			break;
		case 's':
			symbols_text = optarg;
			break;
		case 'g':
			g_text = optarg;
			break;
		case 'l':
			layout_text = optarg;
			break;
		case 'q':
			spec.qemu = optarg;
			break;
		case 'L':
			spec.sysroot = optarg;
			break;
		case 'e':
			if (!strchr(optarg, '=') || nenv + 1 >= MAX_LIST)
				return bad("bad --env '%s' (K=V)", optarg);
			env[nenv++] = optarg;
			break;
		case 't':
			if (!parse_uint(optarg, &spec.timeout_ms) ||
			    !spec.timeout_ms)
				return bad("bad --timeout '%s'", optarg);
			break;
		case 'n':
			if (!parse_uint(optarg, &spec.max_hits))
				return bad("bad --max-hits '%s'", optarg);
			break;
		case 'r':
			release_text = optarg;
			break;
		case 'S':
			if (!parse_uint(optarg, &spec.max_stops))
				return bad("bad --max-stops '%s'", optarg);
			break;
		case 'C':
			if (!parse_uint(optarg, &cost_runs) || !cost_runs)
				return bad("bad --cost '%s'", optarg);
			break;
		case 'o':
			out_file = optarg;
			break;
		case 'E':
			err_file = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind >= argc)
		return bad("%s", "no probe given");
	spec.probe = argv[optind];
	spec.args = (const char *const *)argv + optind + 1;
	env[nenv] = NULL;
	spec.env = env;

	/* The arch: as told, else the ELF's; foreign ones run under their
	 * qemu-user unless told otherwise. */
	char err[512];
	if (!arch && !(arch = obs_arch_of_elf(spec.probe, err, sizeof err)))
		return bad("%s", err);
	spec.arch = arch;
	if (!spec.qemu && !obs_arch_native(arch))
		spec.qemu = obs_arch_qemu(arch);

	const struct obs_impl *impl = obs_impl_find(impl_name);
	if (!impl)
		return bad("unknown --impl '%s' (rt0, go1.19, go1.23, go)",
		           impl_name);
	/* The runtime's data first; what is given by hand replaces it, and
	 * may make up for what the runtime's data could not give. */
	char impl_err[512] = "";
	if (!obs_spec_for_impl(impl, spec.probe, arch, &spec, impl_err,
	                       sizeof impl_err))
		memset(&spec.g, 0, sizeof spec.g);
	if (symbols_text && !split(symbols_text, symbols, MAX_LIST))
		return bad("bad --symbols '%s'", symbols_text);
	if (symbols_text)
		spec.symbols = symbols;
	/* The runtime's hold point only where it is one of the stops. */
	bool hold_listed = false;
	for (size_t i = 0;
	     spec.hold_first_thread_until && spec.symbols && spec.symbols[i];
	     i++)
		hold_listed |=
		    strcmp(spec.symbols[i], spec.hold_first_thread_until) == 0;
	if (!hold_listed)
		spec.hold_first_thread_until = NULL;
	if (g_text && !obs_g_where_parse(g_text, arch, spec.probe, &spec.g, err,
	                                 sizeof err))
		return bad("%s", err);
	if (layout_text) {
		if (!obs_layout_parse(layout_text, &spec.layout, err,
		                      sizeof err))
			return bad("%s", err);
		spec.read_m = spec.layout.m.known;
	}
	if (impl_err[0] && (!symbols_text || !g_text ||
	                    (!layout_text && spec.g.kind != OBS_G_NONE)))
		return bad("%s", impl_err);
	/* The runtime's returns worth a stop (stackalloc's stack, gcenable's
	 * end), unless the symbols are given by hand. */
	static bool at_return[MAX_LIST];
	for (size_t i = 0; !symbols_text && impl->return_phases &&
	                   impl->symbols[i] && i < MAX_LIST;
	     i++)
		at_return[i] = impl->return_phases[i] != NULL;
	if (!symbols_text && impl->return_phases)
		spec.stop_at_return = at_return;
	if (release_text)
		spec.release_after =
		    strcmp(release_text, "none") == 0 ? NULL : release_text;

	if (cost_runs)
		return measure_cost(&spec, cost_runs);

	struct obs_result res;
	enum obs_status st = obs_run(&spec, &res);
	char line[1024];
	for (size_t i = 0; i < res.nstops; i++) {
		obs_format_stop(&spec, &res.stops[i], line, sizeof line);
		fputs(line, stdout);
	}
	obs_format_summary(&spec, &res, line, sizeof line);
	fputs(line, stdout);
	fflush(stdout);
	if (out_file ? !write_file(out_file, res.probe.out, res.probe.out_len)
	             : fwrite(res.probe.out, 1, res.probe.out_len, stderr) !=
	                   res.probe.out_len)
		fprintf(stderr, "rt0-observe: cannot write the probe's "
		                "stdout\n");
	if (err_file ? !write_file(err_file, res.probe.err, res.probe.err_len)
	             : fwrite(res.probe.err, 1, res.probe.err_len, stderr) !=
	                   res.probe.err_len)
		fprintf(stderr, "rt0-observe: cannot write the probe's "
		                "stderr\n");
	if (st != OBS_OK)
		fprintf(stderr, "rt0-observe: %s: %s\n", obs_status_name(st),
		        res.error);
	obs_result_free(&res);
	return st == OBS_OK ? 0 : st == OBS_EBADSPEC ? 2 : 1;
}
