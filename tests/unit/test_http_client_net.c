/* The HTTP client over the socket stack, against a small server on loopback. */
#include <mg/fiber.h>
#include <mg/http_client.h>
#include <mg/stackv4_socket.h>

#include "mgtest.h"

static mg_stackv4 st;
static int connections, requests;

/* Read a request head and its chunked or sized body; echo the body back
 * in chunks. Two requests per connection, then a close while idle. */
static int serve(mg_flow *f, void *arg)
{
	(void)arg;
	connections++;
	static uint8_t buf[1 << 16];
	for (int k = 0; k < 2; k++) {
		size_t have = 0;
		char *end = NULL;
		while (!end) {
			int n = mg_flow_read(
			    f, mg_buf_make(buf + have, sizeof buf - 1 - have),
			    mg_deadline_in(5 * MG_NS_PER_S));
			if (n <= 0)
				return 0;
			have += (size_t)n;
			buf[have] = 0;
			end = strstr((char *)buf, "0\r\n\r\n");
			if (!strstr((char *)buf, "chunked"))
				end = strstr((char *)buf, "\r\n\r\n");
		}
		requests++;
		char *body = strstr((char *)buf, "\r\n\r\n") + 4;
		size_t len = end > body ? (size_t)(end - body) : 0;
		char head[128];
		snprintf(head, sizeof head,
		         "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		         "%zx\r\n",
		         len + 2);
		mg_cbuf iov[] = {mg_cbuf_str(head), mg_cbuf_str("r:"),
		                 mg_cbuf_make(body, len),
		                 mg_cbuf_str("\r\n0\r\n\r\n")};
		ASSERT_EQ(mg_flow_writev(f, iov, 4, MG_FOREVER), 0);
	}
	return 0;
}

static int pieces_left;

static int three_pieces(void *arg, mg_buf room)
{
	(void)arg;
	if (!pieces_left)
		return 0;
	pieces_left--;
	return (int)mg_buf_copy(room, mg_cbuf_str("abc"));
}

static int client_main(void *arg)
{
	(void)arg;
	mg_tcp_listener *l;
	mg_tcp_listen_opts lo = {.handler = serve};
	ASSERT_EQ(mg_tcp_listen(&st, &lo, &l), 0);
	mg_ipv4_endpoint dst = {{0x7f000001}, mg_tcp_listener_port(&st, l)};
	mg_http_client *c;
	mg_http_client_opts o = {.tcp_flags = MG_TCP_NODELAY};
	ASSERT_EQ(mg_http_client_new(&st, dst, &o, &c), 0);
	char b[64];
	for (int i = 0; i < 5; i++) {
		pieces_left = 3;
		mg_http_client_req get = {0};
		mg_http_client_req post = {
		    .method = "POST", .body_fn = three_pieces, .chunked = true};
		mg_http_client_resp r;
		/* Every third request finds the connection closed since. */
		if (i % 3 == 2)
			mg_sleep_ns(20 * MG_NS_PER_MS);
		ASSERT_EQ(mg_http_client_send(c, i % 2 ? &post : &get, &r), 0);
		ASSERT_EQ(r.status, 200);
		int n = mg_http_client_read(c, mg_buf_make(b, sizeof b));
		ASSERT_CMP(n, >, 0);
		ASSERT_EQ(mg_http_client_read(c, mg_buf_make(b + n, 8)), 0);
		b[n] = 0;
		ASSERT_STREQ(b, i % 2 ? "r:3\r\nabc\r\n3\r\nabc\r\n3\r\nabc\r\n"
		                      : "r:");
	}
	ASSERT_EQ(requests, 5);
	ASSERT_EQ(connections, 3);
	mg_http_client_free(c);
	mg_tcp_unlisten(&st, l);

	/* Nobody listens there any more. */
	ASSERT_EQ(mg_http_client_new(&st, dst, NULL, &c), 0);
	mg_http_client_req get = {0};
	mg_http_client_resp r;
	ASSERT_EQ(mg_http_client_send(c, &get, &r), MG_ECONNREFUSED);
	mg_http_client_free(c);
	return 0;
}

MGT_TEST(client_on_the_socket_stack_keeps_and_renews_connections)
{
	mg_ipv4_prefix any = {{0}, 0};
	ASSERT_EQ(mg_stackv4_socket_connect(&st, any), 0);
	mg_fiber_opts o = {.name = "main", .stack_size = 256 * 1024};
	mg_fiber *m = mg_spawn(client_main, NULL, &o);
	ASSERT_TRUE(m != NULL);
	ASSERT_EQ(mg__run(m), 0);
}
