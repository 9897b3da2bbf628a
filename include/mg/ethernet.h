/* Module type ethernet: Ethernet II framing over a netif. */
#ifndef MG_ETHERNET_H
#define MG_ETHERNET_H

/*
 * The lowest layer of the direct stack. Going down it prepends the
 * 14-byte header (destination, source, type) and writes the frame to its
 * netif; going up it reads frames, drops those not addressed to it
 * (unicast to another MAC, multicast other than broadcast) and hands each
 * payload to the listener of its type (ARP, IPv4). It owns the packet pool
 * of the stack: every layer above allocates through it.
 *
 * Sans-I/O: nothing here reads a clock. Times are passed in (now_ns) and
 * handed up unchanged, so a test drives the stack with a fake clock and a
 * fake netif (the wire).
 */

#include <stddef.h>
#include <stdint.h>

#include <mg/netif.h>
#include <mg/pkt.h>

#define MG_ETH_HLEN       14
#define MG_ETHERTYPE_IPV4 0x0800
#define MG_ETHERTYPE_ARP  0x0806

/* The broadcast address. */
extern const uint8_t mg_eth_broadcast[6];

/*
 * A listener's input: (p)'s data is the frame's payload; the Ethernet
 * header is the 14 bytes just before p->data. The listener consumes (p).
 */
typedef void (*mg_ethernet_input_fn)(void *ctx, uint64_t now_ns, mg_pkt *p);

typedef struct mg_ethernet_ops {
	/*
	 * Send (p) (data: the payload, with at least 14 bytes of headroom)
	 * to (dst) with (type). Consumes (p). 0, MG_EMSGSIZE if the payload
	 * exceeds the MTU, MG_EINVAL without headroom, or the netif's error.
	 */
	int (*output)(void *self, const uint8_t dst[6], uint16_t type,
	              mg_pkt *p);

	/* Deliver frames of (type) to (fn)(ctx, ...). 0, MG_EEXIST if the
	 * type has a listener, MG_ENOSPC past 4 types. */
	int (*listen)(void *self, uint16_t type, mg_ethernet_input_fn fn,
	              void *ctx);

	/*
	 * Process one received frame (data: from its first header byte).
	 * Consumes (p). The frames of the netif come through poll(); this is
	 * for tests and fuzzing, and frames from elsewhere.
	 */
	void (*input)(void *self, uint64_t now_ns, mg_pkt *p);

	/*
	 * Read and process up to (budget) frames waiting on the netif, at
	 * (now_ns). Returns how many were read (0: none waits, the caller
	 * MAY wait()), or MG_EIO if the device failed.
	 */
	int (*poll)(void *self, uint64_t now_ns, int budget);

	/* The netif's wait(): the contract of mg/netif.h applies. */
	int (*wait)(void *self, uint64_t deadline_ns);

	/* A packet of the stack's pool with MG_PKT_HEADROOM bytes of headroom
	 * and (size) bytes of room for data; NULL when exhausted. */
	mg_pkt *(*alloc)(void *self, size_t size);

	/* The pool itself (for checks and counters). */
	mg_pkt_pool *(*pool)(void *self);

	/* This interface's address and MTU (payload bytes). */
	const uint8_t *(*mac)(void *self);
	uint16_t (*mtu)(void *self);

	/* Counters ("ethernet" layer, the pool's and the netif's). */
	void (*counters)(void *self, mg_net_counter_fn fn, void *ctx);

	/* OPTIONAL (NULL: none): the netif's MG_NET_OFFLOAD_*, which
	 * packets given to output() MAY ask for in p->off. */
	unsigned (*offloads)(void *self);
} mg_ethernet_ops;

typedef struct mg_ethernet {
	const mg_ethernet_ops *ops;
	void *self;
} mg_ethernet;

static inline int mg_ethernet_output(mg_ethernet *e, const uint8_t dst[6],
                                     uint16_t type, mg_pkt *p)
{
	return e->ops->output(e->self, dst, type, p);
}

static inline int mg_ethernet_listen(mg_ethernet *e, uint16_t type,
                                     mg_ethernet_input_fn fn, void *ctx)
{
	return e->ops->listen(e->self, type, fn, ctx);
}

static inline void mg_ethernet_input(mg_ethernet *e, uint64_t now_ns, mg_pkt *p)
{
	e->ops->input(e->self, now_ns, p);
}

static inline int mg_ethernet_poll(mg_ethernet *e, uint64_t now_ns, int budget)
{
	return e->ops->poll(e->self, now_ns, budget);
}

static inline int mg_ethernet_wait(mg_ethernet *e, uint64_t deadline_ns)
{
	return e->ops->wait(e->self, deadline_ns);
}

static inline mg_pkt *mg_ethernet_alloc(mg_ethernet *e, size_t size)
{
	return e->ops->alloc(e->self, size);
}

static inline const uint8_t *mg_ethernet_mac(mg_ethernet *e)
{
	return e->ops->mac(e->self);
}

static inline uint16_t mg_ethernet_mtu(mg_ethernet *e)
{
	return e->ops->mtu(e->self);
}

static inline unsigned mg_ethernet_offloads(mg_ethernet *e)
{
	return e->ops->offloads ? e->ops->offloads(e->self) : 0;
}

/* Pool sizing of mg_ethernet_connect(). */
#define MG_ETHERNET_POOL_MAX  512        /* frame buffers */
#define MG_ETHERNET_LARGE_MAX (1u << 20) /* bytes of larger packets */

/*
 * Ethernet over (netif), which MUST outlive it. Allocates the state and
 * its packet pool (buffers on demand, at most MG_ETHERNET_POOL_MAX).
 * 0 or MG_ENOMEM. mg_ethernet_disconnect() frees them.
 */
int mg_ethernet_connect(mg_ethernet *out, mg_netif *netif);

/* Free what connect allocated. Returns the count of packets still alive
 * (a leak; 0 when every layer above has been disconnected first). */
size_t mg_ethernet_disconnect(mg_ethernet *e);

#endif
