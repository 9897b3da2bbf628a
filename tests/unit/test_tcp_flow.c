/* TCP for fibers (mg_tcpv4): two layers over a fake IPv4 pair, flows,
 * handlers, accept, connect errors and timeouts. */
#include <mg/fiber.h>
#include <mg/pkt.h>
#include <mg/random.h>
#include <mg/tcp.h>

#include "tcp_harness.h"
#include "../../net/tcp/tcp_stack_int.h"

#define A_IP 0x0a000001u
#define B_IP 0x0a000002u

/* One end of the fake IPv4 link: what it sends lands in the other's queue,
 * delivered by the wire fiber. */
typedef struct fakeip {
	mg_ipv4 ip;
	mg_pkt_pool pool;
	uint32_t addr;
	mg_ipv4_input_fn fn;
	void *ctx;
	struct fakeip *peer;
	mg_pkt *qh, *qt;
	unsigned drop_all; /* lose everything it sends */
	int unreach;       /* refuse everything it sends with this error */
	uint64_t sent;
} fakeip;

static fakeip ends[2];
static mg_tcpv4 tcp[2];
static mg_cond wake = MG_COND_INIT;
static bool stopping;
static mg_random rnd;

static int ip_output(void *self, uint64_t now, const mg_ipv4_out *o, mg_pkt *p)
{
	fakeip *e = self;
	(void)now;
	e->sent++;
	if (e->unreach) {
		mg_pkt_free(p);
		return e->unreach;
	}
	if (o->dst.v != e->peer->addr || e->drop_all) {
		mg_pkt_free(p);
		return 0;
	}
	p->user[0] = e->addr;
	p->next = NULL;
	if (e->peer->qt)
		e->peer->qt->next = p;
	else
		e->peer->qh = p;
	e->peer->qt = p;
	mg_cond_signal(&wake);
	return 0;
}

static int ip_listen(void *self, uint8_t proto, mg_ipv4_input_fn fn, void *ctx)
{
	fakeip *e = self;
	ASSERT_EQ(proto, 6);
	e->fn = fn;
	e->ctx = ctx;
	return 0;
}

static void ip_config(void *self, mg_ipv4_config *out)
{
	fakeip *e = self;
	out->addr = (mg_ipv4_prefix){{e->addr}, 24};
	out->gateway = (mg_ipv4_addr){0};
}

static mg_pkt *ip_alloc(void *self, size_t size)
{
	fakeip *e = self;
	return mg_pkt_alloc(&e->pool, MG_PKT_HEADROOM, size);
}

static size_t ip_mtu(void *self)
{
	(void)self;
	return 1480;
}

static const mg_ipv4_ops ip_ops = {
    .output = ip_output,
    .listen = ip_listen,
    .config = ip_config,
    .alloc = ip_alloc,
    .mtu = ip_mtu,
};

static void kick(void *ctx)
{
	(void)ctx;
	mg_cond_signal(&wake);
}

/* The stacks' input fiber, for both: deliver, run timers, sleep. */
static int wire_fiber(void *arg)
{
	(void)arg;
	while (!stopping) {
		for (int i = 0; i < 2; i++) {
			fakeip *e = &ends[i];
			while (e->qh) {
				mg_pkt *p = e->qh;
				e->qh = p->next;
				if (!e->qh)
					e->qt = NULL;
				mg_ipv4_meta m = {.src = {(uint32_t)p->user[0]},
				                  .dst = {e->addr},
				                  .proto = 6};
				e->fn(e->ctx, mg_now_ns(), &m, p);
			}
		}
		uint64_t d = UINT64_MAX;
		for (int i = 0; i < 2; i++) {
			tcp[i].ops->tick(tcp[i].self, mg_now_ns());
			uint64_t x = tcp[i].ops->deadline(tcp[i].self);
			if (x < d)
				d = x;
		}
		if (ends[0].qh || ends[1].qh)
			continue;
		mg_cond_wait_until(&wake, d);
	}
	return 0;
}

static mg_fiber *wire;

static void setup(void)
{
	ASSERT_EQ(mg_random_chacha_connect(&rnd), 0);
	for (int i = 0; i < 2; i++) {
		fakeip *e = &ends[i];
		memset(e, 0, sizeof(*e));
		ASSERT_EQ(mg_pkt_pool_init(&e->pool, 2048, 4096, 1 << 20), 0);
		e->ip = (mg_ipv4){&ip_ops, e};
		e->addr = i ? B_IP : A_IP;
		e->peer = &ends[1 - i];
		mg_tcpv4_opts o = {.kick = kick};
		ASSERT_EQ(mg_tcpv4_connect(&tcp[i], &e->ip, &rnd, &o), 0);
	}
	stopping = false;
	mg_fiber_opts fo = {.name = "wire"};
	wire = mg_spawn(wire_fiber, NULL, &fo);
}

static void teardown(void)
{
	stopping = true;
	mg_cond_signal(&wake);
	ASSERT_EQ(mg_join(wire), 0);
	for (int i = 0; i < 2; i++) {
		mg_pkt_free_list(ends[i].qh);
		mg_tcpv4_disconnect(&tcp[i]);
		/* Every packet came back to its pool. */
		ASSERT_EQ(mg_pkt_pool_fini(&ends[i].pool), 0);
	}
}

static int run(mg_fiber_fn fn)
{
	mg_fiber_opts o = {.name = "main", .stack_size = 256 * 1024};
	mg_fiber *m = mg_spawn(fn, NULL, &o);
	return mg__run(m);
}

static uint8_t pat(uint32_t key, size_t i)
{
	return (uint8_t)((i * 2654435761u) >> 24 ^ key);
}

/* An echo handler: everything back until the end of the stream. */
static int echo(mg_flow *f, void *arg)
{
	int *served = arg;
	uint8_t buf[8192];
	int n;
	while ((n = mg_flow_read(f, mg_buf_make(buf, sizeof buf), MG_FOREVER)) >
	       0)
		if (mg_flow_write(f, mg_cbuf_make(buf, (size_t)n), MG_FOREVER) <
		    0)
			return MG_EIO;
	(*served)++;
	return n;
}

typedef struct client {
	uint16_t port;
	uint32_t key;
	size_t len;
	int rc;
} client;

/* Connect, send (len) bytes while reading them back, compare. */
static int client_fiber(void *arg)
{
	client *cl = arg;
	mg_flow *f;
	cl->rc = tcp[0].ops->connect(tcp[0].self,
	                             (mg_ipv4_endpoint){{B_IP}, cl->port}, 0,
	                             mg_deadline_in(5 * MG_NS_PER_S), &f);
	if (cl->rc < 0)
		return cl->rc;
	uint8_t *out = malloc(cl->len), *in = malloc(cl->len);
	for (size_t i = 0; i < cl->len; i++)
		out[i] = pat(cl->key, i);
	size_t sent = 0, got = 0;
	while (got < cl->len) {
		if (sent < cl->len) {
			size_t n =
			    cl->len - sent > 3000 ? 3000 : cl->len - sent;
			mg_cbuf iov[2] = {{out + sent, n / 2},
			                  {out + sent + n / 2, n - n / 2}};
			ASSERT_EQ(mg_flow_writev(f, iov, 2, MG_FOREVER), 0);
			sent += n;
			if (sent == cl->len)
				ASSERT_EQ(mg_flow_shutdown(f), 0);
		}
		int n = mg_flow_read(f, mg_buf_make(in + got, cl->len - got),
		                     sent < cl->len ? mg_now_ns() : MG_FOREVER);
		if (n == MG_ETIMEDOUT)
			continue;
		ASSERT_CMP(n, >, 0);
		got += (size_t)n;
	}
	ASSERT_MEMEQ(in, out, cl->len);
	uint8_t x;
	ASSERT_EQ(mg_flow_read(f, mg_buf_make(&x, 1), MG_FOREVER), 0);
	mg_ipv4_endpoint l, p;
	ASSERT_EQ(mg_flow_addrs(f, &l, &p), 0);
	ASSERT_EQ(l.addr.v, A_IP);
	ASSERT_EQ(p.port, cl->port);
	mg_flow_close(f);
	free(out);
	free(in);
	return 0;
}

static int echo_main(void *arg)
{
	(void)arg;
	setup();
	int served = 0;
	mg_tcp_listen_opts lo = {.port = 7, .handler = echo, .arg = &served};
	mg_tcp_listener *l;
	ASSERT_EQ(tcp[1].ops->listen(tcp[1].self, &lo, &l), 0);
	ASSERT_EQ(tcp[1].ops->listener_port(tcp[1].self, l), 7);
	enum { N = 24 };
	client cl[N];
	mg_fiber *f[N];
	for (int i = 0; i < N; i++) {
		cl[i] =
		    (client){.port = 7,
		             .key = (uint32_t)i,
		             .len = i == 0 ? 400000 : 1000 + 977 * (size_t)i};
		f[i] = mg_spawn(client_fiber, &cl[i], NULL);
	}
	for (int i = 0; i < N; i++) {
		ASSERT_EQ(mg_join(f[i]), 0);
		ASSERT_EQ(cl[i].rc, 0);
	}
	while (served < N)
		mg_sleep_ns(MG_NS_PER_MS);
	tcp[1].ops->unlisten(tcp[1].self, l);
	mg_tcpcore *core = tcp[1].ops->core(tcp[1].self);
	ASSERT_EQ(mg_tcpcore_counters(core)->passive_opens, N);
	teardown();
	return 0;
}

MGT_TEST(echo_handlers_for_concurrent_clients)
{
	ASSERT_EQ(run(echo_main), 0);
}

static int set_unreach_later(void *arg)
{
	(void)arg;
	mg_sleep_ns(200 * MG_NS_PER_MS);
	ends[0].unreach = MG_EHOSTUNREACH;
	return 0;
}

static int accept_main(void *arg)
{
	(void)arg;
	setup();
	mg_tcp_listen_opts lo = {.port = 0, .flags = MG_TCP_NODELAY};
	mg_tcp_listener *l;
	ASSERT_EQ(tcp[1].ops->listen(tcp[1].self, &lo, &l), 0);
	uint16_t port = tcp[1].ops->listener_port(tcp[1].self, l);
	ASSERT_CMP(port, >=, 49152);
	mg_tcp_listener *l2;
	lo.port = port;
	ASSERT_EQ(tcp[1].ops->listen(tcp[1].self, &lo, &l2), MG_EADDRINUSE);
	mg_flow *srv, *cli;
	ASSERT_EQ(tcp[1].ops->accept(tcp[1].self, l, &srv, mg_now_ns()),
	          MG_ETIMEDOUT);
	ASSERT_EQ(tcp[0].ops->connect(tcp[0].self,
	                              (mg_ipv4_endpoint){{B_IP}, port}, 64,
	                              mg_deadline_in(MG_NS_PER_S), &cli),
	          MG_EINVAL);
	ASSERT_EQ(tcp[0].ops->connect(tcp[0].self,
	                              (mg_ipv4_endpoint){{B_IP}, port},
	                              MG_TCP_KEEPALIVE,
	                              mg_deadline_in(MG_NS_PER_S), &cli),
	          0);
	/* Keep-alive as asked on the client, not on the server. */
	mg_tcb *cc = ((mg__tcp_flow *)cli->self)->c;
	ASSERT_EQ(cc->ka_idle_ms, MG_TCP_KEEPALIVE_IDLE_S * 1000u);
	ASSERT_EQ(cc->ka_intvl_ms, MG_TCP_KEEPALIVE_INTVL_S * 1000u);
	ASSERT_EQ(cc->ka_count, MG_TCP_KEEPALIVE_COUNT);
	ASSERT_EQ(tcp[1].ops->accept(tcp[1].self, l, &srv,
	                             mg_deadline_in(MG_NS_PER_S)),
	          0);
	ASSERT_EQ(((mg__tcp_flow *)srv->self)->c->ka_idle_ms, 0);
	uint8_t b[16];
	ASSERT_EQ(mg_flow_read(srv, mg_buf_make(b, 16),
	                       mg_deadline_in(20 * MG_NS_PER_MS)),
	          MG_ETIMEDOUT);
	ASSERT_EQ(mg_flow_read(srv, mg_buf_make(b, 0), MG_FOREVER), MG_EINVAL);
	ASSERT_EQ(mg_flow_write(cli, mg_cbuf_make("ping", 4), MG_FOREVER), 0);
	ASSERT_EQ(mg_flow_read(srv, mg_buf_make(b, 16), MG_FOREVER), 4);
	ASSERT_MEMEQ(b, "ping", 4);
	/* Closing with unread data resets (RFC 1122 4.2.2.13): the other
	 * side's reader and writer learn it. */
	ASSERT_EQ(mg_flow_write(cli, mg_cbuf_make("unread", 6), MG_FOREVER), 0);
	mg_sleep_ns(100 * MG_NS_PER_MS);
	mg_flow_close(srv);
	ASSERT_EQ(mg_flow_read(cli, mg_buf_make(b, 16), MG_FOREVER),
	          MG_ECONNRESET);
	ASSERT_EQ(mg_flow_write(cli, mg_cbuf_make("x", 1), MG_FOREVER),
	          MG_ECONNRESET);
	ASSERT_EQ(mg_flow_shutdown(cli), MG_ENOTCONN);
	mg_flow_close(cli);
	/* Nobody on the port: refused. */
	ASSERT_EQ(tcp[0].ops->connect(tcp[0].self,
	                              (mg_ipv4_endpoint){{B_IP}, 9}, 0,
	                              mg_deadline_in(MG_NS_PER_S), &cli),
	          MG_ECONNREFUSED);
	/* Nobody answers: the deadline. */
	ends[0].drop_all = 1;
	ASSERT_EQ(tcp[0].ops->connect(tcp[0].self,
	                              (mg_ipv4_endpoint){{B_IP}, port}, 0,
	                              mg_deadline_in(50 * MG_NS_PER_MS), &cli),
	          MG_ETIMEDOUT);
	/* No way to the peer from the first SYN on: at once. */
	ends[0].drop_all = 0;
	ends[0].unreach = MG_ENETUNREACH;
	ASSERT_EQ(tcp[0].ops->connect(tcp[0].self,
	                              (mg_ipv4_endpoint){{B_IP}, port}, 0,
	                              mg_deadline_in(5 * MG_NS_PER_S), &cli),
	          MG_ENETUNREACH);
	/* The first SYN lost, the ARP for the retransmission failed: the
	 * connect ends then (after the 1 s initial RTO), not at its
	 * deadline nor after every SYN retry. */
	ends[0].unreach = 0;
	ends[0].drop_all = 1;
	mg_fiber_opts fo = {.name = "unreach"};
	mg_fiber *u = mg_spawn(set_unreach_later, NULL, &fo);
	uint64_t t0 = mg_now_ns();
	ASSERT_EQ(tcp[0].ops->connect(tcp[0].self,
	                              (mg_ipv4_endpoint){{B_IP}, port}, 0,
	                              mg_deadline_in(10 * MG_NS_PER_S), &cli),
	          MG_EHOSTUNREACH);
	ASSERT_CMP(mg_now_ns() - t0, <, 3 * MG_NS_PER_S);
	ASSERT_EQ(mg_join(u), 0);
	ends[0].unreach = 0;
	ends[0].drop_all = 0;
	tcp[1].ops->unlisten(tcp[1].self, l);
	ASSERT_EQ(mg_tcpcore_conn_count(tcp[0].ops->core(tcp[0].self)), 0);
	teardown();
	return 0;
}

MGT_TEST(accept_read_timeout_reset_refused_and_timed_out)
{
	ASSERT_EQ(run(accept_main), 0);
}

/*
 * No memory for a connection's handler fiber (here a stack that cannot
 * be had): the connection waits, established, and is served once a
 * fiber can be made, rather than sitting in the accept queue forever.
 */
static int starved_main(void *arg)
{
	(void)arg;
	setup();
	int served = 0;
	mg_tcp_listen_opts lo = {.port = 7,
	                         .handler = echo,
	                         .arg = &served,
	                         .stack_size = (size_t)1 << 62};
	mg_tcp_listener *l;
	ASSERT_EQ(tcp[1].ops->listen(tcp[1].self, &lo, &l), 0);
	mg_flow *a, *b;
	for (int i = 0; i < 2; i++)
		ASSERT_EQ(tcp[0].ops->connect(tcp[0].self,
		                              (mg_ipv4_endpoint){{B_IP}, 7}, 0,
		                              mg_deadline_in(MG_NS_PER_S),
		                              i ? &b : &a),
		          0);
	ASSERT_EQ(l->unstarted, 2);
	ASSERT_EQ(mg_flow_write(a, mg_cbuf_make("one", 3), MG_FOREVER), 0);
	ASSERT_EQ(mg_flow_write(b, mg_cbuf_make("two", 3), MG_FOREVER), 0);
	uint8_t buf[8];
	ASSERT_EQ(mg_flow_read(a, mg_buf_make(buf, sizeof buf),
	                       mg_deadline_in(200 * MG_NS_PER_MS)),
	          MG_ETIMEDOUT);
	/* Memory again: within a retry period both are echoed. */
	l->opts.stack_size = 0;
	ASSERT_EQ(mg_flow_read(a, mg_buf_make(buf, sizeof buf),
	                       mg_deadline_in(MG_NS_PER_S)),
	          3);
	ASSERT_MEMEQ(buf, "one", 3);
	ASSERT_EQ(mg_flow_read(b, mg_buf_make(buf, sizeof buf),
	                       mg_deadline_in(MG_NS_PER_S)),
	          3);
	ASSERT_MEMEQ(buf, "two", 3);
	ASSERT_EQ(l->unstarted, 0);
	mg_flow_close(a);
	mg_flow_close(b);
	for (int i = 0; i < 100 && served < 2; i++)
		mg_sleep_ns(10 * MG_NS_PER_MS);
	ASSERT_EQ(served, 2);
	tcp[1].ops->unlisten(tcp[1].self, l);
	teardown();
	return 0;
}

MGT_TEST(connections_wait_for_memory_for_their_handler)
{
	ASSERT_EQ(run(starved_main), 0);
}

/* Two readers at once: the second is told. */
static mg_flow *busy_flow;

static int second_reader(void *arg)
{
	(void)arg;
	uint8_t b[4];
	return mg_flow_read(busy_flow, mg_buf_make(b, 4), MG_FOREVER);
}

static int busy_main(void *arg)
{
	(void)arg;
	setup();
	mg_tcp_listen_opts lo = {.port = 80};
	mg_tcp_listener *l;
	ASSERT_EQ(tcp[1].ops->listen(tcp[1].self, &lo, &l), 0);
	mg_flow *srv, *cli;
	ASSERT_EQ(tcp[0].ops->connect(tcp[0].self,
	                              (mg_ipv4_endpoint){{B_IP}, 80}, 0,
	                              MG_FOREVER, &cli),
	          0);
	ASSERT_EQ(tcp[1].ops->accept(tcp[1].self, l, &srv, MG_FOREVER), 0);
	busy_flow = srv;
	mg_fiber *r1 = mg_spawn(second_reader, NULL, NULL);
	mg_yield();
	mg_fiber *r2 = mg_spawn(second_reader, NULL, NULL);
	ASSERT_EQ(mg_join(r2), MG_EBUSY);
	ASSERT_EQ(mg_flow_write(cli, mg_cbuf_make("abcd", 4), MG_FOREVER), 0);
	ASSERT_EQ(mg_join(r1), 4);
	/* A clean close both ways. */
	ASSERT_EQ(mg_flow_shutdown(cli), 0);
	uint8_t b[4];
	ASSERT_EQ(mg_flow_read(srv, mg_buf_make(b, 4), MG_FOREVER), 0);
	mg_flow_close(srv);
	ASSERT_EQ(mg_flow_read(cli, mg_buf_make(b, 4), MG_FOREVER), 0);
	mg_flow_close(cli);
	tcp[1].ops->unlisten(tcp[1].self, l);
	teardown();
	return 0;
}

MGT_TEST(second_reader_is_busy_and_clean_close)
{
	ASSERT_EQ(run(busy_main), 0);
}
