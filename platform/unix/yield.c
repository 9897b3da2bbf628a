/* Waiting: epoll over registered host descriptors, with ns deadlines. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <time.h>

#include <mg/error.h>
#include <mg/platform.h>
#include <mg/platform_unix.h>

/*
 * A handle is (generation << 32 | fd): the generation makes a handle kept
 * after mg_unix_fd_unregister() (or across a close and a re-register of
 * the same number) refer to nothing instead of to the newcomer.
 */

#define EVENTS_MAX 64

static int epfd = -1;
static mg_handle *by_fd; /* the live handle of each fd, or 0 */
static size_t by_fd_len;
static uint32_t generation;
static int have_pwait2 = 1;

static int ep(void)
{
	if (epfd < 0) {
		/* Deadlines are ns: the default 50 us of slack would show. */
		prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
		epfd = epoll_create1(EPOLL_CLOEXEC);
		if (epfd < 0) {
			char msg[128];
			snprintf(msg, sizeof msg,
			         "morgana: epoll_create1 failed: %s",
			         strerror(errno));
			mg_platform_abort(msg);
		}
	}
	return epfd;
}

static uint32_t events_of(unsigned interest)
{
	uint32_t ev = EPOLLET;
	if (interest & MG_UNIX_READ)
		ev |= EPOLLIN | EPOLLRDHUP;
	if (interest & MG_UNIX_WRITE)
		ev |= EPOLLOUT;
	return ev;
}

static int error_of(int e)
{
	switch (e) {
	case EEXIST:
		return MG_EEXIST;
	case ENOMEM:
	case ENOSPC:
		return MG_ENOMEM;
	case EBADF:
		return MG_EINVAL;
	default:
		return MG_EIO;
	}
}

/* The fd of (h) if (h) is live, else -1. */
static int live_fd(mg_handle h)
{
	uint32_t fd = (uint32_t)h;
	if (fd >= by_fd_len || by_fd[fd] != h || h == 0)
		return -1;
	return (int)fd;
}

int mg_unix_fd_register(int fd, unsigned interest, mg_handle *h)
{
	if (fd < 0 || (interest & ~(MG_UNIX_READ | MG_UNIX_WRITE)))
		return MG_EINVAL;
	if ((size_t)fd >= by_fd_len) {
		size_t len = by_fd_len ? by_fd_len : 64;
		while (len <= (size_t)fd)
			len *= 2;
		mg_handle *n = realloc(by_fd, len * sizeof *n);
		if (!n)
			return MG_ENOMEM;
		memset(n + by_fd_len, 0, (len - by_fd_len) * sizeof *n);
		by_fd = n;
		by_fd_len = len;
	}
	if (++generation == 0)
		generation = 1;
	mg_handle handle = (uint64_t)generation << 32 | (uint32_t)fd;
	struct epoll_event ev = {.events = events_of(interest),
	                         .data.u64 = handle};
	/* Success while by_fd says registered means the descriptor was
	 * closed without unregistering, which drops it from epoll. */
	if (epoll_ctl(ep(), EPOLL_CTL_ADD, fd, &ev) != 0)
		return error_of(errno);
	by_fd[fd] = handle;
	*h = handle;
	return 0;
}

int mg_unix_fd_modify(mg_handle h, unsigned interest)
{
	if (interest & ~(MG_UNIX_READ | MG_UNIX_WRITE))
		return MG_EINVAL;
	int fd = live_fd(h);
	if (fd < 0)
		return MG_ENOENT;
	struct epoll_event ev = {.events = events_of(interest), .data.u64 = h};
	if (epoll_ctl(ep(), EPOLL_CTL_MOD, fd, &ev) != 0)
		return errno == ENOENT || errno == EBADF ? MG_ENOENT
		                                         : error_of(errno);
	return 0;
}

int mg_unix_fd_unregister(mg_handle h)
{
	int fd = live_fd(h);
	if (fd < 0)
		return MG_ENOENT;
	/* Fails harmlessly if the descriptor was already closed. */
	epoll_ctl(ep(), EPOLL_CTL_DEL, fd, NULL);
	by_fd[fd] = 0;
	return 0;
}

int mg_unix_fd_of(mg_handle h)
{
	return live_fd(h);
}

static int wait_events(struct epoll_event *ev, int max,
                       const struct timespec *timeout)
{
	if (have_pwait2) {
		int n = epoll_pwait2(ep(), ev, max, timeout, NULL);
		if (n >= 0 || errno != ENOSYS)
			return n;
		have_pwait2 = 0;
	}
	/* Kernels before 5.11: millisecond timeouts, rounded up so that a
	 * deadline is never reported before it passes. */
	int ms = -1;
	if (timeout) {
		uint64_t ns = (uint64_t)timeout->tv_sec * 1000000000ull +
		              (uint64_t)timeout->tv_nsec;
		uint64_t m = (ns + 999999) / 1000000;
		ms = m > INT32_MAX ? INT32_MAX : (int)m;
	}
	return epoll_wait(ep(), ev, max, ms);
}

void mg_platform_yield(uint64_t deadline_ns, mg_handle *ready, size_t max,
                       size_t *n_ready)
{
	*n_ready = 0;
	struct timespec ts, *timeout = NULL;
	if (deadline_ns != UINT64_MAX) {
		uint64_t now = mg_platform_monotonic_ns();
		uint64_t rel = deadline_ns > now ? deadline_ns - now : 0;
		ts.tv_sec = (time_t)(rel / 1000000000ull);
		ts.tv_nsec = (long)(rel % 1000000000ull);
		timeout = &ts;
	}
	if (max == 0) {
		/* No room: wait without taking (and so losing) any event. */
		struct pollfd p = {.fd = ep(), .events = POLLIN};
		ppoll(&p, 1, timeout, NULL);
		return;
	}
	struct epoll_event ev[EVENTS_MAX];
	int n =
	    wait_events(ev, max < EVENTS_MAX ? (int)max : EVENTS_MAX, timeout);
	if (n < 0) {
		if (errno == EINTR)
			return; /* a spurious wakeup, which callers accept */
		char msg[128];
		snprintf(msg, sizeof msg, "morgana: epoll_pwait2 failed: %s",
		         strerror(errno));
		mg_platform_abort(msg);
	}
	for (int i = 0; i < n; i++)
		ready[i] = ev[i].data.u64;
	*n_ready = (size_t)n;
}
