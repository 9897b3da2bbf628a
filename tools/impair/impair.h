/* impair: a seeded relay of Ethernet frames that loses, duplicates,
 * reorders and delays them (tests, where tc netem is not available). */
#ifndef IMPAIR_H
#define IMPAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What to do to the frames of one direction. Probabilities in [0, 1]. */
typedef struct imp_conf {
	double loss, dup, reorder;
	uint64_t delay_ns, jitter_ns;
	uint64_t hold_ns; /* longest a reordered frame waits for the next */
	size_t limit;     /* frames queued at most; more are dropped */
} imp_conf;

typedef struct imp_frame {
	struct imp_frame *prev, *next;
	uint64_t due_ns; /* when it leaves */
	uint64_t seq;    /* arrival order, to keep ties in order */
	size_t len;
	uint8_t data[];
} imp_frame;

typedef struct imp_stats {
	uint64_t in, out, lost, duplicated, reordered, overflow, failed;
} imp_stats;

/* One direction: its generator, its queue ordered by (due_ns, seq). */
typedef struct imp_dir {
	imp_conf conf;
	uint64_t rng[4];
	imp_frame *head, *tail;
	imp_frame *held; /* a frame waiting to go after the next one */
	size_t queued;
	uint64_t seq;
	imp_stats st;
} imp_dir;

/*
 * Set up (d) with (conf); its generator comes from (seed) and (dir_id),
 * so each direction of a run has its own stream and the same seed gives
 * the same fate to the n-th frame of a direction, whatever the timing.
 */
void imp_dir_init(imp_dir *d, const imp_conf *conf, uint64_t seed,
                  unsigned dir_id);

/* Take the frame (data, len) arriving at (now_ns): drop, queue (once or
 * twice), or hold it, as the generator says. */
void imp_dir_input(imp_dir *d, const void *data, size_t len, uint64_t now_ns);

/* The next frame due at or before (now_ns), unlinked (the caller frees
 * it), or NULL. */
imp_frame *imp_dir_next(imp_dir *d, uint64_t now_ns);

/* When the next frame is due (a held one included); UINT64_MAX if none. */
uint64_t imp_dir_deadline(const imp_dir *d);

/* Free everything queued. */
void imp_dir_free(imp_dir *d);

#endif
