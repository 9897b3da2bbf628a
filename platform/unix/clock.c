/* Clocks and entropy from the host. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <mg/platform.h>

static uint64_t read_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Set by the first reading (at latest, by the constructor below), so the
 * monotonic clock counts from process start as it counts from boot on a
 * guest. */
static uint64_t origin;

uint64_t mg_platform_monotonic_ns(void)
{
	uint64_t now = read_ns(CLOCK_MONOTONIC);
	if (__builtin_expect(origin == 0, 0))
		origin = now;
	return now - origin;
}

__attribute__((constructor)) static void set_origin(void)
{
	mg_platform_monotonic_ns();
}

uint64_t mg_platform_wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void mg_platform_entropy(void *buf, size_t len)
{
	char *p = buf;
	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			char msg[160];
			snprintf(msg, sizeof msg,
			         "morgana: no entropy: getrandom failed: %s",
			         n < 0 ? strerror(errno) : "returned 0");
			mg_platform_abort(msg);
		}
		p += n;
		len -= (size_t)n;
	}
}
