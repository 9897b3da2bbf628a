/* Module type stackv4: TCP and UDP over IPv4, as an application sees them. */
#ifndef MG_STACKV4_H
#define MG_STACKV4_H

/*
 * The application's whole view of the network. Two implementations share
 * this contract: the direct stack (net/, our own TCP/IP over a netif) and
 * the socket stack (socket/, host sockets, unix only). Application code
 * MUST NOT depend on which one it runs on.
 *
 * Conventions are those of mg/flow.h: absolute monotonic deadlines
 * (MG_FOREVER, or a past deadline to poll), blocking calls only from a
 * fiber, MG_ECANCELED when the calling fiber is cancelled while blocked.
 *
 * Listeners and UDP sockets are opaque handles owned by the stack that
 * made them; passing one to another stack is a caller error.
 *
 * A stack is ready when its connect function returns (a DHCP lease, if
 * configured, has been taken), so the configuration query never waits.
 */

#include <stddef.h>
#include <stdint.h>

#include <mg/buf.h>
#include <mg/error.h>
#include <mg/flow.h>
#include <mg/ipaddr.h>

typedef struct mg_tcp_listener mg_tcp_listener;
typedef struct mg_udp_socket mg_udp_socket;

/* Flags of a TCP connection (listen options, connect). */
#define MG_TCP_NODELAY 1u /* send small segments at once (no Nagle) */
/* Probe an idle connection (RFC 9293 section 3.8.4, RFC 1122 4.2.3.6):
 * after 2 hours without receiving anything, every 75 s; 9 unanswered
 * probes end it with MG_ECONNRESET on the flow (Linux's defaults, also
 * on the socket stack, whatever the host's sysctls say). */
#define MG_TCP_KEEPALIVE 2u
#define MG_TCP_KEEPALIVE_IDLE_S  7200
#define MG_TCP_KEEPALIVE_INTVL_S 75
#define MG_TCP_KEEPALIVE_COUNT   9
#define MG_TCP_FLAGS_ALL (MG_TCP_NODELAY | MG_TCP_KEEPALIVE)

/*
 * A connection handler. Runs in its own detached fiber, one per accepted
 * connection, with (flow) the connection and (arg) as given to listen.
 * Returning 0 (or a negative MG_E code, which the stack logs) makes the
 * stack close (flow). Returning MG_STACKV4_KEPT says the handler handed
 * (flow) on and its new owner will close it.
 */
typedef int (*mg_tcp_handler)(mg_flow *flow, void *arg);

#define MG_STACKV4_KEPT 1

#define MG_TCP_BACKLOG_DEFAULT 128
#define MG_UDP_QUEUE_DEFAULT   64

typedef struct mg_tcp_listen_opts {
	/* Local port; 0 picks a free one (see tcp_listener_port). */
	uint16_t port;
	/*
	 * Established connections waiting for accept or for their handler
	 * fiber to start, at most; beyond it new connections are refused or
	 * dropped (the implementation says which). 0: MG_TCP_BACKLOG_DEFAULT.
	 */
	int backlog;
	/*
	 * Called per connection in a new fiber. NULL: connections wait for
	 * tcp_accept instead.
	 */
	mg_tcp_handler handler;
	void *arg;
	/* Stack size of handler fibers; 0: MG_FIBER_STACK_DEFAULT. */
	size_t stack_size;
	/* MG_TCP_* flags applied to every accepted connection. */
	unsigned flags;
} mg_tcp_listen_opts;

/* The stack's IPv4 configuration. */
typedef struct mg_stackv4_config {
	/*
	 * The interface's address and prefix. The socket stack reports the
	 * address it binds to (0.0.0.0/0 for the host's every address).
	 */
	mg_ipv4_prefix addr;
	/* Default gateway; 0.0.0.0 if none. */
	mg_ipv4_addr gateway;
} mg_stackv4_config;

typedef struct mg_stackv4_ops {
	/*
	 * Listen on TCP port (opts->port) of the stack's address. Stores the
	 * listener in (*out). 0; MG_EADDRINUSE if the port is taken;
	 * MG_EINVAL for a bad option; MG_ENOMEM. Does not block.
	 */
	int (*tcp_listen)(void *self, const mg_tcp_listen_opts *opts,
	                  mg_tcp_listener **out);

	/*
	 * Take the next connection of (l), which MUST have no handler,
	 * waiting until one is established or (deadline_ns). Stores a new
	 * flow in (*out), which the caller closes. 0, MG_ETIMEDOUT,
	 * MG_ECANCELED, MG_EINVAL if (l) has a handler, MG_ENOMEM.
	 */
	int (*tcp_accept)(void *self, mg_tcp_listener *l, mg_flow **out,
	                  uint64_t deadline_ns);

	/* The local port of (l) (useful after listening on port 0). */
	uint16_t (*tcp_listener_port)(void *self, mg_tcp_listener *l);

	/*
	 * Stop listening and free (l). Connections not yet accepted are
	 * reset; flows already handed out (to handlers or tcp_accept) live
	 * on. MUST NOT be called while a fiber is blocked in tcp_accept on
	 * (l) (cancel it first).
	 */
	void (*tcp_unlisten)(void *self, mg_tcp_listener *l);

	/*
	 * Open a TCP connection to (dst) with the MG_TCP_* (flags), waiting
	 * until it is established or (deadline_ns) passes. Stores a new flow
	 * in (*out). 0, MG_ECONNREFUSED, MG_ETIMEDOUT, MG_ECANCELED,
	 * MG_ENETUNREACH or MG_EHOSTUNREACH (no route, no ARP answer),
	 * MG_EADDRINUSE (no free local port), MG_EINVAL, MG_ENOMEM.
	 */
	int (*tcp_connect)(void *self, mg_ipv4_endpoint dst, unsigned flags,
	                   uint64_t deadline_ns, mg_flow **out);

	/*
	 * Bind a UDP socket to local (port) (0 picks a free one). At most
	 * (queue_limit) received datagrams wait (0: MG_UDP_QUEUE_DEFAULT);
	 * newer ones are dropped while it is full. The socket stack MAY
	 * approximate the limit by sizing the host socket's buffer. Stores
	 * the socket in (*out). 0, MG_EADDRINUSE, MG_ENOMEM.
	 */
	int (*udp_bind)(void *self, uint16_t port, size_t queue_limit,
	                mg_udp_socket **out);

	/* The local port of (s). */
	uint16_t (*udp_port)(void *self, mg_udp_socket *s);

	/*
	 * Send (data) as one datagram from (s) to (dst). Does not block:
	 * a datagram the stack cannot queue is dropped, as a wire may (0).
	 * 0; MG_EMSGSIZE if (data) exceeds 65507 bytes; MG_ENETUNREACH or
	 * MG_EHOSTUNREACH when known at once; MG_ENOMEM.
	 */
	int (*udp_sendto)(void *self, mg_udp_socket *s, mg_ipv4_endpoint dst,
	                  mg_cbuf data);

	/*
	 * Receive one datagram on (s) into (buf), waiting until one arrives
	 * or (deadline_ns). Stores its source in (*from) when non-NULL.
	 * Returns the datagram's whole length, which exceeds (buf.len) when it
	 * was cut to fit (the rest is lost); MG_ETIMEDOUT; MG_ECANCELED.
	 */
	int (*udp_recvfrom)(void *self, mg_udp_socket *s, mg_buf buf,
	                    mg_ipv4_endpoint *from, uint64_t deadline_ns);

	/*
	 * Close and free (s). MUST NOT be called while a fiber is blocked in
	 * udp_recvfrom on (s).
	 */
	void (*udp_close)(void *self, mg_udp_socket *s);

	/* Store the current configuration in (*out). 0 or MG_ENOTCONN (no
	 * address, e.g. a DHCP lease lost). */
	int (*ipv4_config)(void *self, mg_stackv4_config *out);
} mg_stackv4_ops;

typedef struct mg_stackv4 {
	const mg_stackv4_ops *ops;
	void *self;
} mg_stackv4;

static inline int mg_tcp_listen(mg_stackv4 *s, const mg_tcp_listen_opts *opts,
                                mg_tcp_listener **out)
{
	return s->ops->tcp_listen(s->self, opts, out);
}

static inline int mg_tcp_accept(mg_stackv4 *s, mg_tcp_listener *l,
                                mg_flow **out, uint64_t deadline_ns)
{
	return s->ops->tcp_accept(s->self, l, out, deadline_ns);
}

static inline uint16_t mg_tcp_listener_port(mg_stackv4 *s, mg_tcp_listener *l)
{
	return s->ops->tcp_listener_port(s->self, l);
}

static inline void mg_tcp_unlisten(mg_stackv4 *s, mg_tcp_listener *l)
{
	s->ops->tcp_unlisten(s->self, l);
}

static inline int mg_tcp_connect(mg_stackv4 *s, mg_ipv4_endpoint dst,
                                 unsigned flags, uint64_t deadline_ns,
                                 mg_flow **out)
{
	return s->ops->tcp_connect(s->self, dst, flags, deadline_ns, out);
}

static inline int mg_udp_bind(mg_stackv4 *s, uint16_t port, size_t queue_limit,
                              mg_udp_socket **out)
{
	return s->ops->udp_bind(s->self, port, queue_limit, out);
}

static inline uint16_t mg_udp_port(mg_stackv4 *s, mg_udp_socket *u)
{
	return s->ops->udp_port(s->self, u);
}

static inline int mg_udp_sendto(mg_stackv4 *s, mg_udp_socket *u,
                                mg_ipv4_endpoint dst, mg_cbuf data)
{
	return s->ops->udp_sendto(s->self, u, dst, data);
}

static inline int mg_udp_recvfrom(mg_stackv4 *s, mg_udp_socket *u, mg_buf buf,
                                  mg_ipv4_endpoint *from, uint64_t deadline_ns)
{
	return s->ops->udp_recvfrom(s->self, u, buf, from, deadline_ns);
}

static inline void mg_udp_close(mg_stackv4 *s, mg_udp_socket *u)
{
	s->ops->udp_close(s->self, u);
}

static inline int mg_stackv4_ipv4_config(mg_stackv4 *s, mg_stackv4_config *out)
{
	return s->ops->ipv4_config(s->self, out);
}

#endif
