/* The HTTP client over scripted in-memory connections. */
#include <mg/http_client.h>

#include "http_client_fake.h"

static const mg_ipv4_endpoint server = {{0x0a000001}, 8080};

static mg_http_client *client(const mg_http_client_opts *o)
{
	return client_of(server, o);
}

/* Read the whole body in pieces of at most (step) bytes. */
static size_t read_body(mg_http_client *c, char *out, size_t cap, size_t step)
{
	size_t n = 0;
	for (;;) {
		ASSERT_CMP(n + step, <=, cap);
		int r = mg_http_client_read(c, mg_buf_make(out + n, step));
		ASSERT_CMP(r, >=, 0);
		if (r == 0)
			break;
		n += (size_t)r;
	}
	out[n] = 0;
	return n;
}

static void wrote(const fake_conn *f, const char *want)
{
	if (f->wlen != strlen(want) || memcmp(f->wrote, want, f->wlen) != 0)
		mgt_fail(__FILE__, __LINE__, "wrote:\n%.*s\nwant:\n%s",
		         (int)f->wlen, f->wrote, want);
}

static const char *const two_gets[] = {
    "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-Thing: a b\r\n"
    "x-thing: second\r\n\r\nhello world",
    "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n"
    "3\r\nno!\r\n1;x=y\r\n?\r\n0\r\nT: 1\r\n\r\n",
    NULL};

MGT_TEST(client_two_gets_on_one_connection_in_every_read_size)
{
	for (size_t max = 0; max <= 13; max++) {
		fake_flow(&conns[0], two_gets, max);
		mg_http_client *c = client(NULL);
		const char *h[] = {"X-Y", "z", NULL};
		mg_http_client_req req = {.target = "/a?b=c", .headers = h};
		mg_http_client_resp r;
		char body[64];
		ASSERT_EQ(mg_http_client_send(c, &req, &r), 0);
		ASSERT_EQ(r.status, 200);
		ASSERT_EQ(r.version_minor, 1);
		ASSERT_TRUE(mg_cbuf_eq(r.phrase, mg_cbuf_str("OK")));
		ASSERT_EQ(r.body, MG_HTTP_BODY_LENGTH);
		ASSERT_EQ(r.content_length, 11);
		ASSERT_TRUE(r.keep_alive);
		mg_cbuf v, n;
		ASSERT_TRUE(mg_http_client_header(&r, "X-THING", &v));
		ASSERT_TRUE(mg_cbuf_eq(v, mg_cbuf_str("a b")));
		ASSERT_TRUE(!mg_http_client_header(&r, "X-Thin", &v));
		size_t pos = 0, count = 0;
		while (mg_http_client_header_next(&r, &pos, &n, &v))
			count++;
		ASSERT_EQ(count, 3);
		ASSERT_EQ(read_body(c, body, sizeof body, 3), 11);
		ASSERT_STREQ(body, "hello world");
		/* The head stays readable after the body. */
		ASSERT_TRUE(mg_http_client_header(&r, "content-length", &v));
		ASSERT_TRUE(mg_cbuf_eq(v, mg_cbuf_str("11")));

		ASSERT_EQ(mg_http_client_send(c, &req, &r), 0);
		ASSERT_EQ(r.status, 404);
		ASSERT_EQ(r.body, MG_HTTP_BODY_CHUNKED);
		ASSERT_EQ(read_body(c, body, sizeof body, 2), 4);
		ASSERT_STREQ(body, "no!?");
		ASSERT_EQ(mg_http_client_read(c, mg_buf_make(body, 4)), 0);
		ASSERT_EQ(stack.used, 1);
		ASSERT_EQ(conns[0].closed, 0);
		wrote(&conns[0], "GET /a?b=c HTTP/1.1\r\nX-Y: z\r\n"
		                 "Host: 10.0.0.1:8080\r\n\r\n"
		                 "GET /a?b=c HTTP/1.1\r\nX-Y: z\r\n"
		                 "Host: 10.0.0.1:8080\r\n\r\n");
		mg_http_client_free(c);
		ASSERT_EQ(conns[0].closed, 1);
	}
}

static const char *const ok_empty[] = {
    "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", NULL};

struct pieces {
	const char *const *p;
	size_t i;
};

static int next_piece(void *arg, mg_buf room)
{
	struct pieces *s = arg;
	const char *p = s->p[s->i];
	if (!p)
		return 0;
	s->i++;
	return (int)mg_buf_copy(room, mg_cbuf_str(p));
}

MGT_TEST(client_request_bodies_in_memory_callback_and_writes)
{
	fake_flow(&conns[0], ok_empty, 0);
	mg_http_client_opts o = {.host = "example.org"};
	mg_http_client *c = client(&o);
	mg_http_client_resp r;
	mg_http_client_req post = {
	    .method = "POST", .target = "/p", .body = mg_cbuf_str("a=1")};
	ASSERT_EQ(mg_http_client_send(c, &post, &r), 0);
	ASSERT_EQ(r.status, 201);
	/* A callback's pieces go as chunks. */
	const char *bits[] = {"hello", "chunked world", NULL};
	struct pieces s = {bits, 0};
	mg_http_client_req put = {.method = "PUT",
	                          .target = "/q",
	                          .body_fn = next_piece,
	                          .body_arg = &s,
	                          .chunked = true};
	ASSERT_EQ(mg_http_client_send(c, &put, &r), 0);
	/* Writes with a length given. */
	mg_http_client_req w = {.method = "POST", .stream = true, .length = 7};
	ASSERT_EQ(mg_http_client_send(c, &w, &r), MG_EINVAL);
	ASSERT_EQ(mg_http_client_begin(c, &w), 0);
	ASSERT_EQ(mg_http_client_begin(c, &w), MG_EINVAL);
	ASSERT_EQ(mg_http_client_write(c, mg_cbuf_str("abc")), 0);
	ASSERT_EQ(mg_http_client_write(c, mg_cbuf_str("")), 0);
	ASSERT_EQ(mg_http_client_write(c, mg_cbuf_str("defg")), 0);
	ASSERT_EQ(mg_http_client_end(c, &r), 0);
	ASSERT_EQ(r.status, 200);
	wrote(&conns[0], "POST /p HTTP/1.1\r\nHost: example.org\r\n"
	                 "Content-Length: 3\r\n\r\na=1"
	                 "PUT /q HTTP/1.1\r\nHost: example.org\r\n"
	                 "Transfer-Encoding: chunked\r\n\r\n"
	                 "5\r\nhello\r\nd\r\nchunked world\r\n0\r\n\r\n"
	                 "POST / HTTP/1.1\r\nHost: example.org\r\n"
	                 "Content-Length: 7\r\n\r\nabcdefg");
	ASSERT_EQ(stack.used, 1);
	mg_http_client_free(c);
}

MGT_TEST(client_body_not_as_long_as_said)
{
	fake_flow(&conns[0], ok_empty, 0);
	fake_flow(&conns[1], ok_empty, 0);
	mg_http_client *c = client(NULL);
	mg_http_client_resp r;
	mg_http_client_req w = {.method = "PUT", .stream = true, .length = 2};
	ASSERT_EQ(mg_http_client_begin(c, &w), 0);
	ASSERT_EQ(mg_http_client_write(c, mg_cbuf_str("abc")), MG_EINVAL);
	ASSERT_EQ(conns[0].closed, 1);
	ASSERT_EQ(mg_http_client_begin(c, &w), 0);
	ASSERT_EQ(mg_http_client_write(c, mg_cbuf_str("a")), 0);
	ASSERT_EQ(mg_http_client_end(c, &r), MG_EINVAL);
	ASSERT_EQ(conns[1].closed, 1);
	ASSERT_EQ(mg_http_client_read(c, mg_buf_make(&r, 1)), MG_EINVAL);
	mg_http_client_free(c);
}

MGT_TEST(client_refuses_bad_requests)
{
	fake_flow(&conns[0], ok_empty, 0);
	mg_http_client *c = client(NULL);
	mg_http_client_resp r;
	const char *crlf[] = {"X", "a\r\nB: c", NULL};
	const char *cl[] = {"content-length", "5", NULL};
	const char *te[] = {"Transfer-Encoding", "chunked", NULL};
	const char *name[] = {"X Y", "z", NULL};
	const char *half[] = {"X", NULL};
	mg_http_client_req bad[] = {
	    {.method = "GE T"},  {.method = ""},    {.target = "/a b"},
	    {.target = "/\x7f"}, {.headers = crlf}, {.headers = cl},
	    {.headers = te},     {.headers = name}, {.headers = half},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ASSERT_EQ(mg_http_client_send(c, &bad[i], &r), MG_EINVAL);
	/* A head larger than the buffer. */
	static char big[40000];
	memset(big, 'a', sizeof big - 1);
	mg_http_client_req huge = {.target = big};
	ASSERT_EQ(mg_http_client_send(c, &huge, &r), MG_ENOSPC);
	/* Nothing was sent: no connection was even made. */
	ASSERT_EQ(stack.used, 0);
	mg_http_client_opts o = {.host = "a\r\nb"};
	mg_http_client *c2;
	ASSERT_EQ(mg_http_client_new(&net, server, &o, &c2), MG_EINVAL);
	mg_http_client_free(c);
	mg_http_client_free(NULL);
}

static const char *const continue_then_ok[] = {
    "HTTP/1.1 100 Continue\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", NULL};
static const char *const early_417[] = {
    "HTTP/1.1 103 Early Hints\r\nLink: <x>\r\n\r\n",
    "HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n", NULL};
static const char *const silent_then_ok[] = {
    FAKE_STALL, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", NULL};

MGT_TEST(client_expect_100_continue)
{
	fake_flow(&conns[0], continue_then_ok, 1);
	mg_http_client *c = client(NULL);
	mg_http_client_resp r;
	char body[8];
	mg_http_client_req post = {.method = "POST",
	                           .body = mg_cbuf_str("data"),
	                           .expect_continue = true};
	ASSERT_EQ(mg_http_client_send(c, &post, &r), 0);
	ASSERT_EQ(r.status, 200);
	ASSERT_EQ(read_body(c, body, sizeof body, 4), 2);
	wrote(&conns[0], "POST / HTTP/1.1\r\nHost: 10.0.0.1:8080\r\n"
	                 "Content-Length: 4\r\nExpect: 100-continue\r\n\r\n"
	                 "data");
	mg_http_client_free(c);
}

MGT_TEST(client_expect_refused_or_unanswered)
{
	fake_flow(&conns[0], early_417, 0);
	fake_flow(&conns[1], silent_then_ok, 0);
	mg_http_client *c = client(NULL);
	mg_http_client_resp r;
	mg_http_client_req s = {.method = "POST",
	                        .stream = true,
	                        .chunked = true,
	                        .expect_continue = true};
	/* A final answer first: no body, and the connection closes, since
	 * the server may still wait for it. */
	ASSERT_EQ(mg_http_client_begin(c, &s), 0);
	ASSERT_EQ(mg_http_client_write(c, mg_cbuf_str("x")), 1);
	ASSERT_EQ(mg_http_client_write(c, mg_cbuf_str("y")), 1);
	ASSERT_EQ(mg_http_client_end(c, &r), 0);
	ASSERT_EQ(r.status, 417);
	ASSERT_EQ(mg_http_client_read(c, mg_buf_make(&r, 1)), 0);
	ASSERT_EQ(conns[0].closed, 1);
	wrote(&conns[0], "POST / HTTP/1.1\r\nHost: 10.0.0.1:8080\r\n"
	                 "Transfer-Encoding: chunked\r\n"
	                 "Expect: 100-continue\r\n\r\n");
	/* No answer within continue_timeout_ns: the body goes anyway. */
	mg_http_client_req post = {.method = "POST",
	                           .body = mg_cbuf_str("data"),
	                           .expect_continue = true};
	ASSERT_EQ(mg_http_client_send(c, &post, &r), 0);
	ASSERT_EQ(r.status, 200);
	ASSERT_EQ(stack.used, 2);
	wrote(&conns[1], "POST / HTTP/1.1\r\nHost: 10.0.0.1:8080\r\n"
	                 "Content-Length: 4\r\nExpect: 100-continue\r\n\r\n"
	                 "data");
	mg_http_client_free(c);
}
