/* ARP (RFC 826): a small cache, pending queues, retries, announcements. */
#include <stdlib.h>
#include <string.h>

#include <mg/arp.h>
#include <mg/error.h>

#include "net_internal.h"

/* see mg/arp.h */

#define ARP_LEN    28
#define OP_REQUEST 1
#define OP_REPLY   2
/* A used entry is re-asked this long before it expires. */
#define REFRESH_BEFORE_NS (5 * 1000000000ull)

#define ARP_COUNTERS(X)                                                        \
	X(rx_requests, "requests received")                                    \
	X(rx_replies, "replies received")                                      \
	X(tx_requests, "requests sent (retries and refreshes included)")       \
	X(tx_replies, "replies sent")                                          \
	X(tx_announce, "gratuitous announcements sent")                        \
	X(resolved, "addresses resolved")                                      \
	X(conflicts, "packets from another host claiming our address")         \
	X(drop_short, "dropped: shorter than an ARP packet")                   \
	X(drop_format, "dropped: not Ethernet/IPv4 ARP")                       \
	X(drop_op, "dropped: neither request nor reply")                       \
	X(drop_bad_sender, "dropped: multicast sender address")                \
	X(drop_queue_full, "datagrams dropped: pending queue full")            \
	X(drop_unresolved, "datagrams dropped: no answer after the retries")   \
	X(drop_failed, "datagrams dropped: address failed to resolve lately")  \
	X(drop_cache_full, "datagrams dropped: every entry waiting")           \
	X(drop_no_buffer, "requests or replies not sent: pool exhausted")

typedef struct counters {
	ARP_COUNTERS(MG__NET_COUNTER_FIELD)
} counters;

enum { FREE, PENDING, RESOLVED, FAILED };

typedef struct entry {
	uint32_t ip;
	uint8_t mac[6];
	uint8_t state;
	uint8_t tries;   /* requests sent while PENDING */
	bool refreshing; /* RESOLVED, a refresh request sent */
	uint64_t timer;  /* PENDING: next retry; RESOLVED, FAILED: end */
	uint64_t used;   /* last use, for eviction */
	mg_pkt *qhead, *qtail;
	unsigned qlen;
} entry;

typedef struct arp {
	mg_ethernet *eth;
	mg_ipv4_prefix addr;
	unsigned announce_left;
	uint64_t announce_at;
	unsigned queued; /* datagrams pending in every entry */
	/* The earliest PENDING timer, recomputed only when one may have
	 * moved: the stack asks for it after every batch of frames. */
	uint64_t pending_deadline;
	bool dirty;
	entry *last; /* the entry find() returned last */
	entry cache[MG_ARP_CACHE_SIZE];
	counters c;
} arp;

static uint32_t subnet_broadcast(mg_ipv4_prefix a)
{
	if (a.addr.v == 0 || a.len >= 31)
		return 0xffffffffu;
	uint32_t mask = a.len ? ~0u << (32 - a.len) : 0;
	return a.addr.v | ~mask;
}

static void send_arp(arp *a, uint16_t op, const uint8_t *eth_dst,
                     const uint8_t *tha, uint32_t tpa)
{
	mg_pkt *p = mg_ethernet_alloc(a->eth, ARP_LEN);
	if (!p) {
		a->c.drop_no_buffer++;
		return;
	}
	uint8_t *b = mg_pkt_put(p, ARP_LEN);
	mg__put16(b, 1);
	mg__put16(b + 2, MG_ETHERTYPE_IPV4);
	b[4] = 6;
	b[5] = 4;
	mg__put16(b + 6, op);
	memcpy(b + 8, mg_ethernet_mac(a->eth), 6);
	mg__put32(b + 14, a->addr.addr.v);
	if (tha)
		memcpy(b + 18, tha, 6);
	else
		memset(b + 18, 0, 6);
	mg__put32(b + 24, tpa);
	mg_ethernet_output(a->eth, eth_dst, MG_ETHERTYPE_ARP, p);
}

static void request(arp *a, uint32_t ip, const uint8_t *unicast)
{
	a->c.tx_requests++;
	send_arp(a, OP_REQUEST, unicast ? unicast : mg_eth_broadcast, NULL, ip);
}

static entry *find(arp *a, uint32_t ip)
{
	/* Most datagrams go to the host the previous one went to. */
	if (a->last && a->last->state != FREE && a->last->ip == ip)
		return a->last;
	for (size_t i = 0; i < MG_ARP_CACHE_SIZE; i++)
		if (a->cache[i].state != FREE && a->cache[i].ip == ip)
			return a->last = &a->cache[i];
	return NULL;
}

static void drop_queue(arp *a, entry *e)
{
	a->queued -= e->qlen;
	mg_pkt_free_list(e->qhead);
	e->qhead = e->qtail = NULL;
	e->qlen = 0;
}

/* A free entry, else the least recently used one not waiting. */
static entry *take_entry(arp *a)
{
	entry *victim = NULL;
	for (size_t i = 0; i < MG_ARP_CACHE_SIZE; i++) {
		entry *e = &a->cache[i];
		if (e->state == FREE)
			return e;
		if (e->state != PENDING && (!victim || e->used < victim->used))
			victim = e;
	}
	if (victim)
		*victim = (entry){0};
	a->dirty = true;
	return victim;
}

static void resolved(arp *a, entry *e, const uint8_t mac[6], uint64_t now)
{
	a->dirty = true;
	if (e->state != RESOLVED)
		a->c.resolved++;
	memcpy(e->mac, mac, 6);
	e->state = RESOLVED;
	e->refreshing = false;
	e->timer = now + MG_ARP_REACHABLE_NS;
	mg_pkt *p = e->qhead;
	a->queued -= e->qlen;
	e->qhead = e->qtail = NULL;
	e->qlen = 0;
	while (p) {
		mg_pkt *next = p->next;
		p->next = NULL;
		mg_ethernet_output(a->eth, e->mac, MG_ETHERTYPE_IPV4, p);
		p = next;
	}
}

static int arp_output(void *self, uint64_t now, mg_ipv4_addr hop, mg_pkt *p)
{
	arp *a = self;
	if (hop.v == 0xffffffffu || hop.v == subnet_broadcast(a->addr))
		return mg_ethernet_output(a->eth, mg_eth_broadcast,
		                          MG_ETHERTYPE_IPV4, p);
	entry *e = find(a, hop.v);
	if (!e || e->state != RESOLVED || now >= e->timer)
		a->dirty = true;
	if (e && e->state == RESOLVED && now >= e->timer)
		e->state = PENDING, e->tries = 0, e->timer = now;
	if (e && e->state == FAILED) {
		if (now < e->timer) {
			a->c.drop_failed++;
			mg_pkt_free(p);
			return MG_EHOSTUNREACH;
		}
		e->state = PENDING, e->tries = 0, e->timer = now;
	}
	if (e && e->state == RESOLVED) {
		e->used = now;
		if (!e->refreshing && e->timer - now < REFRESH_BEFORE_NS) {
			/* Unicast, as Linux does: the host answers if it is
			 * still there, and nobody else is bothered. */
			e->refreshing = true;
			request(a, e->ip, e->mac);
		}
		return mg_ethernet_output(a->eth, e->mac, MG_ETHERTYPE_IPV4, p);
	}
	if (!e) {
		e = take_entry(a);
		if (!e) {
			a->c.drop_cache_full++;
			mg_pkt_free(p);
			return MG_ENOSPC;
		}
		*e = (entry){.ip = hop.v, .state = PENDING, .timer = now};
	}
	e->used = now;
	if (e->qlen == MG_ARP_QUEUE_PER_ENTRY) {
		mg_pkt *old = e->qhead;
		e->qhead = old->next;
		if (!e->qhead)
			e->qtail = NULL;
		e->qlen--;
		a->queued--;
		mg_pkt_free(old);
		a->c.drop_queue_full++;
	} else if (a->queued >= MG_ARP_QUEUE_MAX) {
		a->c.drop_queue_full++;
		mg_pkt_free(p);
		return MG_ENOSPC;
	}
	p->next = NULL;
	if (e->qtail)
		e->qtail->next = p;
	else
		e->qhead = p;
	e->qtail = p;
	e->qlen++;
	a->queued++;
	if (e->tries == 0) {
		e->tries = 1;
		e->timer = now + MG_ARP_RETRY_NS;
		request(a, e->ip, NULL);
	}
	return 0;
}

static void arp_input(void *ctx, uint64_t now, mg_pkt *p)
{
	arp *a = ctx;
	const uint8_t *b = p->data;
	if (p->len < ARP_LEN) {
		a->c.drop_short++;
		goto drop;
	}
	if (mg__get16(b) != 1 || mg__get16(b + 2) != MG_ETHERTYPE_IPV4 ||
	    b[4] != 6 || b[5] != 4) {
		a->c.drop_format++;
		goto drop;
	}
	uint16_t op = mg__get16(b + 6);
	if (op != OP_REQUEST && op != OP_REPLY) {
		a->c.drop_op++;
		goto drop;
	}
	if (op == OP_REQUEST)
		a->c.rx_requests++;
	else
		a->c.rx_replies++;
	const uint8_t *sha = b + 8;
	uint32_t spa = mg__get32(b + 14), tpa = mg__get32(b + 24);
	if (sha[0] & 1) {
		a->c.drop_bad_sender++;
		goto drop;
	}
	uint32_t me = a->addr.addr.v;
	if (me && spa == me) {
		if (memcmp(sha, mg_ethernet_mac(a->eth), 6) != 0) {
			a->c.conflicts++;
			MG_LOG(
			    net, WARN,
			    "arp: another host (%02x:%02x:%02x:%02x:%02x:%02x)"
			    " claims our address",
			    sha[0], sha[1], sha[2], sha[3], sha[4], sha[5]);
		}
		goto drop;
	}
	/* RFC 826 "packet reception": merge first, add only if for us. */
	entry *e = spa ? find(a, spa) : NULL;
	bool for_us = me && tpa == me;
	if (e) {
		resolved(a, e, sha, now);
	} else if (for_us && spa) {
		e = take_entry(a);
		if (e) {
			*e = (entry){.ip = spa, .used = now};
			resolved(a, e, sha, now);
		}
	}
	if (for_us && op == OP_REQUEST) {
		/* The reply is written over the request. */
		uint8_t *w = p->data;
		mg_pkt_trim(p, ARP_LEN);
		uint8_t mac[6];
		memcpy(mac, sha, 6);
		mg__put16(w + 6, OP_REPLY);
		memcpy(w + 18, mac, 6);
		mg__put32(w + 24, spa);
		memcpy(w + 8, mg_ethernet_mac(a->eth), 6);
		mg__put32(w + 14, me);
		a->c.tx_replies++;
		mg_ethernet_output(a->eth, mac, MG_ETHERTYPE_ARP, p);
		return;
	}
drop:
	mg_pkt_free(p);
}

static void announce(arp *a)
{
	a->c.tx_announce++;
	/* A request with sender = target = our address (RFC 5227 2.3). */
	send_arp(a, OP_REQUEST, mg_eth_broadcast, NULL, a->addr.addr.v);
}

static void arp_set_addr(void *self, uint64_t now, mg_ipv4_prefix addr)
{
	arp *a = self;
	bool changed = addr.addr.v != a->addr.addr.v;
	a->addr = addr;
	if (changed && addr.addr.v) {
		announce(a);
		a->announce_left = MG_ARP_ANNOUNCE - 1;
		a->announce_at = now + MG_ARP_RETRY_NS;
	} else if (!addr.addr.v) {
		a->announce_left = 0;
	}
}

static void arp_tick(void *self, uint64_t now)
{
	arp *a = self;
	a->dirty = true;
	if (a->announce_left && now >= a->announce_at) {
		announce(a);
		a->announce_left--;
		a->announce_at = now + MG_ARP_RETRY_NS;
	}
	for (size_t i = 0; i < MG_ARP_CACHE_SIZE; i++) {
		entry *e = &a->cache[i];
		if (e->state != PENDING || now < e->timer)
			continue;
		if (e->tries >= MG_ARP_TRIES) {
			a->c.drop_unresolved += e->qlen;
			drop_queue(a, e);
			e->state = FAILED;
			e->timer = now + MG_ARP_RETRY_NS;
			continue;
		}
		e->tries++;
		e->timer = now + MG_ARP_RETRY_NS;
		request(a, e->ip, NULL);
	}
}

static uint64_t arp_deadline(void *self)
{
	arp *a = self;
	if (a->dirty) {
		uint64_t d = UINT64_MAX;
		for (size_t i = 0; i < MG_ARP_CACHE_SIZE; i++)
			if (a->cache[i].state == PENDING &&
			    a->cache[i].timer < d)
				d = a->cache[i].timer;
		a->pending_deadline = d;
		a->dirty = false;
	}
	uint64_t d = a->announce_left ? a->announce_at : UINT64_MAX;
	return a->pending_deadline < d ? a->pending_deadline : d;
}

static int arp_lookup(void *self, mg_ipv4_addr ip, uint8_t mac[6])
{
	arp *a = self;
	entry *e = find(a, ip.v);
	if (!e || e->state != RESOLVED)
		return MG_ENOENT;
	memcpy(mac, e->mac, 6);
	return 0;
}

static void arp_counters(void *self, mg_net_counter_fn fn, void *ctx)
{
	arp *a = self;
	const counters *c = &a->c;
	const char *layer = "arp";
	ARP_COUNTERS(MG__NET_COUNTER_VISIT)
}

static const mg_arp_ops arp_ops = {
    .output = arp_output,
    .set_addr = arp_set_addr,
    .tick = arp_tick,
    .deadline = arp_deadline,
    .lookup = arp_lookup,
    .counters = arp_counters,
};

int mg_arp_connect(mg_arp *out, mg_ethernet *eth)
{
	arp *a = calloc(1, sizeof *a);
	if (!a)
		return MG_ENOMEM;
	a->eth = eth;
	a->dirty = true;
	int rc = mg_ethernet_listen(eth, MG_ETHERTYPE_ARP, arp_input, a);
	if (rc < 0) {
		free(a);
		return rc;
	}
	out->ops = &arp_ops;
	out->self = a;
	return 0;
}

void mg_arp_disconnect(mg_arp *out)
{
	arp *a = out->self;
	for (size_t i = 0; i < MG_ARP_CACHE_SIZE; i++)
		drop_queue(a, &a->cache[i]);
	free(a);
	out->self = NULL;
}
