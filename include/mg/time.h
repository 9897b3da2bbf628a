/* Module type time: sleeping. */
#ifndef MG_TIME_H
#define MG_TIME_H

#include <stdint.h>

typedef struct mg_time_ops {
	/* Sleep (ns) in the calling fiber. 0 or MG_ECANCELED. */
	int (*sleep_ns)(void *self, uint64_t ns);
} mg_time_ops;

typedef struct mg_time {
	const mg_time_ops *ops;
	void *self;
} mg_time;

static inline int mg_time_sleep_ns(mg_time *t, uint64_t ns)
{
	return t->ops->sleep_ns(t->self, ns);
}

/* Sleeping on the core scheduler's timers. */
int mg_time_sched_connect(mg_time *out);

#endif
