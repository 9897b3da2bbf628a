/* Responses into the HTTP/1.1 response parser: any split, same events. */
// fuzz-link: http/syntax.c http/resp_parse.c
#include <mg/http_client.h>

#include <stdlib.h>
#include <string.h>

#include "../tests/unit/http_resp_driver.h"

static resp_log whole, bytes, split;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(const mg_http_resp_event *ev, int rc)
{
	if (ev->type != MG_HTTP_RESP_ERROR || !ev->why ||
	    (rc != MG_EPROTO && rc != MG_EMSGSIZE && rc != MG_EPIPE))
		abort();
}

/*
 * Parse (in) whole, then its end, and check the order of events (status,
 * headers, end of headers, body, trailers, end of response) and that a
 * body is as long as its head said and within the limit.
 */
static void check_order(const uint8_t *in, size_t len, bool eof,
                        const char *method, const mg_http_limits *lim)
{
	mg_http_resp_parser p;
	mg_http_resp_parser_init(&p, lim);
	mg_http_resp_parser_method(&p, mg_cbuf_make(method, strlen(method)));
	if (eof)
		mg_http_resp_parser_eof(&p);
	uint64_t max_body = lim ? lim->max_body : UINT64_MAX;
	enum { LINE, HEAD, BODY, TRAIL } at = LINE;
	mg_http_body kind = MG_HTTP_BODY_NONE;
	uint64_t cl = 0, body = 0;
	size_t off = 0;
	for (;;) {
		mg_http_resp_event ev;
		int r =
		    mg_http_resp_parse(&p, (mg_cbuf){in + off, len - off}, &ev);
		if (r < 0) {
			check_error(&ev, r);
			return;
		}
		off += (size_t)r;
		switch (ev.type) {
		case MG_HTTP_RESP_NONE:
			/* At the end of the stream only errors want more. */
			if (eof)
				abort();
			return;
		case MG_HTTP_RESP_STATUS:
			if (at != LINE || ev.status < 100 || ev.status > 599)
				abort();
			at = HEAD;
			break;
		case MG_HTTP_RESP_HEADER:
			if (at != HEAD || !ev.name.len)
				abort();
			break;
		case MG_HTTP_RESP_HEADERS_DONE:
			if (at != HEAD || (ev.interim && ev.body))
				abort();
			at = ev.interim ? LINE : BODY;
			kind = ev.body;
			cl = ev.content_length;
			body = 0;
			if (kind == MG_HTTP_BODY_CLOSE && ev.keep_alive)
				abort();
			break;
		case MG_HTTP_RESP_BODY:
			if (at != BODY || !ev.data.len || !kind)
				abort();
			body += ev.data.len;
			if (body > max_body ||
			    (kind == MG_HTTP_BODY_LENGTH && body > cl))
				abort();
			break;
		case MG_HTTP_RESP_TRAILER:
			if (kind != MG_HTTP_BODY_CHUNKED ||
			    (at != BODY && at != TRAIL))
				abort();
			at = TRAIL;
			break;
		case MG_HTTP_RESP_DONE:
			if ((at != BODY && at != TRAIL) ||
			    (kind == MG_HTTP_BODY_LENGTH && body != cl) ||
			    (kind == MG_HTTP_BODY_NONE && body))
				abort();
			at = LINE;
			mg_http_resp_parser_method(
			    &p, mg_cbuf_make(method, strlen(method)));
			break;
		case MG_HTTP_RESP_ERROR:
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 4096)
		return 0;
	/* First byte: small limits or the defaults, the end of the stream
	 * or not, the request's method; second: where to split in two. */
	mg_http_limits small = {.max_request_line = 40,
	                        .max_header_bytes = 96,
	                        .max_headers = 4,
	                        .max_body = 64,
	                        .max_chunk_line = 12};
	const mg_http_limits *lim = data[0] & 1 ? &small : NULL;
	bool eof = data[0] & 2;
	static const char *const methods[] = {"GET", "HEAD", "CONNECT", "POST"};
	const char *method = methods[(data[0] >> 2) & 3];
	size_t cut = data[1];
	data += 2;
	size -= 2;
	/* An exact-size copy, so that ASan sees any read past the end. */
	uint8_t *in = malloc(size ? size : 1);
	if (!in)
		abort();
	memcpy(in, data, size);
	if (!resp_drive(in, size, 0, 0, eof, method, lim, &whole) ||
	    !resp_drive(in, size, 1, 1, eof, method, lim, &bytes) ||
	    !resp_drive(in, size, cut, 0, eof, method, lim, &split))
		abort();
	if (strcmp(whole.h.s, bytes.h.s) != 0 ||
	    strcmp(whole.h.s, split.h.s) != 0 || whole.rc != bytes.rc ||
	    whole.rc != split.rc)
		abort();
	check_order(in, size, eof, method, lim);
	free(in);
	return 0;
}
