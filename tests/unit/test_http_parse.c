/* HTTP/1.1 request parser: RFC 9112 framing, refusals, any split. */
#include <mg/http.h>

#include "http_driver.h"
#include "mgtest.h"

/*
 * (in) must give (want) whole, byte by byte, and split in two at every
 * offset.
 */
static void check_lim(const char *in, const char *want,
                      const mg_http_limits *lim)
{
	static http_log l;
	size_t len = strlen(in);
	ASSERT_TRUE(http_drive((const uint8_t *)in, len, 0, 0, lim, &l));
	ASSERT_STREQ(l.s, want);
	ASSERT_TRUE(http_drive((const uint8_t *)in, len, 1, 1, lim, &l));
	ASSERT_STREQ(l.s, want);
	for (size_t k = 1; k < len; k++) {
		ASSERT_TRUE(http_drive((const uint8_t *)in, len, k, 0, lim, &l));
		ASSERT_STREQ(l.s, want);
	}
}

static void check(const char *in, const char *want)
{
	check_lim(in, want, NULL);
}

#define HD_KA "\nHD ka=1 ex=0 ch=0 cl=0"

MGT_TEST(simple_get)
{
	check("GET /a?b HTTP/1.1\r\nHost: x\r\nAccept:  */* \t\r\n\r\n",
	      "\nRL GET /a?b 1\nH Host=x\nH Accept=*/*" HD_KA "\nMD");
}

MGT_TEST(empty_lines_before_request_skipped)
{
	check("\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
	      "\nRL GET / 1\nH Host=x" HD_KA "\nMD");
}

MGT_TEST(content_length_body_and_pipelining)
{
	check("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
	      "GET /q HTTP/1.1\r\nHost: y\r\n\r\n"
	      "PUT /r HTTP/1.1\r\nHost: z\r\nContent-length: 2\r\n"
	      "content-length: 2\r\n\r\nok",
	      "\nRL POST /p 1\nH Host=x\nH Content-Length=5"
	      "\nHD ka=1 ex=0 ch=0 cl=5\nB hello\nMD"
	      "\nRL GET /q 1\nH Host=y" HD_KA "\nMD"
	      "\nRL PUT /r 1\nH Host=z\nH Content-length=2"
	      "\nH content-length=2\nHD ka=1 ex=0 ch=0 cl=2\nB ok\nMD");
}

MGT_TEST(chunked_with_extensions_and_trailer)
{
	check("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
	      "5;a=b ; c=\"d\"\r\nhello\r\n"
	      "A\r\n0123456789\r\n"
	      "0\r\nX-Sum: 1\r\n\r\n"
	      "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
	      "\nRL POST / 1\nH Host=x\nH Transfer-Encoding=chunked"
	      "\nHD ka=1 ex=0 ch=1 cl=0\nB hello0123456789\nT X-Sum=1\nMD"
	      "\nRL GET / 1\nH Host=x" HD_KA "\nMD");
	check("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ,CHUNKED\r\n"
	      "\r\n0\r\n\r\n",
	      "\nRL POST / 1\nH Host=x\nH Transfer-Encoding=,CHUNKED"
	      "\nHD ka=1 ex=0 ch=1 cl=0\nMD");
}

MGT_TEST(keep_alive_rules)
{
	check("GET / HTTP/1.0\r\n\r\n",
	      "\nRL GET / 0\nHD ka=0 ex=0 ch=0 cl=0\nMD");
	check("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
	      "\nRL GET / 0\nH Connection=Keep-Alive"
	      "\nHD ka=1 ex=0 ch=0 cl=0\nMD");
	check("GET / HTTP/1.1\r\nHost: x\r\nConnection: foo, close\r\n\r\n",
	      "\nRL GET / 1\nH Host=x\nH Connection=foo, close"
	      "\nHD ka=0 ex=0 ch=0 cl=0\nMD");
	/* RFC 9110 section 6.2: a later minor version is served as 1.1. */
	check("GET / HTTP/1.7\r\nHost: x\r\n\r\n",
	      "\nRL GET / 1\nH Host=x" HD_KA "\nMD");
}

MGT_TEST(expect_continue)
{
	check("PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\n"
	      "Content-Length: 1\r\n\r\nz",
	      "\nRL PUT / 1\nH Host=x\nH Expect=100-Continue"
	      "\nH Content-Length=1\nHD ka=1 ex=1 ch=0 cl=1\nB z\nMD");
	check("PUT / HTTP/1.1\r\nHost: x\r\nExpect: tea\r\n\r\n",
	      "\nRL PUT / 1\nH Host=x\nH Expect=tea\nE417");
}

#define RQ "POST / HTTP/1.1\r\nHost: x\r\n"
#define RQ_LOG "\nRL POST / 1\nH Host=x"

MGT_TEST(content_length_refusals)
{
	check(RQ "Content-Length: 5\r\nContent-Length: 6\r\n\r\n",
	      RQ_LOG "\nH Content-Length=5\nH Content-Length=6\nE400");
	check(RQ "Content-Length: 5, 5\r\n\r\n",
	      RQ_LOG "\nH Content-Length=5, 5\nE400");
	check(RQ "Content-Length: +5\r\n\r\n", RQ_LOG "\nH Content-Length=+5\nE400");
	check(RQ "Content-Length: -1\r\n\r\n", RQ_LOG "\nH Content-Length=-1\nE400");
	check(RQ "Content-Length: \r\n\r\n", RQ_LOG "\nH Content-Length=\nE400");
	check(RQ "Content-Length: 0x10\r\n\r\n",
	      RQ_LOG "\nH Content-Length=0x10\nE400");
	check(RQ "Content-Length: 18446744073709551616\r\n\r\n",
	      RQ_LOG "\nH Content-Length=18446744073709551616\nE400");
	check(RQ "Content-Length: 1048577\r\n\r\n",
	      RQ_LOG "\nH Content-Length=1048577\nE413");
}

MGT_TEST(transfer_encoding_refusals)
{
	check(RQ "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
	      RQ_LOG "\nH Content-Length=3\nH Transfer-Encoding=chunked\nE400");
	check(RQ "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
	      RQ_LOG "\nH Transfer-Encoding=chunked\nH Content-Length=3\nE400");
	check(RQ "Transfer-Encoding: gzip, chunked\r\n\r\n",
	      RQ_LOG "\nH Transfer-Encoding=gzip, chunked\nE501");
	check(RQ "Transfer-Encoding: chunked, gzip\r\n\r\n",
	      RQ_LOG "\nH Transfer-Encoding=chunked, gzip\nE400");
	check(RQ "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
	      RQ_LOG "\nH Transfer-Encoding=chunked"
	      "\nH Transfer-Encoding=chunked\nE400");
	check(RQ "Transfer-Encoding: identity\r\n\r\n",
	      RQ_LOG "\nH Transfer-Encoding=identity\nE400");
	check("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
	      "\nRL POST / 0\nH Transfer-Encoding=chunked\nE400");
}

MGT_TEST(field_line_refusals)
{
	check(RQ "A: b\r\n c\r\n\r\n", RQ_LOG "\nH A=b\nE400");
	check(RQ "A : b\r\n\r\n", RQ_LOG "\nE400");
	check(RQ "A\t: b\r\n\r\n", RQ_LOG "\nE400");
	check(RQ "A@b: c\r\n\r\n", RQ_LOG "\nE400");
	check(RQ ": c\r\n\r\n", RQ_LOG "\nE400");
	check(RQ "Abc\r\n\r\n", RQ_LOG "\nE400");
	check(RQ "A: b\nC: d\r\n\r\n", RQ_LOG "\nE400");
	check(RQ "A: b\rC: d\r\n\r\n", RQ_LOG "\nE400");
	check(RQ "A: b\x01\r\n\r\n", RQ_LOG "\nE400");
	check(RQ "A: b\x7f\r\n\r\n", RQ_LOG "\nE400");
	check("GET / HTTP/1.1\r\n\r\n", "\nRL GET / 1\nE400");
	check("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
	      "\nRL GET / 1\nH Host=a\nH Host=b\nE400");
	/* obs-text in a value is kept as it is. */
	check(RQ "\r\n", RQ_LOG HD_KA "\nMD");
	check("GET / HTTP/1.1\r\nHost: \xe9t\xe9\r\n\r\n",
	      "\nRL GET / 1\nH Host=\xe9t\xe9" HD_KA "\nMD");
}

MGT_TEST(request_line_refusals)
{
	check("GET / HTTP/2.0\r\n\r\n", "\nE505");
	check("GET / HTTP/1.1x\r\n\r\n", "\nE400");
	check("GET / http/1.1\r\n\r\n", "\nE400");
	check("GET /  HTTP/1.1\r\n\r\n", "\nE400");
	check("GE(T / HTTP/1.1\r\n\r\n", "\nE400");
	check(" GET / HTTP/1.1\r\n\r\n", "\nE400");
	check("GET /\x01 HTTP/1.1\r\n\r\n", "\nE400");
	check("GET / HTTP/1.1\n\r\n", "\nE400");
	check("GET / HTTP/1.1\r\r\n", "\nE400");
	check("GET\r\n\r\n", "\nE400");
	/* Methods are tokens; their meaning is the caller's. */
	check("M-SEARCH * HTTP/1.1\r\nHost: x\r\n\r\n",
	      "\nRL M-SEARCH * 1\nH Host=x" HD_KA "\nMD");
}

MGT_TEST(limits)
{
	mg_http_limits lim = {.max_request_line = 21, .max_header_bytes = 32,
	                      .max_headers = 3, .max_body = 10,
	                      .max_chunk_line = 8};
	check_lim("GET /0123456 HTTP/1.1\r\nHost: x\r\n\r\n",
	          "\nRL GET /0123456 1\nH Host=x" HD_KA "\nMD", &lim);
	check_lim("GET /01234567 HTTP/1.1\r\nHost: x\r\n\r\n", "\nE414", &lim);
	/* Empty lines before a request do not count against the limit. */
	check_lim("\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"
	          "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
	          "\nRL GET / 1\nH Host=x" HD_KA "\nMD", &lim);
	check_lim("GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n",
	          "\nRL GET / 1\nH Host=x\nH A=1\nH B=2\nE431", &lim);
	/* 9 + 27 + 2 = 38 > 32 bytes of header section. */
	check_lim("GET / HTTP/1.1\r\nHost: x\r\nA: 012345678901234567890123\r\n\r\n",
	          "\nRL GET / 1\nH Host=x\nE431", &lim);
	check_lim("GET / HTTP/1.1\r\nHost: x\r\nA: 0123456789012345\r\n\r\n",
	          "\nRL GET / 1\nH Host=x\nH A=0123456789012345" HD_KA "\nMD",
	          &lim);
	check_lim(RQ "Content-Length: 10\r\n\r\n0123456789",
	          RQ_LOG "\nH Content-Length=10\nHD ka=1 ex=0 ch=0 cl=10"
	          "\nB 0123456789\nMD", &lim);
	check_lim(RQ "Content-Length: 11\r\n\r\n0123456789",
	          RQ_LOG "\nH Content-Length=11\nE413", &lim);
	lim.max_header_bytes = 48;
	check_lim(RQ "Transfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n"
	          "5\r\n01234\r\n0\r\n\r\n",
	          RQ_LOG "\nH Transfer-Encoding=chunked"
	          "\nHD ka=1 ex=0 ch=1 cl=0\nB 012345\nE413", &lim);
	check_lim(RQ "Transfer-Encoding: chunked\r\n\r\n1;abcdefg\r\nz\r\n"
	          "0\r\n\r\n",
	          RQ_LOG "\nH Transfer-Encoding=chunked"
	          "\nHD ka=1 ex=0 ch=1 cl=0\nE400", &lim);
	check_lim(RQ "Transfer-Encoding: chunked\r\n\r\n1;abcde\r\nz\r\n"
	          "0\r\nT: 01234567890123456789012345678901234567890123456789\r\n\r\n",
	          RQ_LOG "\nH Transfer-Encoding=chunked"
	          "\nHD ka=1 ex=0 ch=1 cl=0\nB z\nE431", &lim);
}

#define CH RQ "Transfer-Encoding: chunked\r\n\r\n"
#define CH_LOG RQ_LOG "\nH Transfer-Encoding=chunked\nHD ka=1 ex=0 ch=1 cl=0"

MGT_TEST(chunk_refusals)
{
	check(CH "10000000000000000\r\n", CH_LOG "\nE400");
	check(CH "fffffffffffffffff\r\n", CH_LOG "\nE400");
	check(CH "fffffffffffffff\r\n", CH_LOG "\nE413");
	check(CH "g\r\n", CH_LOG "\nE400");
	check(CH "-1\r\n", CH_LOG "\nE400");
	check(CH "\r\n", CH_LOG "\nE400");
	check(CH "1 x\r\n", CH_LOG "\nE400");
	check(CH "1;a\x01\r\n", CH_LOG "\nE400");
	check(CH "1\r\nab\r\n", CH_LOG "\nB a\nE400");
	check(CH "1\nab\r\n", CH_LOG "\nE400");
	check(CH "1\r\na\n0\r\n\r\n", CH_LOG "\nB a\nE400");
	check(CH "0\r\nA : b\r\n\r\n", CH_LOG "\nE400");
	check(CH "0\r\n b\r\n\r\n", CH_LOG "\nE400");
	/* Trailer fields never change framing. */
	check(CH "0\r\nContent-Length: 5\r\n\r\n",
	      CH_LOG "\nT Content-Length=5\nMD");
}

MGT_TEST(error_sticks_until_init)
{
	mg_http_parser p;
	mg_http_event ev;
	mg_http_parser_init(&p, NULL);
	const char *bad = "GET / HTTP/3.0\r\n\r\n";
	ASSERT_EQ(mg_http_parse(&p, mg_cbuf_make(bad, strlen(bad)), &ev),
	          MG_EPROTO);
	ASSERT_EQ(ev.status, 505);
	ASSERT_TRUE(ev.reason != NULL);
	const char *good = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	ASSERT_EQ(mg_http_parse(&p, mg_cbuf_make(good, strlen(good)), &ev),
	          MG_EPROTO);
	ASSERT_EQ(ev.status, 505);
	mg_http_parser_init(&p, NULL);
	ASSERT_EQ(mg_http_parse(&p, mg_cbuf_make(good, strlen(good)), &ev), 16);
	ASSERT_EQ(ev.type, MG_HTTP_REQUEST_LINE);
	ASSERT_EQ(mg_http_parse(&p, mg_cbuf_make(good, 0), &ev), 0);
}

/* Parse (in) up to the first event of (type); the bytes consumed. */
static size_t parse_to(mg_http_parser *p, const char *in,
                       mg_http_event_type type)
{
	size_t off = 0;
	mg_http_event ev;
	do {
		int n = mg_http_parse(p, mg_cbuf_str(in + off), &ev);
		ASSERT_CMP(n, >=, 0);
		off += (size_t)n;
	} while (ev.type != type && ev.type != MG_HTTP_NONE);
	ASSERT_EQ(ev.type, type);
	return off;
}

MGT_TEST(body_pending_counts_unframed_body_bytes)
{
	mg_http_parser p;
	mg_http_parser_init(&p, NULL);
	ASSERT_EQ(mg_http_parser_body_pending(&p), 0);
	parse_to(&p, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n",
	         MG_HTTP_HEADERS_DONE);
	ASSERT_EQ(mg_http_parser_body_pending(&p), 10);
	parse_to(&p, "abcd", MG_HTTP_BODY);
	ASSERT_EQ(mg_http_parser_body_pending(&p), 6);
	/* Bytes read straight into another buffer parse there. */
	mg_http_event ev;
	ASSERT_EQ(mg_http_parse(&p, mg_cbuf_str("efghij"), &ev), 6);
	ASSERT_EQ(ev.type, MG_HTTP_BODY);
	ASSERT_EQ(mg_http_parser_body_pending(&p), 0);

	mg_http_parser_init(&p, NULL);
	parse_to(&p, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
	             "chunked\r\n\r\n",
	         MG_HTTP_HEADERS_DONE);
	ASSERT_EQ(mg_http_parser_body_pending(&p), 0); /* size line next */
	parse_to(&p, "a\r\n0123", MG_HTTP_BODY);
	ASSERT_EQ(mg_http_parser_body_pending(&p), 6);
	parse_to(&p, "456789", MG_HTTP_BODY);
	ASSERT_EQ(mg_http_parser_body_pending(&p), 0); /* CRLF next */
}
