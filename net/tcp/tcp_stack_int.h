/* TCP for fibers (tcp_stack.c, tcp_flow.c): the layer and its flows. */
#ifndef MG_TCP_STACK_INT_H
#define MG_TCP_STACK_INT_H

#include <stdbool.h>

#include <mg/fiber.h>
#include <mg/log.h>
#include <mg/tcp.h>

MG_LOG_SOURCE_DECL(tcpl);

typedef struct mg__tcp_layer {
	mg_tcpcore core;
	mg_ipv4 *ip;
	mg_tcpv4_opts opts;
	int out_err; /* the last output's error, for connect */
	uint16_t next_listen_port;
	/* Listeners with connections waiting for a handler fiber that
	 * could not be made (no memory); retried at each tick. */
	struct mg_tcp_listener *starved;
	uint64_t starved_retry; /* monotonic ns of the next retry */
} mg__tcp_layer;

struct mg_tcp_listener {
	mg__tcp_layer *L;
	mg_tcp_lsn *lsn;
	mg_tcp_listen_opts opts;
	mg_cond cond;
	unsigned pending; /* handler fibers spawned and not yet started */
	/* Established connections whose handler fiber could not be made
	 * yet: a handler that finishes serves them, or a later tick makes
	 * their fibers. */
	unsigned unstarted;
	struct mg_tcp_listener *next_starved;
	bool starved_linked;
	bool closed;
};

typedef struct mg__tcp_flow {
	mg_flow flow;
	mg__tcp_layer *L;
	mg_tcb *c;
	mg_cond rcond, wcond;
	bool reading, writing;
	/* While connecting: the IPv4 layer found no way to the peer for a
	 * SYN retransmitted after the first (an ARP that failed later). */
	int conn_err;
} mg__tcp_flow;

static inline void mg__tcpl_kick(mg__tcp_layer *L)
{
	if (L->opts.kick)
		L->opts.kick(L->opts.kick_ctx);
}

/* A flow for (c), now owning it; NULL without memory. */
mg__tcp_flow *mg__tcp_flow_new(mg__tcp_layer *L, mg_tcb *c, unsigned flags);

#endif
