/* HTTP/1.1 client side: a sans-I/O response parser and a client over flows. */
#ifndef MG_HTTP_CLIENT_H
#define MG_HTTP_CLIENT_H

/*
 * The response parser is the twin of mg_http_parse() (mg/http.h): fed
 * bytes, it returns events, allocates nothing, blocks on nothing. Framing
 * follows RFC 9112 section 6.3. The client (below) drives it over an
 * mg_flow. docs/http.md, "Client", shows both.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mg/buf.h>
#include <mg/error.h>
#include <mg/flow.h>
#include <mg/http.h>
#include <mg/stackv4.h>

/* --- response parser --- */

/* How the body of a response is delimited (RFC 9112 section 6.3). */
typedef enum mg_http_body {
	MG_HTTP_BODY_NONE,    /* HEAD, 1xx, 204, 304, 2xx to CONNECT */
	MG_HTTP_BODY_LENGTH,  /* Content-Length bytes */
	MG_HTTP_BODY_CHUNKED, /* Transfer-Encoding: chunked */
	MG_HTTP_BODY_CLOSE,   /* until the end of the stream */
} mg_http_body;

typedef enum mg_http_resp_event_type {
	MG_HTTP_RESP_NONE,         /* more input needed */
	MG_HTTP_RESP_STATUS,       /* version_minor, status, phrase */
	MG_HTTP_RESP_HEADER,       /* name, value */
	MG_HTTP_RESP_HEADERS_DONE, /* status, interim, body, content_length,
	                              keep_alive */
	MG_HTTP_RESP_BODY,         /* data: decoded body bytes */
	MG_HTTP_RESP_TRAILER,      /* name, value */
	MG_HTTP_RESP_DONE,         /* the final response is complete */
	MG_HTTP_RESP_ERROR,        /* why */
} mg_http_resp_event_type;

typedef struct mg_http_resp_event {
	mg_http_resp_event_type type;
	int version_minor;       /* STATUS: 0 or 1 (1.2+ reads as 1) */
	int status;              /* STATUS, HEADERS_DONE: 100..599 */
	mg_cbuf phrase;          /* STATUS: the reason phrase, maybe empty */
	mg_cbuf name, value;     /* HEADER, TRAILER: value without OWS */
	mg_cbuf data;            /* BODY */
	bool interim;            /* HEADERS_DONE: a 1xx but 101; the next
	                            STATUS follows, without DONE */
	mg_http_body body;       /* HEADERS_DONE */
	uint64_t content_length; /* HEADERS_DONE: with MG_HTTP_BODY_LENGTH */
	bool keep_alive;         /* HEADERS_DONE: the connection may carry
	                            another request after DONE */
	const char *why;         /* ERROR: a static text saying which rule */
} mg_http_resp_event;

typedef struct mg_http_resp_parser {
	mg_http_limits lim;
	int state;
	int status;
	int version_minor;
	unsigned flags;
	size_t section_bytes;
	size_t section_count;
	uint64_t content_length;
	uint64_t remaining;
	uint64_t body_total;
	int err_rc;
	mg_http_resp_event err;
} mg_http_resp_parser;

/*
 * Make (p) ready for the first response of a connection under (lim)
 * (NULL: every default). The fields of mg_http_limits mean: the status
 * line (max_request_line, 8192), the header section and each trailer
 * section (max_header_bytes, 16384; max_headers, 100), the chunk-size line
 * (max_chunk_line, 256) and the decoded body (max_body: 0 here means no
 * bound, as a client streams the body on).
 */
void mg_http_resp_parser_init(mg_http_resp_parser *p,
                              const mg_http_limits *lim);

/*
 * Tell (p) the method of the request that the next response answers
 * (until its DONE): "HEAD" makes it bodiless, "CONNECT" makes a 2xx
 * bodiless and the connection a tunnel (keep_alive false). Any other
 * method, or no call: the framing fields decide. Call it before the
 * response's first byte is parsed.
 */
void mg_http_resp_parser_method(mg_http_resp_parser *p, mg_cbuf method);

/*
 * Parse from the start of (in) and fill (*ev) with one event, as
 * mg_http_parse() does: returns the count of (in) consumed (>= 0), with
 * MG_HTTP_RESP_NONE when more input is needed (the caller keeps the
 * unconsumed bytes and calls again with them and new ones after); lines
 * arrive whole, body bytes in any split, views point into (in); the same
 * bytes in any split give the same events. Interim 1xx responses are
 * reported (STATUS, HEADER..., HEADERS_DONE with interim set) and parsing
 * goes on to the final response. After DONE the next call parses the next
 * response (unless keep_alive was false: the connection MUST then close).
 *
 * Errors (ev->type MG_HTTP_RESP_ERROR, the same on every later call until
 * init; the connection MUST be closed and the response discarded):
 * MG_EPROTO for a malformed or ambiguous message (RFC 9112: a bare CR or
 * LF, obs-fold, a bad status line or field, Content-Length invalid or
 * repeated with different values, a transfer coding other than chunked,
 * Transfer-Encoding in HTTP/1.0, bad chunk framing, the stream ending
 * inside a message); MG_EMSGSIZE for a limit exceeded; MG_EPIPE when the
 * stream ended before a response began.
 */
int mg_http_resp_parse(mg_http_resp_parser *p, mg_cbuf in,
                       mg_http_resp_event *ev);

/*
 * The stream has ended: no byte will follow those the caller still holds,
 * which it MUST pass, all of them, to every later mg_http_resp_parse().
 * Where more input would be needed, that call then ends a body delimited
 * by the close (DONE) or fails (MG_EPIPE or MG_EPROTO, above).
 */
void mg_http_resp_parser_eof(mg_http_resp_parser *p);

#endif
