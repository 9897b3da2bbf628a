/* HTTP server over a scripted flow: error statuses, timeouts, drain, limits. */
#include "http_server_fake.h"

static int fails(mg_http_request *req, mg_http_response *res, void *arg)
{
	(void)req;
	(void)res;
	(void)arg;
	return MG_EIO;
}

static int silent(mg_http_request *req, mg_http_response *res, void *arg)
{
	(void)req;
	(void)res;
	(void)arg;
	return 0;
}

/* Starts a body, then fails: before (arg != NULL) or after a write. */
static int fails_midway(mg_http_request *req, mg_http_response *res, void *arg)
{
	(void)req;
	mg_http_response_start(res, MG_HTTP_LENGTH_UNKNOWN);
	if (!arg)
		mg_http_response_write(res, mg_cbuf_str("part"));
	return MG_EIO;
}

static int last_read; /* what the reading handler's last read returned */

static int reads_body(mg_http_request *req, mg_http_response *res, void *arg)
{
	(void)arg;
	char b[64];
	int r;
	while ((r = mg_http_body_read(req, mg_buf_make(b, sizeof b),
	                              MG_FOREVER)) > 0)
		;
	last_read = r;
	if (r < 0)
		return r;
	return mg_http_reply(res, 200, NULL, mg_cbuf_str("read"));
}

static mg_http_server *server(const mg_http_server_opts *o)
{
	mg_http_server *s = ff_server(o);
	mg_http_route(s, "GET", "/hello", ff_hello, NULL);
	mg_http_route(s, "POST", "/hello", ff_hello, NULL);
	mg_http_route(s, "PUT", "/read", reads_body, NULL);
	mg_http_route(s, NULL, "/fail", fails, NULL);
	mg_http_route(s, NULL, "/silent", silent, NULL);
	mg_http_route(s, NULL, "/midway", fails_midway, NULL);
	mg_http_route(s, NULL, "/early", fails_midway, "");
	mg_http_route(s, "DELETE", "/things/*", ff_hello, NULL);
	mg_http_route(s, "PUT", "/things/*", ff_hello, NULL);
	return s;
}

/* Serve (in) then one more request; the responses (at most 3). */
static int serve_one(const char *in, ff_resp *r, fake_flow *f)
{
	ff_init(f);
	ff_data(f, in);
	ff_data(f, "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
	mg_http_limits lim = {
	    .max_request_line = 64, .max_header_bytes = 256, .max_body = 1000};
	mg_http_server_opts o = {.limits = lim};
	ff_serve(server(&o), f);
	return ff_responses(f, r, 3, 0);
}

MGT_TEST(parser_refusals_answer_their_status_and_close)
{
	static char line[200], head[400];
	snprintf(line, sizeof line, "GET /%0100d HTTP/1.1\r\nHost: a\r\n\r\n",
	         0);
	snprintf(head, sizeof head,
	         "GET / HTTP/1.1\r\nHost: a\r\nX: %0300d\r\n\r\n", 0);
	static const struct {
		const char *in;
		int status;
	} cases[] = {
	    {"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
	     "Transfer-Encoding: chunked\r\n\r\n",
	     400},
	    {"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
	     "Content-Length: 2\r\n\r\n",
	     400},
	    {"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n", 400},
	    {"GET  / HTTP/1.1\r\n\r\n", 400},
	    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n", 413},
	    {NULL, 414},
	    {"GET / HTTP/1.1\r\nHost: a\r\nExpect: tea\r\n\r\n", 417},
	    {NULL, 431},
	    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, "
	     "chunked\r\n\r\n",
	     501},
	    {"GET / HTTP/2.0\r\n\r\n", 505},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *in = cases[i].in;
		if (!in)
			in = cases[i].status == 414 ? line : head;
		fake_flow f;
		ff_resp r[3];
		ASSERT_EQ(serve_one(in, r, &f), 1);
		ASSERT_EQ(r[0].status, cases[i].status);
		char v[64];
		ASSERT_STREQ(ff_field(&r[0], "Connection", v, sizeof v),
		             "close");
		ASSERT_TRUE(f.shut);
	}
}

MGT_TEST(bad_chunk_size_while_reading_is_400_and_close)
{
	fake_flow f;
	ff_resp r[3];
	ASSERT_EQ(serve_one("PUT /read HTTP/1.1\r\nHost: a\r\n"
	                    "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
	                    "zz\r\n",
	                    r, &f),
	          1);
	ASSERT_EQ(r[0].status, 400);
	ASSERT_EQ(last_read, MG_EPROTO);
	ASSERT_EQ(serve_one("PUT /read HTTP/1.1\r\nHost: a\r\n"
	                    "Transfer-Encoding: chunked\r\n\r\n"
	                    "fffffffff\r\n",
	                    r, &f),
	          1);
	ASSERT_EQ(r[0].status, 413);
}

MGT_TEST(not_found_and_method_not_allowed)
{
	fake_flow f;
	ff_resp r[3];
	char v[64];
	ASSERT_EQ(serve_one("GET /nope HTTP/1.1\r\nHost: a\r\n\r\n", r, &f), 2);
	ASSERT_EQ(r[0].status, 404);
	ASSERT_STREQ(r[0].body, "404 Not Found\n");
	ASSERT_TRUE(ff_field(&r[0], "Connection", v, sizeof v) == NULL);
	ASSERT_EQ(r[1].status, 200);

	ASSERT_EQ(serve_one("DELETE /hello HTTP/1.1\r\nHost: a\r\n\r\n", r, &f),
	          2);
	ASSERT_EQ(r[0].status, 405);
	ASSERT_STREQ(ff_field(&r[0], "Allow", v, sizeof v), "GET, HEAD, POST");
	ASSERT_EQ(serve_one("GET /things/1 HTTP/1.1\r\nHost: a\r\n\r\n", r, &f),
	          2);
	ASSERT_EQ(r[0].status, 405);
	ASSERT_STREQ(ff_field(&r[0], "Allow", v, sizeof v), "DELETE, PUT");
	ASSERT_EQ(serve_one("PUT /things/1 HTTP/1.1\r\nHost: a\r\n"
	                    "Content-Length: 0\r\n\r\n",
	                    r, &f),
	          2);
	ASSERT_EQ(r[0].status, 200);
}

MGT_TEST(fallback_takes_unrouted_paths)
{
	fake_flow f;
	ff_init(&f);
	ff_data(&f,
	        "GET /nope HTTP/1.1\r\nHost: a\r\n\r\n"
	        "POST /fail HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
	mg_http_server *s = ff_server(NULL);
	mg_http_route(s, "GET", "/fail", fails, NULL);
	mg_http_fallback(s, ff_hello, NULL);
	ff_serve(s, &f);
	ff_resp r[3];
	ASSERT_EQ(ff_responses(&f, r, 3, 0), 2);
	ASSERT_EQ(r[0].status, 200);
	ASSERT_EQ(r[1].status, 405); /* the path is routed, not the method */
}

MGT_TEST(handler_errors_before_the_head_are_500)
{
	static const char *paths[] = {"/fail", "/silent", "/early"};
	for (int i = 0; i < 3; i++) {
		char in[128];
		snprintf(in, sizeof in, "GET %s HTTP/1.1\r\nHost: a\r\n\r\n",
		         paths[i]);
		fake_flow f;
		ff_resp r[3];
		ASSERT_EQ(serve_one(in, r, &f), 2);
		ASSERT_EQ(r[0].status, 500);
		ASSERT_STREQ(r[0].body, "500 Internal Server Error\n");
		ASSERT_EQ(r[1].status, 200); /* the connection goes on */
	}
}

MGT_TEST(handler_error_after_the_head_cuts_the_body)
{
	fake_flow f;
	ff_init(&f);
	ff_data(&f, "GET /midway HTTP/1.1\r\nHost: a\r\n\r\n"
	            "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
	ff_serve(server(NULL), &f);
	ASSERT_CONTAINS(f.out, "200 OK");
	ASSERT_CONTAINS(f.out, "4\r\npart\r\n");
	ASSERT_TRUE(strstr(f.out, "0\r\n\r\n") == NULL);
	ASSERT_EQ(ff_count(f.out, "HTTP/1.1"), 1);
}

MGT_TEST(header_timeout_is_408_and_close)
{
	fake_flow f;
	ff_init(&f);
	ff_data(&f, "GET /hello HTTP/1.1\r\nHo");
	ff_wait(&f, 11 * MG_NS_PER_S);
	ff_data(&f, "st: a\r\n\r\n");
	uint64_t t0 = ff_now;
	ff_serve(server(NULL), &f);
	ff_resp r[2];
	ASSERT_EQ(ff_responses(&f, r, 2, 0), 1);
	ASSERT_EQ(r[0].status, 408);
	ASSERT_EQ(f.shut_at - t0, 10 * MG_NS_PER_S);
}

MGT_TEST(slowloris_is_cut_at_the_header_timeout)
{
	static const char in[] = "GET /hello HTTP/1.1\r\nHost: a\r\n"
	                         "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
	fake_flow f;
	ff_init(&f);
	for (size_t i = 0; i + 1 < sizeof in; i++) {
		ff_bytes(&f, in + i, 1);
		ff_wait(&f, MG_NS_PER_S);
	}
	mg_http_server_opts o = {.header_timeout_ns = 2 * MG_NS_PER_S};
	uint64_t t0 = ff_now;
	ff_serve(server(&o), &f);
	ff_resp r[2];
	ASSERT_EQ(ff_responses(&f, r, 2, 0), 1);
	ASSERT_EQ(r[0].status, 408);
	ASSERT_EQ(f.shut_at - t0, 2 * MG_NS_PER_S);
}

MGT_TEST(idle_connections_close_without_a_word)
{
	/* Between requests: after the idle timeout. */
	fake_flow f;
	ff_init(&f);
	ff_data(&f, "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
	ff_wait(&f, 31 * MG_NS_PER_S);
	ff_data(&f, "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
	uint64_t t0 = ff_now;
	ff_serve(server(NULL), &f);
	ff_resp r[2];
	ASSERT_EQ(ff_responses(&f, r, 2, 0), 1);
	ASSERT_EQ(f.shut_at - t0, 30 * MG_NS_PER_S);

	/* A new connection that sends nothing: after the header timeout. */
	fake_flow g;
	ff_init(&g);
	ff_wait(&g, 60 * MG_NS_PER_S);
	t0 = ff_now;
	ff_serve(server(NULL), &g);
	ASSERT_EQ(g.out_len, 0);
	ASSERT_EQ(g.shut_at - t0, 10 * MG_NS_PER_S);

	/* Empty lines are nothing either. */
	fake_flow h;
	ff_init(&h);
	ff_data(&h, "\r\n\r\n");
	ff_wait(&h, 60 * MG_NS_PER_S);
	ff_serve(server(NULL), &h);
	ASSERT_EQ(h.out_len, 0);
}

MGT_TEST(body_read_times_out)
{
	fake_flow f;
	ff_init(&f);
	ff_data(&f, "PUT /read HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n"
	            "\r\n12345");
	ff_wait(&f, 40 * MG_NS_PER_S);
	ff_data(&f, "67890");
	ff_serve(server(NULL), &f);
	ASSERT_EQ(last_read, MG_ETIMEDOUT);
	ff_resp r[2];
	ASSERT_EQ(ff_responses(&f, r, 2, 0), 1);
	ASSERT_EQ(r[0].status, 408);
	char v[64];
	ASSERT_STREQ(ff_field(&r[0], "Connection", v, sizeof v), "close");
}

MGT_TEST(unread_bodies_are_drained_up_to_a_bound)
{
	static char big[2100];
	int n = snprintf(big, sizeof big,
	                 "POST /hello HTTP/1.1\r\nHost: a\r\n"
	                 "Content-Length: 2000\r\n\r\n");
	memset(big + n, 'b', 2000);
	mg_http_server_opts o = {.max_drain = 1500};
	static const char *in[] = {
	    "POST /hello HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n",
	    "POST /hello HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n3\r\nabc\r\n0\r\n\r\n",
	    big,
	};
	for (int i = 0; i < 3; i++) {
		fake_flow f;
		ff_init(&f);
		if (i == 0) {
			ff_data(&f, in[0]);
			static char body[100];
			memset(body, 'a', sizeof body);
			ff_bytes(&f, body, 60);
			ff_bytes(&f, body, 40);
		} else {
			ff_data(&f, in[i]);
		}
		ff_data(&f, "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
		ff_serve(server(&o), &f);
		ff_resp r[3];
		ASSERT_EQ(ff_responses(&f, r, 3, 0), i == 2 ? 1 : 2);
		ASSERT_EQ(r[0].status, 200);
	}
}

MGT_TEST(peer_reset_and_write_failure_end_the_connection)
{
	fake_flow f;
	ff_init(&f);
	ff_data(&f, "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n"
	            "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
	f.fail_writes_at = 1;
	ASSERT_EQ(ff_serve(server(NULL), &f), MG_ECONNRESET);
	ASSERT_EQ(f.writes, 1);

	fake_flow g;
	ff_init(&g);
	ff_data(&g, "PUT /read HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n"
	            "\r\n12");
	ff_step_add(&g, (ff_step){FF_RESET, NULL, 0, 0});
	ff_serve(server(NULL), &g);
	ASSERT_EQ(last_read, MG_ECONNRESET);
}
