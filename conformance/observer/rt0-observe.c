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
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt0obs/observer.h"
#include "rt0obs/targets.h"

#define MAX_LIST 256

static const char usage[] =
    "usage: rt0-observe [options] [--] PROBE [ARG...]\n"
    "  -i, --impl NAME      the runtime: rt0 (default) or go; gives the\n"
    "                       symbols, where g is and g's type (DWARF)\n"
    "  -a, --arch GOARCH    amd64, arm64, riscv64 (default: the ELF's)\n"
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
    "      --max-stops N    stops in all (default 256)\n"
    "  -o, --probe-stdout F the probe's stdout into F\n"
    "  -E, --probe-stderr F the probe's stderr into F\n"
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
	    {"max-stops", required_argument, NULL, 'S'},
	    {"probe-stdout", required_argument, NULL, 'o'},
	    {"probe-stderr", required_argument, NULL, 'E'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	const char *impl_name = "rt0", *arch = NULL, *g_text = NULL,
	           *layout_text = NULL, *out_file = NULL, *err_file = NULL;
	char *symbols_text = NULL;
	static const char *symbols[MAX_LIST], *env[MAX_LIST];
	size_t nenv = 0;
	struct obs_spec spec = {0};
	int c;
	while ((c = getopt_long(argc, argv, "+i:a:s:g:l:q:L:e:t:n:o:E:h",
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
		case 'S':
			if (!parse_uint(optarg, &spec.max_stops))
				return bad("bad --max-stops '%s'", optarg);
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
		return bad("unknown --impl '%s' (rt0, go)", impl_name);
	if (!obs_spec_for_impl(impl, spec.probe, arch, &spec, err,
	                       sizeof err) &&
	    (!g_text || !layout_text))
		return bad("%s", err);
	if (symbols_text && !split(symbols_text, symbols, MAX_LIST))
		return bad("bad --symbols '%s'", symbols_text);
	if (symbols_text)
		spec.symbols = symbols;
	if (g_text && !obs_g_where_parse(g_text, arch, spec.probe, &spec.g, err,
	                                 sizeof err))
		return bad("%s", err);
	if (layout_text) {
		if (!obs_layout_parse(layout_text, &spec.layout, err,
		                      sizeof err))
			return bad("%s", err);
		spec.read_m = spec.layout.m.known;
	}

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
