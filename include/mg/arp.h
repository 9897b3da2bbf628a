/* Module type arp: IPv4 to Ethernet address resolution (RFC 826). */
#ifndef MG_ARP_H
#define MG_ARP_H

/*
 * ARP sits beside IPv4 on an ethernet: IPv4 hands it each outgoing
 * datagram with the next hop, and ARP sends it to that hop's MAC, asking
 * for the MAC first when it does not know it. It answers requests for its
 * own address and announces that address (gratuitous ARP) when it is set.
 *
 * Behaviour of mg_arp_connect()'s implementation:
 * - Cache of MG_ARP_CACHE_SIZE entries. A resolved entry lives
 *   MG_ARP_REACHABLE_NS; one still in use shortly before that is refreshed
 *   with a unicast request while it keeps serving, so a busy flow never
 *   waits on ARP. When full, the least recently used resolved entry goes.
 * - Unresolved: a broadcast request, then again every MG_ARP_RETRY_NS, at
 *   most MG_ARP_TRIES times; then the queued datagrams are dropped and
 *   the address is held failed for MG_ARP_RETRY_NS (datagrams to it are
 *   dropped at once instead of queued).
 * - Pending datagrams: at most MG_ARP_QUEUE_PER_ENTRY per address (the
 *   oldest is dropped for a new one) and MG_ARP_QUEUE_MAX in total.
 * - Learning (RFC 826 "merge"): a sender already cached is updated by any
 *   ARP packet; a new one is added only when the packet targets us.
 * - Setting an address sends MG_ARP_ANNOUNCE gratuitous requests
 *   MG_ARP_RETRY_NS apart (RFC 5227 section 2.3).
 * - Every dropped packet is counted by reason.
 *
 * Sans-I/O: (now_ns) is passed in; tick() at deadline() drives the timers.
 */

#include <stddef.h>
#include <stdint.h>

#include <mg/ethernet.h>
#include <mg/ipaddr.h>
#include <mg/pkt.h>

#define MG_ARP_CACHE_SIZE      64
#define MG_ARP_REACHABLE_NS    (60 * 1000000000ull)
#define MG_ARP_RETRY_NS        1000000000ull
#define MG_ARP_TRIES           3
#define MG_ARP_QUEUE_PER_ENTRY 8
#define MG_ARP_QUEUE_MAX       64
#define MG_ARP_ANNOUNCE        2

typedef struct mg_arp_ops {
	/*
	 * Send the IPv4 datagram (p) (data: from its IP header) to the host
	 * (next_hop) of the link: at once if its MAC is known, else once it
	 * is resolved. 255.255.255.255 and (with broadcast) the subnet
	 * broadcast go to the Ethernet broadcast address without asking.
	 * Consumes (p). 0 (sent or queued), MG_EHOSTUNREACH (the address
	 * failed to resolve lately; dropped), MG_ENOSPC (queue full;
	 * dropped), or the ethernet's error.
	 */
	int (*output)(void *self, uint64_t now_ns, mg_ipv4_addr next_hop,
	              mg_pkt *p);

	/*
	 * Our address on this link and its prefix (0.0.0.0/0: none, as
	 * while DHCP runs: requests are not answered then). A new non-zero
	 * address is announced. Entries are kept.
	 */
	void (*set_addr)(void *self, uint64_t now_ns, mg_ipv4_prefix addr);

	/* Run the timers due at (now_ns). */
	void (*tick)(void *self, uint64_t now_ns);

	/* When tick() is next needed (UINT64_MAX: no timer). */
	uint64_t (*deadline)(void *self);

	/* The cached MAC of (ip) if resolved: 0, else MG_ENOENT. */
	int (*lookup)(void *self, mg_ipv4_addr ip, uint8_t mac[6]);

	/* Counters ("arp"). */
	void (*counters)(void *self, mg_net_counter_fn fn, void *ctx);
} mg_arp_ops;

typedef struct mg_arp {
	const mg_arp_ops *ops;
	void *self;
} mg_arp;

static inline int mg_arp_output(mg_arp *a, uint64_t now_ns,
                                mg_ipv4_addr next_hop, mg_pkt *p)
{
	return a->ops->output(a->self, now_ns, next_hop, p);
}

static inline void mg_arp_set_addr(mg_arp *a, uint64_t now_ns,
                                   mg_ipv4_prefix addr)
{
	a->ops->set_addr(a->self, now_ns, addr);
}

static inline void mg_arp_tick(mg_arp *a, uint64_t now_ns)
{
	a->ops->tick(a->self, now_ns);
}

static inline uint64_t mg_arp_deadline(mg_arp *a)
{
	return a->ops->deadline(a->self);
}

static inline int mg_arp_lookup(mg_arp *a, mg_ipv4_addr ip, uint8_t mac[6])
{
	return a->ops->lookup(a->self, ip, mac);
}

/*
 * ARP over (eth), listening to its ARP frames, with no address yet.
 * 0, MG_ENOMEM, or listen's error. mg_arp_disconnect() frees it and the
 * datagrams it still queues.
 */
int mg_arp_connect(mg_arp *out, mg_ethernet *eth);
void mg_arp_disconnect(mg_arp *a);

#endif
