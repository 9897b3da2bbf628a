/* Ethernet II framing: the bottom of the direct stack, and its pool. */
#include <stdlib.h>
#include <string.h>

#include <mg/error.h>
#include <mg/ethernet.h>

#include "net_internal.h"

/* see mg/ethernet.h */

#define LISTENERS_MAX 4

/* Frame buffers: headroom, a full frame, and slack so that a layer above
 * may append a little in place (a few bytes of padding). */
#define BUF_SLACK 64

#define ETH_COUNTERS(X)                                                        \
	X(rx_frames, "frames received")                                        \
	X(tx_frames, "frames sent")                                            \
	X(drop_short, "dropped: shorter than the header")                      \
	X(drop_not_for_us, "dropped: another unicast or a multicast address")  \
	X(drop_unknown_type, "dropped: no listener for the type (IPv6...)")    \
	X(drop_too_long, "dropped: longer than the MTU")                       \
	X(drop_no_buffer, "dropped: packet pool exhausted while receiving")    \
	X(tx_drop_too_long, "not sent: payload over the MTU")                  \
	X(tx_errors, "not sent: the netif refused the frame")

typedef struct counters {
	ETH_COUNTERS(MG__NET_COUNTER_FIELD)
} counters;

typedef struct eth {
	mg_netif *netif;
	mg_netif_info info;
	mg_pkt_pool pool;
	struct {
		uint16_t type;
		mg_ethernet_input_fn fn;
		void *ctx;
	} listeners[LISTENERS_MAX];
	int nlisteners;
	/* Where a frame goes when the pool is empty: it must still be read
	 * off the device, or the device would stay ready forever. */
	mg_pkt *scratch;
	/* The buffer of a read that found nothing, kept for the next poll:
	 * every poll ends with one. */
	mg_pkt *spare;
	counters c;
} eth;

const uint8_t mg_eth_broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static int eth_output(void *self, const uint8_t dst[6], uint16_t type,
                      mg_pkt *p)
{
	eth *e = self;
	/* Only IPv4 sets what it asks of the device (mg_ipv4_out.off); a
	 * packet reused from input (an ARP reply) keeps what the device
	 * said of it, which asks for nothing. */
	bool offl = type == MG_ETHERTYPE_IPV4 &&
	            (p->off.flags || p->off.gso != MG_NET_GSO_NONE);
	bool gso = offl && p->off.gso != MG_NET_GSO_NONE;
	if (gso ? p->len > MG_NET_FRAME_MAX - MG_ETH_HLEN : p->len > e->info.mtu) {
		e->c.tx_drop_too_long++;
		mg_pkt_free(p);
		return MG_EMSGSIZE;
	}
	uint8_t *h = mg_pkt_push(p, MG_ETH_HLEN);
	if (!h) {
		mg_pkt_free(p);
		return MG_EINVAL;
	}
	memcpy(h, dst, 6);
	memcpy(h + 6, e->info.mac, 6);
	mg__put16(h + 12, type);
	const mg_net_offload *off = NULL;
	if (offl) {
		p->off.csum_start += MG_ETH_HLEN;
		if (p->off.hdr_len)
			p->off.hdr_len += MG_ETH_HLEN;
		off = &p->off;
	}
	int rc = mg_netif_write(e->netif, p->data, p->len, off);
	mg_pkt_free(p);
	if (rc < 0) {
		e->c.tx_errors++;
		return rc;
	}
	e->c.tx_frames++;
	return 0;
}

static int eth_listen(void *self, uint16_t type, mg_ethernet_input_fn fn,
                      void *ctx)
{
	eth *e = self;
	for (int i = 0; i < e->nlisteners; i++)
		if (e->listeners[i].type == type)
			return MG_EEXIST;
	if (e->nlisteners == LISTENERS_MAX)
		return MG_ENOSPC;
	e->listeners[e->nlisteners].type = type;
	e->listeners[e->nlisteners].fn = fn;
	e->listeners[e->nlisteners].ctx = ctx;
	e->nlisteners++;
	return 0;
}

static void eth_input(void *self, uint64_t now_ns, mg_pkt *p)
{
	eth *e = self;
	e->c.rx_frames++;
	if (p->len < MG_ETH_HLEN) {
		e->c.drop_short++;
		mg_pkt_free(p);
		return;
	}
	const uint8_t *h = p->data;
	/* Multicast bit set: only broadcast is ours (no IGMP, no IPv6). */
	if ((h[0] & 1) ? memcmp(h, mg_eth_broadcast, 6) != 0
	               : memcmp(h, e->info.mac, 6) != 0) {
		e->c.drop_not_for_us++;
		mg_pkt_free(p);
		return;
	}
	if (p->len > (size_t)e->info.mtu + MG_ETH_HLEN &&
	    p->off.gso == MG_NET_GSO_NONE) {
		e->c.drop_too_long++;
		mg_pkt_free(p);
		return;
	}
	uint16_t type = mg__get16(h + 12);
	for (int i = 0; i < e->nlisteners; i++) {
		if (e->listeners[i].type == type) {
			mg_pkt_pull(p, MG_ETH_HLEN);
			e->listeners[i].fn(e->listeners[i].ctx, now_ns, p);
			return;
		}
	}
	e->c.drop_unknown_type++;
	mg_pkt_free(p);
}

/* A frame longer than a pool buffer (offloads): read into one its size,
 * or dropped when none can be had. 0 when (*pp) holds it, 1 when it was
 * dropped, or the netif's error. */
static int read_long(eth *e, mg_pkt **pp, size_t len)
{
	mg_pkt *big = mg_pkt_alloc(&e->pool, MG_PKT_HEADROOM, len);
	int rc = big ? mg_netif_read(e->netif, big) : 1;
	if (rc == 0) {
		e->spare = *pp;
		*pp = big;
		return 0;
	}
	mg_pkt_free(big);
	if (rc < 0 && rc != MG_EMSGSIZE)
		return rc;
	if (rc > 0) {
		rc = mg_netif_read(e->netif, NULL);
		e->c.drop_no_buffer++;
	} else {
		e->c.drop_too_long++;
	}
	e->c.rx_frames++;
	return rc < 0 ? rc : 1;
}

static int eth_poll(void *self, uint64_t now_ns, int budget)
{
	eth *e = self;
	int n = 0;
	while (n < budget) {
		mg_pkt *p = e->spare;
		e->spare = NULL;
		if (!p)
			p = mg_pkt_alloc(&e->pool, MG_PKT_HEADROOM,
			                 (size_t)e->info.mtu + MG_ETH_HLEN);
		bool scratch = !p;
		if (scratch) {
			p = e->scratch;
			p->data = p->base + MG_PKT_HEADROOM;
			p->len = 0;
		}
		int rc = mg_netif_read(e->netif, p);
		if (rc > 0) {
			if (scratch) {
				/* Taken off the device, counted below. */
				rc = mg_netif_read(e->netif, NULL);
			} else {
				rc = read_long(e, &p, (size_t)rc);
				if (rc == 1) {
					e->spare = p;
					n++;
					continue;
				}
			}
		}
		if (rc < 0 && rc != MG_EMSGSIZE) {
			if (!scratch)
				e->spare = p;
			return rc != MG_EAGAIN && n == 0 ? MG_EIO : n;
		}
		n++;
		if (rc == MG_EMSGSIZE) {
			e->c.rx_frames++;
			e->c.drop_too_long++;
		} else if (scratch) {
			e->c.rx_frames++;
			e->c.drop_no_buffer++;
			continue;
		} else if (rc == 0) {
			eth_input(e, now_ns, p);
			continue;
		}
		if (!scratch)
			mg_pkt_free(p);
	}
	return n;
}

static int eth_wait(void *self, uint64_t deadline_ns)
{
	eth *e = self;
	return mg_netif_wait(e->netif, deadline_ns);
}

static mg_pkt *eth_alloc(void *self, size_t size)
{
	eth *e = self;
	return mg_pkt_alloc(&e->pool, MG_PKT_HEADROOM, size);
}

static mg_pkt_pool *eth_pool(void *self)
{
	eth *e = self;
	return &e->pool;
}

static const uint8_t *eth_mac(void *self)
{
	eth *e = self;
	return e->info.mac;
}

static uint16_t eth_mtu(void *self)
{
	eth *e = self;
	return e->info.mtu;
}

static unsigned eth_offloads(void *self)
{
	eth *e = self;
	return e->info.offloads;
}

static void eth_counters(void *self, mg_net_counter_fn fn, void *ctx)
{
	eth *e = self;
	const counters *c = &e->c;
	const char *layer = "ethernet";
	ETH_COUNTERS(MG__NET_COUNTER_VISIT)
	layer = "pool";
	fn(ctx, layer, "buffers", e->pool.count);
	fn(ctx, layer, "in_use", e->pool.in_use - (e->spare ? 1 : 0));
	fn(ctx, layer, "large_bytes", e->pool.large_bytes);
	fn(ctx, layer, "exhausted", e->pool.exhausted);
	if (e->netif->ops->counters)
		e->netif->ops->counters(e->netif->self, fn, ctx);
}

static const mg_ethernet_ops eth_ops = {
    .output = eth_output,
    .listen = eth_listen,
    .input = eth_input,
    .poll = eth_poll,
    .wait = eth_wait,
    .alloc = eth_alloc,
    .pool = eth_pool,
    .mac = eth_mac,
    .mtu = eth_mtu,
    .counters = eth_counters,
    .offloads = eth_offloads,
};

int mg_ethernet_connect(mg_ethernet *out, mg_netif *netif)
{
	eth *e = calloc(1, sizeof *e);
	if (!e)
		return MG_ENOMEM;
	e->netif = netif;
	mg_netif_info_get(netif, &e->info);
	size_t frame = (size_t)e->info.mtu + MG_ETH_HLEN;
	size_t buf = MG_PKT_HEADROOM + frame + BUF_SLACK;
	int rc = mg_pkt_pool_init(&e->pool, buf, MG_ETHERNET_POOL_MAX,
	                          MG_ETHERNET_LARGE_MAX);
	if (rc == 0) {
		/* The scratch buffer is outside the pool's accounting. */
		mg_pkt_pool scratch_pool;
		mg_pkt_pool_init(&scratch_pool, buf, 1, 0);
		e->scratch = mg_pkt_alloc(&scratch_pool, MG_PKT_HEADROOM, 0);
		rc = e->scratch ? 0 : MG_ENOMEM;
		if (e->scratch)
			e->scratch->pool = NULL;
	}
	if (rc < 0) {
		free(e);
		return rc;
	}
	out->ops = &eth_ops;
	out->self = e;
	return 0;
}

size_t mg_ethernet_disconnect(mg_ethernet *out)
{
	eth *e = out->self;
	mg_pkt_free(e->spare);
	size_t alive = mg_pkt_pool_fini(&e->pool);
	free(e->scratch);
	free(e);
	out->self = NULL;
	return alive;
}
