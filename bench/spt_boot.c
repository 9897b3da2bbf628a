/* Boot time of spt images: whole processes against a static C program. */
#include <stdio.h>
#include <stdlib.h>

#include "boot_lib.h"

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

#define O "_out"

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 500;
	char *peer[] = {O "/bench/spt_floor", NULL};
	char *hello[] = {O "/bin/morgana-spt", O "/tests/spt/hello.spt", NULL};
	char *const *cmds[] = {peer, hello};
	const char *names[] = {"static C program writing a line",
	                       "morgana-spt hello.spt"};
	double med[2];

	if (runs < 5)
		runs = 5;
	mg_bench_boots(cmds, names, 2, runs, med);
	printf("hello / static C program: %.2fx\n", med[1] / med[0]);
	return 0;
}
