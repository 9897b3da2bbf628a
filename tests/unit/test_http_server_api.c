/* HTTP server API: request views, response rules, helpers, connection limit,
 * free. */
#include "http_server_fake.h"

static char seen[1024]; /* what the inspecting handler saw */

static void put(const char *tag, mg_cbuf v)
{
	size_t n = strlen(seen);
	snprintf(seen + n, sizeof seen - n, "%s=%.*s;", tag, (int)v.len,
	         (const char *)v.p);
}

static int inspect(mg_http_request *req, mg_http_response *res, void *arg)
{
	(void)arg;
	seen[0] = 0;
	put("m", req->method);
	put("t", req->target);
	put("p", req->path);
	put("q", req->query);
	put("r", req->rest);
	mg_cbuf v;
	if (mg_http_header(req, "x-ONE", &v))
		put("x1", v);
	if (!mg_http_header(req, "missing", &v))
		put("none", mg_cbuf_str(""));
	size_t pos = 0;
	mg_cbuf n;
	while (mg_http_header_next(req, &pos, &n, &v))
		put("h", n);
	mg_ipv4_endpoint peer;
	if (mg_http_request_peer(req, &peer) == 0 && peer.port == 40000)
		put("peer", mg_cbuf_str("ok"));
	return mg_http_reply(res, 200, NULL, mg_cbuf_str(""));
}

MGT_TEST(request_views_and_fields)
{
	mg_http_server *s = ff_server(NULL);
	mg_http_route(s, "GET", "/files/*", inspect, NULL);
	mg_http_route(s, NULL, "/exact", inspect, NULL);
	fake_flow f;
	ff_serve_str(s, &f,
	             "GET /files/a/b%20c?x=1&y HTTP/1.1\r\nHost: h\r\n"
	             "X-One:  first \r\nx-one: second\r\n\r\n");
	ASSERT_STREQ(seen, "m=GET;t=/files/a/b%20c?x=1&y;p=/files/a/b%20c;"
	                   "q=x=1&y;r=a/b%20c;x1=first;none=;h=Host;h=X-One;"
	                   "h=x-one;peer=ok;");
	ff_serve_str(s, &f,
	             "OPTIONS http://h:80/exact?q HTTP/1.1\r\nHost: h\r\n\r\n");
	ASSERT_STREQ(seen, "m=OPTIONS;t=http://h:80/exact?q;p=/exact;q=q;"
	                   "r=/exact;none=;h=Host;peer=ok;");
	ASSERT_EQ(mg_http_route(s, "GET", "nope", inspect, NULL), MG_EINVAL);
}

MGT_TEST(routes_match_in_order_and_by_prefix)
{
	mg_http_server *s = ff_server(NULL);
	mg_http_route(s, "GET", "/a", inspect, NULL);
	mg_http_route(s, NULL, "/*", inspect, NULL);
	fake_flow f;
	ff_serve_str(s, &f, "GET /abc HTTP/1.1\r\nHost: h\r\n\r\n");
	ASSERT_CONTAINS(seen, "r=abc;");
	ff_serve_str(s, &f, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n");
	ASSERT_CONTAINS(seen, "r=/a;"); /* the exact route came first */
}

static int checks(mg_http_request *req, mg_http_response *res, void *arg)
{
	(void)req;
	(void)arg;
	ASSERT_EQ(mg_http_response_header(res, "Content-Length", "1"),
	          MG_EINVAL);
	ASSERT_EQ(mg_http_response_header(res, "connection", "x"), MG_EINVAL);
	ASSERT_EQ(mg_http_response_header(res, "Bad Name", "x"), MG_EINVAL);
	ASSERT_EQ(mg_http_response_header(res, "X", "a\r\nY: b"), MG_EINVAL);
	ASSERT_EQ(mg_http_response_status(res, 101), MG_EINVAL);
	ASSERT_EQ(mg_http_response_status(res, 600), MG_EINVAL);
	ASSERT_EQ(mg_http_response_write(res, mg_cbuf_str("x")), MG_EINVAL);
	ASSERT_EQ(mg_http_response_end(res), MG_EINVAL);
	ASSERT_TRUE(!mg_http_response_started(res));
	static char big[MG__HTTP_FIELDS_MAX];
	memset(big, 'v', sizeof big - 1);
	ASSERT_EQ(mg_http_response_header(res, "X-Big", big), MG_ENOMEM);
	ASSERT_EQ(mg_http_response_header(res, "X-Ok", "yes"), 0);
	ASSERT_EQ(mg_http_response_status(res, 201), 0);
	ASSERT_EQ(mg_http_response_start(res, 4), 0);
	ASSERT_TRUE(mg_http_response_started(res));
	ASSERT_EQ(mg_http_response_header(res, "X-Late", "1"), MG_EINVAL);
	ASSERT_EQ(mg_http_response_start(res, 4), MG_EINVAL);
	ASSERT_EQ(mg_http_response_write(res, mg_cbuf_str("abc")), 0);
	/* Over the length: refused, and the connection will close. */
	ASSERT_EQ(mg_http_response_write(res, mg_cbuf_str("de")), MG_EINVAL);
	return 0;
}

MGT_TEST(response_calls_are_checked)
{
	mg_http_server *s = ff_server(NULL);
	mg_http_route(s, NULL, "/", checks, NULL);
	fake_flow f;
	ff_serve_str(s, &f,
	             "GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\n"
	             "Host: h\r\n\r\n");
	ASSERT_CONTAINS(f.out, "HTTP/1.1 201 Created\r\nX-Ok: yes\r\n"
	                       "Content-Length: 4\r\n\r\nabc");
	ASSERT_EQ(ff_count(f.out, "HTTP/1.1"), 1);
}

static int status_only(mg_http_request *req, mg_http_response *res, void *arg)
{
	(void)req;
	int st = (int)(intptr_t)arg;
	if (st == 299) {
		/* A 304 that says what length the 200 would have had. */
		mg_http_response_status(res, 304);
		mg_http_response_start(res, 1234);
		return mg_http_response_end(res);
	}
	return mg_http_reply(res, st, NULL, mg_cbuf_str(""));
}

MGT_TEST(no_content_and_not_modified_have_no_body)
{
	mg_http_server *s = ff_server(NULL);
	mg_http_route(s, NULL, "/204", status_only, (void *)204);
	mg_http_route(s, NULL, "/304", status_only, (void *)304);
	mg_http_route(s, NULL, "/304l", status_only, (void *)299);
	mg_http_route(s, NULL, "/200", status_only, (void *)200);
	fake_flow f;
	ff_serve_str(s, &f,
	             "GET /204 HTTP/1.1\r\nHost: h\r\n\r\n"
	             "GET /304 HTTP/1.1\r\nHost: h\r\n\r\n"
	             "GET /304l HTTP/1.1\r\nHost: h\r\n\r\n"
	             "GET /200 HTTP/1.1\r\nHost: h\r\n\r\n");
	ASSERT_STREQ(f.out, "HTTP/1.1 204 No Content\r\n\r\n"
	                    "HTTP/1.1 304 Not Modified\r\n\r\n"
	                    "HTTP/1.1 304 Not Modified\r\n"
	                    "Content-Length: 1234\r\n\r\n"
	                    "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
}

static int many_pieces(mg_http_request *req, mg_http_response *res, void *arg)
{
	(void)req;
	(void)arg;
	mg_cbuf v[30];
	for (int i = 0; i < 30; i++)
		v[i] = mg_cbuf_str(i % 2 ? "b" : "a");
	mg_http_response_start(res, MG_HTTP_LENGTH_UNKNOWN);
	mg_http_response_write(res, mg_cbuf_str(""));
	return mg_http_response_writev(res, v, 30); /* ended by the server */
}

MGT_TEST(writev_of_many_views_in_chunks)
{
	mg_http_server *s = ff_server(NULL);
	mg_http_route(s, NULL, "/", many_pieces, NULL);
	fake_flow f;
	ff_serve_str(s, &f, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
	ff_resp r[2];
	ASSERT_EQ(ff_responses(&f, r, 2, 0), 1);
	ASSERT_STREQ(r[0].body, "ababababababababababababababab");
	ASSERT_EQ(f.writes, 4); /* 12 + 12 + 6 views, then the last chunk */
}

MGT_TEST(percent_decode_and_query_params)
{
	char out[32];
	ASSERT_EQ(mg_http_percent_decode(mg_cbuf_str("a%20b%2Fc+d"),
	                                 mg_buf_make(out, sizeof out)),
	          7);
	ASSERT_MEMEQ(out, "a b/c+d", 7);
	static const char *bad[] = {"%", "%2", "%zz", "a%00"};
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(mg_http_percent_decode(mg_cbuf_str(bad[i]),
		                                 mg_buf_make(out, sizeof out)),
		          MG_EINVAL);
	ASSERT_EQ(
	    mg_http_percent_decode(mg_cbuf_str("abc"), mg_buf_make(out, 2)),
	    MG_ENOSPC);
	char inplace[] = "x%41y";
	ASSERT_EQ(mg_http_percent_decode(mg_cbuf_str(inplace),
	                                 mg_buf_make(inplace, 5)),
	          3);
	ASSERT_MEMEQ(inplace, "xAy", 3);

	mg_cbuf q = mg_cbuf_str("a=1&bb&c=&d=x%20y"), v;
	ASSERT_TRUE(mg_http_query_param(q, "a", &v) && mg_http_eq(v, "1"));
	ASSERT_TRUE(mg_http_query_param(q, "bb", &v) && v.len == 0);
	ASSERT_TRUE(mg_http_query_param(q, "c", &v) && v.len == 0);
	ASSERT_TRUE(mg_http_query_param(q, "d", &v) && mg_http_eq(v, "x%20y"));
	ASSERT_TRUE(!mg_http_query_param(q, "b", &v));
}

/* --- several connections at once --- */

static mg_cond release = MG_COND_INIT;

static int blocks(mg_http_request *req, mg_http_response *res, void *arg)
{
	(void)req;
	(void)arg;
	int rc = mg_cond_wait(&release);
	if (rc < 0)
		return rc;
	return mg_http_reply(res, 200, NULL, mg_cbuf_str("late"));
}

typedef struct limit_case {
	bool first_busy; /* the first connection is in a handler, not idle */
	bool free_server;
	fake_flow a, b;
	mg_http_server *s;
} limit_case;

static int limit_main(void *arg)
{
	limit_case *lc = arg;
	ff_run ra = {lc->s, &lc->a, 0};
	mg_fiber *fa = mg_spawn(ff_serve_fiber, &ra, NULL);
	mg_yield(); /* the first connection now waits */
	if (lc->free_server) {
		mg_http_server_free(lc->s);
	} else {
		mg_http_server_serve(lc->s, &lc->b.flow);
		mg_cond_signal(&release);
	}
	mg_join(fa);
	return 0;
}

static void limit_run(limit_case *lc)
{
	mg_http_server_opts o = {.max_connections = 1};
	lc->s = ff_server(&o);
	mg_http_route(lc->s, NULL, "/block", blocks, NULL);
	mg_http_route(lc->s, NULL, "/hello", ff_hello, NULL);
	ff_init(&lc->a);
	ff_init(&lc->b);
	if (lc->first_busy)
		ff_data(&lc->a, "GET /block HTTP/1.1\r\nHost: h\r\n\r\n");
	else
		ff_block(&lc->a);
	ff_data(&lc->b, "GET /hello HTTP/1.1\r\nHost: h\r\n\r\n");
	mg__run(mg_spawn(limit_main, lc, NULL));
}

MGT_TEST(over_the_limit_an_idle_connection_makes_room)
{
	static limit_case lc;
	limit_run(&lc);
	ASSERT_EQ(lc.a.out_len, 0);
	ASSERT_TRUE(lc.a.shut);
	ASSERT_CONTAINS(lc.b.out, "hello");
}

MGT_TEST(over_the_limit_with_none_idle_is_503)
{
	static limit_case lc = {.first_busy = true};
	limit_run(&lc);
	ASSERT_STREQ(lc.b.out,
	             "HTTP/1.1 503 Service Unavailable\r\n"
	             "Content-Length: 0\r\nConnection: close\r\n\r\n");
	ASSERT_CONTAINS(lc.a.out, "late");
}

MGT_TEST(free_cancels_the_connections_and_waits)
{
	static limit_case lc = {.first_busy = true, .free_server = true};
	limit_run(&lc);
	/* The handler was cancelled: 503, and the server freed. */
	ASSERT_CONTAINS(lc.a.out, "HTTP/1.1 503 Service Unavailable\r\n");
	ASSERT_CONTAINS(lc.a.out, "Connection: close\r\n");
	ASSERT_TRUE(lc.a.shut);
	static limit_case idle = {.free_server = true};
	limit_run(&idle);
	ASSERT_TRUE(idle.a.shut);
}
