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

/*
 * Body bytes that come next with no framing in between: the rest of a
 * Content-Length body or of the current chunk, or what the limit leaves
 * of a body delimited by the close (0 anywhere else, and before
 * HEADERS_DONE). A caller holding no unparsed input MAY read up to that
 * many bytes straight into a buffer of its own and parse them there: they
 * come back as one BODY event.
 */
uint64_t mg_http_resp_parser_body_pending(const mg_http_resp_parser *p);

/* --- client --- */

/*
 * An HTTP/1.1 client of one server: one connection at a time, kept open
 * between requests (persistence, RFC 9112 section 9.3). A request is sent
 * with mg_http_client_send() (or _begin, _write..., _end for a body
 * written piece by piece); the final response's head comes back in an
 * mg_http_client_resp (interim 1xx responses are skipped) and its body is
 * read with mg_http_client_read() until it returns 0. The next request
 * reads and drops what is left of the previous body (up to 64 KiB, else
 * the connection is closed), and opens a new connection when the server
 * closed the last one: a connection that answered before and that is
 * found closed, or that fails before any byte of the response, is opened
 * again once and the request sent again, if its method is idempotent
 * (RFC 9110 section 9.2.2) and its body (if any) is in memory.
 *
 * Conventions of mg/flow.h: blocking calls only from a fiber, one fiber
 * at a time per client, 0 or negative MG_E codes. Each wait on the
 * connection is bounded by io_timeout_ns (MG_ETIMEDOUT, and the
 * connection is closed). Any error closes the connection; the client
 * stays usable (over a stack the next request connects again).
 */
typedef struct mg_http_client mg_http_client;

typedef struct mg_http_client_opts {
	mg_http_limits limits;        /* of responses, as for the response
	                                 parser (max_body 0: no bound) */
	const char *host;             /* Host value; NULL: the server's
	                                 address, "10.0.0.1" or
	                                 "10.0.0.1:8080" (over a flow: its
	                                 peer's, else empty) */
	uint64_t connect_timeout_ns;  /* (10 s) */
	uint64_t io_timeout_ns;       /* each read or write (30 s) */
	uint64_t continue_timeout_ns; /* the wait for 100 Continue before the
	                                 body is sent anyway (1 s) */
	unsigned tcp_flags;           /* MG_TCP_* of connections */
} mg_http_client_opts;

/* Fills (room) with the next bytes of a request body: returns the count
 * (> 0), 0 at the end of the body, or a negative MG_E code (the request
 * fails with it and the connection closes). */
typedef int (*mg_http_body_fn)(void *arg, mg_buf room);

/* A request to send. Every pointer MUST stay valid until the response
 * head has come back (mg_http_client_send or _end returned). */
typedef struct mg_http_client_req {
	const char *method;         /* NULL: "GET"; MUST be a token */
	const char *target;         /* NULL: "/"; visible ASCII */
	const char *const *headers; /* NULL, or name, value, name, value,
	                               ..., NULL: extra fields (a Host among
	                               them replaces the client's; the
	                               client's framing fields are refused) */
	mg_cbuf body;               /* a body in memory (Content-Length) */
	mg_http_body_fn body_fn;    /* or a body from a callback */
	void *body_arg;
	bool stream;                /* or a body of mg_http_client_write()s */
	bool chunked;               /* body_fn or stream: chunked, else
	                               Content-Length: (length) */
	uint64_t length;
	bool expect_continue;       /* send Expect: 100-continue and wait for
	                               it before the body */
	bool close;                 /* Connection: close, and close after */
} mg_http_client_req;

/* The head of a final response. Views point into the client's buffer and
 * are valid until the next request. */
typedef struct mg_http_client_resp {
	int status;              /* 101..599 */
	int version_minor;       /* 0 or 1 */
	mg_cbuf phrase;          /* the reason phrase, maybe empty */
	mg_http_body body;       /* its framing */
	uint64_t content_length; /* with MG_HTTP_BODY_LENGTH */
	bool keep_alive;         /* the connection is kept after the body */
	mg_cbuf fields;          /* the field lines, each with its CRLF */
} mg_http_client_resp;

/*
 * A client of (server) over (net): nothing is connected before the first
 * request. (opts) NULL: every default. Stores it in (*out). 0, MG_EINVAL
 * (a Host value with CR, LF or NUL), MG_ENOMEM.
 */
int mg_http_client_new(mg_stackv4 *net, mg_ipv4_endpoint server,
                       const mg_http_client_opts *opts, mg_http_client **out);

/*
 * A client over the connected (flow), which it then owns (and closes).
 * Once that connection ends, requests fail with MG_ENOTCONN.
 */
int mg_http_client_new_flow(mg_flow *flow, const mg_http_client_opts *opts,
                            mg_http_client **out);

/* Close the connection if any and free (c). NULL is ignored. */
void mg_http_client_free(mg_http_client *c);

/*
 * Send (req) and its body (unless req->stream) and read the head of its
 * final response into (*resp). 0; MG_EINVAL (a bad method, target or
 * field, a body not as long as said, a request begun and not ended);
 * MG_ENOSPC (the request head does not fit the client's buffer, about
 * the size of the limits on a response head); connect errors (over a
 * stack); MG_ENOTCONN (over a flow that ended); MG_ETIMEDOUT; flow
 * errors; the parser's MG_EPROTO, MG_EMSGSIZE (the response head, or a
 * Content-Length over max_body) or MG_EPIPE (the server closed without
 * answering).
 */
int mg_http_client_send(mg_http_client *c, const mg_http_client_req *req,
                        mg_http_client_resp *resp);

/*
 * The same in steps, for a body written piece by piece (req->stream):
 * _begin sends the head; each _write sends (data) (a chunk when chunked;
 * empty data sends nothing); _end finishes the body and reads the
 * response head as _send does. With expect_continue the first _write
 * waits for 100 Continue (up to continue_timeout_ns) and returns 1 when
 * the server answered at once with a final response: the body is not
 * wanted, the data is dropped, and _end gives that response. A request
 * whose body was not sent whole closes the connection after its response.
 */
int mg_http_client_begin(mg_http_client *c, const mg_http_client_req *req);
int mg_http_client_write(mg_http_client *c, mg_cbuf data);
int mg_http_client_end(mg_http_client *c, mg_http_client_resp *resp);

/*
 * Read decoded body bytes of the last response into (buf). Returns the
 * count (> 0); 0 at the end of the body (and on every call after; trailer
 * fields are dropped); MG_EINVAL if (buf.len) is 0 or no response head
 * was read; MG_ETIMEDOUT, flow errors, MG_EPROTO and MG_EMSGSIZE as for
 * the parser (the body is then cut short and the connection closed).
 */
int mg_http_client_read(mg_http_client *c, mg_buf buf);

/*
 * Find the first field named (name) (any case) in (resp) and store its
 * value in (*value). true if found.
 */
bool mg_http_client_header(const mg_http_client_resp *resp, const char *name,
                           mg_cbuf *value);

/* Iterate over the fields of (resp) in order; (*pos) MUST start at 0.
 * false after the last. */
bool mg_http_client_header_next(const mg_http_client_resp *resp, size_t *pos,
                                mg_cbuf *name, mg_cbuf *value);

#endif
