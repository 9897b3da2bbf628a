/* The socket stack's TCP: listeners, handlers, flows, over loopback. */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mg/error.h>
#include <mg/fiber.h>
#include <mg/stackv4_socket.h>

#include "mgtest.h"

/* Static, so that the stack stays reachable for the leak check. */
static mg_stackv4 st;

static const mg_ipv4_addr loopback = {0x7f000001};

static int run_main(mg_fiber_fn fn, void *arg)
{
	mg_ipv4_prefix any = {{0}, 0};
	ASSERT_EQ(mg_stackv4_socket_connect(&st, any), 0);
	mg_fiber_opts o = {.name = "main", .stack_size = 256 * 1024};
	mg_fiber *m = mg_spawn(fn, arg, &o);
	ASSERT_TRUE(m != NULL);
	return mg__run(m);
}

static mg_ipv4_endpoint local(uint16_t port)
{
	return (mg_ipv4_endpoint){loopback, port};
}

/* Read exactly (len) bytes, or fail the test. */
static void read_full(mg_flow *f, uint8_t *p, size_t len)
{
	while (len) {
		int n = mg_flow_read(f, mg_buf_make(p, len),
		                     mg_deadline_in(5 * MG_NS_PER_S));
		ASSERT_CMP(n, >, 0);
		p += n;
		len -= (size_t)n;
	}
}

static int echo_handler(mg_flow *f, void *arg)
{
	int *served = arg;
	uint8_t buf[4096];
	for (;;) {
		int n =
		    mg_flow_read(f, mg_buf_make(buf, sizeof buf), MG_FOREVER);
		if (n <= 0)
			break;
		ASSERT_EQ(
		    mg_flow_write(f, mg_cbuf_make(buf, (size_t)n), MG_FOREVER),
		    0);
	}
	(*served)++;
	return 0;
}

static int echo_main(void *arg)
{
	(void)arg;
	int served = 0;
	mg_tcp_listener *l;
	mg_tcp_listen_opts o = {.handler = echo_handler, .arg = &served};
	ASSERT_EQ(mg_tcp_listen(&st, &o, &l), 0);
	uint16_t port = mg_tcp_listener_port(&st, l);
	ASSERT_NE(port, 0);

	mg_flow *f;
	ASSERT_EQ(mg_tcp_connect(&st, local(port), 64,
	                         mg_deadline_in(MG_NS_PER_S), &f),
	          MG_EINVAL);
	ASSERT_EQ(mg_tcp_connect(&st, local(port),
	                         MG_TCP_NODELAY | MG_TCP_KEEPALIVE,
	                         mg_deadline_in(MG_NS_PER_S), &f),
	          0);
	{
		/* The host socket, second in socket/flow.c's flow. */
		const struct {
			mg_flow flow;
			int fd;
		} *sf = f->self;
		int v = 0;
		socklen_t vl = sizeof v;
		ASSERT_EQ(getsockopt(sf->fd, SOL_SOCKET, SO_KEEPALIVE, &v, &vl),
		          0);
		ASSERT_EQ(v, 1);
		ASSERT_EQ(getsockopt(sf->fd, IPPROTO_TCP, TCP_KEEPIDLE, &v, &vl),
		          0);
		ASSERT_EQ(v, MG_TCP_KEEPALIVE_IDLE_S);
	}
	mg_ipv4_endpoint me, peer;
	ASSERT_EQ(mg_flow_addrs(f, &me, &peer), 0);
	ASSERT_EQ(peer.addr.v, loopback.v);
	ASSERT_EQ(peer.port, port);
	ASSERT_EQ(me.addr.v, loopback.v);

	mg_cbuf parts[3] = {mg_cbuf_str("hello, "), mg_cbuf_str(""),
	                    mg_cbuf_str("flow")};
	ASSERT_EQ(mg_flow_writev(f, parts, 3, MG_FOREVER), 0);
	uint8_t got[11];
	read_full(f, got, sizeof got);
	ASSERT_MEMEQ(got, "hello, flow", 11);

	/* Our end of stream ends the handler, which closes: we see it. */
	ASSERT_EQ(mg_flow_shutdown(f), 0);
	ASSERT_EQ(mg_flow_shutdown(f), 0);
	ASSERT_EQ(mg_flow_write(f, mg_cbuf_str("x"), MG_FOREVER), MG_EPIPE);
	ASSERT_EQ(mg_flow_read(f, mg_buf_make(got, 1), MG_FOREVER), 0);
	ASSERT_EQ(mg_flow_read(f, mg_buf_make(got, 1), MG_FOREVER), 0);
	ASSERT_EQ(mg_flow_read(f, mg_buf_make(got, 0), MG_FOREVER), MG_EINVAL);
	mg_flow_close(f);
	ASSERT_EQ(served, 1);

	/* accept is for listeners without a handler. */
	ASSERT_EQ(mg_tcp_accept(&st, l, &f, 0), MG_EINVAL);
	mg_tcp_listener *l2;
	o.port = port;
	ASSERT_EQ(mg_tcp_listen(&st, &o, &l2), MG_EADDRINUSE);
	mg_tcp_unlisten(&st, l);

	/* The port is free again, and nobody listens on it. */
	ASSERT_EQ(mg_tcp_connect(&st, local(port), 0,
	                         mg_deadline_in(MG_NS_PER_S), &f),
	          MG_ECONNREFUSED);
	return 0;
}

MGT_TEST(socket_tcp_echo_through_a_handler)
{
	ASSERT_EQ(run_main(echo_main, NULL), 0);
}

static int accept_main(void *arg)
{
	(void)arg;
	mg_tcp_listener *l;
	mg_tcp_listen_opts o = {0};
	ASSERT_EQ(mg_tcp_listen(&st, &o, &l), 0);
	uint16_t port = mg_tcp_listener_port(&st, l);
	mg_flow *srv, *cli;
	/* A past deadline polls. */
	ASSERT_EQ(mg_tcp_accept(&st, l, &srv, 0), MG_ETIMEDOUT);
	uint64_t t0 = mg_now_ns();
	ASSERT_EQ(
	    mg_tcp_accept(&st, l, &srv, mg_deadline_in(20 * MG_NS_PER_MS)),
	    MG_ETIMEDOUT);
	ASSERT_CMP(mg_now_ns() - t0, >=, 20 * MG_NS_PER_MS);

	ASSERT_EQ(mg_tcp_connect(&st, local(port), 0, MG_FOREVER, &cli), 0);
	ASSERT_EQ(mg_tcp_accept(&st, l, &srv, mg_deadline_in(MG_NS_PER_S)), 0);

	/* A read waits until its deadline, and consumes nothing. */
	uint8_t b[8];
	t0 = mg_now_ns();
	ASSERT_EQ(mg_flow_read(srv, mg_buf_make(b, sizeof b),
	                       mg_deadline_in(30 * MG_NS_PER_MS)),
	          MG_ETIMEDOUT);
	ASSERT_CMP(mg_now_ns() - t0, >=, 30 * MG_NS_PER_MS);
	ASSERT_EQ(mg_flow_write(cli, mg_cbuf_str("ab"), MG_FOREVER), 0);
	ASSERT_EQ(mg_flow_read(srv, mg_buf_make(b, 1), MG_FOREVER), 1);
	ASSERT_EQ(b[0], 'a');
	ASSERT_EQ(mg_flow_read(srv, mg_buf_make(b, sizeof b), MG_FOREVER), 1);
	ASSERT_EQ(b[0], 'b');

	/* The peer closing with our bytes unread resets: the read fails, and
	 * keeps failing rather than turning into an end of stream. */
	ASSERT_EQ(mg_flow_write(srv, mg_cbuf_str("unread"), MG_FOREVER), 0);
	mg_sleep_ns(5 * MG_NS_PER_MS);
	mg_flow_close(cli);
	ASSERT_EQ(mg_flow_read(srv, mg_buf_make(b, sizeof b), MG_FOREVER),
	          MG_ECONNRESET);
	ASSERT_EQ(mg_flow_read(srv, mg_buf_make(b, sizeof b), MG_FOREVER),
	          MG_ECONNRESET);
	int w = mg_flow_write(srv, mg_cbuf_str("late"), MG_FOREVER);
	ASSERT_TRUE(w == MG_EPIPE || w == MG_ECONNRESET);
	mg_flow_close(srv);
	mg_tcp_unlisten(&st, l);
	return 0;
}

MGT_TEST(socket_tcp_accept_deadlines_and_reset)
{
	ASSERT_EQ(run_main(accept_main, NULL), 0);
}

/* A fiber blocked in a read, cancelled. */
static int blocked_reader(void *arg)
{
	uint8_t b[4];
	return mg_flow_read(arg, mg_buf_make(b, sizeof b), MG_FOREVER);
}

static mg_flow *kept;

static int keeping_handler(mg_flow *f, void *arg)
{
	(void)arg;
	kept = f;
	return MG_STACKV4_KEPT;
}

static int cancel_main(void *arg)
{
	(void)arg;
	mg_tcp_listener *l;
	mg_tcp_listen_opts o = {.handler = keeping_handler};
	ASSERT_EQ(mg_tcp_listen(&st, &o, &l), 0);
	mg_flow *cli;
	ASSERT_EQ(mg_tcp_connect(&st, local(mg_tcp_listener_port(&st, l)), 0,
	                         MG_FOREVER, &cli),
	          0);
	/* Handlers outlive their listener. */
	mg_tcp_unlisten(&st, l);
	while (!kept)
		mg_sleep_ns(MG_NS_PER_MS);
	/* The handler kept its flow open: it still carries data. */
	ASSERT_EQ(mg_flow_write(kept, mg_cbuf_str("kept"), MG_FOREVER), 0);
	uint8_t b[4];
	read_full(cli, b, 4);
	ASSERT_MEMEQ(b, "kept", 4);

	mg_fiber *r = mg_spawn(blocked_reader, cli, NULL);
	mg_sleep_ns(5 * MG_NS_PER_MS);
	mg_fiber_cancel(r);
	ASSERT_EQ(mg_join(r), MG_ECANCELED);
	mg_flow_close(cli);
	mg_flow_close(kept);
	return 0;
}

MGT_TEST(socket_tcp_kept_flow_and_cancelled_read)
{
	ASSERT_EQ(run_main(cancel_main, NULL), 0);
}

/* Many connections at once, each echoing its own pattern in pieces. */
#define NCONN      200
#define CONN_BYTES 20000

static int client(void *arg)
{
	uint16_t port = (uint16_t)((uintptr_t)arg >> 16);
	unsigned id = (unsigned)((uintptr_t)arg & 0xffff);
	mg_flow *f;
	ASSERT_EQ(mg_tcp_connect(&st, local(port), 0,
	                         mg_deadline_in(10 * MG_NS_PER_S), &f),
	          0);
	static uint8_t out[NCONN][CONN_BYTES];
	uint8_t *p = out[id];
	for (size_t i = 0; i < CONN_BYTES; i++)
		p[i] = (uint8_t)(id * 31 + i * 7);
	for (size_t off = 0; off < CONN_BYTES; off += 5000)
		ASSERT_EQ(
		    mg_flow_write(f, mg_cbuf_make(p + off, 5000), MG_FOREVER),
		    0);
	ASSERT_EQ(mg_flow_shutdown(f), 0);
	uint8_t *back = malloc(CONN_BYTES);
	read_full(f, back, CONN_BYTES);
	ASSERT_MEMEQ(back, p, CONN_BYTES);
	uint8_t b;
	ASSERT_EQ(mg_flow_read(f, mg_buf_make(&b, 1), MG_FOREVER), 0);
	free(back);
	mg_flow_close(f);
	return 0;
}

static int many_main(void *arg)
{
	(void)arg;
	int served = 0;
	mg_tcp_listener *l;
	mg_tcp_listen_opts o = {
	    .handler = echo_handler, .arg = &served, .backlog = NCONN};
	ASSERT_EQ(mg_tcp_listen(&st, &o, &l), 0);
	uint16_t port = mg_tcp_listener_port(&st, l);
	mg_fiber *c[NCONN];
	for (unsigned i = 0; i < NCONN; i++) {
		c[i] = mg_spawn(client, (void *)(((uintptr_t)port << 16) | i),
		                NULL);
		ASSERT_TRUE(c[i] != NULL);
	}
	for (unsigned i = 0; i < NCONN; i++)
		ASSERT_EQ(mg_join(c[i]), 0);
	while (served < NCONN)
		mg_sleep_ns(MG_NS_PER_MS);
	mg_tcp_unlisten(&st, l);
	return 0;
}

MGT_TEST(socket_tcp_200_concurrent_echoes)
{
	ASSERT_EQ(run_main(many_main, NULL), 0);
}

/* A large writev of many views arrives whole and in order. */
static int bulk_reader(void *arg)
{
	mg_flow *f = arg;
	uint8_t *b = malloc(1 << 16);
	size_t total = 0;
	uint32_t sum = 0;
	for (;;) {
		int n = mg_flow_read(f, mg_buf_make(b, 1 << 16), MG_FOREVER);
		ASSERT_CMP(n, >=, 0);
		if (n == 0)
			break;
		for (int i = 0; i < n; i++)
			sum = sum * 31 + b[i];
		total += (size_t)n;
	}
	free(b);
	ASSERT_EQ(total, 3000 * 1000);
	return (int)(sum & 0x7fffffff);
}

static int writev_main(void *arg)
{
	(void)arg;
	mg_tcp_listener *l;
	mg_tcp_listen_opts o = {0};
	ASSERT_EQ(mg_tcp_listen(&st, &o, &l), 0);
	mg_flow *cli, *srv;
	ASSERT_EQ(mg_tcp_connect(&st, local(mg_tcp_listener_port(&st, l)), 0,
	                         MG_FOREVER, &cli),
	          0);
	ASSERT_EQ(mg_tcp_accept(&st, l, &srv, MG_FOREVER), 0);
	mg_fiber *r = mg_spawn(bulk_reader, srv, NULL);
	static uint8_t data[3000][1000];
	static mg_cbuf iov[3000];
	uint32_t sum = 0;
	for (size_t i = 0; i < 3000; i++) {
		for (size_t j = 0; j < 1000; j++) {
			data[i][j] = (uint8_t)(i ^ (j * 13));
			sum = sum * 31 + data[i][j];
		}
		iov[i] = mg_cbuf_make(data[i], 1000);
	}
	ASSERT_EQ(mg_flow_writev(cli, iov, 3000, MG_FOREVER), 0);
	mg_flow_close(cli);
	ASSERT_EQ(mg_join(r), (int)(sum & 0x7fffffff));
	mg_flow_close(srv);
	mg_tcp_unlisten(&st, l);
	return 0;
}

MGT_TEST(socket_tcp_writev_of_3000_views)
{
	ASSERT_EQ(run_main(writev_main, NULL), 0);
}

static int config_main(void *arg)
{
	(void)arg;
	mg_stackv4_config cfg;
	ASSERT_EQ(mg_stackv4_ipv4_config(&st, &cfg), 0);
	ASSERT_EQ(cfg.addr.addr.v, 0);
	ASSERT_EQ(cfg.gateway.v, 0);
	mg_flow *f;
	ASSERT_EQ(mg_tcp_connect(&st, local(0), 0, MG_FOREVER, &f), MG_EINVAL);
	ASSERT_EQ(mg_tcp_connect(&st, local(9), 8, MG_FOREVER, &f), MG_EINVAL);
	return 0;
}

MGT_TEST(socket_config_and_bad_arguments)
{
	ASSERT_EQ(run_main(config_main, NULL), 0);
	/* An address the host does not have cannot be the stack's. */
	static mg_stackv4 other;
	mg_ipv4_prefix test_net = {{0xc0000201}, 24}; /* 192.0.2.1, RFC 5737 */
	ASSERT_EQ(mg_stackv4_socket_connect(&other, test_net), MG_EINVAL);
	mg_ipv4_prefix lo = {loopback, 8};
	ASSERT_EQ(mg_stackv4_socket_connect(&other, lo), 0);
	mg_stackv4_config cfg;
	ASSERT_EQ(mg_stackv4_ipv4_config(&other, &cfg), 0);
	ASSERT_EQ(cfg.addr.addr.v, loopback.v);
	ASSERT_EQ(cfg.addr.len, 8);
}
