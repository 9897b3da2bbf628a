/* Module type ipv4: IPv4 (RFC 791) over ethernet and arp, with fragments. */
#ifndef MG_IPV4_H
#define MG_IPV4_H

/*
 * The network layer of the direct stack. It has one interface, one
 * address with its prefix, and at most one gateway; it does not forward.
 *
 * Input: a datagram is checked (version, header length, total length,
 * header checksum, source not broadcast or multicast) and delivered when
 * it is for us: our address, 255.255.255.255, or our subnet's broadcast
 * (and, while we have no address, any destination: DHCP offers MAY come
 * unicast). IP options are not interpreted: they are skipped by the
 * header length. Fragments are reassembled (below), then the payload goes
 * to the listener of its protocol, or an ICMP protocol unreachable goes
 * back. Every drop is counted by reason.
 *
 * Reassembly (RFC 791 section 3.2, RFC 815): fragments are kept without
 * copying, sorted by offset, keyed by (source, destination, protocol,
 * identification). Limits: MG_IPV4_REASS_DATAGRAMS datagrams at once,
 * MG_IPV4_REASS_FRAGS fragments each, MG_IPV4_REASS_BYTES of buffers
 * held in total (past it the oldest datagram is dropped),
 * MG_IPV4_REASS_TIMEOUT_NS from the first fragment (then dropped, with an
 * ICMP time exceeded if the first fragment came). A fragment overlapping
 * another drops the whole datagram, as RFC 5722 does for IPv6 and Linux
 * for both; an exact duplicate is dropped alone. A datagram longer than
 * 65535 bytes is dropped. Once complete it is copied once into one packet.
 *
 * Output: to the subnet directly, elsewhere through the gateway
 * (MG_ENETUNREACH without one), to broadcasts as broadcasts. A datagram
 * larger than the MTU is fragmented (unless DF is asked for: MG_EMSGSIZE).
 *
 * Sans-I/O: (now_ns) is passed in; tick() at deadline() drives the
 * reassembly timeouts.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mg/arp.h>
#include <mg/ethernet.h>
#include <mg/ipaddr.h>
#include <mg/pkt.h>

#define MG_IPV4_HLEN     20 /* without options; we never send options */
#define MG_IP_PROTO_ICMP 1
#define MG_IP_PROTO_TCP  6
#define MG_IP_PROTO_UDP  17

#define MG_IPV4_DEFAULT_TTL  64
#define MG_IPV4_MAX_DATAGRAM 65535

#define MG_IPV4_REASS_DATAGRAMS  16
#define MG_IPV4_REASS_FRAGS      64
#define MG_IPV4_REASS_BYTES      (512u * 1024)
#define MG_IPV4_REASS_TIMEOUT_NS (30 * 1000000000ull)

/* A received datagram, as its listener sees it. */
typedef struct mg_ipv4_meta {
	mg_ipv4_addr src, dst;
	uint8_t proto;
	uint8_t ttl;
	uint8_t tos;
	/* Sent to a broadcast address: never answer with an error. */
	bool broadcast;
	/* The IP header, options included, in front of the payload in the
	 * same packet: valid as long as the packet (for ICMP errors). */
	const uint8_t *hdr;
	size_t hdr_len;
} mg_ipv4_meta;

/*
 * A listener's input: (p)'s data is the payload (the IP header lies
 * before it, see meta), exactly the datagram's payload length. The
 * listener consumes (p).
 */
typedef void (*mg_ipv4_input_fn)(void *ctx, uint64_t now_ns,
                                 const mg_ipv4_meta *m, mg_pkt *p);

/*
 * The sender of ICMP errors (mg_icmp registers one): (type, code) about
 * the datagram (m, p) received earlier (p's data: the payload, as given
 * to the listener). Borrows (p).
 */
typedef void (*mg_ipv4_error_fn)(void *ctx, uint64_t now_ns, uint8_t type,
                                 uint8_t code, const mg_ipv4_meta *m,
                                 const mg_pkt *p);

/* How to send a datagram. Zero fields take the defaults. */
typedef struct mg_ipv4_out {
	mg_ipv4_addr dst;
	uint8_t proto;
	mg_ipv4_addr src; /* 0: our address (0.0.0.0 while we have none) */
	uint8_t ttl;      /* 0: MG_IPV4_DEFAULT_TTL */
	uint8_t tos;
	bool df; /* don't fragment: MG_EMSGSIZE if larger than the MTU */
	/* Offloads asked of the device (only those mg_ipv4_offloads()
	 * reports), csum_start and hdr_len counted from the payload's
	 * start. A MG_NET_GSO_TCPV4 datagram MAY exceed the MTU: the device
	 * cuts it, and it is sent with DF. */
	mg_net_offload off;
} mg_ipv4_out;

/* The address configuration; addr 0.0.0.0/0 means none. */
typedef struct mg_ipv4_config {
	mg_ipv4_prefix addr;
	mg_ipv4_addr gateway; /* 0.0.0.0: no gateway */
} mg_ipv4_config;

typedef struct mg_ipv4_ops {
	/*
	 * Send (p) (data: the payload, with MG_PKT_HEADROOM of headroom as
	 * alloc() gives) as described by (o). Consumes (p). 0, or
	 * MG_ENETUNREACH (no route), MG_EMSGSIZE (over 65515 bytes, or over
	 * the MTU with df), MG_ENOMEM (no buffer for a fragment),
	 * MG_EINVAL (no headroom), or arp's error. 0 does not mean delivered.
	 */
	int (*output)(void *self, uint64_t now_ns, const mg_ipv4_out *o,
	              mg_pkt *p);

	/* Deliver datagrams of (proto) to (fn)(ctx, ...). 0, MG_EEXIST, or
	 * MG_ENOSPC past 8 protocols. */
	int (*listen)(void *self, uint8_t proto, mg_ipv4_input_fn fn,
	              void *ctx);

	/* Register the ICMP error sender (one; a second replaces it). */
	void (*set_error)(void *self, mg_ipv4_error_fn fn, void *ctx);

	/*
	 * Ask for an ICMP error about a received datagram (a transport with
	 * no listener on a port, say). Rate limiting and the rules of RFC
	 * 1122 3.2.2 (never about broadcasts or ICMP errors) are the error
	 * sender's; without one nothing is sent. Borrows (p).
	 */
	void (*error)(void *self, uint64_t now_ns, uint8_t type, uint8_t code,
	              const mg_ipv4_meta *m, const mg_pkt *p);

	/* Replace the address configuration (DHCP, static keys); tells
	 * arp. MG_EINVAL for a prefix length above 32. */
	int (*configure)(void *self, uint64_t now_ns, const mg_ipv4_config *c);
	void (*config)(void *self, mg_ipv4_config *out);

	/* A packet for a payload of up to (size) bytes, with the headroom
	 * of every header below; NULL when the pool is exhausted. */
	mg_pkt *(*alloc)(void *self, size_t size);

	/* The largest payload sent without fragmenting (link MTU - 20). */
	size_t (*mtu)(void *self);

	/* Run the timers due at (now_ns); when next needed (UINT64_MAX:
	 * none). */
	void (*tick)(void *self, uint64_t now_ns);
	uint64_t (*deadline)(void *self);

	/* Counters ("ipv4"). */
	void (*counters)(void *self, mg_net_counter_fn fn, void *ctx);

	/* OPTIONAL (NULL: none): the offloads (MG_NET_OFFLOAD_*) that
	 * mg_ipv4_out.off MAY ask for. */
	unsigned (*offloads)(void *self);
} mg_ipv4_ops;

typedef struct mg_ipv4 {
	const mg_ipv4_ops *ops;
	void *self;
} mg_ipv4;

static inline int mg_ipv4_output(mg_ipv4 *i, uint64_t now_ns,
                                 const mg_ipv4_out *o, mg_pkt *p)
{
	return i->ops->output(i->self, now_ns, o, p);
}

static inline int mg_ipv4_listen(mg_ipv4 *i, uint8_t proto, mg_ipv4_input_fn fn,
                                 void *ctx)
{
	return i->ops->listen(i->self, proto, fn, ctx);
}

static inline void mg_ipv4_error(mg_ipv4 *i, uint64_t now_ns, uint8_t type,
                                 uint8_t code, const mg_ipv4_meta *m,
                                 const mg_pkt *p)
{
	i->ops->error(i->self, now_ns, type, code, m, p);
}

static inline int mg_ipv4_configure(mg_ipv4 *i, uint64_t now_ns,
                                    const mg_ipv4_config *c)
{
	return i->ops->configure(i->self, now_ns, c);
}

static inline void mg_ipv4_config_get(mg_ipv4 *i, mg_ipv4_config *out)
{
	i->ops->config(i->self, out);
}

static inline mg_pkt *mg_ipv4_alloc(mg_ipv4 *i, size_t size)
{
	return i->ops->alloc(i->self, size);
}

static inline size_t mg_ipv4_mtu(mg_ipv4 *i)
{
	return i->ops->mtu(i->self);
}

static inline unsigned mg_ipv4_offloads(mg_ipv4 *i)
{
	return i->ops->offloads ? i->ops->offloads(i->self) : 0;
}

static inline void mg_ipv4_tick(mg_ipv4 *i, uint64_t now_ns)
{
	i->ops->tick(i->self, now_ns);
}

static inline uint64_t mg_ipv4_deadline(mg_ipv4 *i)
{
	return i->ops->deadline(i->self);
}

/*
 * IPv4 over (eth) and (arp), listening to IPv4 frames, configured with
 * (addr) and (gateway) (0.0.0.0/0 and 0.0.0.0: none yet; the boot keys
 * --ipv4 and --ipv4-gateway). 0, MG_EINVAL (a gateway outside the
 * subnet, a bad prefix), MG_ENOMEM. mg_ipv4_disconnect() frees it with
 * the fragments it holds.
 */
int mg_ipv4_connect(mg_ipv4 *out, mg_ethernet *eth, mg_arp *arp,
                    mg_ipv4_prefix addr, mg_ipv4_addr gateway);
void mg_ipv4_disconnect(mg_ipv4 *i);

/* --- Internet checksum (RFC 1071), shared by IPv4, ICMP, UDP and TCP --- */

/*
 * Add (len) bytes at (data) to the running sum (acc) (start with 0).
 * Sums of several pieces chain when every piece but the last has an even
 * length. The result is below 2^33, so separately computed sums MAY also
 * be added with + (fewer than 2^30 of them) before mg_inet_finish.
 */
uint64_t mg_inet_sum(const void *data, size_t len, uint64_t acc);

/* The checksum field value for (acc): the one's complement of the folded
 * sum, in host order (store it big-endian). A packet whose sum includes a
 * correct checksum field finishes as 0. */
uint16_t mg_inet_finish(uint64_t acc);

/* The running sum of the pseudo-header of RFC 768 / RFC 9293 3.1. */
uint64_t mg_ipv4_pseudo_sum(mg_ipv4_addr src, mg_ipv4_addr dst, uint8_t proto,
                            uint16_t len);

#endif
