/* Fibers waiting for host descriptors through mg_io_wait. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <mg/error.h>
#include <mg/fiber.h>
#include <mg/platform_unix.h>

#include "mgtest.h"

static int run_main(mg_fiber_fn fn, void *arg)
{
	mg_fiber_opts o = {.name = "main"};
	mg_fiber *m = mg_spawn(fn, arg, &o);
	ASSERT_TRUE(m != NULL);
	return mg__run(m);
}

static int fds[2];
static mg_handle rh;

static void make_pipe(void)
{
	ASSERT_EQ(pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
	ASSERT_EQ(mg_unix_fd_register(fds[0], MG_UNIX_READ, &rh), 0);
}

/* Read what is there, waiting for the pipe as the contract says: only
 * after the host said EAGAIN. Returns bytes read or a wait's error. */
static int read_some(uint64_t deadline)
{
	char buf[64];
	for (;;) {
		ssize_t n = read(fds[0], buf, sizeof buf);
		if (n > 0)
			return (int)n;
		int r = mg_io_wait(rh, deadline);
		if (r)
			return r;
	}
}

static int reader(void *arg)
{
	(void)arg;
	return read_some(mg_deadline_in(MG_NS_PER_S));
}

static int writer(void *arg)
{
	mg_sleep_ns((uint64_t)(intptr_t)arg * MG_NS_PER_MS);
	return (int)write(fds[1], "hello", 5);
}

static int pipe_main(void *arg)
{
	(void)arg;
	make_pipe();
	/* Two readers on one handle: both wake; one gets the bytes, the
	 * other, finding the pipe empty again, waits again. */
	mg_fiber *r1 = mg_spawn(reader, NULL, NULL);
	mg_fiber *r2 = mg_spawn(reader, NULL, NULL);
	mg_fiber *w = mg_spawn(writer, (void *)10, NULL);
	uint64_t t0 = mg_now_ns();
	ASSERT_EQ(mg_join(w), 5);
	ASSERT_EQ(mg_join(r1), 5);
	ASSERT_CMP(mg_now_ns() - t0, >=, 10 * MG_NS_PER_MS);
	ASSERT_CMP(mg_now_ns() - t0, <, 500 * MG_NS_PER_MS);
	w = mg_spawn(writer, (void *)5, NULL);
	ASSERT_EQ(mg_join(r2), 5);
	ASSERT_EQ(mg_join(w), 5);
	return 0;
}

MGT_TEST(io_wait_wakes_every_fiber_waiting_on_a_pipe)
{
	ASSERT_EQ(run_main(pipe_main, NULL), 0);
}

static int timeout_main(void *arg)
{
	(void)arg;
	make_pipe();
	uint64_t t0 = mg_now_ns();
	ASSERT_EQ(read_some(mg_deadline_in(20 * MG_NS_PER_MS)), MG_ETIMEDOUT);
	ASSERT_CMP(mg_now_ns() - t0, >=, 20 * MG_NS_PER_MS);
	/* Data present before the wait: the read finds it, no wait. */
	ASSERT_EQ(write(fds[1], "ab", 2), 2);
	ASSERT_EQ(read_some(0), 2);
	/* A cancelled wait. */
	mg_fiber *r = mg_spawn(reader, NULL, NULL);
	mg_yield();
	mg_fiber_cancel(r);
	ASSERT_EQ(mg_join(r), MG_ECANCELED);
	return 0;
}

MGT_TEST(io_wait_times_out_and_can_be_cancelled)
{
	ASSERT_EQ(run_main(timeout_main, NULL), 0);
}

static volatile int stop;

static int spinner(void *arg)
{
	(void)arg;
	while (!stop)
		mg_yield();
	return 0;
}

static int busy_main(void *arg)
{
	(void)arg;
	make_pipe();
	mg_fiber *s = mg_spawn(spinner, NULL, NULL);
	mg_fiber *r = mg_spawn(reader, NULL, NULL);
	mg_yield(); /* the reader waits; the spinner never lets the queue empty
	             */
	ASSERT_EQ(write(fds[1], "xyz", 3), 3);
	ASSERT_EQ(mg_join(r), 3);
	stop = 1;
	mg_join(s);
	return 0;
}

MGT_TEST(devices_are_polled_while_fibers_keep_yielding)
{
	ASSERT_EQ(run_main(busy_main, NULL), 0);
}

static int timerfd_main(void *arg)
{
	(void)arg;
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	ASSERT_TRUE(tfd >= 0);
	struct itimerspec its = {.it_value = {.tv_nsec = 20 * 1000000}};
	ASSERT_EQ(timerfd_settime(tfd, 0, &its, NULL), 0);
	mg_handle h;
	ASSERT_EQ(mg_unix_fd_register(tfd, MG_UNIX_READ, &h), 0);
	/* No scheduler timer is armed: only the device can end the wait,
	 * and that is not a deadlock. */
	uint64_t t0 = mg_now_ns();
	ASSERT_EQ(mg_io_wait(h, MG_FOREVER), 0);
	ASSERT_CMP(mg_now_ns() - t0, >=, 19 * MG_NS_PER_MS);
	uint64_t ticks = 0;
	ASSERT_EQ(read(tfd, &ticks, sizeof ticks), 8);
	ASSERT_EQ(ticks, 1);
	ASSERT_EQ(mg_unix_fd_unregister(h), 0);
	close(tfd);
	return 0;
}

MGT_TEST(a_wait_with_no_deadline_ends_on_a_device_event)
{
	ASSERT_EQ(run_main(timerfd_main, NULL), 0);
}

static int waiter_on(void *arg)
{
	mg_handle h = *(mg_handle *)arg;
	return mg_io_wait(h, mg_deadline_in(MG_NS_PER_S));
}

static int table_main(void *arg)
{
	(void)arg;
	enum { N = 300 };
	static int p[N][2];
	static mg_handle h[N];
	static mg_fiber *f[N];
	for (int i = 0; i < N; i++) {
		ASSERT_EQ(pipe2(p[i], O_NONBLOCK | O_CLOEXEC), 0);
		ASSERT_EQ(mg_unix_fd_register(p[i][0], MG_UNIX_READ, &h[i]), 0);
		/* Spawning grows the table while earlier fibers wait. */
		f[i] = mg_spawn(waiter_on, &h[i], NULL);
		mg_yield();
	}
	for (int i = N - 1; i >= 0; i--)
		ASSERT_EQ(write(p[i][1], "!", 1), 1);
	for (int i = 0; i < N; i++)
		ASSERT_EQ(mg_join(f[i]), 0);
	return 0;
}

MGT_TEST(io_waits_survive_the_table_growing)
{
	ASSERT_EQ(run_main(table_main, NULL), 0);
}
