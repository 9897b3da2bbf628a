/* The HTTP client's connections: reuse, reconnects, retries, drains, errors. */
#include <mg/http_client.h>

#include "http_client_fake.h"

static const mg_ipv4_endpoint server = {{0x0a000001}, 80};

static mg_http_client *client(const mg_http_client_opts *o)
{
	return client_of(server, o);
}

/* Send (req) (NULL: a GET of /) and read all its body into (out). */
static int fetch(mg_http_client *c, const mg_http_client_req *req, char *out,
                 size_t cap)
{
	mg_http_client_req get = {0};
	mg_http_client_resp r;
	int rc = mg_http_client_send(c, req ? req : &get, &r);
	if (rc < 0)
		return rc;
	size_t n = 0;
	for (;;) {
		rc = mg_http_client_read(c, mg_buf_make(out + n, cap - 1 - n));
		if (rc <= 0)
			break;
		n += (size_t)rc;
	}
	out[n] = 0;
	return rc < 0 ? rc : r.status;
}

#define OK2 "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
static const char *const ok_then_eof[] = {OK2, FAKE_EOF, NULL};
static const char *const ok_then_late[] = {OK2, FAKE_LATE_EOF, NULL};
static const char *const ok_then_reset[] = {OK2, FAKE_RESET, NULL};
static const char *const ok_twice[] = {OK2, OK2, NULL};
static const char *const ok_once[] = {OK2, NULL};

MGT_TEST(client_reconnects_when_the_server_closed_an_idle_connection)
{
	char b[64];
	/* Seen before sending: any method goes on a new connection. */
	fake_flow(&conns[0], ok_then_eof, 0);
	fake_flow(&conns[1], ok_once, 0);
	mg_http_client *c = client(NULL);
	ASSERT_EQ(fetch(c, NULL, b, sizeof b), 200);
	mg_http_client_req post = {.method = "POST", .body = mg_cbuf_str("x")};
	ASSERT_EQ(fetch(c, &post, b, sizeof b), 200);
	ASSERT_STREQ(b, "ok");
	ASSERT_EQ(stack.used, 2);
	ASSERT_EQ(conns[0].closed, 1);
	ASSERT_EQ(conns[0].wlen,
	          strlen("GET / HTTP/1.1\r\nHost: 10.0.0.1\r\n\r\n"));
	mg_http_client_free(c);

	/* Seen only after sending: an idempotent request is sent again. */
	const char *const *first[] = {ok_then_late, ok_then_reset};
	for (size_t i = 0; i < 2; i++) {
		fake_flow(&conns[0], first[i], 0);
		fake_flow(&conns[1], ok_once, 0);
		c = client(NULL);
		ASSERT_EQ(fetch(c, NULL, b, sizeof b), 200);
		mg_http_client_req put = {.method = "PUT",
		                          .body = mg_cbuf_str("v")};
		ASSERT_EQ(fetch(c, &put, b, sizeof b), 200);
		ASSERT_EQ(stack.used, 2);
		ASSERT_CONTAINS(conns[1].wrote, "PUT / HTTP/1.1");
		mg_http_client_free(c);
	}

	/* Not a POST: the server may have acted on it. */
	fake_flow(&conns[0], ok_then_late, 0);
	fake_flow(&conns[1], ok_once, 0);
	c = client(NULL);
	ASSERT_EQ(fetch(c, NULL, b, sizeof b), 200);
	ASSERT_EQ(fetch(c, &post, b, sizeof b), MG_EPIPE);
	ASSERT_EQ(stack.used, 1);
	/* ...and a new connection for the next one. */
	ASSERT_EQ(fetch(c, NULL, b, sizeof b), 200);
	ASSERT_EQ(stack.used, 2);
	mg_http_client_free(c);
}

MGT_TEST(client_retries_once_and_never_a_fresh_connection)
{
	char b[64];
	/* A fresh connection that fails is not tried again. */
	static const char *const late[] = {FAKE_LATE_EOF, NULL};
	fake_flow(&conns[0], late, 0);
	fake_flow(&conns[1], ok_once, 0);
	mg_http_client *c = client(NULL);
	ASSERT_EQ(fetch(c, NULL, b, sizeof b), MG_EPIPE);
	ASSERT_EQ(stack.used, 1);
	mg_http_client_free(c);
	/* The retry's connection failing too is the end. */
	fake_flow(&conns[0], ok_then_late, 0);
	fake_flow(&conns[1], late, 0);
	fake_flow(&conns[2], ok_once, 0);
	c = client(NULL);
	ASSERT_EQ(fetch(c, NULL, b, sizeof b), 200);
	ASSERT_EQ(fetch(c, NULL, b, sizeof b), MG_EPIPE);
	ASSERT_EQ(stack.used, 2);
	mg_http_client_free(c);
	/* A write failing on a kept connection: sent again. */
	fake_flow(&conns[0], ok_twice, 0);
	fake_flow(&conns[1], ok_once, 0);
	c = client(NULL);
	ASSERT_EQ(fetch(c, NULL, b, sizeof b), 200);
	conns[0].write_err = MG_ECONNRESET;
	ASSERT_EQ(fetch(c, NULL, b, sizeof b), 200);
	ASSERT_EQ(stack.used, 2);
	mg_http_client_free(c);
}

static const char *const until_close[] = {"HTTP/1.0 200 OK\r\n\r\nall ",
                                          "of it", FAKE_EOF, NULL};
static const char *const says_close[] = {
    "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n1", NULL};

MGT_TEST(client_closes_after_a_body_until_close_or_connection_close)
{
	char b[64];
	fake_flow(&conns[0], until_close, 3);
	fake_flow(&conns[1], says_close, 0);
	fake_flow(&conns[2], ok_once, 0);
	mg_http_client *c = client(NULL);
	ASSERT_EQ(fetch(c, NULL, b, sizeof b), 200);
	ASSERT_STREQ(b, "all of it");
	ASSERT_EQ(conns[0].closed, 1);
	ASSERT_EQ(fetch(c, NULL, b, sizeof b), 200);
	ASSERT_EQ(conns[1].closed, 1);
	/* Ours: Connection: close in the request closes it too. */
	mg_http_client_req bye = {.close = true};
	ASSERT_EQ(fetch(c, &bye, b, sizeof b), 200);
	ASSERT_EQ(conns[2].closed, 1);
	ASSERT_CONTAINS(conns[2].wrote, "\r\nConnection: close\r\n");
	ASSERT_EQ(stack.used, 3);
	mg_http_client_free(c);
}

static const char *const head_then_get[] = {
    "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n",
    "HTTP/1.1 204 No Content\r\n\r\n", OK2, NULL};

MGT_TEST(client_head_and_no_content_have_no_body)
{
	char b[64];
	fake_flow(&conns[0], head_then_get, 1);
	mg_http_client *c = client(NULL);
	mg_http_client_req head = {.method = "HEAD"};
	mg_http_client_resp r;
	ASSERT_EQ(mg_http_client_send(c, &head, &r), 0);
	ASSERT_EQ(r.body, MG_HTTP_BODY_NONE);
	mg_cbuf v;
	ASSERT_TRUE(mg_http_client_header(&r, "Content-Length", &v));
	ASSERT_EQ(mg_http_client_read(c, mg_buf_make(b, 8)), 0);
	/* Unread, the 204's end is found by the next request. */
	mg_http_client_req get = {0};
	ASSERT_EQ(mg_http_client_send(c, &get, &r), 0);
	ASSERT_EQ(r.status, 204);
	ASSERT_EQ(fetch(c, NULL, b, sizeof b), 200);
	ASSERT_STREQ(b, "ok");
	ASSERT_EQ(stack.used, 1);
	mg_http_client_free(c);
}

static char big_resp[300000];
static const char *const big_then_ok[] = {big_resp, OK2, NULL};

/* A response of (len) body bytes i * 7 % 251 + 1 (never NUL: scripts
 * are strings). */
static void make_big(size_t len, bool chunked)
{
	size_t n = (size_t)snprintf(
	    big_resp, sizeof big_resp, "HTTP/1.1 200 OK\r\n%s%zu\r\n\r\n",
	    chunked ? "Transfer-Encoding: chunked\r\nX: " : "Content-Length: ",
	    len);
	for (size_t i = 0; i < len;) {
		size_t piece = chunked ? 1000 + i % 3000 : len;
		if (piece > len - i)
			piece = len - i;
		if (chunked)
			n += (size_t)snprintf(big_resp + n, 16, "%zx\r\n",
			                      piece);
		for (size_t k = 0; k < piece; k++, i++)
			big_resp[n++] = (char)(i * 7 % 251 + 1);
		if (chunked)
			n += (size_t)snprintf(big_resp + n, 8, "\r\n");
	}
	snprintf(big_resp + n, 8, chunked ? "0\r\n\r\n" : "");
}

MGT_TEST(client_large_bodies_read_whole_or_dropped)
{
	static char b[300000];
	for (int chunked = 0; chunked < 2; chunked++) {
		for (size_t max = 1000; max <= 100000; max *= 10) {
			make_big(200000, chunked);
			fake_flow(&conns[0], big_then_ok, max);
			mg_http_client *c = client(NULL);
			mg_http_client_req get = {0};
			mg_http_client_resp r;
			ASSERT_EQ(mg_http_client_send(c, &get, &r), 0);
			size_t n = 0;
			int got;
			while ((got = mg_http_client_read(
			            c, mg_buf_make(b + n, 65536))) > 0)
				n += (size_t)got;
			if (got)
				mgt_fail(__FILE__, __LINE__,
				         "chunked %d max %zu: %d after %zu",
				         chunked, max, got, n);
			ASSERT_EQ(n, 200000);
			for (size_t i = 0; i < n; i++)
				if (b[i] != (char)(i * 7 % 251 + 1))
					mgt_fail(__FILE__, __LINE__, "byte %zu",
					         i);
			ASSERT_EQ(fetch(c, NULL, b, sizeof b), 200);
			ASSERT_EQ(stack.used, 1);
			mg_http_client_free(c);
		}
	}
	/* Left unread: up to 64 KiB are read and dropped, more closes. */
	size_t sizes[] = {60000, 70000};
	for (size_t i = 0; i < 2; i++) {
		make_big(sizes[i], false);
		fake_flow(&conns[0], big_then_ok, 0);
		fake_flow(&conns[1], ok_once, 0);
		mg_http_client *c = client(NULL);
		mg_http_client_req get = {0};
		mg_http_client_resp r;
		ASSERT_EQ(mg_http_client_send(c, &get, &r), 0);
		ASSERT_EQ(fetch(c, NULL, b, sizeof b), 200);
		ASSERT_STREQ(b, "ok");
		ASSERT_EQ(stack.used, i + 1);
		mg_http_client_free(c);
	}
}

static const char *const bad_resp[] = {"HTTP/1.1 200 OK\r\nA : b\r\n\r\n",
                                       NULL};
static const char *const stalls[] = {"HTTP/1.1 200 OK\r\n", FAKE_STALL, NULL};
static const char *const cut_body[] = {
    "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc", FAKE_RESET, NULL};
static const char *const huge_head[] = {
    "HTTP/1.1 200 OK\r\nA: 0123456789\r\nB: 0123456789\r\n\r\n", NULL};

MGT_TEST(client_errors_close_the_connection)
{
	char b[64];
	fake_flow(&conns[0], bad_resp, 0);
	fake_flow(&conns[1], stalls, 0);
	fake_flow(&conns[2], cut_body, 0);
	fake_flow(&conns[3], ok_once, 0);
	mg_http_client *c = client(NULL);
	ASSERT_EQ(fetch(c, NULL, b, sizeof b), MG_EPROTO);
	ASSERT_EQ(fetch(c, NULL, b, sizeof b), MG_ETIMEDOUT);
	ASSERT_EQ(fetch(c, NULL, b, sizeof b), MG_ECONNRESET);
	ASSERT_STREQ(b, "abc");
	/* Reads after a failed body keep failing. */
	ASSERT_EQ(mg_http_client_read(c, mg_buf_make(b, 8)), MG_ECONNRESET);
	for (size_t i = 0; i < 3; i++)
		ASSERT_EQ(conns[i].closed, 1);
	ASSERT_EQ(fetch(c, NULL, b, sizeof b), 200);
	ASSERT_EQ(fetch(c, NULL, b, sizeof b), MG_ECONNREFUSED);
	mg_http_client_free(c);
	/* Limits of the response head. */
	mg_http_client_opts o = {.limits = {.max_header_bytes = 20}};
	fake_flow(&conns[0], huge_head, 0);
	c = client(&o);
	ASSERT_EQ(fetch(c, NULL, b, sizeof b), MG_EMSGSIZE);
	mg_http_client_free(c);
}

MGT_TEST(client_over_a_given_flow)
{
	char b[64];
	fake_conn *f = &conns[0];
	mg_http_client *c;
	ASSERT_EQ(
	    mg_http_client_new_flow(fake_flow(f, ok_then_eof, 0), NULL, &c), 0);
	ASSERT_EQ(fetch(c, NULL, b, sizeof b), 200);
	ASSERT_CONTAINS(f->wrote, "\r\nHost: 10.0.0.1:8080\r\n");
	/* Closed by the server: no way to connect again. */
	ASSERT_EQ(fetch(c, NULL, b, sizeof b), MG_ENOTCONN);
	ASSERT_EQ(f->closed, 1);
	mg_http_client_free(c);
	ASSERT_EQ(f->closed, 1);
}
