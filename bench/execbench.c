/* execbench: exec-to-exit time of several programs, measured in one run,
 * interleaved round-robin so that machine noise hits all of them alike.
 * Usage: execbench RUNS NAME=PATH... ; the first program is the baseline.
 * Prints, per program, the median and minimum in microseconds and the
 * ratio of its median to the baseline's. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double run_once(const char *path, posix_spawn_file_actions_t *fa)
{
	char *argv[] = {(char *)path, NULL};
	char *envp[] = {NULL};
	pid_t pid;
	double t0 = now_us();
	if (posix_spawn(&pid, path, fa, NULL, argv, envp) != 0) {
		perror(path);
		exit(2);
	}
	int status;
	waitpid(pid, &status, 0);
	double t = now_us() - t0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "execbench: %s did not exit 0\n", path);
		exit(2);
	}
	return t;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: execbench RUNS NAME=PATH...\n");
		return 2;
	}
	int runs = atoi(argv[1]), n = argc - 2;
	if (runs < 1) {
		fprintf(stderr, "execbench: RUNS must be positive\n");
		return 2;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	double *t = calloc((size_t)(runs * n), sizeof *t);
	const char **name = calloc((size_t)n, sizeof *name);
	const char **path = calloc((size_t)n, sizeof *path);
	for (int i = 0; i < n; i++) {
		char *eq = strchr(argv[i + 2], '=');
		if (eq == NULL) {
			fprintf(stderr, "execbench: expected NAME=PATH\n");
			return 2;
		}
		*eq = '\0';
		name[i] = argv[i + 2];
		path[i] = eq + 1;
		run_once(path[i], &fa); /* warm the page cache */
	}
	for (int r = 0; r < runs; r++)
		for (int i = 0; i < n; i++)
			t[i * runs + r] = run_once(path[i], &fa);
	double base = 0;
	printf("%-24s %10s %10s %8s\n", "program", "median_us", "min_us",
	       "ratio");
	for (int i = 0; i < n; i++) {
		double *ti = &t[i * runs];
		qsort(ti, (size_t)runs, sizeof *ti, cmp_double);
		double median = ti[runs / 2];
		if (i == 0)
			base = median;
		printf("%-24s %10.1f %10.1f %8.2f\n", name[i], median, ti[0],
		       median / base);
	}
	return 0;
}
