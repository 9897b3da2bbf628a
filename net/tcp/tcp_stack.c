/* TCP for fibers: the engine over an ipv4, connections as flows, and the
 * direct stack's TCP layer (net/stack_internal.h). */
#include <stdlib.h>
#include <string.h>

#include <mg/error.h>
#include <mg/fiber.h>
#include <mg/log.h>
#include <mg/tcp.h>

#include "../stack_internal.h"
#include "tcp_int.h"
#include "tcp_stack_int.h"

/* see mg/tcp.h */

MG_LOG_SOURCE(tcpl, "tcp", "the direct stack's TCP layer");

/* ---- The engine's callbacks ---- */

static uint64_t now_cb(void *ctx)
{
	(void)ctx;
	return mg_now_ns();
}

static void output_cb(void *ctx, const mg_tcp_segout *so)
{
	mg__tcp_layer *L = ctx;
	size_t n = so->hdr_len + so->data[0].len + so->data[1].len;
	mg_pkt *p = mg_ipv4_alloc(L->ip, n);
	if (!p) {
		L->out_err = MG_ENOMEM;
		return; /* lost, as on a wire: retransmitted later */
	}
	uint8_t *d = mg_pkt_put(p, n);
	if (!d) {
		mg_pkt_free(p);
		L->out_err = MG_ENOMEM;
		return;
	}
	memcpy(d, so->hdr, so->hdr_len);
	d += so->hdr_len;
	for (int i = 0; i < 2; i++) {
		if (so->data[i].len) {
			memcpy(d, so->data[i].p, so->data[i].len);
			d += so->data[i].len;
		}
	}
	mg_ipv4_out o = {
	    .dst = so->dst, .proto = MG_IP_PROTO_TCP, .src = so->src};
	if (so->csum_partial) {
		o.off.flags = MG_NET_CSUM_PARTIAL;
		o.off.csum_offset = 16; /* the checksum field */
		o.off.hdr_len = (uint16_t)so->hdr_len;
	}
	if (so->gso_size) {
		o.off.gso = MG_NET_GSO_TCPV4;
		o.off.gso_size = so->gso_size;
	}
	L->out_err = mg_ipv4_output(L->ip, mg_now_ns(), &o, p);
	/* A SYN of ours with no way to its peer: the connect waiting on it
	 * fails now rather than after every retry. */
	const uint8_t *h = so->hdr;
	if ((L->out_err == MG_EHOSTUNREACH || L->out_err == MG_ENETUNREACH) &&
	    (h[13] & 0x12) == 0x02) {
		mg_tcb *c = mg__tcb_lookup(&L->core, so->src.v,
		                           (uint16_t)(h[0] << 8 | h[1]),
		                           so->dst.v,
		                           (uint16_t)(h[2] << 8 | h[3]));
		mg__tcp_flow *f = c ? mg_tcb_user(c) : NULL;
		if (f) {
			f->conn_err = L->out_err;
			mg_cond_broadcast(&f->wcond);
		}
	}
}

static void handler_start(mg__tcp_layer *L, mg_tcp_listener *l);

static void event_cb(void *ctx, mg_tcb *c, unsigned ev)
{
	mg__tcp_layer *L = ctx;
	if (ev & MG_TCB_EV_ACCEPT) {
		mg_tcp_lsn *ln = mg_tcb_listener(c);
		mg_tcp_listener *l = ln ? mg_tcp_lsn_user(ln) : NULL;
		if (!l)
			return;
		if (l->opts.handler)
			handler_start(L, l);
		else
			mg_cond_signal(&l->cond);
		return;
	}
	mg__tcp_flow *f = mg_tcb_user(c);
	if (!f)
		return;
	if (ev & (MG_TCB_EV_READABLE | MG_TCB_EV_CLOSED))
		mg_cond_broadcast(&f->rcond);
	if (ev & (MG_TCB_EV_WRITABLE | MG_TCB_EV_CONNECTED | MG_TCB_EV_CLOSED))
		mg_cond_broadcast(&f->wcond);
}

static void input_cb(void *ctx, uint64_t now_ns, const mg_ipv4_meta *m,
                     mg_pkt *p)
{
	mg__tcp_layer *L = ctx;
	(void)now_ns;
	/* A broadcast is never a TCP segment of ours (RFC 1122 4.2.3.10);
	 * the engine counts it. */
	mg_ipv4_addr dst = m->broadcast ? (mg_ipv4_addr){0xffffffffu} : m->dst;
	/* A checksum the device checked, or that the host never computed
	 * (mg/net_offload.h), is not summed again. */
	unsigned flags = p->off.flags & (MG_NET_CSUM_PARTIAL | MG_NET_CSUM_VALID)
	                     ? MG_TCP_IN_CSUM_OK
	                     : 0;
	mg_tcpcore_input(&L->core, m->src, dst, mg_cbuf_make(p->data, p->len),
	                 flags);
	mg_pkt_free(p);
}

/* ---- Listeners ---- */

static void listener_unref(mg_tcp_listener *l)
{
	if (l->closed && !l->pending && !l->starved_linked)
		free(l);
}

static int handler_fiber(void *arg)
{
	mg_tcp_listener *l = arg;
	mg__tcp_layer *L = l->L;
	for (;;) {
		l->pending--;
		if (l->closed) {
			listener_unref(l);
			return 0;
		}
		mg_tcb *c = mg_tcpcore_accept(l->lsn);
		if (!c)
			return 0;
		mg__tcp_flow *f = mg__tcp_flow_new(L, c, l->opts.flags);
		if (!f) {
			mg_tcb_abort(c);
			mg__tcpl_kick(L);
		} else {
			int rc = l->opts.handler(&f->flow, l->opts.arg);
			if (rc < 0)
				MG_LOG(tcpl, WARN, "connection handler: %s",
				       mg_strerror(rc));
			if (rc != MG_STACKV4_KEPT)
				mg_flow_close(&f->flow);
		}
		/* Memory this connection held is free again: serve one that
		 * found none for its own fiber. */
		if (l->closed || !l->unstarted)
			return 0;
		l->unstarted--;
		l->pending++;
	}
}

static void starve(mg__tcp_layer *L, mg_tcp_listener *l)
{
	l->unstarted++;
	if (!l->starved_linked) {
		l->starved_linked = true;
		l->next_starved = L->starved;
		L->starved = l;
	}
}

static bool spawn_handler(mg_tcp_listener *l)
{
	mg_fiber_opts o = {.name = "tcp-handler",
	                   .stack_size = l->opts.stack_size,
	                   .detached = 1};
	if (!mg_spawn(handler_fiber, l, &o))
		return false;
	l->pending++;
	return true;
}

static void handler_start(mg__tcp_layer *L, mg_tcp_listener *l)
{
	if (l->unstarted || !spawn_handler(l)) {
		if (!l->unstarted)
			MG_LOG(tcpl, WARN, "no memory for a handler fiber: the "
			                   "connection waits for one");
		starve(L, l);
	}
}

/* Make the fibers that could not be made before, while memory allows. */
static void feed_starved(mg__tcp_layer *L)
{
	mg_tcp_listener **pp = &L->starved;
	while (*pp) {
		mg_tcp_listener *l = *pp;
		while (!l->closed && l->unstarted && spawn_handler(l))
			l->unstarted--;
		if (l->closed || !l->unstarted) {
			*pp = l->next_starved;
			l->starved_linked = false;
			l->unstarted = 0;
			listener_unref(l);
		} else {
			pp = &l->next_starved;
		}
	}
}

static int t_listen(void *self, const mg_tcp_listen_opts *opts,
                    mg_tcp_listener **out)
{
	mg__tcp_layer *L = self;
	if (!opts || opts->backlog < 0 || (opts->flags & ~MG_TCP_FLAGS_ALL))
		return MG_EINVAL;
	mg_tcp_listener *l = calloc(1, sizeof(*l));
	if (!l)
		return MG_ENOMEM;
	l->L = L;
	l->opts = *opts;
	mg_cond_init(&l->cond);
	int backlog = opts->backlog ? opts->backlog : MG_TCP_BACKLOG_DEFAULT;
	int rc = MG_EADDRINUSE;
	if (opts->port) {
		rc = mg_tcpcore_listen(&L->core, (mg_ipv4_addr){0}, opts->port,
		                       backlog, l, &l->lsn);
	} else {
		/* Port 0: a free one from the dynamic range (RFC 6335). */
		for (int i = 0; i < 16384 && rc == MG_EADDRINUSE; i++) {
			uint16_t p = L->next_listen_port;
			L->next_listen_port =
			    (uint16_t)(p >= 65535 ? 49152 : p + 1);
			rc = mg_tcpcore_listen(&L->core, (mg_ipv4_addr){0}, p,
			                       backlog, l, &l->lsn);
		}
	}
	if (rc < 0) {
		free(l);
		return rc;
	}
	*out = l;
	return 0;
}

static int t_accept(void *self, mg_tcp_listener *l, mg_flow **out,
                    uint64_t deadline_ns)
{
	mg__tcp_layer *L = self;
	if (l->opts.handler)
		return MG_EINVAL;
	mg_tcb *c;
	while (!(c = mg_tcpcore_accept(l->lsn))) {
		int rc = mg_cond_wait_until(&l->cond, deadline_ns);
		if (rc < 0)
			return rc;
	}
	mg__tcp_flow *f = mg__tcp_flow_new(L, c, l->opts.flags);
	if (!f) {
		mg_tcb_abort(c);
		mg__tcpl_kick(L);
		return MG_ENOMEM;
	}
	*out = &f->flow;
	return 0;
}

static uint16_t t_listener_port(void *self, mg_tcp_listener *l)
{
	(void)self;
	return mg_tcp_lsn_port(l->lsn);
}

static void t_unlisten(void *self, mg_tcp_listener *l)
{
	mg__tcp_layer *L = self;
	mg_tcpcore_unlisten(l->lsn);
	l->lsn = NULL;
	l->closed = true;
	mg__tcpl_kick(L);
	listener_unref(l);
}

/* ---- Connect ---- */

static int t_connect(void *self, mg_ipv4_endpoint dst, unsigned flags,
                     uint64_t deadline_ns, mg_flow **out)
{
	mg__tcp_layer *L = self;
	if (flags & ~MG_TCP_FLAGS_ALL)
		return MG_EINVAL;
	mg_ipv4_config cfg;
	mg_ipv4_config_get(L->ip, &cfg);
	if (!cfg.addr.addr.v)
		return MG_ENETUNREACH;
	mg_tcb *c;
	L->out_err = 0;
	int rc = mg_tcpcore_connect(
	    &L->core, (mg_ipv4_endpoint){cfg.addr.addr, 0}, dst, &c);
	if (rc < 0)
		return rc;
	if (L->out_err == MG_ENETUNREACH || L->out_err == MG_EHOSTUNREACH) {
		rc = L->out_err;
		mg_tcb_abort(c);
		return rc;
	}
	mg__tcp_flow *f = mg__tcp_flow_new(L, c, flags);
	if (!f) {
		mg_tcb_abort(c);
		return MG_ENOMEM;
	}
	mg__tcpl_kick(L);
	while (mg_tcb_state(c) == MG_TCP_SYN_SENT ||
	       mg_tcb_state(c) == MG_TCP_SYN_RECEIVED) {
		rc = f->conn_err ? f->conn_err
		                 : mg_cond_wait_until(&f->wcond, deadline_ns);
		if (rc < 0)
			break;
	}
	if (rc == 0 && mg_tcb_state(c) == MG_TCP_CLOSED)
		rc = mg_tcb_error(c) ? mg_tcb_error(c) : MG_ECONNRESET;
	if (rc < 0) {
		mg_tcb_set_user(c, NULL);
		mg_tcb_abort(c);
		mg__tcpl_kick(L);
		free(f);
		return rc;
	}
	*out = &f->flow;
	return 0;
}

/* ---- Timers, counters ---- */

/* How often connections waiting for a handler fiber retry. */
#define STARVED_RETRY_NS (50 * 1000 * 1000ull)

static uint64_t t_deadline(void *self)
{
	mg__tcp_layer *L = self;
	uint64_t d = mg_tcpcore_deadline(&L->core);
	if (L->starved && L->starved_retry < d)
		d = L->starved_retry;
	return d;
}

static void t_tick(void *self, uint64_t now_ns)
{
	mg__tcp_layer *L = self;
	mg_tcpcore_timers(&L->core);
	if (L->starved && now_ns >= L->starved_retry) {
		feed_starved(L);
		L->starved_retry = now_ns + STARVED_RETRY_NS;
	}
}

static void t_counters(void *self, mg_net_counter_fn fn, void *ctx)
{
	mg__tcp_layer *L = self;
	const mg_tcp_counters *k = mg_tcpcore_counters(&L->core);
	for (int i = 0; i < MG_TCP_COUNTER_COUNT; i++)
		fn(ctx, "tcp", mg_tcp_counter_name(i),
		   mg_tcp_counter_get(k, i));
}

static mg_tcpcore *t_core(void *self)
{
	mg__tcp_layer *L = self;
	return &L->core;
}

static const mg_tcpv4_ops tcpv4_ops = {
    .listen = t_listen,
    .accept = t_accept,
    .listener_port = t_listener_port,
    .unlisten = t_unlisten,
    .connect = t_connect,
    .deadline = t_deadline,
    .tick = t_tick,
    .counters = t_counters,
    .core = t_core,
};

int mg_tcpv4_connect(mg_tcpv4 *out, mg_ipv4 *ip, mg_random *random,
                     const mg_tcpv4_opts *opts)
{
	mg__tcp_layer *L = calloc(1, sizeof(*L));
	if (!L)
		return MG_ENOMEM;
	L->ip = ip;
	if (opts)
		L->opts = *opts;
	mg_tcpcore_cfg cfg = {
	    .ctx = L,
	    .now_ns = now_cb,
	    .output = output_cb,
	    .event = event_cb,
	    .buf_init = L->opts.buf_init,
	    .buf_max = L->opts.buf_max,
	    .flags = L->opts.flags,
	};
	mg_random_fill(random, cfg.secret, sizeof cfg.secret);
	size_t mtu = mg_ipv4_mtu(ip);
	cfg.mss =
	    (uint16_t)(mtu > 20 + 536 ? (mtu - 20 > 65535 ? 65535 : mtu - 20)
	                              : 536);
	/* With the device's offloads, no payload is summed here and a
	 * segment is up to 64 KiB, cut by the device (mg/net_offload.h). */
	unsigned offl = mg_ipv4_offloads(ip);
	if (offl & MG_NET_OFFLOAD_CSUM) {
		cfg.flags |= MG_TCPCORE_CSUM_OFFLOAD;
		if (offl & MG_NET_OFFLOAD_TSO4)
			cfg.tso_max = 65535 - 20 - 60; /* IPv4 and TCP headers */
	}
	L->next_listen_port =
	    (uint16_t)(49152 + mg_random_uniform(random, 16384));
	int rc = mg_tcpcore_init(&L->core, &cfg);
	if (rc == 0)
		rc = mg_ipv4_listen(ip, MG_IP_PROTO_TCP, input_cb, L);
	if (rc < 0) {
		mg_tcpcore_fini(&L->core);
		free(L);
		return rc;
	}
	out->ops = &tcpv4_ops;
	out->self = L;
	return 0;
}

void mg_tcpv4_disconnect(mg_tcpv4 *t)
{
	mg__tcp_layer *L = t->self;
	while (L->starved) {
		mg_tcp_listener *l = L->starved;
		L->starved = l->next_starved;
		l->starved_linked = false;
		l->unstarted = 0;
		listener_unref(l);
	}
	mg_tcpcore_fini(&L->core);
	free(L);
}

/* ---- The direct stack's TCP layer (net/stack_internal.h) ---- */

static void s_destroy(void *self)
{
	mg_tcpv4 t = {&tcpv4_ops, self};
	mg_tcpv4_disconnect(&t);
}

static const mg__stack_tcp_ops stack_ops = {
    .listen = t_listen,
    .accept = t_accept,
    .listener_port = t_listener_port,
    .unlisten = t_unlisten,
    .connect = t_connect,
    .deadline = t_deadline,
    .tick = t_tick,
    .counters = t_counters,
    .destroy = s_destroy,
};

int mg__stack_tcp_create(const mg__stack_env *env,
                         const mg__stack_tcp_ops **ops, void **tcp)
{
	mg_tcpv4 t;
	mg_tcpv4_opts o = {.kick = env->kick, .kick_ctx = env->stack};
	int rc = mg_tcpv4_connect(&t, env->ipv4, env->random, &o);
	if (rc < 0)
		return rc;
	*ops = &stack_ops;
	*tcp = t.self;
	return 0;
}
