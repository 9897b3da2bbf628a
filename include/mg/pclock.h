/* Module type pclock: the wall clock (POSIX time). */
#ifndef MG_PCLOCK_H
#define MG_PCLOCK_H

#include <stddef.h>
#include <stdint.h>

typedef struct mg_pclock_ops {
	/* ns since 1970-01-01T00:00:00Z; may jump. */
	uint64_t (*now_ns)(void *self);
} mg_pclock_ops;

typedef struct mg_pclock {
	const mg_pclock_ops *ops;
	void *self;
} mg_pclock;

static inline uint64_t mg_pclock_now_ns(mg_pclock *c)
{
	return c->ops->now_ns(c->self);
}

/*
 * Format (ns since the epoch) as RFC 3339 UTC, "2026-11-23T16:08:30Z"
 * (seconds precision) into (buf) of at least 21 bytes. Returns buf.
 */
char *mg_pclock_format_rfc3339(uint64_t ns, char buf[static 21]);

/* The platform's wall clock. */
int mg_pclock_platform_connect(mg_pclock *out);

#endif
