/* Module type dhcp: a DHCP client (RFC 2131, RFC 2132 options). */
#ifndef MG_DHCP_H
#define MG_DHCP_H

/*
 * The client obtains an address for an ipv4 layer and keeps it:
 * INIT -> SELECTING (DHCPDISCOVER broadcast) -> REQUESTING (DHCPREQUEST
 * for the first offer) -> BOUND (the ipv4 is configured with the
 * address, prefix and router) -> at T1 RENEWING (unicast DHCPREQUEST to
 * the server) -> at T2 REBINDING (broadcast DHCPREQUEST) -> at the end of
 * the lease back to INIT, the address removed. A DHCPNAK restarts at
 * INIT. Retransmissions follow RFC 2131 section 4.1: 4 s doubling up to
 * 64 s, each randomised by up to a second either way; in RENEWING and
 * REBINDING, half the time left until T2 (or the end of the lease), at
 * least 60 s. The broadcast flag is set (section 4.1) so that servers
 * answer by broadcast before we have the address; unicast answers are
 * accepted too. T1 and T2 default to 1/2 and 7/8 of the lease.
 *
 * release() sends a DHCPRELEASE (RFC 2131 section 4.4.6) and removes the
 * address: call it before the unikernel exits.
 *
 * Sans-I/O: messages come in through the udp layer's input function and
 * go out through udp; (now_ns) is passed in; tick() at deadline() drives
 * the retransmissions and the lease timers.
 */

#include <stdbool.h>
#include <stdint.h>

#include <mg/ethernet.h>
#include <mg/ipv4.h>
#include <mg/udp.h>

#define MG_DHCP_CLIENT_PORT 68
#define MG_DHCP_SERVER_PORT 67

typedef enum mg_dhcp_state {
	MG_DHCP_STOPPED = 0,
	MG_DHCP_SELECTING,
	MG_DHCP_REQUESTING,
	MG_DHCP_BOUND,
	MG_DHCP_RENEWING,
	MG_DHCP_REBINDING,
} mg_dhcp_state;

/* What the server gave. Times are absolute monotonic ns. */
typedef struct mg_dhcp_lease {
	mg_ipv4_prefix addr;
	mg_ipv4_addr router; /* 0: none */
	mg_ipv4_addr server;
	mg_ipv4_addr dns[2]; /* 0: none */
	uint64_t t1_ns, t2_ns, end_ns;
} mg_dhcp_lease;

typedef struct mg_dhcp_ops {
	/* Start from INIT (again, if it ran). 0 or udp's bind error. */
	int (*start)(void *self, uint64_t now_ns);

	/* Send DHCPRELEASE if bound, remove the address, stop. */
	void (*release)(void *self, uint64_t now_ns);

	/* The state, and the lease when (out) is not NULL and there is one
	 * (BOUND, RENEWING, REBINDING). */
	mg_dhcp_state (*state)(void *self, mg_dhcp_lease *out);

	/* Call (fn)(ctx) after each change of state (from the stack's input
	 * or tick: MUST NOT block). */
	void (*set_notify)(void *self, void (*fn)(void *ctx), void *ctx);

	/* Run the timers due at (now_ns); when next needed. */
	void (*tick)(void *self, uint64_t now_ns);
	uint64_t (*deadline)(void *self);

	/* Counters ("dhcp"). */
	void (*counters)(void *self, mg_net_counter_fn fn, void *ctx);
} mg_dhcp_ops;

typedef struct mg_dhcp {
	const mg_dhcp_ops *ops;
	void *self;
} mg_dhcp;

static inline int mg_dhcp_start(mg_dhcp *d, uint64_t now_ns)
{
	return d->ops->start(d->self, now_ns);
}

static inline void mg_dhcp_release(mg_dhcp *d, uint64_t now_ns)
{
	d->ops->release(d->self, now_ns);
}

static inline mg_dhcp_state mg_dhcp_state_get(mg_dhcp *d, mg_dhcp_lease *out)
{
	return d->ops->state(d->self, out);
}

static inline void mg_dhcp_tick(mg_dhcp *d, uint64_t now_ns)
{
	d->ops->tick(d->self, now_ns);
}

static inline uint64_t mg_dhcp_deadline(mg_dhcp *d)
{
	return d->ops->deadline(d->self);
}

/*
 * A client for (ipv4), talking through (udp) (it binds port 68 at
 * start), identified by (eth)'s MAC. (seed) randomises transaction ids
 * and retransmission times. Not started. 0 or MG_ENOMEM.
 */
int mg_dhcp_connect(mg_dhcp *out, mg_udpv4 *udp, mg_ipv4 *ipv4,
                    mg_ethernet *eth, uint64_t seed);
void mg_dhcp_disconnect(mg_dhcp *d);

#endif
