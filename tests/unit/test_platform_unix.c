/* The unix platform: console, clocks, entropy, stacks, faults, waiting. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mg/error.h>
#include <mg/platform.h>
#include <mg/platform_unix.h>

#include "mgtest.h"

static uint64_t host_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void big_write(void *arg)
{
	(void)arg;
	static char buf[300000];
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (char)('a' + i % 26);
	mg_platform_console_write(buf, sizeof buf);
}

MGT_TEST(console_writes_everything_to_stdout)
{
	static char out[400000];
	int st = mgt_run_child(big_write, NULL, out, sizeof out);
	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_EQ(strlen(out), 300000);
	ASSERT_EQ(out[299999], (char)('a' + 299999 % 26));
}

MGT_TEST(clocks_follow_the_host)
{
	uint64_t m0 = mg_platform_monotonic_ns(), h0 = host_mono_ns();
	usleep(20000);
	uint64_t m1 = mg_platform_monotonic_ns(), h1 = host_mono_ns();
	ASSERT_CMP(m1, >, m0);
	int64_t skew = (int64_t)(m1 - m0) - (int64_t)(h1 - h0);
	ASSERT_CMP(skew < 0 ? -skew : skew, <, 1000000);
	uint64_t prev = mg_platform_monotonic_ns();
	for (int i = 0; i < 100000; i++) {
		uint64_t now = mg_platform_monotonic_ns();
		ASSERT_CMP(now, >=, prev);
		prev = now;
	}
	uint64_t wall = mg_platform_wall_ns();
	int64_t diff = (int64_t)(wall / 1000000000ull) - (int64_t)time(NULL);
	ASSERT_CMP(diff < 0 ? -diff : diff, <=, 1);
}

MGT_TEST(entropy_fills_buffers_differently)
{
	unsigned char a[1000], b[1000];
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	mg_platform_entropy(a, sizeof a);
	mg_platform_entropy(b, sizeof b);
	ASSERT_TRUE(memcmp(a, b, sizeof a) != 0);
	int zeros = 0;
	for (size_t i = 0; i < sizeof a; i++)
		zeros += a[i] == 0;
	ASSERT_CMP(zeros, <, 30);
}

MGT_TEST(boot_info_describes_the_process)
{
	const mg_boot_info *bi = mg_platform_boot_info();
	ASSERT_STREQ(bi->target, "unix");
	ASSERT_EQ(bi->heap_size, 0);
	ASSERT_EQ(bi->argc, 1);
	ASSERT_STREQ(bi->argv[0], "morgana");
	char *argv[] = {"img", "--x=1", NULL};
	mg_unix_init(2, argv);
	bi = mg_platform_boot_info();
	ASSERT_EQ(bi->argc, 2);
	ASSERT_STREQ(bi->argv[1], "--x=1");
}

MGT_TEST(stacks_are_usable_whole_and_reused)
{
	void *base[50];
	size_t usable[50];
	for (int i = 0; i < 50; i++) {
		size_t want = 1000 + (size_t)i * 5000;
		ASSERT_EQ(mg_platform_stack_alloc(want, &base[i], &usable[i]),
		          0);
		ASSERT_CMP(usable[i], >=, want);
		ASSERT_EQ((uintptr_t)base[i] % 4096, 0);
		memset(base[i], 0x5a, usable[i]);
	}
	for (int i = 0; i < 50; i += 2)
		mg_platform_stack_free(base[i], usable[i]);
	for (int i = 1; i < 50; i += 2)
		ASSERT_EQ(((unsigned char *)base[i])[usable[i] - 1], 0x5a);
	for (int i = 1; i < 50; i += 2)
		mg_platform_stack_free(base[i], usable[i]);
}

static void *victim_base;

static void touch_guard(void *arg)
{
	(void)arg;
	size_t usable;
	if (mg_platform_stack_alloc(16384, &victim_base, &usable) != 0)
		_exit(3);
	((volatile char *)victim_base)[-1] = 1;
}

MGT_TEST(a_fault_in_a_guard_page_is_a_stack_overflow)
{
	char out[8192];
	int st = mgt_run_child(touch_guard, NULL, out, sizeof out);
	/* No scheduler is linked into this test: the name is unknown. */
	ASSERT_CONTAINS(out, "morgana: fiber '?' overflowed its stack (16384 "
	                     "bytes)\n");
	ASSERT_TRUE(!(WIFEXITED(st) && WEXITSTATUS(st) == 0));
	if (!strstr(out, "AddressSanitizer")) {
		ASSERT_TRUE(WIFSIGNALED(st));
		ASSERT_EQ(WTERMSIG(st), SIGABRT);
	}
}

static void wild_write(void *arg)
{
	(void)arg;
	mg_unix_init(1, (char *[]){"t", NULL});
	static volatile uintptr_t wild = 0x10;
	*(volatile int *)wild = 1;
}

MGT_TEST(other_faults_name_the_address)
{
	char out[8192];
	int st = mgt_run_child(wild_write, NULL, out, sizeof out);
	ASSERT_CONTAINS(out, "morgana: segmentation fault at 0x10\n");
	/* Under ASan, its own report (and backtrace) follows ours. */
	if (strstr(out, "AddressSanitizer")) {
		ASSERT_CONTAINS(out, "SEGV on unknown address");
		ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) != 0);
	} else {
		ASSERT_TRUE(WIFSIGNALED(st));
		ASSERT_EQ(WTERMSIG(st), SIGABRT);
	}
}

static void do_abort(void *arg)
{
	mg_platform_abort(arg);
}

static void do_exit(void *arg)
{
	(void)arg;
	mg_platform_exit(42);
}

MGT_TEST(abort_prints_then_dies_like_sigabrt_and_exit_keeps_status)
{
	char out[256];
	int st = mgt_run_child(do_abort, "it broke", out, sizeof out);
	ASSERT_TRUE(WIFSIGNALED(st));
	ASSERT_EQ(WTERMSIG(st), SIGABRT);
	ASSERT_STREQ(out, "it broke\n");
	st = mgt_run_child(do_exit, NULL, out, sizeof out);
	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_EQ(WEXITSTATUS(st), 42);
}

MGT_TEST(yield_sleeps_until_the_deadline_at_ns_precision)
{
	uint64_t best = UINT64_MAX, worst = 0;
	for (int i = 0; i < 5; i++) {
		uint64_t t0 = mg_platform_monotonic_ns();
		uint64_t deadline = t0 + 50 * 1000000ull;
		size_t n = 99;
		mg_handle ready[4];
		mg_platform_yield(deadline, ready, 4, &n);
		uint64_t now = mg_platform_monotonic_ns();
		ASSERT_EQ(n, 0);
		ASSERT_CMP(now, >=, deadline);
		uint64_t late = now - deadline;
		best = late < best ? late : best;
		worst = late > worst ? late : worst;
	}
	printf("  50 ms waits ended %llu..%llu us late\n",
	       (unsigned long long)best / 1000,
	       (unsigned long long)worst / 1000);
	ASSERT_CMP(best, <, 1000000);
	ASSERT_CMP(worst, <, 20000000); /* a loaded machine */
	/* A past deadline polls. */
	uint64_t t0 = mg_platform_monotonic_ns();
	size_t n;
	mg_handle r[1];
	mg_platform_yield(0, r, 1, &n);
	mg_platform_yield(t0 + 1000000, r, 0, &n); /* no room: still waits */
	ASSERT_CMP(mg_platform_monotonic_ns() - t0, >=, 1000000);
}

MGT_TEST(host_descriptors_are_edge_triggered_handles)
{
	int p[2];
	ASSERT_EQ(pipe2(p, O_NONBLOCK), 0);
	mg_handle h, h2, r[4];
	size_t n;
	ASSERT_EQ(mg_unix_fd_register(p[0], MG_UNIX_READ, &h), 0);
	ASSERT_EQ(mg_unix_fd_of(h), p[0]);
	ASSERT_EQ(mg_unix_fd_register(p[0], MG_UNIX_READ, &h2), MG_EEXIST);
	mg_platform_yield(0, r, 4, &n);
	ASSERT_EQ(n, 0);
	ASSERT_EQ(write(p[1], "a", 1), 1);
	mg_platform_yield(UINT64_MAX, r, 4, &n);
	ASSERT_EQ(n, 1);
	ASSERT_EQ(r[0], h);
	/* Still readable, but no new edge: not reported again. */
	mg_platform_yield(0, r, 4, &n);
	ASSERT_EQ(n, 0);
	ASSERT_EQ(write(p[1], "b", 1), 1);
	mg_platform_yield(0, r, 4, &n);
	ASSERT_EQ(n, 1);
	/* Modifying re-arms: a ready descriptor is reported. */
	ASSERT_EQ(mg_unix_fd_modify(h, MG_UNIX_READ), 0);
	mg_platform_yield(0, r, 4, &n);
	ASSERT_EQ(n, 1);
	ASSERT_EQ(mg_unix_fd_modify(h, 7), MG_EINVAL);
	/* The write end, registered for writing: ready at once. */
	ASSERT_EQ(mg_unix_fd_register(p[1], MG_UNIX_WRITE, &h2), 0);
	mg_platform_yield(0, r, 4, &n);
	ASSERT_EQ(n, 1);
	ASSERT_EQ(r[0], h2);
	/* Unregistered handles are dead, even if the number comes back. */
	ASSERT_EQ(mg_unix_fd_unregister(h), 0);
	ASSERT_EQ(mg_unix_fd_unregister(h), MG_ENOENT);
	ASSERT_EQ(mg_unix_fd_modify(h, MG_UNIX_READ), MG_ENOENT);
	ASSERT_EQ(mg_unix_fd_of(h), -1);
	mg_handle h3;
	ASSERT_EQ(mg_unix_fd_register(p[0], MG_UNIX_READ, &h3), 0);
	ASSERT_NE(h3, h);
	/* Closed without unregistering: the number can be registered anew. */
	close(p[0]);
	ASSERT_EQ(pipe2(p, O_NONBLOCK), 0);
	ASSERT_EQ(mg_unix_fd_register(p[0], MG_UNIX_READ, &h), 0);
	ASSERT_EQ(mg_unix_fd_register(-1, MG_UNIX_READ, &h), MG_EINVAL);
	ASSERT_EQ(mg_unix_fd_register(p[0], 8, &h), MG_EINVAL);
	int file = open("/proc/self/exe", O_RDONLY);
	ASSERT_TRUE(file >= 0);
	ASSERT_EQ(mg_unix_fd_register(file, MG_UNIX_READ, &h), MG_EIO);
}

MGT_TEST(devices_are_not_bound_yet)
{
	mg_handle h;
	mg_platform_net_info ni;
	mg_platform_block_info bi;
	ASSERT_EQ(mg_platform_net_acquire("service", &h, &ni), MG_ENOENT);
	ASSERT_EQ(mg_platform_block_acquire("disk", &h, &bi), MG_ENOENT);
}
