/* Module type mclock: a monotonic clock. */
#ifndef MG_MCLOCK_H
#define MG_MCLOCK_H

#include <stdint.h>

typedef struct mg_mclock_ops {
	/* ns since an origin fixed at boot; never goes backwards. */
	uint64_t (*now_ns)(void *self);
} mg_mclock_ops;

typedef struct mg_mclock {
	const mg_mclock_ops *ops;
	void *self;
} mg_mclock;

static inline uint64_t mg_mclock_now_ns(mg_mclock *c)
{
	return c->ops->now_ns(c->self);
}

/* The platform's monotonic clock. */
int mg_mclock_platform_connect(mg_mclock *out);

#endif
