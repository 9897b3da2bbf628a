/* The parsing loop that docs/http.md shows, run on real input. */
#include <mg/http.h>
#include <mg/http_server.h>

#include "http_server_fake.h"
#include "mgtest.h"

static int replied, requests, headers;

static void reply_error(int status)
{
	replied = status;
}

static void handle(const mg_http_event *ev)
{
	if (ev->type == MG_HTTP_HEADER)
		headers++;
	if (ev->type == MG_HTTP_MESSAGE_DONE)
		requests++;
}

/* Feeds (in) (size) bytes at a time; returns the bytes left unconsumed. */
static size_t run_doc_loop(const char *in, size_t step)
{
	uint8_t buf[512];
	size_t len = strlen(in), off = 0, have = 0;
	mg_http_parser p;
	mg_http_parser_init(&p, NULL);          /* or limits, see below */
	while (have < len) {
		size_t add = len - have < step ? len - have : step;
		memcpy(buf + have, in + have, add);
		have += add;
		/* The loop of docs/http.md, verbatim from here: */
		/* buf[off..have) holds the bytes read so far and not yet consumed */
		for (;;) {
			mg_http_event ev;
			int n = mg_http_parse(&p, mg_cbuf_make(buf + off, have - off), &ev);
			if (n < 0) {            /* MG_EPROTO: answer ev.status, then close */
				reply_error(ev.status);
				break;
			}
			off += n;
			if (ev.type == MG_HTTP_NONE)
				break;          /* read more, append to buf, call again */
			handle(&ev);
		}
		/* ...to here. */
		if (replied)
			break;
	}
	return have - off;
}

MGT_TEST(doc_loop_parses_pipelined_requests_in_any_split)
{
	const char *in = "GET / HTTP/1.1\r\nHost: a\r\n\r\n"
	                 "POST /n HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
	                 "\r\nabc";
	for (size_t step = 1; step <= strlen(in); step++) {
		replied = requests = headers = 0;
		ASSERT_EQ(run_doc_loop(in, step), 0);
		ASSERT_EQ(requests, 2);
		ASSERT_EQ(headers, 3);
		ASSERT_EQ(replied, 0);
	}
}

MGT_TEST(doc_loop_answers_a_smuggling_attempt_with_400)
{
	replied = requests = 0;
	run_doc_loop("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
	             "Transfer-Encoding: chunked\r\n\r\n",
	             7);
	ASSERT_EQ(replied, 400);
	ASSERT_EQ(requests, 0);
}

/* A unikernel's mg_app.h declares its start function. */
int web_start(mg_pclock *clock, mg_stackv4 *net);

/* The server of docs/http.md, verbatim from here: */
static int hello(mg_http_request *req, mg_http_response *res, void *arg)
{
	(void)req;
	(void)arg;
	return mg_http_reply(res, 200, "text/plain", mg_cbuf_str("hello\n"));
}

/* The body as it comes (Content-Length or chunked, decoded). */
static int upload(mg_http_request *req, mg_http_response *res, void *arg)
{
	(void)arg;
	uint8_t buf[4096];
	unsigned long long total = 0;
	int n;
	while ((n = mg_http_body_read(req, mg_buf_make(buf, sizeof buf),
	                              MG_FOREVER)) > 0)
		total += (unsigned)n;
	if (n < 0)
		return n; /* the server answers 400, 408, 413 or 500 */
	char text[32];
	int len = snprintf(text, sizeof text, "%llu bytes\n", total);
	return mg_http_reply(res, 201, "text/plain",
	                     mg_cbuf_make(text, (size_t)len));
}

/* A body of unknown length, sent as it is made: chunked. */
static int files(mg_http_request *req, mg_http_response *res, void *arg)
{
	(void)arg;
	mg_http_response_header(res, "Content-Type", "text/plain");
	int rc = mg_http_response_start(res, MG_HTTP_LENGTH_UNKNOWN);
	if (rc == 0)
		rc = mg_http_response_write(res, mg_cbuf_str("file: "));
	if (rc == 0)
		rc = mg_http_response_write(res, req->rest);
	return rc ? rc : mg_http_response_end(res);
}

int web_start(mg_pclock *clock, mg_stackv4 *net)
{
	mg_http_server_opts o = {.pclock = clock}; /* 0s: the defaults */
	mg_http_server *s;
	int rc = mg_http_server_new(&o, &s);
	if (rc == 0)
		rc = mg_http_route(s, "GET", "/", hello, NULL);
	if (rc == 0)
		rc = mg_http_route(s, "POST", "/upload", upload, NULL);
	if (rc == 0)
		rc = mg_http_route(s, "GET", "/files/*", files, NULL);
	if (rc == 0)
		rc = mg_http_server_listen(s, net, 8080);
	return rc; /* connections are served in fibers of their own */
}
/* ...to here. */

/* A stack that records the listener, so the test can hand it flows. */
static mg_tcp_listen_opts listened;

static int fake_listen(void *self, const mg_tcp_listen_opts *opts,
                       mg_tcp_listener **out)
{
	(void)self;
	listened = *opts;
	*out = (mg_tcp_listener *)&listened;
	return 0;
}

static uint64_t doc_time(void *self)
{
	(void)self;
	return 1700000000ull * MG_NS_PER_S;
}

static int doc_conn(void *arg)
{
	return listened.handler(arg, listened.arg);
}

MGT_TEST(doc_server_serves_its_routes)
{
	static const mg_stackv4_ops ops = {.tcp_listen = fake_listen};
	mg_stackv4 net = {&ops, NULL};
	static const mg_pclock_ops cops = {doc_time};
	mg_pclock clock = {&cops, NULL};
	ASSERT_EQ(web_start(&clock, &net), 0);
	ASSERT_EQ(listened.port, 8080);
	fake_flow f;
	ff_init(&f);
	ff_data(&f, "GET / HTTP/1.1\r\nHost: h\r\n\r\n"
	            "POST /upload HTTP/1.1\r\nHost: h\r\n"
	            "Transfer-Encoding: chunked\r\n\r\n"
	            "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
	            "GET /files/a/b HTTP/1.1\r\nHost: h\r\n\r\n"
	            "HEAD / HTTP/1.1\r\nHost: h\r\n\r\n"
	            "DELETE / HTTP/1.1\r\nHost: h\r\n\r\n");
	ASSERT_EQ(mg__run(mg_spawn(doc_conn, &f.flow, NULL)), 0);
	ff_resp r[6];
	ASSERT_EQ(ff_responses(&f, r, 6, 1u << 3), 5);
	ASSERT_STREQ(r[0].body, "hello\n");
	char v[64];
	ASSERT_STREQ(ff_field(&r[0], "Date", v, sizeof v),
	             "Tue, 14 Nov 2023 22:13:20 GMT");
	ASSERT_EQ(r[1].status, 201);
	ASSERT_STREQ(r[1].body, "5 bytes\n");
	ASSERT_TRUE(r[2].chunked);
	ASSERT_STREQ(r[2].body, "file: a/b");
	ASSERT_STREQ(ff_field(&r[3], "Content-Length", v, sizeof v), "6");
	ASSERT_EQ(r[4].status, 405);
}
