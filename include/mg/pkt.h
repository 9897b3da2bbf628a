/* Packet buffers of the direct network stack: a bounded pool, headroom. */
#ifndef MG_PKT_H
#define MG_PKT_H

/*
 * A packet is one contiguous buffer with room in front of its data, so
 * that each layer going down prepends its header in place (mg_pkt_push)
 * and each layer going up strips it (mg_pkt_pull) without copying the
 * payload. A received frame travels from the netif to a UDP socket or a
 * TCP receive queue in the buffer it was read into; an echo reply is
 * written over its request.
 *
 * Ownership: a function taking an mg_pkt * "consumes" it when its contract
 * says so, that is it frees or keeps it on every path, errors included;
 * the caller MUST NOT touch it afterwards. Everything else borrows.
 *
 * Buffers of a pool's size are recycled through the pool's free list and
 * never given back to the heap before mg_pkt_pool_fini(); their number is
 * bounded, so a flood of frames cannot eat the heap. Larger packets (a
 * reassembled datagram, a big UDP send) come from the heap, bounded in
 * total bytes by the pool's large limit.
 *
 * Not thread-safe, like everything in a unikernel.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mg/net_offload.h>

/* Room every packet gets in front of its data by default: an Ethernet
 * header, an IPv4 header with the largest options and a TCP header with
 * the largest options fit (14 + 60 + 60 rounded up). */
#define MG_PKT_HEADROOM 160

typedef struct mg_pkt_pool mg_pkt_pool;

typedef struct mg_pkt {
	/* Free for the current owner (queues); not kept across owners. */
	struct mg_pkt *next;
	/* The bytes of the current layer: [data, data + len). */
	uint8_t *data;
	size_t len;
	/* The whole buffer: [base, base + cap); data lies within it. */
	uint8_t *base;
	size_t cap;
	mg_pkt_pool *pool;
	bool large; /* from the heap, not the pool's free list */
	/*
	 * Offloads (mg/net_offload.h), zero from mg_pkt_alloc: what the netif
	 * said of a received frame; what a sender asks of the device. Going
	 * down, csum_start and hdr_len count from the current data: each
	 * layer that pushes a header adds its length to them.
	 */
	mg_net_offload off;
	/* Free for the current owner, like (next): a sequence number, a
	 * deadline, the next hop of a queued datagram. */
	uint64_t user[2];
} mg_pkt;

struct mg_pkt_pool {
	mg_pkt *free;       /* recycled buffers of buf_size bytes */
	size_t buf_size;    /* bytes of storage of a pool buffer */
	size_t count;       /* pool buffers that exist (free or in use) */
	size_t max;         /* at most that many pool buffers */
	size_t in_use;      /* pool buffers handed out and not freed */
	size_t large_alive; /* large packets handed out and not freed */
	size_t large_bytes; /* their storage */
	size_t large_max;   /* bound on large_bytes */
	uint64_t exhausted; /* allocations refused (pool or large limit) */
};

/*
 * Prepare (pool) for buffers of (buf_size) bytes of storage, at most (max)
 * of them (allocated on demand), and large packets of at most (large_max)
 * bytes alive in total. 0 or MG_EINVAL (a zero size or count).
 */
int mg_pkt_pool_init(mg_pkt_pool *pool, size_t buf_size, size_t max,
                     size_t large_max);

/*
 * Free every recycled buffer. Packets still in use are not touched (they
 * leak): returns how many pool buffers and large packets were still alive,
 * which a test expects to be 0.
 */
size_t mg_pkt_pool_fini(mg_pkt_pool *pool);

/*
 * A packet with (headroom) bytes before its data and an empty data
 * (len 0), from the pool's buffers when headroom + (size) fits one, else
 * from the heap within the large limit. (size) is the room wanted after
 * data (mg_pkt_put). NULL when the pool is exhausted, the large limit
 * would be passed, or the heap is out of memory; (pool->exhausted) counts
 * those refusals.
 */
mg_pkt *mg_pkt_alloc(mg_pkt_pool *pool, size_t headroom, size_t size);

/* Give (p) back (NULL is ignored). */
void mg_pkt_free(mg_pkt *p);

/* Free a whole list linked by (next). */
void mg_pkt_free_list(mg_pkt *p);

static inline size_t mg_pkt_headroom(const mg_pkt *p)
{
	return (size_t)(p->data - p->base);
}

static inline size_t mg_pkt_tailroom(const mg_pkt *p)
{
	return p->cap - mg_pkt_headroom(p) - p->len;
}

/* Grow the data by (n) bytes in front; returns the new data pointer, or
 * NULL (nothing changed) without that much headroom. */
uint8_t *mg_pkt_push(mg_pkt *p, size_t n);

/* Drop (n) bytes from the front; returns the new data pointer, or NULL
 * (nothing changed) if (n) > len. */
uint8_t *mg_pkt_pull(mg_pkt *p, size_t n);

/* Grow the data by (n) bytes at the end; returns a pointer to the first
 * new byte, or NULL (nothing changed) without that much tailroom. */
uint8_t *mg_pkt_put(mg_pkt *p, size_t n);

/* Cut the data to (len) bytes if it is longer. */
void mg_pkt_trim(mg_pkt *p, size_t len);

/*
 * Counters: every layer exposes its own through a visitor, so that an
 * application (net/ping) or a test can print or check them by name.
 * (layer) and (name) are static strings, e.g. "ipv4", "drop_bad_checksum".
 */
typedef void (*mg_net_counter_fn)(void *ctx, const char *layer,
                                  const char *name, uint64_t value);

#endif
