/* The parsing loop that docs/http.md shows, run on real input. */
#include <mg/http.h>

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
