/* HTTP/1.1 response writer: status, fields, Date, chunks, and bounds. */
#include <mg/http.h>

#include <string.h>

#include "http_driver.h"
#include "mgtest.h"

static mg_cbuf S(const char *s)
{
	return mg_cbuf_make(s, strlen(s));
}

MGT_TEST(response_with_length)
{
	char b[256];
	mg_http_writer w;
	mg_http_writer_init(&w, mg_buf_make(b, sizeof b));
	mg_http_write_status(&w, 200);
	mg_http_write_date(&w, 784111777); /* RFC 9110's example */
	mg_http_write_header(&w, "Content-Type", S("text/html"));
	mg_http_write_content_length(&w, 5);
	mg_http_write_end_headers(&w);
	ASSERT_EQ(w.err, 0);
	b[w.used] = 0;
	ASSERT_STREQ(b, "HTTP/1.1 200 OK\r\n"
	                "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	                "Content-Type: text/html\r\n"
	                "Content-Length: 5\r\n\r\n");
}

MGT_TEST(dates)
{
	static const struct {
		uint64_t t;
		const char *s;
	} c[] = {
		{0, "Thu, 01 Jan 1970 00:00:00 GMT"},
		{951782400, "Tue, 29 Feb 2000 00:00:00 GMT"},
		{1795478399, "Mon, 23 Nov 2026 23:59:59 GMT"},
		{4107542400, "Mon, 01 Mar 2100 00:00:00 GMT"},
		{UINT64_MAX, "Fri, 31 Dec 9999 23:59:59 GMT"},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		char b[64], want[64];
		mg_http_writer w;
		mg_http_writer_init(&w, mg_buf_make(b, sizeof b));
		mg_http_write_date(&w, c[i].t);
		ASSERT_EQ(w.err, 0);
		b[w.used] = 0;
		snprintf(want, sizeof want, "Date: %s\r\n", c[i].s);
		ASSERT_STREQ(b, want);
	}
}

MGT_TEST(chunked_body_parses_back)
{
	char b[512];
	mg_http_writer w;
	mg_http_writer_init(&w, mg_buf_make(b, sizeof b));
	mg_http_write_status(&w, 404);
	mg_http_write_chunked(&w);
	mg_http_write_end_headers(&w);
	mg_http_write_chunk(&w, S("hello "));
	mg_http_write_chunk(&w, S(""));
	mg_http_write_chunk_head(&w, 26);
	const char *abc = "abcdefghijklmnopqrstuvwxyz";
	memcpy(b + w.used, abc, 26);
	w.used += 26;
	mg_http_write_chunk_end(&w);
	mg_http_write_last_chunk(&w);
	ASSERT_EQ(w.err, 0);
	b[w.used] = 0;
	ASSERT_STREQ(b, "HTTP/1.1 404 Not Found\r\n"
	                "Transfer-Encoding: chunked\r\n\r\n"
	                "6\r\nhello \r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\n"
	                "0\r\n\r\n");
	/* The request parser reads the same framing. */
	char req[512];
	const char *body = strstr(b, "\r\n\r\n") + 4;
	int n = snprintf(req, sizeof req, "POST / HTTP/1.1\r\nHost: x\r\n"
	                 "Transfer-Encoding: chunked\r\n\r\n%s", body);
	static http_log l;
	ASSERT_TRUE(http_drive((const uint8_t *)req, (size_t)n, 0, 0, NULL, &l));
	ASSERT_STREQ(l.s, "\nRL POST / 1\nH Host=x\nH Transfer-Encoding=chunked"
	                  "\nHD ka=1 ex=0 ch=1 cl=0"
	                  "\nB hello abcdefghijklmnopqrstuvwxyz\nMD");
}

MGT_TEST(status_lines)
{
	static const struct {
		int status;
		const char *line;
	} c[] = {
		{100, "HTTP/1.1 100 Continue\r\n"},
		{304, "HTTP/1.1 304 Not Modified\r\n"},
		{413, "HTTP/1.1 413 Content Too Large\r\n"},
		{431, "HTTP/1.1 431 Request Header Fields Too Large\r\n"},
		{505, "HTTP/1.1 505 HTTP Version Not Supported\r\n"},
		{599, "HTTP/1.1 599 \r\n"},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		char b[64];
		mg_http_writer w;
		mg_http_writer_init(&w, mg_buf_make(b, sizeof b));
		mg_http_write_status(&w, c[i].status);
		ASSERT_EQ(w.err, 0);
		b[w.used] = 0;
		ASSERT_STREQ(b, c[i].line);
	}
}

MGT_TEST(refusals_stick)
{
	char b[64];
	mg_http_writer w;
	mg_http_writer_init(&w, mg_buf_make(b, sizeof b));
	mg_http_write_status(&w, 99);
	ASSERT_EQ(w.err, MG_EINVAL);
	ASSERT_EQ(w.used, 0);
	mg_http_write_status(&w, 200);
	ASSERT_EQ(w.used, 0);

	const char *bad_names[] = {"", "A B", "A:", "X\r\nY"};
	for (size_t i = 0; i < 4; i++) {
		mg_http_writer_init(&w, mg_buf_make(b, sizeof b));
		mg_http_write_header(&w, bad_names[i], S("v"));
		ASSERT_EQ(w.err, MG_EINVAL);
		ASSERT_EQ(w.used, 0);
	}
	const char *bad_values[] = {"a\r\nX: y", "a\nb", "a\rb"};
	for (size_t i = 0; i < 3; i++) {
		mg_http_writer_init(&w, mg_buf_make(b, sizeof b));
		mg_http_write_header(&w, "A", S(bad_values[i]));
		ASSERT_EQ(w.err, MG_EINVAL);
	}
	mg_http_writer_init(&w, mg_buf_make(b, sizeof b));
	mg_http_write_header(&w, "A", mg_cbuf_make("a\0b", 3));
	ASSERT_EQ(w.err, MG_EINVAL);
	mg_http_writer_init(&w, mg_buf_make(b, sizeof b));
	mg_http_write_chunk_head(&w, 0);
	ASSERT_EQ(w.err, MG_EINVAL);
}

MGT_TEST(no_room_writes_nothing_past_the_end)
{
	/* Every prefix size: either all fits or MG_ENOSPC with no partial
	 * item and nothing written past the buffer. */
	char full[256];
	mg_http_writer w;
	mg_http_writer_init(&w, mg_buf_make(full, sizeof full));
	mg_http_write_status(&w, 200);
	mg_http_write_header(&w, "Server", S("morgana"));
	mg_http_write_chunked(&w);
	mg_http_write_end_headers(&w);
	mg_http_write_chunk(&w, S("0123456789abcdef0"));
	mg_http_write_last_chunk(&w);
	ASSERT_EQ(w.err, 0);
	size_t total = w.used;
	for (size_t cap = 0; cap <= total; cap++) {
		char b[256];
		memset(b, '#', sizeof b);
		mg_http_writer_init(&w, mg_buf_make(b, cap));
		mg_http_write_status(&w, 200);
		mg_http_write_header(&w, "Server", S("morgana"));
		mg_http_write_chunked(&w);
		mg_http_write_end_headers(&w);
		mg_http_write_chunk(&w, S("0123456789abcdef0"));
		mg_http_write_last_chunk(&w);
		ASSERT_EQ(w.err, cap == total ? 0 : MG_ENOSPC);
		ASSERT_TRUE(w.used <= cap);
		ASSERT_TRUE(memcmp(b, full, w.used) == 0);
		for (size_t i = cap; i < sizeof b; i++)
			ASSERT_EQ(b[i], '#');
	}
}
