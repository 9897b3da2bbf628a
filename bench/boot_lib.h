/* What the boot benchmarks share: timing whole processes, interleaved. */
#ifndef MG_BENCH_BOOT_LIB_H
#define MG_BENCH_BOOT_LIB_H

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double mg_bench_now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Run (argv) with stdout and stderr on /dev/null; its time in ms. Exits
 * if it cannot be run or does not exit with 0. */
static double mg_bench_run_once(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int st;
	double t0 = mg_bench_now_ms();
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		fprintf(stderr, "bench: cannot run %s\n", argv[0]);
		exit(1);
	}
	waitpid(pid, &st, 0);
	double t = mg_bench_now_ms() - t0;
	posix_spawn_file_actions_destroy(&fa);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "bench: %s failed (status %d)\n", argv[0], st);
		exit(1);
	}
	return t;
}

static int mg_bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/*
 * Run the (n) commands (cmds) in turn, (runs) rounds after one to warm
 * the page cache, so that all see the same machine load; print each one's
 * quartiles and median under (names) and store the medians in (med).
 */
static void mg_bench_boots(char *const *const cmds[], const char *const names[],
                           int n, int runs, double med[])
{
	double *t[16];
	if (n > 16)
		exit(1);
	for (int c = 0; c < n; c++)
		if (!(t[c] = calloc((size_t)runs, sizeof(double))))
			exit(1);
	for (int c = 0; c < n; c++)
		mg_bench_run_once(cmds[c]);
	for (int r = 0; r < runs; r++)
		for (int c = 0; c < n; c++)
			t[c][r] = mg_bench_run_once(cmds[c]);
	printf("%d runs each, wall time from spawn to exit (ms):\n", runs);
	printf("  %-34s %7s %7s %7s\n", "", "p25", "median", "p75");
	for (int c = 0; c < n; c++) {
		qsort(t[c], (size_t)runs, sizeof(double), mg_bench_cmp);
		med[c] = t[c][runs / 2];
		printf("  %-34s %7.2f %7.2f %7.2f\n", names[c], t[c][runs / 4],
		       med[c], t[c][3 * runs / 4]);
		free(t[c]);
	}
}

#endif
