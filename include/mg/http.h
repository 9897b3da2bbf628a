/* HTTP/1.1 without I/O: an incremental request parser and a response writer. */
#ifndef MG_HTTP_H
#define MG_HTTP_H

/*
 * Sans-I/O (STYLE.md, BearSSL): the caller reads bytes from wherever it
 * likes, hands them to mg_http_parse() and gets events back; responses are
 * written into caller buffers. Nothing here allocates, blocks or reads a
 * clock. Framing follows RFC 9112 exactly; everything that could let two
 * parties disagree on where a message ends is refused (docs/http.md).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mg/buf.h>
#include <mg/error.h>

/* Bounds on what one request may hold. 0 in a field picks its default. */
typedef struct mg_http_limits {
	size_t max_request_line;  /* bytes before CRLF; over: 414 (8192) */
	size_t max_header_bytes;  /* all field lines with CRLFs; 431 (16384)
	                             also bounds the trailer section */
	size_t max_headers;       /* field lines; over: 431 (100) */
	uint64_t max_body;        /* decoded body bytes; over: 413 (1 MiB) */
	size_t max_chunk_line;    /* chunk-size line with extensions; 400
	                             (256) */
} mg_http_limits;

typedef enum mg_http_event_type {
	MG_HTTP_NONE,         /* more input needed */
	MG_HTTP_REQUEST_LINE, /* method, target, version_minor */
	MG_HTTP_HEADER,       /* name, value */
	MG_HTTP_HEADERS_DONE, /* keep_alive, expect_continue, chunked,
	                         content_length */
	MG_HTTP_BODY,         /* data: decoded body bytes */
	MG_HTTP_TRAILER,      /* name, value: a field of the chunked trailer */
	MG_HTTP_MESSAGE_DONE, /* the request is complete */
	MG_HTTP_ERROR,        /* status, reason */
} mg_http_event_type;

typedef struct mg_http_event {
	mg_http_event_type type;
	mg_cbuf method, target; /* REQUEST_LINE */
	int version_minor;      /* REQUEST_LINE: 0 or 1 (1.2+ reads as 1) */
	mg_cbuf name, value;    /* HEADER, TRAILER: value without OWS */
	mg_cbuf data;           /* BODY */
	bool keep_alive;        /* HEADERS_DONE: connection persists after */
	bool expect_continue;   /* HEADERS_DONE: Expect: 100-continue */
	bool chunked;           /* HEADERS_DONE */
	uint64_t content_length; /* HEADERS_DONE: body length if !chunked */
	int status;             /* ERROR: 400, 413, 414, 417, 431, 501, 505 */
	const char *reason;     /* ERROR: a static text saying which rule */
} mg_http_event;

typedef struct mg_http_parser {
	mg_http_limits lim;
	int state;
	int version_minor;
	unsigned flags;
	int host_count;
	size_t section_bytes;
	size_t section_count;
	uint64_t content_length;
	uint64_t remaining;
	uint64_t body_total;
	mg_http_event err;
} mg_http_parser;

/*
 * Make (p) ready for the first request of a connection under (lim) (NULL:
 * every default). Any state MAY be reset again this way.
 */
void mg_http_parser_init(mg_http_parser *p, const mg_http_limits *lim);

/*
 * Parse from the start of (in) and fill (*ev) with one event. Returns the
 * count of bytes of (in) consumed (>= 0), or MG_EPROTO with ev->type
 * MG_HTTP_ERROR and the status to answer with (the connection MUST then be
 * closed after that answer; later calls return MG_EPROTO again until
 * mg_http_parser_init()).
 *
 * MG_HTTP_NONE means more input is needed: the caller MUST keep the
 * unconsumed bytes and call again with them followed by new ones. Views in
 * (*ev) (method, target, name, value, data) point into (in) and are valid
 * as long as the caller keeps those bytes; the parser never consumes part
 * of a request line or field line, so a line arrives whole. Body bytes are
 * delivered as they come, in any split. Any other event MAY consume 0
 * bytes; the caller loops until MG_HTTP_NONE. After MESSAGE_DONE the next
 * call parses the next request (pipelining), unless keep_alive was false.
 * The same bytes in any split give the same events (BODY data MAY be cut
 * differently).
 */
int mg_http_parse(mg_http_parser *p, mg_cbuf in, mg_http_event *ev);

/*
 * Body bytes that come next in the stream with no framing in between: the
 * rest of a Content-Length body or of the current chunk's data (0 anywhere
 * else, and before HEADERS_DONE). A caller that has no unparsed input MAY
 * read up to that many bytes straight into a buffer of its own and pass
 * them to mg_http_parse() there: they come back as one BODY event.
 */
uint64_t mg_http_parser_body_pending(const mg_http_parser *p);

/*
 * Response writer: appends to (out.p) up to (out.len) bytes; (used) grows.
 * The first failure sticks in (err): MG_ENOSPC when a write does not fit
 * (nothing of it is written), MG_EINVAL for a bad status, a name that is
 * not a token or a value with CR, LF or NUL. Later writes do nothing.
 */
typedef struct mg_http_writer {
	mg_buf out;
	size_t used;
	int err;
} mg_http_writer;

void mg_http_writer_init(mg_http_writer *w, mg_buf out);
/* "HTTP/1.1 (status) reason\r\n"; (status) 100..599, the reason from RFC
 * 9110 (or empty when it names none). */
void mg_http_write_status(mg_http_writer *w, int status);
void mg_http_write_header(mg_http_writer *w, const char *name, mg_cbuf value);
/* Date: the IMF-fixdate of (unix_seconds) (RFC 9110 section 5.6.7). */
void mg_http_write_date(mg_http_writer *w, uint64_t unix_seconds);
void mg_http_write_content_length(mg_http_writer *w, uint64_t len);
/* "Transfer-Encoding: chunked". */
void mg_http_write_chunked(mg_http_writer *w);
/* The empty line ending the header section. */
void mg_http_write_end_headers(mg_http_writer *w);
/* A chunk of (data) with its size line and CRLF; an empty (data) writes
 * nothing (it would end the body). */
void mg_http_write_chunk(mg_http_writer *w, mg_cbuf data);
/* The size line alone of a chunk of (len) > 0 bytes, for a caller that
 * sends the data from elsewhere, then MUST send mg_http_write_chunk_end. */
void mg_http_write_chunk_head(mg_http_writer *w, uint64_t len);
void mg_http_write_chunk_end(mg_http_writer *w);
/* "0\r\n\r\n": the last chunk and an empty trailer. */
void mg_http_write_last_chunk(mg_http_writer *w);
/* The reason phrase of (status), "" when unknown. */
const char *mg_http_reason(int status);

#endif
