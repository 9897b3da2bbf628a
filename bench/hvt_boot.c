/* Boot time of hvt images: whole processes, median of many runs, vs a floor. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * Runs, alternately so that both see the same machine load:
 *   floor: bench/hvt_floor (a KVM guest that only halts)
 *   tender: morgana-hvt hvt_min.hvt (tests/hvt/elfmut.py minimal: a
 *           guest that exits at its first instruction)
 *   hello: morgana-hvt hello.hvt (tests/guest/hello.c: prints, exits)
 * each RUNS times (argv[1], default 200), and prints the median and the
 * quartiles of the wall time from spawn to exit, then the size of the
 * stripped hello image. Run from the top of the tree after make hvt-tests.
 * (hvt_test.hvt, whose manifest has a network device, would bind a real
 * tap: creating and destroying one costs more than the boot measured.)
 */

extern char **environ;

#define O "_out"

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Run (argv) with stdout and stderr on /dev/null; its time in ms. */
static double run_once(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int st;
	double t0 = now_ms();
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		fprintf(stderr, "hvt_boot: cannot run %s\n", argv[0]);
		exit(1);
	}
	waitpid(pid, &st, 0);
	double t = now_ms() - t0;
	posix_spawn_file_actions_destroy(&fa);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "hvt_boot: %s failed (status %d)\n", argv[0],
		        st);
		exit(1);
	}
	return t;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 200;
	char *floor_cmd[] = {O "/bench/hvt_floor", NULL};
	char *tender_cmd[] = {O "/bin/morgana-hvt", O "/bench/hvt_min.hvt",
	                      NULL};
	char *hello_cmd[] = {O "/bin/morgana-hvt", O "/tests/hvt/hello.hvt",
	                     NULL};
	char *const *cmds[] = {floor_cmd, tender_cmd, hello_cmd};
	const char *names[] = {"floor (KVM guest that halts)",
	                       "morgana-hvt, guest exits at once",
	                       "morgana-hvt hello.hvt"};
	enum { N = sizeof cmds / sizeof cmds[0] };

	if (runs < 5)
		runs = 5;
	double *t[N];
	for (int c = 0; c < N; c++)
		t[c] = calloc((size_t)runs, sizeof(double));
	for (int c = 0; c < N; c++)
		run_once(cmds[c]); /* warm the page cache */
	for (int r = 0; r < runs; r++)
		for (int c = 0; c < N; c++)
			t[c][r] = run_once(cmds[c]);

	printf("%d runs each, wall time from spawn to exit (ms):\n", runs);
	printf("  %-34s %7s %7s %7s\n", "", "p25", "median", "p75");
	double med[N];
	for (int c = 0; c < N; c++) {
		qsort(t[c], (size_t)runs, sizeof(double), cmp);
		med[c] = t[c][runs / 2];
		printf("  %-34s %7.2f %7.2f %7.2f\n", names[c], t[c][runs / 4],
		       med[c], t[c][3 * runs / 4]);
	}
	printf("hello / floor: %.2fx\n", med[N - 1] / med[0]);

	char *strip_cmd[] = {"/usr/bin/strip", "-o", O "/bench/hello.stripped",
	                     O "/tests/hvt/hello.hvt", NULL};
	struct stat st;
	run_once(strip_cmd);
	if (stat(O "/bench/hello.stripped", &st) == 0)
		printf("stripped hello.hvt: %lld bytes (%.1f KiB)\n",
		       (long long)st.st_size, (double)st.st_size / 1024);
	return 0;
}
