/* DHCP client (RFC 2131): the state machine of section 4.4. */
#include <stdlib.h>
#include <string.h>

#include <mg/dhcp.h>
#include <mg/error.h>

#include "dhcp_internal.h"
#include "net_internal.h"

/* see mg/dhcp.h */

MG_LOG_SOURCE(dhcp, "dhcp", "the direct stack's DHCP client");

#define S             1000000000ull
#define RETRY_FIRST   (4 * S)
#define RETRY_MAX     (64 * S)
#define RENEW_MIN     (60 * S)
#define REQUEST_TRIES 4

#define DHCP_COUNTERS(X)                                                       \
	X(tx_discover, "DHCPDISCOVER sent")                                    \
	X(tx_request, "DHCPREQUEST sent")                                      \
	X(tx_release, "DHCPRELEASE sent")                                      \
	X(rx_offer, "DHCPOFFER received")                                      \
	X(rx_ack, "DHCPACK received")                                          \
	X(rx_nak, "DHCPNAK received")                                          \
	X(leases, "leases bound (renewals included)")                          \
	X(expired, "leases that ran out")                                      \
	X(drop_malformed, "dropped: not a well-formed DHCP reply")             \
	X(drop_not_ours, "dropped: another transaction or client")             \
	X(drop_unexpected, "dropped: a message the state does not expect")     \
	X(drop_bad_lease, "dropped: offer or ack without a usable address")

typedef struct counters {
	DHCP_COUNTERS(MG__NET_COUNTER_FIELD)
} counters;

typedef struct dhcp {
	mg_udpv4 *udp;
	mg_ipv4 *ip;
	uint8_t mac[6];
	mg_udpv4_sock sock;
	bool have_sock;
	uint64_t rng;
	mg_dhcp_state state;
	uint32_t xid;
	uint64_t began;   /* start of this exchange, for secs */
	uint64_t timer;   /* next retransmission */
	uint64_t backoff; /* SELECTING, REQUESTING: the current delay */
	unsigned tries;
	uint32_t offered, offer_server;
	mg_dhcp_lease lease;
	void (*notify)(void *ctx);
	void *notify_ctx;
	counters c;
} dhcp;

static uint64_t next_random(dhcp *d)
{
	/* xorshift64*: enough to spread ids and delays among clients. */
	d->rng ^= d->rng >> 12;
	d->rng ^= d->rng << 25;
	d->rng ^= d->rng >> 27;
	return d->rng * 2685821657736338717ull;
}

/* (base) randomised by up to a second either way (RFC 2131 4.1). */
static uint64_t jitter(dhcp *d, uint64_t base)
{
	return base - S + next_random(d) % (2 * S + 1);
}

static void set_state(dhcp *d, mg_dhcp_state st)
{
	d->state = st;
	if (d->notify)
		d->notify(d->notify_ctx);
}

static void send_msg(dhcp *d, uint64_t now, int type, uint32_t dst,
                     uint32_t ciaddr, uint32_t requested, uint32_t server)
{
	uint64_t secs = (now - d->began) / S;
	mg__dhcp_out o = {
	    .type = type,
	    .xid = d->xid,
	    .secs = (uint16_t)(secs > 65535 ? 65535 : secs),
	    .broadcast = !ciaddr,
	    .ciaddr = ciaddr,
	    .requested = requested,
	    .server_id = server,
	    .mac = d->mac,
	};
	uint8_t b[DHCP_MAX_LEN];
	size_t len = mg__dhcp_build(&o, b);
	mg_ipv4_endpoint to = {{dst}, MG_DHCP_SERVER_PORT};
	mg_udpv4_send(d->udp, now, &d->sock, to, (mg_ipv4_addr){ciaddr},
	              mg_cbuf_make(b, len));
	if (type == DHCPDISCOVER)
		d->c.tx_discover++;
	else if (type == DHCPREQUEST)
		d->c.tx_request++;
	else if (type == DHCPRELEASE)
		d->c.tx_release++;
}

static void unconfigure(dhcp *d, uint64_t now)
{
	mg_ipv4_config none = {{{0}, 0}, {0}};
	mg_ipv4_configure(d->ip, now, &none);
}

/* INIT: a new transaction, a DHCPDISCOVER. */
static void init(dhcp *d, uint64_t now)
{
	d->xid = (uint32_t)next_random(d);
	d->began = now;
	d->tries = 1;
	d->backoff = RETRY_FIRST;
	d->timer = now + jitter(d, d->backoff);
	d->lease = (mg_dhcp_lease){0};
	send_msg(d, now, DHCPDISCOVER, 0xffffffffu, 0, 0, 0);
	set_state(d, MG_DHCP_SELECTING);
}

static void request_offer(dhcp *d, uint64_t now)
{
	send_msg(d, now, DHCPREQUEST, 0xffffffffu, 0, d->offered,
	         d->offer_server);
}

static int prefix_of(uint32_t mask)
{
	int n = 0;
	while (n < 32 && (mask & (0x80000000u >> n)))
		n++;
	/* Non-contiguous masks do not exist in CIDR: refuse them. */
	return (n == 32 || (mask << n) == 0) ? n : -1;
}

/* BOUND from a DHCPACK (RFC 2131 4.4.1 "bind"). */
static void bind(dhcp *d, uint64_t now, const mg__dhcp_msg *m)
{
	int len = m->has_mask ? prefix_of(m->mask) : 24;
	if (!m->yiaddr || len < 0 || len > 30) {
		d->c.drop_bad_lease++;
		return;
	}
	uint64_t lease = (m->lease_s ? m->lease_s : 3600) * S;
	uint64_t t1 = m->t1_s ? m->t1_s * S : lease / 2;
	uint64_t t2 = m->t2_s ? m->t2_s * S : lease / 8 * 7;
	if (t2 > lease)
		t2 = lease;
	if (t1 > t2)
		t1 = t2;
	mg_dhcp_lease l = {
	    .addr = {{m->yiaddr}, (uint8_t)len},
	    .server = {m->server_id ? m->server_id : d->offer_server},
	    .dns = {{m->dns[0]}, {m->dns[1]}},
	    .t1_ns = now + t1,
	    .t2_ns = now + t2,
	    .end_ns = now + lease,
	};
	uint32_t mask = len ? ~0u << (32 - len) : 0;
	if (m->router && (m->router & mask) == (m->yiaddr & mask))
		l.router.v = m->router;
	bool changed = l.addr.addr.v != d->lease.addr.addr.v ||
	               l.addr.len != d->lease.addr.len ||
	               l.router.v != d->lease.router.v;
	d->lease = l;
	d->c.leases++;
	if (changed) {
		mg_ipv4_config c = {.addr = l.addr, .gateway = l.router};
		mg_ipv4_configure(d->ip, now, &c);
		char a[MG_IPV4_PREFIX_STRLEN], g[MG_IPV4_ADDR_STRLEN];
		MG_LOG(dhcp, INFO, "bound to %s, router %s, lease %llu s",
		       mg_ipv4_prefix_format(l.addr, a),
		       mg_ipv4_format(l.router, g),
		       (unsigned long long)(lease / S));
	}
	d->timer = l.t1_ns;
	set_state(d, MG_DHCP_BOUND);
}

static void input(void *ctx, uint64_t now, const mg_udpv4_meta *um, mg_pkt *p)
{
	dhcp *d = ctx;
	(void)um;
	mg__dhcp_msg m;
	int rc = mg__dhcp_parse(p->data, p->len, &m);
	mg_pkt_free(p);
	if (rc < 0 || m.op != 2 || !m.type) {
		d->c.drop_malformed++;
		return;
	}
	if (m.xid != d->xid || memcmp(m.chaddr, d->mac, 6) != 0) {
		d->c.drop_not_ours++;
		return;
	}
	if (m.type == DHCPOFFER) {
		d->c.rx_offer++;
		if (d->state != MG_DHCP_SELECTING) {
			d->c.drop_unexpected++;
			return;
		}
		if (!m.yiaddr || !m.server_id) {
			d->c.drop_bad_lease++;
			return;
		}
		/* The first offer is taken (RFC 2131 4.4.1 lets us). */
		d->offered = m.yiaddr;
		d->offer_server = m.server_id;
		d->tries = 1;
		d->backoff = RETRY_FIRST;
		d->timer = now + jitter(d, d->backoff);
		request_offer(d, now);
		set_state(d, MG_DHCP_REQUESTING);
		return;
	}
	bool waiting = d->state == MG_DHCP_REQUESTING ||
	               d->state == MG_DHCP_RENEWING ||
	               d->state == MG_DHCP_REBINDING;
	if (m.type == DHCPACK) {
		d->c.rx_ack++;
		if (!waiting) {
			d->c.drop_unexpected++;
			return;
		}
		bind(d, now, &m);
		return;
	}
	if (m.type == DHCPNAK) {
		d->c.rx_nak++;
		if (!waiting) {
			d->c.drop_unexpected++;
			return;
		}
		MG_LOG(dhcp, WARN, "the server refused: starting again");
		if (d->lease.addr.addr.v)
			unconfigure(d, now);
		init(d, now);
		return;
	}
	d->c.drop_unexpected++;
}

static int d_start(void *self, uint64_t now)
{
	dhcp *d = self;
	if (!d->have_sock) {
		int rc =
		    mg_udpv4_bind(d->udp, &d->sock, MG_DHCP_CLIENT_PORT, 4);
		if (rc < 0)
			return rc;
		d->udp->ops->set_input(d->udp->self, &d->sock, input, d);
		d->have_sock = true;
	}
	init(d, now);
	return 0;
}

static void d_release(void *self, uint64_t now)
{
	dhcp *d = self;
	if (d->state == MG_DHCP_BOUND || d->state == MG_DHCP_RENEWING ||
	    d->state == MG_DHCP_REBINDING) {
		/* RFC 2131 4.4.6: unicast to the server, with our address. */
		send_msg(d, now, DHCPRELEASE, d->lease.server.v,
		         d->lease.addr.addr.v, 0, d->lease.server.v);
		MG_LOG(dhcp, INFO, "lease released");
	}
	if (d->lease.addr.addr.v)
		unconfigure(d, now);
	d->lease = (mg_dhcp_lease){0};
	set_state(d, MG_DHCP_STOPPED);
}

static mg_dhcp_state d_state(void *self, mg_dhcp_lease *out)
{
	dhcp *d = self;
	if (out && d->state >= MG_DHCP_BOUND)
		*out = d->lease;
	return d->state;
}

static void d_set_notify(void *self, void (*fn)(void *), void *ctx)
{
	dhcp *d = self;
	d->notify = fn;
	d->notify_ctx = ctx;
}

/* RENEWING and REBINDING: half the time left, at least 60 s (4.4.5). */
static uint64_t half_left(uint64_t now, uint64_t until)
{
	uint64_t t = until > now ? (until - now) / 2 : 0;
	if (t < RENEW_MIN)
		t = RENEW_MIN;
	return now + t < until ? now + t : until;
}

static void d_tick(void *self, uint64_t now)
{
	dhcp *d = self;
	if (now < d->timer)
		return;
	switch (d->state) {
	case MG_DHCP_SELECTING:
	case MG_DHCP_REQUESTING:
		if (d->state == MG_DHCP_REQUESTING &&
		    d->tries >= REQUEST_TRIES) {
			init(d, now);
			return;
		}
		d->tries++;
		if (d->backoff < RETRY_MAX)
			d->backoff *= 2;
		d->timer = now + jitter(d, d->backoff);
		if (d->state == MG_DHCP_SELECTING)
			send_msg(d, now, DHCPDISCOVER, 0xffffffffu, 0, 0, 0);
		else
			request_offer(d, now);
		return;
	case MG_DHCP_BOUND:
	case MG_DHCP_RENEWING:
	case MG_DHCP_REBINDING:
		if (now >= d->lease.end_ns) {
			d->c.expired++;
			MG_LOG(dhcp, WARN, "lease expired");
			unconfigure(d, now);
			init(d, now);
			return;
		}
		if (now >= d->lease.t2_ns) {
			if (d->state != MG_DHCP_REBINDING) {
				d->xid = (uint32_t)next_random(d);
				d->began = now;
				set_state(d, MG_DHCP_REBINDING);
			}
			d->timer = half_left(now, d->lease.end_ns);
			send_msg(d, now, DHCPREQUEST, 0xffffffffu,
			         d->lease.addr.addr.v, 0, 0);
			return;
		}
		if (d->state == MG_DHCP_BOUND) {
			d->xid = (uint32_t)next_random(d);
			d->began = now;
			set_state(d, MG_DHCP_RENEWING);
		}
		d->timer = half_left(now, d->lease.t2_ns);
		send_msg(d, now, DHCPREQUEST, d->lease.server.v,
		         d->lease.addr.addr.v, 0, 0);
		return;
	default:
		return;
	}
}

static uint64_t d_deadline(void *self)
{
	dhcp *d = self;
	return d->state == MG_DHCP_STOPPED ? UINT64_MAX : d->timer;
}

static void d_counters(void *self, mg_net_counter_fn fn, void *ctx)
{
	dhcp *d = self;
	const counters *c = &d->c;
	const char *layer = "dhcp";
	DHCP_COUNTERS(MG__NET_COUNTER_VISIT)
}

static const mg_dhcp_ops dhcp_ops = {
    .start = d_start,
    .release = d_release,
    .state = d_state,
    .set_notify = d_set_notify,
    .tick = d_tick,
    .deadline = d_deadline,
    .counters = d_counters,
};

int mg_dhcp_connect(mg_dhcp *out, mg_udpv4 *udp, mg_ipv4 *ip, mg_ethernet *eth,
                    uint64_t seed)
{
	dhcp *d = calloc(1, sizeof *d);
	if (!d)
		return MG_ENOMEM;
	d->udp = udp;
	d->ip = ip;
	memcpy(d->mac, mg_ethernet_mac(eth), 6);
	d->rng = seed ? seed : 0x9e3779b97f4a7c15ull;
	d->timer = UINT64_MAX;
	out->ops = &dhcp_ops;
	out->self = d;
	return 0;
}

void mg_dhcp_disconnect(mg_dhcp *out)
{
	dhcp *d = out->self;
	if (d->have_sock)
		mg_udpv4_close(d->udp, &d->sock);
	free(d);
	out->self = NULL;
}
