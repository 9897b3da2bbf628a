/* Fiber switch and spawn+join cost, against glibc's ucontext. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <ucontext.h>

#include <mg/fiber.h>

/*
 * Each figure is the best of ROUNDS runs, in ns per operation: the
 * minimum is the cost with the least interference from the host.
 */
#define ROUNDS 5
#define SWITCHES 2000000L
#define SPAWNS 500000L

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- Morgana fibers --- */

static int pinger(void *arg)
{
	long n = *(long *)arg;
	for (long i = 0; i < n; i++)
		mg_yield();
	return 0;
}

static int empty(void *arg)
{
	(void)arg;
	return 0;
}

static double fiber_switch_ns;
static double fiber_spawn_ns;

static int fiber_main(void *arg)
{
	(void)arg;
	long half = SWITCHES / 2;
	for (int r = 0; r < ROUNDS; r++) {
		mg_fiber *a = mg_spawn(pinger, &half, NULL);
		mg_fiber *b = mg_spawn(pinger, &half, NULL);
		double t0 = now_s();
		mg_join(a);
		mg_join(b);
		double ns = (now_s() - t0) * 1e9 / (double)SWITCHES;
		if (r == 0 || ns < fiber_switch_ns)
			fiber_switch_ns = ns;
	}
	for (int r = 0; r < ROUNDS; r++) {
		double t0 = now_s();
		for (long i = 0; i < SPAWNS; i++)
			mg_join(mg_spawn(empty, NULL, NULL));
		double ns = (now_s() - t0) * 1e9 / (double)SPAWNS;
		if (r == 0 || ns < fiber_spawn_ns)
			fiber_spawn_ns = ns;
	}
	return 0;
}

/* --- glibc ucontext --- */

static ucontext_t uc_main, uc_other;

static void uc_ponger(void)
{
	for (;;)
		swapcontext(&uc_other, &uc_main);
}

static void uc_empty(void)
{
}

static double uc_switch(void)
{
	static char stack[64 * 1024];
	getcontext(&uc_other);
	uc_other.uc_stack.ss_sp = stack;
	uc_other.uc_stack.ss_size = sizeof stack;
	uc_other.uc_link = NULL;
	makecontext(&uc_other, uc_ponger, 0);
	double t0 = now_s();
	for (long i = 0; i < SWITCHES / 2; i++)
		swapcontext(&uc_main, &uc_other);
	return (now_s() - t0) * 1e9 / (double)SWITCHES;
}

/* A new context per "spawn", on a reused stack (as the fiber free list
 * reuses stacks); it ends by returning through uc_link. */
static double uc_spawn(void)
{
	static char stack[64 * 1024];
	double t0 = now_s();
	for (long i = 0; i < SPAWNS; i++) {
		getcontext(&uc_other);
		uc_other.uc_stack.ss_sp = stack;
		uc_other.uc_stack.ss_size = sizeof stack;
		uc_other.uc_link = &uc_main;
		makecontext(&uc_other, uc_empty, 0);
		swapcontext(&uc_main, &uc_other);
	}
	return (now_s() - t0) * 1e9 / (double)SPAWNS;
}

int main(void)
{
	mg_fiber_opts o = {.name = "main"};
	mg__run(mg_spawn(fiber_main, NULL, &o));

	double ucs = 0, ucp = 0;
	for (int r = 0; r < ROUNDS; r++) {
		double s = uc_switch(), p = uc_spawn();
		ucs = r == 0 || s < ucs ? s : ucs;
		ucp = r == 0 || p < ucp ? p : ucp;
	}
	printf("%-44s %8.1f ns\n", "fiber switch (mg_yield ping-pong)",
	       fiber_switch_ns);
	printf("%-44s %8.1f ns\n", "ucontext switch (swapcontext ping-pong)",
	       ucs);
	printf("%-44s %8.1fx\n", "  ratio ucontext / fiber",
	       ucs / fiber_switch_ns);
	printf("%-44s %8.1f ns\n", "fiber spawn+join (empty fiber)",
	       fiber_spawn_ns);
	printf("%-44s %8.1f ns\n",
	       "ucontext spawn (makecontext+swapcontext+link)", ucp);
	printf("%-44s %8.1fx\n", "  ratio ucontext / fiber",
	       ucp / fiber_spawn_ns);
	return 0;
}
