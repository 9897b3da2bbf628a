/* IPv4 (RFC 791): header checks, delivery, routing and fragmentation. */
#include <stdlib.h>
#include <string.h>

#include <mg/error.h>
#include <mg/ipv4.h>

#include "ipv4_internal.h"

/* see mg/ipv4.h */

MG_LOG_SOURCE(net, "net", "the direct stack's lower layers");

#define FLAG_DF     0x4000
#define FLAG_MF     0x2000
#define OFFSET_MASK 0x1fff

static bool is_multicast(uint32_t a)
{
	return (a >> 28) == 0xe;
}

void mg__ipv4_meta(const uint8_t *h, size_t hl, bool broadcast, mg_ipv4_meta *m)
{
	m->src.v = mg__get32(h + 12);
	m->dst.v = mg__get32(h + 16);
	m->proto = h[9];
	m->ttl = h[8];
	m->tos = h[1];
	m->broadcast = broadcast;
	m->hdr = h;
	m->hdr_len = hl;
}

void mg__ipv4_deliver(ipv4 *ip, uint64_t now, mg_pkt *p, bool broadcast)
{
	size_t hl = (size_t)(p->data[0] & 0xf) * 4;
	mg_ipv4_meta m;
	mg__ipv4_meta(p->data, hl, broadcast, &m);
	mg_pkt_pull(p, hl);
	for (int i = 0; i < ip->nlisteners; i++) {
		if (ip->listeners[i].proto == m.proto) {
			ip->c.rx_delivered++;
			ip->listeners[i].fn(ip->listeners[i].ctx, now, &m, p);
			return;
		}
	}
	ip->c.drop_no_proto++;
	if (!broadcast && ip->err_fn)
		ip->err_fn(ip->err_ctx, now, 3 /* unreachable */,
		           2 /* protocol */, &m, p);
	mg_pkt_free(p);
}

static void ip_input(void *ctx, uint64_t now, mg_pkt *p)
{
	ipv4 *ip = ctx;
	const uint8_t *h = p->data;
	ip->c.rx_datagrams++;
	if (p->len < MG_IPV4_HLEN) {
		ip->c.drop_short++;
		goto drop;
	}
	if (h[0] >> 4 != 4) {
		ip->c.drop_version++;
		goto drop;
	}
	size_t hl = (size_t)(h[0] & 0xf) * 4;
	if (hl < MG_IPV4_HLEN || hl > p->len) {
		ip->c.drop_header_len++;
		goto drop;
	}
	size_t total = mg__get16(h + 2);
	if (total < hl || total > p->len) {
		ip->c.drop_total_len++;
		goto drop;
	}
	/* Ethernet pads short frames: the datagram ends where it says. */
	mg_pkt_trim(p, total);
	if (mg_inet_finish(mg_inet_sum(h, hl, 0)) != 0) {
		ip->c.drop_checksum++;
		goto drop;
	}
	uint32_t src = mg__get32(h + 12), dst = mg__get32(h + 16);
	uint32_t me = ip->cfg.addr.addr.v;
	if (src == 0xffffffffu || is_multicast(src) ||
	    (me && src == ip->bcast)) {
		ip->c.drop_bad_src++;
		goto drop;
	}
	bool broadcast = dst == 0xffffffffu || (me && dst == ip->bcast);
	/* Without an address, DHCP answers MAY come to the offered one. */
	if (!broadcast && (is_multicast(dst) || (me && dst != me))) {
		ip->c.drop_not_for_us++;
		goto drop;
	}
	if (hl > MG_IPV4_HLEN)
		ip->c.rx_options++;
	uint16_t frag = mg__get16(h + 6);
	if (frag & (FLAG_MF | OFFSET_MASK)) {
		ip->c.rx_fragments++;
		mg__ipv4_reass_input(ip, now, p, broadcast);
		return;
	}
	mg__ipv4_deliver(ip, now, p, broadcast);
	return;
drop:
	mg_pkt_free(p);
}

static void put_header(uint8_t *h, const mg_ipv4_out *o, uint32_t src,
                       size_t total, uint16_t id, uint16_t frag)
{
	h[0] = 0x45;
	h[1] = o->tos;
	mg__put16(h + 2, (uint16_t)total);
	mg__put16(h + 4, id);
	mg__put16(h + 6, frag);
	h[8] = o->ttl ? o->ttl : MG_IPV4_DEFAULT_TTL;
	h[9] = o->proto;
	mg__put16(h + 10, 0);
	mg__put32(h + 12, src);
	mg__put32(h + 16, o->dst.v);
	mg__put16(h + 10, mg_inet_finish(mg_inet_sum(h, MG_IPV4_HLEN, 0)));
}

/* The next hop for (dst), or 0 when there is no route. */
static uint32_t route(const ipv4 *ip, uint32_t dst)
{
	uint32_t me = ip->cfg.addr.addr.v;
	if (dst == 0xffffffffu)
		return dst;
	if (!me || dst == 0 || dst == me || is_multicast(dst))
		return 0;
	if ((dst & ip->mask) == (me & ip->mask))
		return dst;
	return ip->cfg.gateway.v;
}

/* Send (p) (payload of len bytes) as fragments of at most the MTU. */
static int fragment(ipv4 *ip, uint64_t now, const mg_ipv4_out *o, uint32_t src,
                    uint32_t hop, uint16_t id, mg_pkt *p)
{
	size_t chunk =
	    ((size_t)(mg_ethernet_mtu(ip->eth) - MG_IPV4_HLEN)) & ~7u;
	int rc = 0;
	for (size_t off = 0; off < p->len && rc == 0; off += chunk) {
		size_t n = p->len - off < chunk ? p->len - off : chunk;
		bool last = off + n == p->len;
		mg_pkt *f = mg_ethernet_alloc(ip->eth, n);
		if (!f) {
			ip->c.tx_no_buffer++;
			rc = MG_ENOMEM;
			break;
		}
		memcpy(mg_pkt_put(f, n), p->data + off, n);
		uint8_t *h = mg_pkt_push(f, MG_IPV4_HLEN);
		put_header(h, o, src, n + MG_IPV4_HLEN, id,
		           (uint16_t)((last ? 0 : FLAG_MF) | (off / 8)));
		ip->c.tx_fragments++;
		rc = mg_arp_output(ip->arp, now, (mg_ipv4_addr){hop}, f);
	}
	mg_pkt_free(p);
	return rc;
}

static int ip_output(void *self, uint64_t now, const mg_ipv4_out *o, mg_pkt *p)
{
	ipv4 *ip = self;
	uint32_t hop = route(ip, o->dst.v);
	if (!hop) {
		ip->c.tx_no_route++;
		mg_pkt_free(p);
		return MG_ENETUNREACH;
	}
	if (p->len > MG_IPV4_MAX_DATAGRAM - MG_IPV4_HLEN) {
		ip->c.tx_too_big++;
		mg_pkt_free(p);
		return MG_EMSGSIZE;
	}
	uint32_t src = o->src.v ? o->src.v : ip->cfg.addr.addr.v;
	uint16_t id = ip->next_id++;
	ip->c.tx_datagrams++;
	size_t mtu = mg_ethernet_mtu(ip->eth);
	bool gso = o->off.gso != MG_NET_GSO_NONE;
	p->off = o->off;
	if (o->off.flags || gso) {
		p->off.csum_start += MG_IPV4_HLEN;
		if (p->off.hdr_len)
			p->off.hdr_len += MG_IPV4_HLEN;
	}
	if (p->len + MG_IPV4_HLEN > mtu && !gso) {
		if (o->df) {
			ip->c.tx_too_big++;
			mg_pkt_free(p);
			return MG_EMSGSIZE;
		}
		return fragment(ip, now, o, src, hop, id, p);
	}
	uint8_t *h = mg_pkt_push(p, MG_IPV4_HLEN);
	if (!h) {
		mg_pkt_free(p);
		return MG_EINVAL;
	}
	put_header(h, o, src, p->len, id, o->df || gso ? FLAG_DF : 0);
	return mg_arp_output(ip->arp, now, (mg_ipv4_addr){hop}, p);
}

static int ip_listen(void *self, uint8_t proto, mg_ipv4_input_fn fn, void *ctx)
{
	ipv4 *ip = self;
	for (int i = 0; i < ip->nlisteners; i++)
		if (ip->listeners[i].proto == proto)
			return MG_EEXIST;
	if (ip->nlisteners == LISTENERS_MAX)
		return MG_ENOSPC;
	ip->listeners[ip->nlisteners].proto = proto;
	ip->listeners[ip->nlisteners].fn = fn;
	ip->listeners[ip->nlisteners].ctx = ctx;
	ip->nlisteners++;
	return 0;
}

static void ip_set_error(void *self, mg_ipv4_error_fn fn, void *ctx)
{
	ipv4 *ip = self;
	ip->err_fn = fn;
	ip->err_ctx = ctx;
}

static void ip_error(void *self, uint64_t now, uint8_t type, uint8_t code,
                     const mg_ipv4_meta *m, const mg_pkt *p)
{
	ipv4 *ip = self;
	if (ip->err_fn)
		ip->err_fn(ip->err_ctx, now, type, code, m, p);
}

static int check_config(const mg_ipv4_config *c)
{
	if (c->addr.len > 32)
		return MG_EINVAL;
	uint32_t mask = c->addr.len ? ~0u << (32 - c->addr.len) : 0;
	if (c->gateway.v && (!c->addr.addr.v ||
	                     (c->gateway.v & mask) != (c->addr.addr.v & mask)))
		return MG_EINVAL;
	return 0;
}

static int ip_configure(void *self, uint64_t now, const mg_ipv4_config *c)
{
	ipv4 *ip = self;
	int rc = check_config(c);
	if (rc < 0)
		return rc;
	ip->cfg = *c;
	ip->mask = c->addr.len ? ~0u << (32 - c->addr.len) : 0;
	/* /31 and /32 have no broadcast address (RFC 3021). */
	ip->bcast =
	    c->addr.len >= 31 ? 0xffffffffu : (c->addr.addr.v | ~ip->mask);
	mg_arp_set_addr(ip->arp, now, c->addr);
	return 0;
}

static void ip_config(void *self, mg_ipv4_config *out)
{
	ipv4 *ip = self;
	*out = ip->cfg;
}

static mg_pkt *ip_alloc(void *self, size_t size)
{
	ipv4 *ip = self;
	return mg_ethernet_alloc(ip->eth, size);
}

static unsigned ip_offloads(void *self)
{
	ipv4 *ip = self;
	return mg_ethernet_offloads(ip->eth);
}

static size_t ip_mtu(void *self)
{
	ipv4 *ip = self;
	return (size_t)mg_ethernet_mtu(ip->eth) - MG_IPV4_HLEN;
}

static void ip_tick(void *self, uint64_t now)
{
	mg__ipv4_reass_tick(self, now);
}

static uint64_t ip_deadline(void *self)
{
	return mg__ipv4_reass_deadline(self);
}

static void ip_counters(void *self, mg_net_counter_fn fn, void *ctx)
{
	ipv4 *ip = self;
	const ipv4_counters *c = &ip->c;
	const char *layer = "ipv4";
	IPV4_COUNTERS(MG__NET_COUNTER_VISIT)
	fn(ctx, layer, "reass_datagrams", ip->nreass);
	fn(ctx, layer, "reass_bytes", ip->reass_bytes);
}

static const mg_ipv4_ops ip_ops = {
    .output = ip_output,
    .listen = ip_listen,
    .set_error = ip_set_error,
    .error = ip_error,
    .configure = ip_configure,
    .config = ip_config,
    .alloc = ip_alloc,
    .mtu = ip_mtu,
    .offloads = ip_offloads,
    .tick = ip_tick,
    .deadline = ip_deadline,
    .counters = ip_counters,
};

int mg_ipv4_connect(mg_ipv4 *out, mg_ethernet *eth, mg_arp *arp,
                    mg_ipv4_prefix addr, mg_ipv4_addr gateway)
{
	mg_ipv4_config cfg = {.addr = addr, .gateway = gateway};
	int rc = check_config(&cfg);
	if (rc < 0)
		return rc;
	if (mg_ethernet_mtu(eth) < 68) /* RFC 791: every host takes 68 */
		return MG_EINVAL;
	ipv4 *ip = calloc(1, sizeof *ip);
	if (!ip)
		return MG_ENOMEM;
	ip->eth = eth;
	ip->arp = arp;
	/* Identification only has to differ between datagrams in flight
	 * (RFC 6864); starting from the MAC spreads restarts a little. */
	const uint8_t *mac = mg_ethernet_mac(eth);
	ip->next_id = (uint16_t)(mac[4] << 8 | mac[5]);
	rc = mg_ethernet_listen(eth, MG_ETHERTYPE_IPV4, ip_input, ip);
	if (rc < 0) {
		free(ip);
		return rc;
	}
	ip_configure(ip, 0, &cfg);
	out->ops = &ip_ops;
	out->self = ip;
	return 0;
}

void mg_ipv4_disconnect(mg_ipv4 *out)
{
	ipv4 *ip = out->self;
	mg__ipv4_reass_free_all(ip);
	free(ip);
	out->self = NULL;
}
