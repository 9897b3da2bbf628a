/* ICMP (RFC 792): echo replies in place, errors, both rate limited. */
#include <stdlib.h>
#include <string.h>

#include <mg/error.h>
#include <mg/icmp.h>

#include "net_internal.h"

/* see mg/icmp.h */

#define ICMP_HLEN 8
#define NS        1000000000ull

#define ICMP_COUNTERS(X)                                                       \
	X(rx_echo_requests, "echo requests received")                          \
	X(tx_echo_replies, "echo replies sent")                                \
	X(rx_echo_replies, "echo replies received")                            \
	X(rx_unreach, "destination unreachable received")                      \
	X(rx_time_exceeded, "time exceeded received")                          \
	X(tx_errors, "errors sent (unreachable, time exceeded)")               \
	X(drop_short, "dropped: shorter than an ICMP header")                  \
	X(drop_checksum, "dropped: bad checksum")                              \
	X(drop_broadcast_echo, "dropped: echo request to a broadcast")         \
	X(drop_other_type, "dropped: a type we do not handle")                 \
	X(drop_echo_rate, "echo replies not sent: rate limit")                 \
	X(drop_error_rate, "errors not sent: rate limit")                      \
	X(drop_error_rule, "errors not sent: about a broadcast, fragment or "  \
	                   "error (RFC 1122 3.2.2)")                           \
	X(drop_no_buffer, "errors not sent: pool exhausted")

typedef struct counters {
	ICMP_COUNTERS(MG__NET_COUNTER_FIELD)
} counters;

/* A token bucket kept as credit in ns: each message costs 1 s / rate. */
typedef struct bucket {
	uint64_t credit, max, cost, last;
} bucket;

typedef struct icmp {
	mg_ipv4 *ip;
	bucket echo, errors;
	counters c;
} icmp;

static void bucket_init(bucket *b, uint64_t rate, uint64_t burst)
{
	b->cost = NS / rate;
	b->max = b->cost * burst;
	b->credit = b->max;
	b->last = 0;
}

static bool bucket_take(bucket *b, uint64_t now)
{
	if (now > b->last) {
		uint64_t add = now - b->last;
		b->credit = add > b->max - b->credit ? b->max : b->credit + add;
		b->last = now;
	}
	if (b->credit < b->cost)
		return false;
	b->credit -= b->cost;
	return true;
}

static void echo(icmp *ic, uint64_t now, const mg_ipv4_meta *m, mg_pkt *p)
{
	ic->c.rx_echo_requests++;
	if (m->broadcast) {
		ic->c.drop_broadcast_echo++;
		mg_pkt_free(p);
		return;
	}
	if (!bucket_take(&ic->echo, now)) {
		ic->c.drop_echo_rate++;
		mg_pkt_free(p);
		return;
	}
	/* Type 8 becomes 0: RFC 1624's incremental update of the sum. */
	uint8_t *b = p->data;
	uint32_t sum = (uint32_t)(uint16_t)~mg__get16(b + 2) +
	               (uint16_t) ~(b[0] << 8 | b[1]);
	b[0] = MG_ICMP_ECHO_REPLY;
	sum += (uint32_t)(b[0] << 8 | b[1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	/* The update yields 0x0000 when the words sum to 0xffff, or when
	 * they are all zero (a reply with identifier, sequence and data 0),
	 * whose sum is +0 and whose checksum must be 0xffff (RFC 1624 3). */
	uint16_t ck = (uint16_t)~sum;
	if (ck == 0) {
		size_t i = 4;
		while (i < p->len && b[i] == 0)
			i++;
		if (i == p->len)
			ck = 0xffff;
	}
	mg__put16(b + 2, ck);
	mg_ipv4_out o = {.dst = m->src,
	                 .proto = MG_IP_PROTO_ICMP,
	                 .src = m->dst,
	                 .tos = m->tos};
	ic->c.tx_echo_replies++;
	mg_ipv4_output(ic->ip, now, &o, p);
}

static void icmp_input(void *ctx, uint64_t now, const mg_ipv4_meta *m,
                       mg_pkt *p)
{
	icmp *ic = ctx;
	if (p->len < ICMP_HLEN) {
		ic->c.drop_short++;
		goto drop;
	}
	if (mg_inet_finish(mg_inet_sum(p->data, p->len, 0)) != 0) {
		ic->c.drop_checksum++;
		goto drop;
	}
	switch (p->data[0]) {
	case MG_ICMP_ECHO:
		echo(ic, now, m, p);
		return;
	case MG_ICMP_ECHO_REPLY:
		ic->c.rx_echo_replies++;
		break;
	case MG_ICMP_UNREACH:
		ic->c.rx_unreach++;
		break;
	case MG_ICMP_TIME_EXCEEDED:
		ic->c.rx_time_exceeded++;
		break;
	default:
		ic->c.drop_other_type++;
		break;
	}
drop:
	mg_pkt_free(p);
}

static bool is_error_type(uint8_t t)
{
	return t != MG_ICMP_ECHO && t != MG_ICMP_ECHO_REPLY && t != 13 &&
	       t != 14 && t != 15 && t != 16 && t != 17 && t != 18;
}

static void icmp_error(void *ctx, uint64_t now, uint8_t type, uint8_t code,
                       const mg_ipv4_meta *m, const mg_pkt *orig)
{
	icmp *ic = ctx;
	/* RFC 1122 3.2.2: never about a broadcast or multicast, a source
	 * that is not one host, a fragment but the first, an ICMP error. */
	uint32_t src = m->src.v;
	bool first = (mg__get16(m->hdr + 6) & 0x1fff) == 0;
	if (m->broadcast || src == 0 || src == 0xffffffffu ||
	    (src >> 28) == 0xe || !first ||
	    (m->proto == MG_IP_PROTO_ICMP &&
	     (orig->len < 1 || is_error_type(orig->data[0])))) {
		ic->c.drop_error_rule++;
		return;
	}
	if (!bucket_take(&ic->errors, now)) {
		ic->c.drop_error_rate++;
		return;
	}
	size_t quote = orig->len < 8 ? orig->len : 8;
	size_t len = ICMP_HLEN + m->hdr_len + quote;
	mg_pkt *p = mg_ipv4_alloc(ic->ip, len);
	if (!p) {
		ic->c.drop_no_buffer++;
		return;
	}
	uint8_t *b = mg_pkt_put(p, len);
	memset(b, 0, ICMP_HLEN);
	b[0] = type;
	b[1] = code;
	memcpy(b + ICMP_HLEN, m->hdr, m->hdr_len);
	memcpy(b + ICMP_HLEN + m->hdr_len, orig->data, quote);
	mg__put16(b + 2, mg_inet_finish(mg_inet_sum(b, len, 0)));
	mg_ipv4_out o = {.dst = m->src, .proto = MG_IP_PROTO_ICMP};
	ic->c.tx_errors++;
	mg_ipv4_output(ic->ip, now, &o, p);
}

static void icmp_counters(void *self, mg_net_counter_fn fn, void *ctx)
{
	icmp *ic = self;
	const counters *c = &ic->c;
	const char *layer = "icmp";
	ICMP_COUNTERS(MG__NET_COUNTER_VISIT)
}

static const mg_icmp_ops icmp_ops = {
    .counters = icmp_counters,
};

int mg_icmp_connect(mg_icmp *out, mg_ipv4 *ip)
{
	icmp *ic = calloc(1, sizeof *ic);
	if (!ic)
		return MG_ENOMEM;
	ic->ip = ip;
	bucket_init(&ic->echo, MG_ICMP_ECHO_RATE, MG_ICMP_ECHO_BURST);
	bucket_init(&ic->errors, MG_ICMP_ERROR_RATE, MG_ICMP_ERROR_BURST);
	int rc = mg_ipv4_listen(ip, MG_IP_PROTO_ICMP, icmp_input, ic);
	if (rc < 0) {
		free(ic);
		return rc;
	}
	ip->ops->set_error(ip->self, icmp_error, ic);
	out->ops = &icmp_ops;
	out->self = ic;
	return 0;
}

void mg_icmp_disconnect(mg_icmp *out)
{
	free(out->self);
	out->self = NULL;
}
