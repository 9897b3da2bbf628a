/* Boot time of hvt images: whole processes, median of many runs, vs a floor. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "boot_lib.h"

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

#define O "_out"

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
	double med[N];
	mg_bench_boots(cmds, names, N, runs, med);
	printf("hello / floor: %.2fx\n", med[N - 1] / med[0]);

	char *strip_cmd[] = {"/usr/bin/strip", "-o", O "/bench/hello.stripped",
	                     O "/tests/hvt/hello.hvt", NULL};
	struct stat st;
	mg_bench_run_once(strip_cmd);
	if (stat(O "/bench/hello.stripped", &st) == 0)
		printf("stripped hello.hvt: %lld bytes (%.1f KiB)\n",
		       (long long)st.st_size, (double)st.st_size / 1024);
	return 0;
}
