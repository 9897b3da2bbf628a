/* HTTP server over a scripted flow: persistence, pipelining, bodies, HEAD,
 * 100-continue. */
#include "http_server_fake.h"

/* The body back, read 7 bytes at a time so that reads end mid-piece. */
static int echo(mg_http_request *req, mg_http_response *res, void *arg)
{
	(void)arg;
	static char body[200000];
	size_t n = 0;
	for (;;) {
		int r = mg_http_body_read(req, mg_buf_make(body + n, 7),
		                          MG_FOREVER);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	return mg_http_reply(res, 200, NULL, mg_cbuf_make(body, n));
}

/* The body back, read with a large buffer (straight from the flow). */
static int echo_big(mg_http_request *req, mg_http_response *res, void *arg)
{
	(void)arg;
	static char body[200000];
	size_t n = 0;
	int r;
	while (
	    (r = mg_http_body_read(req, mg_buf_make(body + n, sizeof body - n),
	                           MG_FOREVER)) > 0)
		n += (size_t)r;
	if (r < 0)
		return r;
	char len[32];
	snprintf(len, sizeof len, "%zu", n);
	return mg_http_reply(res, 200, NULL, mg_cbuf_str(len));
}

static int stream(mg_http_request *req, mg_http_response *res, void *arg)
{
	(void)req;
	(void)arg;
	int rc = mg_http_response_start(res, MG_HTTP_LENGTH_UNKNOWN);
	if (rc == 0)
		rc = mg_http_response_write(res, mg_cbuf_str("ab"));
	mg_cbuf two[2] = {mg_cbuf_str("c"), mg_cbuf_str("de")};
	if (rc == 0)
		rc = mg_http_response_writev(res, two, 2);
	if (rc == 0)
		rc = mg_http_response_end(res);
	return rc;
}

static mg_http_server *server(void)
{
	mg_http_server *s = ff_server(NULL);
	ASSERT_EQ(mg_http_route(s, "GET", "/hello", ff_hello, NULL), 0);
	ASSERT_EQ(mg_http_route(s, "POST", "/echo", echo, NULL), 0);
	ASSERT_EQ(mg_http_route(s, "POST", "/big", echo_big, NULL), 0);
	ASSERT_EQ(mg_http_route(s, "GET", "/stream", stream, NULL), 0);
	return s;
}

MGT_TEST(keep_alive_serves_requests_in_turn)
{
	fake_flow f;
	ff_init(&f);
	ff_data(&f, "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
	ff_wait(&f, MG_NS_PER_S);
	ff_data(&f, "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
	ASSERT_EQ(ff_serve(server(), &f), 0);
	ff_resp r[4];
	ASSERT_EQ(ff_responses(&f, r, 4, 0), 2);
	char v[64];
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(r[i].status, 200);
		ASSERT_STREQ(r[i].body, "hello");
		ASSERT_STREQ(ff_field(&r[i], "Content-Type", v, sizeof v),
		             "text/plain");
		ASSERT_TRUE(ff_field(&r[i], "Connection", v, sizeof v) == NULL);
		ASSERT_TRUE(ff_field(&r[i], "Date", v, sizeof v) == NULL);
	}
	ASSERT_EQ(f.writes, 2); /* head and body in one writev */
	ASSERT_TRUE(f.shut);
}

MGT_TEST(three_pipelined_requests_in_one_read)
{
	fake_flow f;
	ff_init(&f);
	ff_data(&f, "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n"
	            "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
	            "\r\nabc"
	            "GET /stream HTTP/1.1\r\nHost: a\r\n\r\n");
	ASSERT_EQ(ff_serve(server(), &f), 0);
	ff_resp r[4];
	ASSERT_EQ(ff_responses(&f, r, 4, 0), 3);
	ASSERT_STREQ(r[0].body, "hello");
	ASSERT_STREQ(r[1].body, "abc");
	ASSERT_STREQ(r[2].body, "abcde");
	ASSERT_TRUE(r[2].chunked);
	/* One read held all three, one saw the end, one lingered. */
	ASSERT_EQ(f.reads, 3);
}

MGT_TEST(chunked_request_body_in_pieces)
{
	fake_flow f;
	ff_init(&f);
	ff_data(&f, "POST /echo HTTP/1.1\r\nHost: a\r\n"
	            "Transfer-Encoding: chunked\r\n\r\n5\r\nhel");
	ff_data(&f, "lo\r\n6;ext=1\r\n world\r");
	ff_data(&f, "\n0\r\nX-Trailer: t\r\n\r\n");
	ff_data(&f, "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
	ASSERT_EQ(ff_serve(server(), &f), 0);
	ff_resp r[3];
	ASSERT_EQ(ff_responses(&f, r, 3, 0), 2);
	ASSERT_EQ(r[0].status, 200);
	ASSERT_STREQ(r[0].body, "hello world");
	ASSERT_STREQ(r[1].body, "hello");
}

MGT_TEST(content_length_body_larger_than_the_buffer)
{
	static char req[120000];
	int h = snprintf(req, sizeof req,
	                 "POST /big HTTP/1.1\r\nHost: a\r\n"
	                 "Content-Length: 100000\r\n\r\n");
	memset(req + h, 'x', 100000);
	fake_flow f;
	ff_init(&f);
	ff_bytes(&f, req, (size_t)h + 1000);
	ff_bytes(&f, req + h + 1000, 99000);
	ff_data(&f, "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n"
	            "\r\nok");
	mg_http_limits lim = {.max_body = 200000};
	mg_http_server_opts o = {.limits = lim};
	mg_http_server *s = ff_server(&o);
	mg_http_route(s, "POST", "/big", echo_big, NULL);
	mg_http_route(s, "POST", "/echo", echo, NULL);
	ASSERT_EQ(ff_serve(s, &f), 0);
	ff_resp r[3];
	ASSERT_EQ(ff_responses(&f, r, 3, 0), 2);
	ASSERT_STREQ(r[0].body, "100000");
	ASSERT_STREQ(r[1].body, "ok");
	/* The bytes not buffered with the head went straight to the
	 * handler: a few large reads, not one per buffer's worth. */
	ASSERT_CMP(f.reads, <, 10);
}

MGT_TEST(chunked_response_and_http10_close_delimited)
{
	fake_flow f;
	ff_init(&f);
	ff_data(&f, "GET /stream HTTP/1.1\r\nHost: a\r\n\r\n");
	ASSERT_EQ(ff_serve(server(), &f), 0);
	ASSERT_CONTAINS(f.out, "Transfer-Encoding: chunked\r\n\r\n"
	                       "2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n");

	fake_flow g;
	ff_init(&g);
	ff_data(&g, "GET /stream HTTP/1.0\r\n\r\nGET /hello HTTP/1.0\r\n\r\n");
	ASSERT_EQ(ff_serve(server(), &g), 0);
	ff_resp r[2];
	ASSERT_EQ(ff_responses(&g, r, 2, 0), 1);
	char v[64];
	ASSERT_STREQ(ff_field(&r[0], "Connection", v, sizeof v), "close");
	ASSERT_TRUE(!r[0].chunked);
	ASSERT_STREQ(r[0].body, "abcde");
}

MGT_TEST(http10_keep_alive_on_request)
{
	fake_flow f;
	ASSERT_EQ(ff_serve_str(
	              server(), &f,
	              "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
	              "GET /hello HTTP/1.0\r\n\r\nGET /hello HTTP/1.0\r\n\r\n"),
	          0);
	ff_resp r[3];
	ASSERT_EQ(ff_responses(&f, r, 3, 0), 2);
	char v[64];
	ASSERT_STREQ(ff_field(&r[0], "Connection", v, sizeof v), "keep-alive");
	ASSERT_STREQ(ff_field(&r[1], "Connection", v, sizeof v), "close");
}

MGT_TEST(connection_close_from_the_client)
{
	fake_flow f;
	ASSERT_EQ(
	    ff_serve_str(
	        server(), &f,
	        "GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
	        "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n"),
	    0);
	ff_resp r[2];
	ASSERT_EQ(ff_responses(&f, r, 2, 0), 1);
	char v[64];
	ASSERT_STREQ(ff_field(&r[0], "Connection", v, sizeof v), "close");
}

MGT_TEST(head_has_the_get_head_and_no_body)
{
	fake_flow f;
	ff_init(&f);
	ff_data(&f, "HEAD /hello HTTP/1.1\r\nHost: a\r\n\r\n"
	            "HEAD /stream HTTP/1.1\r\nHost: a\r\n\r\n"
	            "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
	ASSERT_EQ(ff_serve(server(), &f), 0);
	ff_resp r[3];
	ASSERT_EQ(ff_responses(&f, r, 3, 0x3), 3);
	char v[64];
	ASSERT_STREQ(ff_field(&r[0], "Content-Length", v, sizeof v), "5");
	ASSERT_EQ(r[0].body_len, 0);
	ASSERT_TRUE(r[1].chunked);
	ASSERT_EQ(r[1].body_len, 0);
	ASSERT_STREQ(r[2].body, "hello"); /* framing held */
	ASSERT_TRUE(strstr(f.out, "0\r\n\r\n") == NULL);
}

MGT_TEST(continue_is_sent_when_the_handler_reads)
{
	fake_flow f;
	ff_init(&f);
	ff_data(&f, "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
	            "Expect: 100-continue\r\n\r\n");
	ff_wait(&f, MG_NS_PER_S / 2);
	ff_data(&f, "hello");
	ASSERT_EQ(ff_serve(server(), &f), 0);
	ff_resp r[3];
	ASSERT_EQ(ff_responses(&f, r, 3, 0), 2);
	ASSERT_EQ(r[0].status, 100);
	ASSERT_EQ(r[1].status, 200);
	ASSERT_STREQ(r[1].body, "hello");
	char v[64];
	ASSERT_TRUE(ff_field(&r[1], "Connection", v, sizeof v) == NULL);
}

MGT_TEST(continue_is_not_sent_when_the_body_came_along)
{
	fake_flow f;
	ff_init(&f);
	ff_data(&f, "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
	            "Expect: 100-continue\r\n\r\nhello");
	ASSERT_EQ(ff_serve(server(), &f), 0);
	ff_resp r[2];
	ASSERT_EQ(ff_responses(&f, r, 2, 0), 1);
	ASSERT_EQ(r[0].status, 200);
	ASSERT_STREQ(r[0].body, "hello");
}

MGT_TEST(continue_not_sent_when_answered_without_reading)
{
	fake_flow f;
	ff_init(&f);
	ff_data(&f, "POST /hello HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
	            "Expect: 100-continue\r\n\r\n");
	ff_wait(&f, MG_NS_PER_S);
	mg_http_server *s = server();
	mg_http_route(s, "POST", "/hello", ff_hello, NULL);
	ASSERT_EQ(ff_serve(s, &f), 0);
	ff_resp r[2];
	ASSERT_EQ(ff_responses(&f, r, 2, 0), 1);
	ASSERT_EQ(r[0].status, 200);
	char v[64];
	ASSERT_STREQ(ff_field(&r[0], "Connection", v, sizeof v), "close");
	ASSERT_TRUE(strstr(f.out, "100 Continue") == NULL);
}

MGT_TEST(http10_expect_is_ignored)
{
	fake_flow f;
	ff_init(&f);
	ff_data(&f, "POST /echo HTTP/1.0\r\nContent-Length: 2\r\n"
	            "Expect: 100-continue\r\n\r\n");
	ff_data(&f, "hi");
	ASSERT_EQ(ff_serve(server(), &f), 0);
	ff_resp r[2];
	ASSERT_EQ(ff_responses(&f, r, 2, 0), 1);
	ASSERT_STREQ(r[0].body, "hi");
}

static uint64_t fixed_time(void *self)
{
	(void)self;
	return 784111777ull * MG_NS_PER_S + 5; /* RFC 9110's example */
}

MGT_TEST(date_and_server_fields)
{
	static const mg_pclock_ops ops = {fixed_time};
	mg_pclock clock = {&ops, NULL};
	mg_http_server_opts o = {.pclock = &clock, .server = "morgana"};
	mg_http_server *s = ff_server(&o);
	mg_http_route(s, "GET", "/hello", ff_hello, NULL);
	fake_flow f;
	ff_init(&f);
	ff_data(&f, "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
	ASSERT_EQ(ff_serve(s, &f), 0);
	ASSERT_CONTAINS(f.out, "HTTP/1.1 200 OK\r\n"
	                       "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	                       "Server: morgana\r\n"
	                       "Content-Type: text/plain\r\n"
	                       "Content-Length: 5\r\n\r\nhello");
	mg_http_server *bad;
	o.server = "a\r\nX: y";
	ASSERT_EQ(mg_http_server_new(&o, &bad), MG_EINVAL);
}
