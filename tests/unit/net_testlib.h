/* Unit tests of net/: a fake wire (a recording netif) and frame builders. */
#ifndef NET_TESTLIB_H
#define NET_TESTLIB_H

#include <stdlib.h>
#include <string.h>

#include <mg/arp.h>
#include <mg/error.h>
#include <mg/ethernet.h>
#include <mg/fiber.h>
#include <mg/icmp.h>
#include <mg/ipv4.h>
#include <mg/netif.h>
#include <mg/udp.h>

#include "mgtest.h"

#define FW_MAX 512
#define MS     1000000ull
#define SEC    1000000000ull

static const uint8_t OUR_MAC[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t PEER_MAC[6] = {0x02, 0, 0, 0, 0, 0x02};
#define OUR_IP  0x0a000002u /* 10.0.0.2 */
#define PEER_IP 0x0a000001u /* 10.0.0.1 */
#define GW_IP   0x0a0000feu /* 10.0.0.254 */

/* --- the fake wire: frames the stack sent, frames for it to read --- */

typedef struct fakewire {
	mg_netif netif;
	mg_netif_info info;
	uint8_t **out; /* grows */
	size_t *out_len;
	size_t nout, out_head, out_cap;
	uint8_t *in[FW_MAX];
	size_t in_len[FW_MAX];
	size_t in_head, in_tail;
	mg_cond cond;
	int write_rc;
	/* The offloads asked for by the last frame sent; those the next
	 * frame pushed arrives with. */
	mg_net_offload last_off, in_off;
} fakewire;

static inline int fw_write(void *self, const void *frame, size_t len,
                           const mg_net_offload *off)
{
	fakewire *w = self;
	if (w->write_rc)
		return w->write_rc;
	if (!mg_net_offload_ok(off, w->info.offloads, len, w->info.mtu))
		return MG_EINVAL;
	w->last_off = off ? *off : (mg_net_offload){0};
	if (w->nout == w->out_cap) {
		w->out_cap = w->out_cap ? 2 * w->out_cap : 64;
		w->out = realloc(w->out, w->out_cap * sizeof *w->out);
		w->out_len = realloc(w->out_len, w->out_cap * sizeof(size_t));
		ASSERT_TRUE(w->out && w->out_len);
	}
	w->out[w->nout] = malloc(len);
	memcpy(w->out[w->nout], frame, len);
	w->out_len[w->nout++] = len;
	return 0;
}

static inline int fw_read(void *self, mg_pkt *p)
{
	fakewire *w = self;
	if (w->in_head == w->in_tail)
		return MG_EAGAIN;
	size_t i = w->in_head++ % FW_MAX;
	size_t len = w->in_len[i];
	int rc = 0;
	if (p && len > mg_pkt_tailroom(p) && len <= MG_NET_FRAME_MAX &&
	    w->info.offloads) {
		w->in_head--; /* read again into a packet that large */
		return (int)len;
	}
	if (!p) {
		/* dropped */
	} else if (len > mg_pkt_tailroom(p)) {
		rc = MG_EMSGSIZE;
	} else {
		memcpy(mg_pkt_put(p, len), w->in[i], len);
		p->off = w->in_off;
	}
	free(w->in[i]);
	return rc;
}

static inline int fw_wait(void *self, uint64_t deadline)
{
	fakewire *w = self;
	if (w->in_head != w->in_tail)
		return 0;
	return mg_cond_wait_until(&w->cond, deadline);
}

static inline void fw_info(void *self, mg_netif_info *out)
{
	fakewire *w = self;
	*out = w->info;
}

static const mg_netif_ops fw_ops = {
    .write = fw_write, .read = fw_read, .wait = fw_wait, .info = fw_info};

static inline void fw_init(fakewire *w, uint16_t mtu)
{
	memset(w, 0, sizeof *w);
	memcpy(w->info.mac, OUR_MAC, 6);
	w->info.mtu = mtu;
	w->netif.ops = &fw_ops;
	w->netif.self = w;
	mg_cond_init(&w->cond);
}

/* Frames sent and not taken yet. */
static inline size_t fw_pending(const fakewire *w)
{
	return w->nout - w->out_head;
}

/* The oldest frame sent and not taken (NULL if none); stays owned by the
 * wire until fw_free or fw_clear. */
static inline const uint8_t *fw_next(fakewire *w, size_t *len)
{
	*len = 0;
	if (w->out_head == w->nout)
		return NULL;
	*len = w->out_len[w->out_head];
	return w->out[w->out_head++];
}

static inline void fw_clear(fakewire *w)
{
	for (size_t i = 0; i < w->nout; i++)
		free(w->out[i]);
	w->nout = w->out_head = 0;
}

/* Queue a frame for the stack to read (through poll). */
static inline void fw_push(fakewire *w, const void *frame, size_t len)
{
	ASSERT_TRUE(w->in_tail - w->in_head < FW_MAX);
	size_t i = w->in_tail++ % FW_MAX;
	w->in[i] = malloc(len ? len : 1);
	memcpy(w->in[i], frame, len);
	w->in_len[i] = len;
	mg_cond_broadcast(&w->cond);
}

static inline void fw_free(fakewire *w)
{
	fw_clear(w);
	free(w->out);
	free(w->out_len);
	w->out = NULL;
	w->out_len = NULL;
	w->out_cap = 0;
	while (w->in_head != w->in_tail)
		free(w->in[w->in_head++ % FW_MAX]);
}

/* Hand (frame) to (eth) as if read from the wire. */
static inline void inject(mg_ethernet *eth, uint64_t now, const void *frame,
                          size_t len)
{
	mg_pkt *p = mg_ethernet_alloc(eth, len);
	ASSERT_TRUE(p != NULL);
	memcpy(mg_pkt_put(p, len), frame, len);
	mg_ethernet_input(eth, now, p);
}

/* --- byte helpers and builders --- */

static inline uint16_t g16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t g32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void p16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void p32(uint8_t *p, uint32_t v)
{
	p16(p, (uint16_t)(v >> 16));
	p16(p + 2, (uint16_t)v);
}

static inline size_t build_eth(uint8_t *b, const uint8_t dst[6],
                               const uint8_t src[6], uint16_t type)
{
	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	p16(b + 12, type);
	return 14;
}

static inline size_t build_arp(uint8_t *b, const uint8_t eth_dst[6],
                               uint16_t op, const uint8_t sha[6], uint32_t spa,
                               const uint8_t tha[6], uint32_t tpa)
{
	static const uint8_t zero[6];
	size_t n = build_eth(b, eth_dst, sha, MG_ETHERTYPE_ARP);
	uint8_t *a = b + n;
	p16(a, 1);
	p16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	p16(a + 6, op);
	memcpy(a + 8, sha, 6);
	p32(a + 14, spa);
	memcpy(a + 18, tha ? tha : zero, 6);
	p32(a + 24, tpa);
	return n + 28;
}

/* An IPv4 header (20 bytes plus (optlen) bytes of NOP options) with a
 * correct checksum for a payload of (len) bytes. Returns its length. */
static inline size_t build_ip_hdr(uint8_t *h, uint32_t src, uint32_t dst,
                                  uint8_t proto, uint16_t id, uint16_t frag,
                                  size_t len, size_t optlen)
{
	size_t hl = 20 + optlen;
	memset(h, 0, hl);
	h[0] = (uint8_t)(0x40 | hl / 4);
	p16(h + 2, (uint16_t)(hl + len));
	p16(h + 4, id);
	p16(h + 6, frag);
	h[8] = 64;
	h[9] = proto;
	p32(h + 12, src);
	p32(h + 16, dst);
	memset(h + 20, 1, optlen); /* NOP options */
	p16(h + 10, mg_inet_finish(mg_inet_sum(h, hl, 0)));
	return hl;
}

/* A whole frame from the peer to us: Ethernet, IPv4, (payload). */
static inline size_t build_ip_frame(uint8_t *b, uint32_t src, uint32_t dst,
                                    uint8_t proto, uint16_t id, uint16_t frag,
                                    const void *payload, size_t len)
{
	size_t n = build_eth(b, OUR_MAC, PEER_MAC, MG_ETHERTYPE_IPV4);
	n += build_ip_hdr(b + n, src, dst, proto, id, frag, len, 0);
	memcpy(b + n, payload, len);
	return n + len;
}

/* An ICMP echo request of (len) data bytes (a pattern), into (b). */
static inline size_t build_echo(uint8_t *b, uint16_t ident, uint16_t seq,
                                size_t len)
{
	b[0] = 8;
	b[1] = 0;
	p16(b + 2, 0);
	p16(b + 4, ident);
	p16(b + 6, seq);
	for (size_t i = 0; i < len; i++)
		b[8 + i] = (uint8_t)(i * 7 + 3);
	p16(b + 2, mg_inet_finish(mg_inet_sum(b, 8 + len, 0)));
	return 8 + len;
}

/* A UDP datagram with its checksum, into (b). */
static inline size_t build_udp(uint8_t *b, uint32_t src, uint32_t dst,
                               uint16_t sport, uint16_t dport, const void *data,
                               size_t len)
{
	p16(b, sport);
	p16(b + 2, dport);
	p16(b + 4, (uint16_t)(8 + len));
	p16(b + 6, 0);
	memcpy(b + 8, data, len);
	uint64_t s = mg_ipv4_pseudo_sum(
	    (mg_ipv4_addr){src}, (mg_ipv4_addr){dst}, 17, (uint16_t)(8 + len));
	uint16_t ck = mg_inet_finish(mg_inet_sum(b, 8 + len, s));
	p16(b + 6, ck ? ck : 0xffff);
	return 8 + len;
}

/* --- a stack of the lower layers over a fake wire --- */

typedef struct tstack {
	fakewire w;
	mg_ethernet eth;
	mg_arp arp;
	mg_ipv4 ip;
	mg_icmp icmp;
	mg_udpv4 udp;
} tstack;

/* Everything up to udp, our address 10.0.0.2/24 with gateway
 * 10.0.0.254, the peer's and the gateway's MACs already known (no ARP in
 * the way) unless (learn) is false, over a fake wire whose device offers
 * (offloads). The announcements are taken off the wire. */
static inline void ts_up_offloads(tstack *t, uint16_t mtu, bool learn,
                                  unsigned offloads)
{
	fw_init(&t->w, mtu);
	t->w.info.offloads = offloads;
	ASSERT_EQ(mg_ethernet_connect(&t->eth, &t->w.netif), 0);
	ASSERT_EQ(mg_arp_connect(&t->arp, &t->eth), 0);
	mg_ipv4_prefix a = {{OUR_IP}, 24};
	ASSERT_EQ(
	    mg_ipv4_connect(&t->ip, &t->eth, &t->arp, a, (mg_ipv4_addr){GW_IP}),
	    0);
	ASSERT_EQ(mg_icmp_connect(&t->icmp, &t->ip), 0);
	ASSERT_EQ(mg_udpv4_connect(&t->udp, &t->ip), 0);
	/* The second announcement, due at 1 s: out of the tests' way. */
	for (int i = 1; i < MG_ARP_ANNOUNCE; i++)
		mg_arp_tick(&t->arp, (uint64_t)i * MG_ARP_RETRY_NS);
	if (learn) {
		uint8_t f[64];
		size_t n = build_arp(f, OUR_MAC, 2, PEER_MAC, PEER_IP, OUR_MAC,
		                     OUR_IP);
		inject(&t->eth, 0, f, n);
		n = build_arp(f, OUR_MAC, 2, PEER_MAC, GW_IP, OUR_MAC, OUR_IP);
		inject(&t->eth, 0, f, n);
	}
	fw_clear(&t->w);
}

static inline void ts_up(tstack *t, uint16_t mtu, bool learn)
{
	ts_up_offloads(t, mtu, learn, 0);
}

/* Tear down, checking that no packet is left allocated. */
static inline void ts_down(tstack *t)
{
	mg_udpv4_disconnect(&t->udp);
	mg_icmp_disconnect(&t->icmp);
	mg_ipv4_disconnect(&t->ip);
	mg_arp_disconnect(&t->arp);
	ASSERT_EQ(mg_ethernet_disconnect(&t->eth), 0);
	fw_free(&t->w);
}

/* The value of counter (layer, name) through (visit), -1 if absent. */
typedef struct ctr_query {
	const char *layer, *name;
	long long value;
} ctr_query;

static inline void ctr_visit(void *ctx, const char *layer, const char *name,
                             uint64_t value)
{
	ctr_query *q = ctx;
	if (!strcmp(layer, q->layer) && !strcmp(name, q->name))
		q->value = (long long)value;
}

#define COUNTER(mod, layer_, name_)                                            \
	({                                                                     \
		ctr_query q_ = {layer_, name_, -1};                            \
		(mod)->ops->counters((mod)->self, ctr_visit, &q_);             \
		q_.value;                                                      \
	})

#endif
