/* Requests into the HTTP/1.1 parser: any split gives the same events. */
// fuzz-link: http/*.c
#include <mg/http.h>

#include <stdlib.h>
#include <string.h>

#include "../tests/unit/http_driver.h"

static http_log whole, bytes, split;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Parse (in) whole and check the order of events (request line, headers,
 * end of headers, body, trailers, end of message) and that the body is as
 * long as the head said and within the limit.
 */
static void check_order(const uint8_t *in, size_t len,
                        const mg_http_limits *lim)
{
	mg_http_parser p;
	mg_http_parser_init(&p, lim);
	uint64_t max_body = lim ? lim->max_body : 1u << 20;
	enum { LINE, HEAD, BODY, TRAIL } at = LINE;
	bool chunked = false;
	uint64_t cl = 0, body = 0;
	size_t off = 0;
	for (;;) {
		mg_http_event ev;
		int r = mg_http_parse(&p, (mg_cbuf){in + off, len - off}, &ev);
		if (r < 0) {
			if (ev.type != MG_HTTP_ERROR || ev.status < 400 ||
			    ev.status > 505 || !ev.reason)
				abort();
			return;
		}
		off += (size_t)r;
		switch (ev.type) {
		case MG_HTTP_NONE:
			return;
		case MG_HTTP_REQUEST_LINE:
			if (at != LINE || !ev.method.len || !ev.target.len)
				abort();
			at = HEAD;
			break;
		case MG_HTTP_HEADER:
			if (at != HEAD || !ev.name.len)
				abort();
			break;
		case MG_HTTP_HEADERS_DONE:
			if (at != HEAD)
				abort();
			at = BODY;
			chunked = ev.chunked;
			cl = ev.content_length;
			body = 0;
			break;
		case MG_HTTP_BODY:
			if (at != BODY || !ev.data.len)
				abort();
			body += ev.data.len;
			if (body > max_body || (!chunked && body > cl))
				abort();
			break;
		case MG_HTTP_TRAILER:
			if (!chunked || (at != BODY && at != TRAIL))
				abort();
			at = TRAIL;
			break;
		case MG_HTTP_MESSAGE_DONE:
			if ((at != BODY && at != TRAIL) || (!chunked && body != cl))
				abort();
			at = LINE;
			break;
		case MG_HTTP_ERROR:
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 4096)
		return 0;
	/* First byte: small limits (so that every bound is reached) or the
	 * defaults; second: where to split in two. */
	mg_http_limits small = {.max_request_line = 40, .max_header_bytes = 96,
	                        .max_headers = 4, .max_body = 64,
	                        .max_chunk_line = 12};
	const mg_http_limits *lim = data[0] & 1 ? &small : NULL;
	size_t cut = data[1];
	data += 2;
	size -= 2;
	/* An exact-size copy, so that ASan sees any read past the end. */
	uint8_t *in = malloc(size ? size : 1);
	if (!in)
		abort();
	memcpy(in, data, size);
	if (!http_drive(in, size, 0, 0, lim, &whole) ||
	    !http_drive(in, size, 1, 1, lim, &bytes) ||
	    !http_drive(in, size, cut, 0, lim, &split))
		abort();
	if (strcmp(whole.s, bytes.s) != 0 || strcmp(whole.s, split.s) != 0)
		abort();
	check_order(in, size, lim);
	free(in);
	return 0;
}
