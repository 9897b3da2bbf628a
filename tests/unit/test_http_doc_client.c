/* The client example of docs/http.md, run against a scripted server. */
#include <stdio.h>

#include <mg/console.h>
#include <mg/http_client.h>

#include "http_fake_flow.h"
#include "mgtest.h"

/* The example of docs/http.md, "Client", verbatim from here: */
/* GET (path) and write its body to (out). */
static int show(mg_http_client *c, const char *path, mg_console *out)
{
	mg_http_client_req req = {.target = path}; /* GET by default */
	mg_http_client_resp resp;
	int rc = mg_http_client_send(c, &req, &resp);
	if (rc < 0)
		return rc;
	mg_cbuf type;
	if (mg_http_client_header(&resp, "Content-Type", &type))
		mg_console_printf(out, "%d %.*s\n", resp.status,
		                  (int)type.len, (const char *)type.p);
	uint8_t buf[4096];
	int n;
	while ((n = mg_http_client_read(c, mg_buf_make(buf, sizeof buf))) > 0)
		mg_console_write(out, (const char *)buf, (size_t)n);
	return n; /* 0: the whole body came */
}

/* A body of unknown length from a callback: it goes chunked. */
static int count_down(void *arg, mg_buf room)
{
	int *left = arg;
	if (*left == 0)
		return 0; /* the end of the body */
	return snprintf((char *)room.p, room.len, "%d\n", (*left)--);
}

int app_start(mg_console *out, mg_stackv4 *net);
int app_start(mg_console *out, mg_stackv4 *net)
{
	mg_ipv4_endpoint server = {{0x0a000001}, 8080}; /* 10.0.0.1 */
	mg_http_client *c;
	int rc = mg_http_client_new(net, server, NULL, &c);
	if (rc < 0)
		return rc;
	rc = show(c, "/", out);
	if (rc == 0)
		rc = show(c, "/about", out); /* on the same connection */
	int left = 3;
	mg_http_client_req post = {.method = "POST", .target = "/log",
	                           .body_fn = count_down, .body_arg = &left,
	                           .chunked = true};
	mg_http_client_resp resp;
	if (rc == 0)
		rc = mg_http_client_send(c, &post, &resp);
	if (rc == 0 && resp.status != 201)
		rc = MG_EPROTO;
	mg_http_client_free(c); /* closes the connection */
	return rc;
}
/* ...to here. */

static char printed[256];
static size_t nprinted;

static int console_write(void *self, const char *buf, size_t len)
{
	(void)self;
	ASSERT_CMP(nprinted + len, <, sizeof printed);
	memcpy(printed + nprinted, buf, len);
	nprinted += len;
	return 0;
}

static const mg_console_ops console_ops = {console_write};

static const char *const answers[] = {
    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
    "Content-Length: 6\r\n\r\n<p>hi\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    "6\r\nabout\n\r\n0\r\n\r\n",
    "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", NULL};

MGT_TEST(doc_client_example_gets_twice_and_posts_on_one_connection)
{
	static fake_conn conn;
	fake_flow(&conn, answers, 5);
	fake_stack s = {&conn, 1, 0, {{0}, 0}};
	mg_stackv4 net = {&fake_stack_ops, &s};
	mg_console out = {&console_ops, NULL};
	ASSERT_EQ(app_start(&out, &net), 0);
	printed[nprinted] = 0;
	ASSERT_STREQ(printed, "200 text/html\n<p>hi\nabout\n");
	ASSERT_EQ(s.used, 1);
	ASSERT_EQ(s.last_dst.port, 8080);
	ASSERT_EQ(conn.closed, 1);
	conn.wrote[conn.wlen] = 0;
	ASSERT_STREQ(conn.wrote, "GET / HTTP/1.1\r\nHost: 10.0.0.1:8080\r\n\r\n"
	                         "GET /about HTTP/1.1\r\nHost: 10.0.0.1:8080\r\n"
	                         "\r\n"
	                         "POST /log HTTP/1.1\r\nHost: 10.0.0.1:8080\r\n"
	                         "Transfer-Encoding: chunked\r\n\r\n"
	                         "2\r\n3\n\r\n2\r\n2\n\r\n2\r\n1\n\r\n"
	                         "0\r\n\r\n");
}
