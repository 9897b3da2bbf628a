/* Boot time of spt images: whole processes against a static C program. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

/*
 * Runs, alternately so that both see the same machine load, RUNS times
 * each (argv[1], default 500):
 *   peer:  bench/spt_floor, built with -static (glibc): writes one line
 *   hello: morgana-spt hello.spt (tests/guest/hello.c on core/: prints
 *          its greeting and its boot arguments, exits)
 * and prints the median and quartiles of the wall time from spawn to exit
 * and the ratio of the medians. Run from the top of the tree after make
 * spt-tests.
 */

extern char **environ;

#define O "_out"

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static double run_once(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int st;
	double t0 = now_us();
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		fprintf(stderr, "spt_boot: cannot run %s\n", argv[0]);
		exit(1);
	}
	waitpid(pid, &st, 0);
	double t = now_us() - t0;
	posix_spawn_file_actions_destroy(&fa);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "spt_boot: %s failed (status %d)\n", argv[0],
		        st);
		exit(1);
	}
	return t;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double report(const char *name, double *t, int n)
{
	qsort(t, (size_t)n, sizeof *t, cmp);
	printf("  %-6s median %6.0f us  (quartiles %.0f, %.0f)\n", name,
	       t[n / 2], t[n / 4], t[3 * n / 4]);
	return t[n / 2];
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 500;
	if (runs < 4)
		runs = 4;
	char *peer[] = {O "/bench/spt_floor", NULL};
	char *hello[] = {O "/bin/morgana-spt", O "/tests/spt/hello.spt", NULL};
	double *tp = calloc((size_t)runs, sizeof *tp);
	double *th = calloc((size_t)runs, sizeof *th);
	if (!tp || !th)
		return 1;
	for (int i = 0; i < 10; i++) /* warm the page cache */
		run_once(peer), run_once(hello);
	for (int i = 0; i < runs; i++) {
		tp[i] = run_once(peer);
		th[i] = run_once(hello);
	}
	printf("spt boot, whole process from spawn to exit, %d runs each, "
	       "interleaved:\n",
	       runs);
	double p = report("peer", tp, runs);
	double h = report("hello", th, runs);
	printf("  hello / static C program: %.2fx\n", h / p);
	return 0;
}
