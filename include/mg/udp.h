/* Module type udp: UDP (RFC 768) sockets over ipv4. */
#ifndef MG_UDP_H
#define MG_UDP_H

/*
 * A socket is caller-allocated (mg_udpv4_sock) and bound to a local port.
 * Received datagrams either wait in the socket's queue, at most
 * (queue_max) of them (more are dropped and counted), in the buffers they
 * arrived in; or go at once to an input function (in-stack users such as
 * DHCP). A datagram to a port without a socket is answered with an ICMP
 * port unreachable (through ipv4's error sender), unless it was a
 * broadcast. Checksums are checked when present and always sent.
 *
 * Nothing blocks and nothing reads a clock: a fiber waiting for a
 * datagram is the stack's business (the notify function tells it).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mg/buf.h>
#include <mg/flow.h>
#include <mg/ipv4.h>
#include <mg/pkt.h>

#define MG_UDP_HLEN 8
/* Largest payload: 65535 - 20 (IP) - 8 (UDP). */
#define MG_UDP_MAX_PAYLOAD 65507
/* Ports given to sockets bound to port 0 (RFC 6335 dynamic range). */
#define MG_UDP_EPHEMERAL_MIN 49152

/* Where a received datagram came from and went to. */
typedef struct mg_udpv4_meta {
	mg_ipv4_endpoint src, dst;
	bool broadcast;
} mg_udpv4_meta;

/* An in-stack consumer's input: (p)'s data is the payload; consumed. */
typedef void (*mg_udpv4_input_fn)(void *ctx, uint64_t now_ns,
                                  const mg_udpv4_meta *m, mg_pkt *p);

/* A socket. Fields are the implementation's: read none of them. */
typedef struct mg_udpv4_sock {
	struct mg_udpv4_sock *next;
	uint16_t port;
	size_t queue_max, queued;
	mg_pkt *head, *tail; /* each packet keeps its meta in user[] */
	void (*notify)(void *ctx);
	void *notify_ctx;
	mg_udpv4_input_fn input;
	void *input_ctx;
} mg_udpv4_sock;

typedef struct mg_udpv4_ops {
	/*
	 * Bind (s) to local (port) (0: a free ephemeral port), keeping at
	 * most (queue_max) datagrams (at least 1). 0; MG_EADDRINUSE;
	 * MG_ENOSPC with no free ephemeral port; MG_EINVAL.
	 */
	int (*bind)(void *self, mg_udpv4_sock *s, uint16_t port,
	            size_t queue_max);

	/* Unbind (s) and free what it queued. (s) MAY be bound again. */
	void (*close)(void *self, mg_udpv4_sock *s);

	/*
	 * Call (fn)(ctx) each time a datagram is queued on (s) (from the
	 * stack's input: it MUST NOT block). NULL to stop.
	 */
	void (*set_notify)(void *self, mg_udpv4_sock *s, void (*fn)(void *ctx),
	                   void *ctx);

	/* Give datagrams of (s) to (fn) instead of queueing them. */
	void (*set_input)(void *self, mg_udpv4_sock *s, mg_udpv4_input_fn fn,
	                  void *ctx);

	/*
	 * Send (data) from (s)'s port to (dst). (src) is the source address
	 * (0: our address; DHCP sends from 0.0.0.0 before it has one). The
	 * data is copied. 0; MG_EMSGSIZE above MG_UDP_MAX_PAYLOAD; MG_ENOMEM;
	 * MG_EINVAL for port 0 or an unbound socket; or ipv4's error.
	 */
	int (*send)(void *self, uint64_t now_ns, mg_udpv4_sock *s,
	            mg_ipv4_endpoint dst, mg_ipv4_addr src, mg_cbuf data);

	/*
	 * Take the oldest queued datagram of (s): (*p) receives it (data:
	 * the payload; the caller frees it with mg_pkt_free) and (*m), when
	 * not NULL, where it came from. MG_EAGAIN when none waits.
	 */
	int (*recv)(void *self, mg_udpv4_sock *s, mg_pkt **p, mg_udpv4_meta *m);

	/* Counters ("udp"). */
	void (*counters)(void *self, mg_net_counter_fn fn, void *ctx);
} mg_udpv4_ops;

typedef struct mg_udpv4 {
	const mg_udpv4_ops *ops;
	void *self;
} mg_udpv4;

static inline int mg_udpv4_bind(mg_udpv4 *u, mg_udpv4_sock *s, uint16_t port,
                                size_t queue_max)
{
	return u->ops->bind(u->self, s, port, queue_max);
}

static inline void mg_udpv4_close(mg_udpv4 *u, mg_udpv4_sock *s)
{
	u->ops->close(u->self, s);
}

static inline int mg_udpv4_send(mg_udpv4 *u, uint64_t now_ns, mg_udpv4_sock *s,
                                mg_ipv4_endpoint dst, mg_ipv4_addr src,
                                mg_cbuf data)
{
	return u->ops->send(u->self, now_ns, s, dst, src, data);
}

static inline int mg_udpv4_recv(mg_udpv4 *u, mg_udpv4_sock *s, mg_pkt **p,
                                mg_udpv4_meta *m)
{
	return u->ops->recv(u->self, s, p, m);
}

/*
 * UDP over (ipv4), listening to protocol 17. 0, MG_ENOMEM, or listen's
 * error. mg_udpv4_disconnect() frees it; sockets MUST be closed first.
 */
int mg_udpv4_connect(mg_udpv4 *out, mg_ipv4 *ipv4);
void mg_udpv4_disconnect(mg_udpv4 *u);

#endif
