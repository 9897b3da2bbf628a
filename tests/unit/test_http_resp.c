/* The HTTP/1.1 response parser: framing, interim responses, refusals. */
#include <mg/http_client.h>

#include "http_resp_driver.h"
#include "mgtest.h"

static resp_log whole, part;

/*
 * Parse (in) whole, byte by byte and split in two at every offset: each
 * must give the log (want) and return (rc) at the end (0: no error).
 */
static void check_lim(const char *in, const char *method, bool eof,
                      const mg_http_limits *lim, const char *want, int rc)
{
	const uint8_t *b = (const uint8_t *)in;
	size_t len = strlen(in);
	ASSERT_TRUE(resp_drive(b, len, 0, 0, eof, method, lim, &whole));
	ASSERT_STREQ(whole.h.s, want);
	ASSERT_EQ(whole.rc, rc);
	ASSERT_TRUE(resp_drive(b, len, 1, 1, eof, method, lim, &part));
	ASSERT_STREQ(part.h.s, want);
	ASSERT_EQ(part.rc, rc);
	for (size_t cut = 0; cut <= len; cut++) {
		ASSERT_TRUE(
		    resp_drive(b, len, cut, 0, eof, method, lim, &part));
		if (strcmp(part.h.s, want) != 0 || part.rc != rc)
			mgt_fail(__FILE__, __LINE__,
			         "split at %zu: rc %d, got:%s\nwant:%s", cut,
			         part.rc, part.h.s, want);
	}
}

static void check(const char *in, const char *method, bool eof,
                  const char *want, int rc)
{
	check_lim(in, method, eof, NULL, want, rc);
}

MGT_TEST(resp_content_length_keep_alive_and_pipelined)
{
	check("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:  b c \r\n\r\n"
	      "hello"
	      "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
	      "GET", false,
	      "\nS 1 200 OK\nH Content-Length=5\nH X-A=b c"
	      "\nHD 200 i=0 b=L cl=5 ka=1\nB hello\nD"
	      "\nS 1 404 Not Found\nH Content-Length=0"
	      "\nHD 404 i=0 b=L cl=0 ka=1\nD",
	      0);
	/* Repeated equal lengths are one length (RFC 9112 section 6.3). */
	check("HTTP/1.1 200 OK\r\nContent-Length: 2\r\ncontent-length: 2\r\n"
	      "\r\nab",
	      NULL, false,
	      "\nS 1 200 OK\nH Content-Length=2\nH content-length=2"
	      "\nHD 200 i=0 b=L cl=2 ka=1\nB ab\nD",
	      0);
}

MGT_TEST(resp_chunked_with_extensions_and_trailers)
{
	check("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	      "5;a=b\r\nhello\r\n1A \r\nabcdefghijklmnopqrstuvwxyz\r\n"
	      "0\r\nX-Sum: 9\r\n\r\n"
	      "HTTP/1.1 204 No Content\r\n\r\n",
	      NULL, false,
	      "\nS 1 200 OK\nH Transfer-Encoding=chunked"
	      "\nHD 200 i=0 b=C cl=0 ka=1"
	      "\nB helloabcdefghijklmnopqrstuvwxyz\nT X-Sum=9\nD"
	      "\nS 1 204 No Content\nHD 204 i=0 b=N cl=0 ka=1\nD",
	      0);
	/* Element lists and case: "Chunked" alone is chunked. */
	check("HTTP/1.1 200 OK\r\nTransfer-Encoding: , Chunked ,\r\n\r\n"
	      "0\r\n\r\n",
	      NULL, false,
	      "\nS 1 200 OK\nH Transfer-Encoding=, Chunked ,"
	      "\nHD 200 i=0 b=C cl=0 ka=1\nD",
	      0);
}

MGT_TEST(resp_body_until_close)
{
	const char *in = "HTTP/1.1 200 OK\r\nServer: x\r\n\r\nsome\r\nbytes";
	const char *head = "\nS 1 200 OK\nH Server=x\nHD 200 i=0 b=E cl=0 ka=0"
	                   "\nB some\r\nbytes";
	char want[256];
	/* Without the end of the stream, the body just goes on. */
	check(in, NULL, false, head, 0);
	snprintf(want, sizeof want, "%s\nD", head);
	check(in, NULL, true, want, 0);
	/* HTTP/1.0 without a length: the same. */
	check("HTTP/1.0 200 OK\r\n\r\n", NULL, true,
	      "\nS 0 200 OK\nHD 200 i=0 b=E cl=0 ka=0\nD", 0);
}

MGT_TEST(resp_bodiless_statuses_and_head)
{
	/* Framing fields do not count (RFC 9112 section 6.3 item 1). */
	check("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
	      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
	      "HEAD", false,
	      "\nS 1 200 OK\nH Content-Length=1000\nHD 200 i=0 b=N cl=0 ka=1"
	      "\nD\nS 1 200 OK\nH Transfer-Encoding=chunked"
	      "\nHD 200 i=0 b=N cl=0 ka=1\nD",
	      0);
	check("HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n"
	      "HTTP/1.1 204 No Content\r\nContent-Length: x\r\n\r\n",
	      "GET", true,
	      "\nS 1 304 Not Modified\nH Content-Length=7"
	      "\nHD 304 i=0 b=N cl=0 ka=1\nD"
	      "\nS 1 204 No Content\nH Content-Length=x"
	      "\nHD 204 i=0 b=N cl=0 ka=1\nD\nE stream ended before a response",
	      MG_EPIPE);
	/* "head" is not HEAD: methods are case-sensitive. */
	check("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz", "head", false,
	      "\nS 1 200 OK\nH Content-Length=1\nHD 200 i=0 b=L cl=1 ka=1"
	      "\nB z\nD",
	      0);
}

MGT_TEST(resp_interim_responses_then_final)
{
	check("HTTP/1.1 100 Continue\r\n\r\n"
	      "HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
	      "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
	      "HEAD", false,
	      "\nS 1 100 Continue\nHD 100 i=1 b=N cl=0 ka=1"
	      "\nS 1 103 Early Hints\nH Link=</s.css>"
	      "\nHD 103 i=1 b=N cl=0 ka=1"
	      "\nS 1 201 Created\nH Content-Length=2"
	      "\nHD 201 i=0 b=N cl=0 ka=1\nD",
	      0);
	/* 101 is final: no body, and no more HTTP on this connection. */
	check("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n", NULL,
	      false,
	      "\nS 1 101 Switching Protocols\nH Upgrade=x"
	      "\nHD 101 i=0 b=N cl=0 ka=0\nD",
	      0);
	/* The stream ends after an interim response: truncated. */
	check("HTTP/1.1 100 Continue\r\n\r\n", NULL, true,
	      "\nS 1 100 Continue\nHD 100 i=1 b=N cl=0 ka=1"
	      "\nE stream ended inside a response",
	      MG_EPROTO);
}

MGT_TEST(resp_connect_tunnel)
{
	check("HTTP/1.1 200 Connection Established\r\n\r\nrawbytes", "CONNECT",
	      false,
	      "\nS 1 200 Connection Established\nHD 200 i=0 b=N cl=0 ka=0"
	      "\nD",
	      0);
	/* A refusal of CONNECT has its body as usual. */
	check("HTTP/1.1 407 Proxy Authentication Required\r\n"
	      "Content-Length: 3\r\n\r\nno!",
	      "CONNECT", false,
	      "\nS 1 407 Proxy Authentication Required\nH Content-Length=3"
	      "\nHD 407 i=0 b=L cl=3 ka=1\nB no!\nD",
	      0);
}

MGT_TEST(resp_chunked_wins_over_length_and_closes)
{
	check("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n"
	      "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
	      NULL, false,
	      "\nS 1 200 OK\nH Content-Length=100\nH Transfer-Encoding=chunked"
	      "\nHD 200 i=0 b=C cl=0 ka=0\nB abc\nD",
	      0);
}

MGT_TEST(resp_keep_alive_by_version_and_connection)
{
	check("HTTP/1.1 200 OK\r\nConnection: foo, Close\r\n"
	      "Content-Length: 0\r\n\r\n",
	      NULL, false,
	      "\nS 1 200 OK\nH Connection=foo, Close\nH Content-Length=0"
	      "\nHD 200 i=0 b=L cl=0 ka=0\nD",
	      0);
	check("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", NULL, false,
	      "\nS 0 200 OK\nH Content-Length=0\nHD 200 i=0 b=L cl=0 ka=0\nD",
	      0);
	check("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n"
	      "Content-Length: 0\r\n\r\n",
	      NULL, false,
	      "\nS 0 200 OK\nH Connection=keep-alive\nH Content-Length=0"
	      "\nHD 200 i=0 b=L cl=0 ka=1\nD",
	      0);
	/* HTTP/1.9 reads as 1.1; a missing SP before an empty phrase and an
	 * empty phrase after SP are both let by. */
	check("HTTP/1.9 200\r\nContent-Length: 0\r\n\r\n"
	      "HTTP/1.1 500 \r\nContent-Length: 0\r\n\r\n",
	      NULL, false,
	      "\nS 1 200 \nH Content-Length=0\nHD 200 i=0 b=L cl=0 ka=1\nD"
	      "\nS 1 500 \nH Content-Length=0\nHD 500 i=0 b=L cl=0 ka=1\nD",
	      0);
}

/* (head) followed by "\r\n" must fail with (why). */
static void refused(const char *head, const char *why)
{
	char in[512], want[256];
	snprintf(in, sizeof in, "%s\r\n", head);
	resp_drive((const uint8_t *)in, strlen(in), 0, 0, false, NULL, NULL,
	           &whole);
	snprintf(want, sizeof want, "\nE %s", why);
	if (!strstr(whole.h.s, want) || whole.rc != MG_EPROTO)
		mgt_fail(__FILE__, __LINE__, "%s: got%s (rc %d), want%s", head,
		         whole.h.s, whole.rc, want);
	/* Whatever split: the same events up to the same error. */
	char copy[sizeof whole.h.s];
	snprintf(copy, sizeof copy, "%s", whole.h.s);
	check(in, NULL, false, copy, MG_EPROTO);
}

MGT_TEST(resp_refuses_bad_status_lines)
{
	refused("HTTP/2.0 200 OK\r\n", "HTTP major version not 1");
	refused("http/1.1 200 OK\r\n", "bad status line");
	refused("HTTP/1.1 200OK\r\n", "bad status line");
	refused("HTTP/1.1 20 OK\r\n", "bad status line");
	refused("HTTP/1.1 2000 OK\r\n", "bad status line");
	refused("HTTP/1.1  200 OK\r\n", "bad status line");
	refused("HTTP/1.1 099 OK\r\n", "status code out of range");
	refused("HTTP/1.1 600 OK\r\n", "status code out of range");
	refused("HTTP/1.1 200 O\x01K\r\n", "bad reason phrase");
	refused("HTTP/1.1 200 OK\n", "bare CR or LF in status line");
	refused("HTTP/1.1 200 OK\rX\r\n", "bare CR or LF in status line");
	refused("\r\nHTTP/1.1 200 OK\r\n", "bad status line");
}

MGT_TEST(resp_refuses_bad_fields_and_framing)
{
	const char *s = "HTTP/1.1 200 OK\r\n";
	struct {
		const char *fields, *why;
	} c[] = {
	    {" folded: x\r\n", "obs-fold line"},
	    {"A: b\r\n c\r\n", "obs-fold line"},
	    {"Name : x\r\n", "whitespace before colon"},
	    {"Na(me: x\r\n", "bad field name"},
	    {": x\r\n", "bad field name"},
	    {"A: b\x7f\r\n", "bad character in field value"},
	    {"A: b\nB: c\r\n", "bare CR or LF in field line"},
	    {"Content-Length: 5\r\nContent-Length: 6\r\n",
	     "bad Content-Length"},
	    {"Content-Length: 5, 5\r\n", "bad Content-Length"},
	    {"Content-Length: +5\r\n", "bad Content-Length"},
	    {"Content-Length: \r\n", "bad Content-Length"},
	    {"Content-Length: 99999999999999999999\r\n", "bad Content-Length"},
	    {"Transfer-Encoding: gzip\r\n",
	     "transfer coding other than chunked"},
	    {"Transfer-Encoding: gzip, chunked\r\n",
	     "transfer coding other than chunked"},
	    {"Transfer-Encoding: chunked, chunked\r\n",
	     "transfer coding other than chunked"},
	    {"Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n",
	     "transfer coding other than chunked"},
	    {"Transfer-Encoding: \r\n", "transfer coding other than chunked"},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		char h[256];
		snprintf(h, sizeof h, "%s%s", s, c[i].fields);
		refused(h, c[i].why);
	}
	refused("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n",
	        "Transfer-Encoding in HTTP/1.0");
}

MGT_TEST(resp_refuses_bad_chunks)
{
	const char *h = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
	struct {
		const char *body, *why;
	} c[] = {
	    {"x\r\n", "bad chunk size"},
	    {"\r\n", "bad chunk size"},
	    {"-1\r\n", "bad chunk size"},
	    {"3 x\r\n", "bad chunk extension"},
	    {"3;a\x01\r\n", "bad chunk extension"},
	    {"11111111111111111\r\n", "chunk size overflows"},
	    {"3\r\nabcd\r\n", "chunk data not followed by CRLF"},
	    {"3\r\nabc\rx", "chunk data not followed by CRLF"},
	    {"3\nabc\r\n", "bare CR or LF in chunk size line"},
	    {"0\r\nA : b\r\n\r\n", "whitespace before colon"},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		char in[256], want[64];
		snprintf(in, sizeof in, "%s%s", h, c[i].body);
		resp_drive((const uint8_t *)in, strlen(in), 0, 0, false, NULL,
		           NULL, &whole);
		snprintf(want, sizeof want, "\nE %s", c[i].why);
		if (!strstr(whole.h.s, want) || whole.rc != MG_EPROTO)
			mgt_fail(__FILE__, __LINE__, "%s: got%s", c[i].body,
			         whole.h.s);
		char copy[sizeof whole.h.s];
		snprintf(copy, sizeof copy, "%s", whole.h.s);
		check(in, NULL, false, copy, MG_EPROTO);
	}
}

MGT_TEST(resp_limits)
{
	mg_http_limits lim = {.max_request_line = 20,
	                      .max_header_bytes = 40,
	                      .max_headers = 2,
	                      .max_body = 10,
	                      .max_chunk_line = 6};
	/* Exactly at each bound passes. */
	check_lim("HTTP/1.1 200 1234567\r\nContent-Length: 10\r\n"
	          "X: 123456789012345\r\n\r\n0123456789",
	          NULL, false, &lim,
	          "\nS 1 200 1234567\nH Content-Length=10\nH X=123456789012345"
	          "\nHD 200 i=0 b=L cl=10 ka=1\nB 0123456789\nD",
	          0);
	check_lim("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", NULL,
	          false, &lim, "\nS 1 200 OK\nH A=1\nH B=2\nE too many fields",
	          MG_EMSGSIZE);
	check_lim("HTTP/1.1 200 12345678\r\n", NULL, false, &lim,
	          "\nE status line too long", MG_EMSGSIZE);
	check_lim("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", NULL, false,
	          &lim,
	          "\nS 1 200 OK\nH Content-Length=11"
	          "\nE Content-Length over the limit",
	          MG_EMSGSIZE);
	check_lim(
	    "HTTP/1.1 200 OK\r\nX: 123456789012345\r\nY: 1234567890123456\r\n",
	    NULL, false, &lim,
	    "\nS 1 200 OK\nH X=123456789012345\nE header section too large",
	    MG_EMSGSIZE);
	check_lim("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	          "5\r\n01234\r\n6\r\n",
	          NULL, false, &lim,
	          "\nS 1 200 OK\nH Transfer-Encoding=chunked"
	          "\nHD 200 i=0 b=C cl=0 ka=1\nB 01234"
	          "\nE chunked body over the limit",
	          MG_EMSGSIZE);
	check_lim("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	          "5;abcde\r\n",
	          NULL, false, &lim,
	          "\nS 1 200 OK\nH Transfer-Encoding=chunked"
	          "\nHD 200 i=0 b=C cl=0 ka=1\nE chunk size line too long",
	          MG_EMSGSIZE);
	/* A trailer section has the header section's bounds. */
	check_lim("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	          "0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n",
	          NULL, false, &lim,
	          "\nS 1 200 OK\nH Transfer-Encoding=chunked"
	          "\nHD 200 i=0 b=C cl=0 ka=1\nT A=1\nT B=2"
	          "\nE too many fields",
	          MG_EMSGSIZE);
	/* A body delimited by the close is bounded too. */
	check_lim("HTTP/1.1 200 OK\r\n\r\n01234567890", NULL, true, &lim,
	          "\nS 1 200 OK\nHD 200 i=0 b=E cl=0 ka=0\nB 0123456789"
	          "\nE body over the limit",
	          MG_EMSGSIZE);
	check_lim("HTTP/1.1 200 OK\r\n\r\n0123456789", NULL, true, &lim,
	          "\nS 1 200 OK\nHD 200 i=0 b=E cl=0 ka=0\nB 0123456789\nD", 0);
	/* The default bounds no body. */
	mg_http_resp_parser p;
	mg_http_resp_parser_init(&p, NULL);
	ASSERT_EQ(p.lim.max_body, UINT64_MAX);
	ASSERT_EQ(p.lim.max_request_line, 8192);
}

MGT_TEST(resp_end_of_stream)
{
	check("", NULL, true, "\nE stream ended before a response", MG_EPIPE);
	check("", NULL, false, "", 0);
	check("HTTP/1.1 200 OK\r\nContent-Le", NULL, true,
	      "\nS 1 200 OK\nE stream ended inside a response", MG_EPROTO);
	check("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc", NULL, true,
	      "\nS 1 200 OK\nH Content-Length=5\nHD 200 i=0 b=L cl=5 ka=1"
	      "\nB abc\nE stream ended inside a response",
	      MG_EPROTO);
	check("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r",
	      NULL, true,
	      "\nS 1 200 OK\nH Transfer-Encoding=chunked"
	      "\nHD 200 i=0 b=C cl=0 ka=1\nB abc"
	      "\nE stream ended inside a response",
	      MG_EPROTO);
	/* After a whole response, the end is clean until a next response
	 * begins. */
	check("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", NULL, true,
	      "\nS 1 200 OK\nH Content-Length=0\nHD 200 i=0 b=L cl=0 ka=1\nD"
	      "\nE stream ended before a response",
	      MG_EPIPE);
	check("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1", NULL,
	      true,
	      "\nS 1 200 OK\nH Content-Length=0\nHD 200 i=0 b=L cl=0 ka=1\nD"
	      "\nE stream ended inside a response",
	      MG_EPROTO);
}

MGT_TEST(resp_error_sticks_until_init)
{
	mg_http_resp_parser p;
	mg_http_resp_event ev;
	mg_http_resp_parser_init(&p, NULL);
	ASSERT_EQ(
	    mg_http_resp_parse(&p, mg_cbuf_str("HTTP/3.0 200 OK\r\n"), &ev),
	    MG_EPROTO);
	ASSERT_EQ(ev.type, MG_HTTP_RESP_ERROR);
	ASSERT_EQ(
	    mg_http_resp_parse(&p, mg_cbuf_str("HTTP/1.1 200 OK\r\n"), &ev),
	    MG_EPROTO);
	ASSERT_STREQ(ev.why, "HTTP major version not 1");
	mg_http_resp_parser_init(&p, NULL);
	ASSERT_EQ(
	    mg_http_resp_parse(&p, mg_cbuf_str("HTTP/1.1 200 OK\r\n"), &ev),
	    17);
	ASSERT_EQ(ev.type, MG_HTTP_RESP_STATUS);
	/* A line not yet whole consumes nothing. */
	ASSERT_EQ(mg_http_resp_parse(&p, mg_cbuf_str("A: b\r"), &ev), 0);
	ASSERT_EQ(ev.type, MG_HTTP_RESP_NONE);
}
