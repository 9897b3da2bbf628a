/* UDP (RFC 768): sockets with bounded queues, checksums, port unreachable. */
#include <stdlib.h>
#include <string.h>

#include <mg/error.h>
#include <mg/icmp.h>
#include <mg/udp.h>

#include "net_internal.h"

/* see mg/udp.h */

#define UDP_COUNTERS(X)                                                        \
	X(rx_datagrams, "datagrams received")                                  \
	X(rx_delivered, "datagrams queued or handed to a socket")              \
	X(tx_datagrams, "datagrams sent")                                      \
	X(drop_short, "dropped: shorter than a header")                        \
	X(drop_length, "dropped: length field beyond the datagram")            \
	X(drop_checksum, "dropped: bad checksum")                              \
	X(drop_no_port, "dropped: no socket on the port")                      \
	X(drop_queue_full, "dropped: the socket's queue was full")             \
	X(tx_no_buffer, "not sent: pool exhausted")

typedef struct counters {
	UDP_COUNTERS(MG__NET_COUNTER_FIELD)
} counters;

typedef struct udp {
	mg_ipv4 *ip;
	mg_udpv4_sock *socks;
	uint16_t next_port;
	counters c;
} udp;

static mg_udpv4_sock *find(udp *u, uint16_t port)
{
	for (mg_udpv4_sock *s = u->socks; s; s = s->next)
		if (s->port == port)
			return s;
	return NULL;
}

static void udp_input(void *ctx, uint64_t now, const mg_ipv4_meta *m, mg_pkt *p)
{
	udp *u = ctx;
	u->c.rx_datagrams++;
	if (p->len < MG_UDP_HLEN) {
		u->c.drop_short++;
		goto drop;
	}
	const uint8_t *h = p->data;
	size_t ulen = mg__get16(h + 4);
	if (ulen < MG_UDP_HLEN || ulen > p->len) {
		u->c.drop_length++;
		goto drop;
	}
	mg_pkt_trim(p, ulen);
	/* A checksum the device checked, or that the host never computed
	 * (mg/net_offload.h), is not summed again. */
	if (mg__get16(h + 6) != 0 &&
	    !(p->off.flags & (MG_NET_CSUM_PARTIAL | MG_NET_CSUM_VALID))) {
		uint64_t sum = mg_ipv4_pseudo_sum(
		    m->src, m->dst, MG_IP_PROTO_UDP, (uint16_t)ulen);
		if (mg_inet_finish(mg_inet_sum(h, ulen, sum)) != 0) {
			u->c.drop_checksum++;
			goto drop;
		}
	}
	uint16_t sport = mg__get16(h), dport = mg__get16(h + 2);
	mg_udpv4_sock *s = find(u, dport);
	if (!s) {
		u->c.drop_no_port++;
		/* The quote needs the UDP header: error before pulling it. */
		mg_ipv4_error(u->ip, now, MG_ICMP_UNREACH, MG_ICMP_UNREACH_PORT,
		              m, p);
		goto drop;
	}
	mg_pkt_pull(p, MG_UDP_HLEN);
	if (s->input) {
		u->c.rx_delivered++;
		mg_udpv4_meta um = {.src = {m->src, sport},
		                    .dst = {m->dst, dport},
		                    .broadcast = m->broadcast};
		s->input(s->input_ctx, now, &um, p);
		return;
	}
	if (s->queued >= s->queue_max) {
		u->c.drop_queue_full++;
		goto drop;
	}
	u->c.rx_delivered++;
	p->user[0] = (uint64_t)m->src.v << 32 | (uint32_t)sport << 16 | dport;
	p->user[1] = (uint64_t)m->dst.v | (m->broadcast ? 1ull << 32 : 0);
	p->next = NULL;
	if (s->tail)
		s->tail->next = p;
	else
		s->head = p;
	s->tail = p;
	s->queued++;
	if (s->notify)
		s->notify(s->notify_ctx);
	return;
drop:
	mg_pkt_free(p);
}

static int udp_bind(void *self, mg_udpv4_sock *s, uint16_t port,
                    size_t queue_max)
{
	udp *u = self;
	if (queue_max == 0)
		return MG_EINVAL;
	if (port == 0) {
		unsigned span = 65536 - MG_UDP_EPHEMERAL_MIN;
		for (unsigned i = 0; i < span && !port; i++) {
			uint16_t cand = u->next_port;
			u->next_port = cand == 65535 ? MG_UDP_EPHEMERAL_MIN
			                             : (uint16_t)(cand + 1);
			if (!find(u, cand))
				port = cand;
		}
		if (!port)
			return MG_ENOSPC;
	} else if (find(u, port)) {
		return MG_EADDRINUSE;
	}
	*s = (mg_udpv4_sock){.port = port, .queue_max = queue_max};
	s->next = u->socks;
	u->socks = s;
	return 0;
}

static void udp_close(void *self, mg_udpv4_sock *s)
{
	udp *u = self;
	mg_udpv4_sock **pp = &u->socks;
	while (*pp && *pp != s)
		pp = &(*pp)->next;
	if (*pp)
		*pp = s->next;
	mg_pkt_free_list(s->head);
	*s = (mg_udpv4_sock){0};
}

static void udp_set_notify(void *self, mg_udpv4_sock *s, void (*fn)(void *),
                           void *ctx)
{
	(void)self;
	s->notify = fn;
	s->notify_ctx = ctx;
}

static void udp_set_input(void *self, mg_udpv4_sock *s, mg_udpv4_input_fn fn,
                          void *ctx)
{
	(void)self;
	s->input = fn;
	s->input_ctx = ctx;
}

static int udp_send(void *self, uint64_t now, mg_udpv4_sock *s,
                    mg_ipv4_endpoint dst, mg_ipv4_addr src, mg_cbuf data)
{
	udp *u = self;
	if (data.len > MG_UDP_MAX_PAYLOAD)
		return MG_EMSGSIZE;
	if (!s->port || dst.port == 0)
		return MG_EINVAL;
	size_t len = MG_UDP_HLEN + data.len;
	mg_pkt *p = mg_ipv4_alloc(u->ip, len);
	if (!p) {
		u->c.tx_no_buffer++;
		return MG_ENOMEM;
	}
	uint8_t *h = mg_pkt_put(p, len);
	mg__put16(h, s->port);
	mg__put16(h + 2, dst.port);
	mg__put16(h + 4, (uint16_t)len);
	mg__put16(h + 6, 0);
	if (data.len)
		memcpy(h + MG_UDP_HLEN, data.p, data.len);
	if (!src.v) {
		mg_ipv4_config cfg;
		mg_ipv4_config_get(u->ip, &cfg);
		src = cfg.addr.addr;
	}
	uint64_t sum =
	    mg_ipv4_pseudo_sum(src, dst.addr, MG_IP_PROTO_UDP, (uint16_t)len);
	uint16_t ck = mg_inet_finish(mg_inet_sum(h, len, sum));
	/* Zero means "no checksum" (RFC 768): send its other form. */
	mg__put16(h + 6, ck ? ck : 0xffff);
	mg_ipv4_out o = {.dst = dst.addr, .proto = MG_IP_PROTO_UDP, .src = src};
	u->c.tx_datagrams++;
	return mg_ipv4_output(u->ip, now, &o, p);
}

static int udp_recv(void *self, mg_udpv4_sock *s, mg_pkt **out,
                    mg_udpv4_meta *m)
{
	(void)self;
	mg_pkt *p = s->head;
	if (!p)
		return MG_EAGAIN;
	s->head = p->next;
	if (!s->head)
		s->tail = NULL;
	s->queued--;
	p->next = NULL;
	if (m) {
		m->src.addr.v = (uint32_t)(p->user[0] >> 32);
		m->src.port = (uint16_t)(p->user[0] >> 16);
		m->dst.port = (uint16_t)p->user[0];
		m->dst.addr.v = (uint32_t)p->user[1];
		m->broadcast = (p->user[1] >> 32) & 1;
	}
	*out = p;
	return 0;
}

static void udp_counters(void *self, mg_net_counter_fn fn, void *ctx)
{
	udp *u = self;
	const counters *c = &u->c;
	const char *layer = "udp";
	UDP_COUNTERS(MG__NET_COUNTER_VISIT)
}

static const mg_udpv4_ops udp_ops = {
    .bind = udp_bind,
    .close = udp_close,
    .set_notify = udp_set_notify,
    .set_input = udp_set_input,
    .send = udp_send,
    .recv = udp_recv,
    .counters = udp_counters,
};

int mg_udpv4_connect(mg_udpv4 *out, mg_ipv4 *ip)
{
	udp *u = calloc(1, sizeof *u);
	if (!u)
		return MG_ENOMEM;
	u->ip = ip;
	u->next_port = MG_UDP_EPHEMERAL_MIN;
	int rc = mg_ipv4_listen(ip, MG_IP_PROTO_UDP, udp_input, u);
	if (rc < 0) {
		free(u);
		return rc;
	}
	out->ops = &udp_ops;
	out->self = u;
	return 0;
}

void mg_udpv4_disconnect(mg_udpv4 *out)
{
	free(out->self);
	out->self = NULL;
}
