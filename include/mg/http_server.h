/* HTTP/1.1 server over mg_flow: connections, routes and handlers. */
#ifndef MG_HTTP_SERVER_H
#define MG_HTTP_SERVER_H

/*
 * A server owns routes and options; each connection it serves runs in its
 * own fiber (one per accepted TCP connection when it listens on a stack,
 * or the caller's with mg_http_server_serve()). A connection reads
 * requests with the parser of mg/http.h into a small buffer of its own,
 * runs the handler of the route that matches, and writes the response
 * with writev (head and body without copying the body). It keeps the
 * connection open between requests (HTTP/1.1 persistence, HTTP/1.0 with
 * "Connection: keep-alive") and answers pipelined requests in order.
 *
 * What the server does itself (docs/http.md, "Server"):
 * - A request the parser refuses is answered with its status (400, 413,
 *   414, 417, 431, 501, 505) and "Connection: close", then the connection
 *   closes.
 * - No route whose path matches: the fallback handler, else 404. A path
 *   that matches but not for the method: 405 with Allow.
 * - A handler that returns an error, or returns without answering, before
 *   the response head is sent: 500 (a body parse error of the request
 *   instead gives the parser's status, and MG_ETIMEDOUT from a body read
 *   gives 408; both close). After the head: the connection closes, so
 *   the peer sees the response cut short.
 * - Date (when a wall clock is given), Content-Length or
 *   Transfer-Encoding, Connection: close or keep-alive as needed.
 * - HEAD runs the handler of GET; the head is the same and no body byte
 *   is sent.
 * - Expect: 100-continue: "100 Continue" is sent when the handler first
 *   reads the body, and not at all if it answers first (the connection
 *   then closes after the response, as the peer may or may not send the
 *   body).
 * - Body the handler did not read is read and dropped, up to max_drain
 *   bytes; beyond, the connection closes after the response.
 * - Timeouts: the whole head of a request within header_timeout_ns of its
 *   first byte (of the connection's start for the first request), else
 *   408 and close; nothing for idle_timeout_ns between requests: a silent
 *   close. Closing shuts the write side first and reads what the peer
 *   still sends for a moment, so that the last response is not lost to a
 *   TCP reset (RFC 9112 section 9.6).
 * - Beyond max_connections, the oldest connection waiting for a request
 *   with nothing received is closed to make room; if none is, the new
 *   connection gets 503 and is closed.
 *
 * Conventions are those of mg/flow.h: absolute monotonic deadlines,
 * blocking calls only from the connection's fiber, 0 or negative MG_E
 * codes. Views (mg_cbuf) given to a handler point into the connection's
 * buffer and are valid until the handler returns.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mg/buf.h>
#include <mg/error.h>
#include <mg/flow.h>
#include <mg/http.h>
#include <mg/pclock.h>
#include <mg/stackv4.h>

typedef struct mg_http_server mg_http_server;
typedef struct mg_http_response mg_http_response;
struct mg__http_conn;

/*
 * A request as its handler sees it. The fields are read-only. Header
 * fields are looked up with mg_http_header(); the body is read with
 * mg_http_body_read().
 */
typedef struct mg_http_request {
	mg_cbuf method;    /* as sent: "GET"; a HEAD request reads "HEAD" */
	mg_cbuf target;    /* as sent: "/a/b%20c?x=1" */
	mg_cbuf path;      /* the target up to '?' ("/a/b%20c"), still
	                      percent-encoded; an absolute-form target
	                      ("http://h/p") gives its path ("/p") */
	mg_cbuf query;     /* after '?' ("x=1"); empty if none */
	mg_cbuf rest;      /* the path after the matched route's prefix (see
	                      mg_http_route): "b" for prefix "/a/" and path
	                      "/a/b"; the whole path for an exact route or the
	                      fallback */
	int version_minor; /* 0: HTTP/1.0, 1: HTTP/1.1 */
	bool head;         /* HEAD: what the handler writes as body is
	                      dropped */
	bool chunked;      /* the body is chunked (length unknown) */
	uint64_t content_length; /* the body's length when !chunked (0: none) */
	struct mg__http_conn *conn; /* the server's */
} mg_http_request;

/*
 * A handler answers (req) through (res), reading the request body as it
 * needs. Returns 0, or a negative MG_E code (logged; see above for what
 * the peer sees). It runs in the connection's fiber and MAY block.
 */
typedef int (*mg_http_handler)(mg_http_request *req, mg_http_response *res,
                               void *arg);

/* Options of a server. 0 (or NULL) in a field picks its default. */
typedef struct mg_http_server_opts {
	mg_http_limits limits;      /* of each request, see mg/http.h */
	unsigned max_connections;   /* served at once (256) */
	size_t buffer_size;         /* initial read buffer of a connection
	                               (2048); it grows for a larger request
	                               head and shrinks back between
	                               requests */
	uint64_t header_timeout_ns; /* (10 s) */
	uint64_t idle_timeout_ns;   /* between requests (30 s) */
	uint64_t body_timeout_ns;   /* the longest wait for more of the
	                               request body, in mg_http_body_read()
	                               and when draining (30 s) */
	uint64_t send_timeout_ns;   /* the longest one response write may
	                               take (30 s) */
	uint64_t max_drain;         /* unread body bytes dropped to keep the
	                               connection (65536) */
	size_t stack_size;          /* of connection fibers (32 KiB): what
	                               handlers put on the stack must fit */
	int backlog;        /* of the listener (MG_TCP_BACKLOG_DEFAULT) */
	mg_pclock *pclock;  /* wall clock for Date; NULL: no Date */
	const char *server; /* a Server field value; NULL: none */
} mg_http_server_opts;

/*
 * Make a server with (opts) (NULL: every default) and no routes. Stores it
 * in (*out). 0, MG_EINVAL (a Server value with CR, LF or NUL or longer
 * than 128 bytes), MG_ENOMEM.
 */
int mg_http_server_new(const mg_http_server_opts *opts, mg_http_server **out);

/*
 * Route requests whose method is (method) (NULL: any; "GET" also takes
 * HEAD unless a HEAD route comes first) and whose path is (path) to
 * (fn)(req, res, arg). A (path) ending in '*' is a prefix: it matches
 * every path that starts with what precedes the '*' (with "/static/"
 * before it: "/static/" and "/static/a/b"; "/" and '*': every path);
 * otherwise the path MUST be equal. Routes are
 * tried in the order they were added; the first match runs. The strings
 * MUST outlive the server. 0, MG_EINVAL (a path not starting with '/'
 * and not "*"), MG_ENOMEM. Routes MAY be added while serving.
 */
int mg_http_route(mg_http_server *s, const char *method, const char *path,
                  mg_http_handler fn, void *arg);

/* The handler of requests whose path no route matches (instead of 404). */
void mg_http_fallback(mg_http_server *s, mg_http_handler fn, void *arg);

/*
 * Listen on TCP (port) of (net) (0: a free one, see mg_http_server_port)
 * and serve every connection in a fiber of its own. At most one listener
 * per server. 0, MG_EBUSY if already listening, or an error of
 * mg_tcp_listen().
 */
int mg_http_server_listen(mg_http_server *s, mg_stackv4 *net, uint16_t port);

/* The port listened on; 0 when not listening. */
uint16_t mg_http_server_port(mg_http_server *s);

/*
 * Serve (flow) in the calling fiber until the connection ends (the peer
 * closes, a timeout, an error, or the server is freed), for a caller that
 * accepts connections itself. Shuts the write side at the end but does
 * not close (flow). Counts against max_connections like the listener's:
 * over it, answers 503. 0, or the flow error that ended it.
 */
int mg_http_server_serve(mg_http_server *s, mg_flow *flow);

/*
 * Stop listening, cancel every connection's fiber (a handler cancelled
 * before answering gets 503 sent for it), wait until they have ended, and
 * free (s). MUST NOT be called from a connection's fiber (a
 * handler). NULL is ignored.
 */
void mg_http_server_free(mg_http_server *s);

/* --- in a handler: the request --- */

/*
 * Find the first header field named (name) (any case) and store its value
 * (without surrounding whitespace) in (*value). true if found.
 */
bool mg_http_header(const mg_http_request *req, const char *name,
                    mg_cbuf *value);

/*
 * Iterate over the header fields in order: (*pos) MUST start at 0.
 * Stores the next field in (*name) and (*value); false after the last.
 */
bool mg_http_header_next(const mg_http_request *req, size_t *pos, mg_cbuf *name,
                         mg_cbuf *value);

/* (a) equals the string (s) exactly, for comparing methods and paths. */
bool mg_http_eq(mg_cbuf a, const char *s);

/*
 * Read decoded body bytes (Content-Length or chunked) into (buf), waiting
 * for them until (deadline_ns) or body_timeout_ns from now, whichever is
 * first. Returns the count (> 0), 0 at the end of the body (at once when
 * there is none), MG_ETIMEDOUT (no byte lost: call again), MG_EPROTO when
 * the body breaks the framing or the size limit (the server answers with
 * the parser's status if no response was started, and closes),
 * MG_ECONNRESET or MG_EPIPE when the peer went away, MG_ECANCELED,
 * MG_EINVAL if (buf.len) is 0. The first call sends "100 Continue" when
 * the peer asked for it and has sent nothing of the body. A
 * Content-Length body is read straight into (buf) when nothing of it is
 * buffered.
 */
int mg_http_body_read(mg_http_request *req, mg_buf buf, uint64_t deadline_ns);

/* The peer's address, as mg_flow_addrs(). */
int mg_http_request_peer(const mg_http_request *req, mg_ipv4_endpoint *peer);

/*
 * Decode %XX escapes of (in) into (out) ('+' stays '+': that is a form
 * encoding, not a path's). Returns the decoded length, MG_EINVAL for a
 * '%' not followed by two hex digits or one that decodes to NUL, or
 * MG_ENOSPC if (out) is too small. (out) MAY be (in)'s own bytes.
 */
int mg_http_percent_decode(mg_cbuf in, mg_buf out);

/*
 * Find parameter (name) in (query) ("a=1&b=two") and store its raw
 * (still encoded) value in (*value): "" for "a" or "a=". true if found.
 */
bool mg_http_query_param(mg_cbuf query, const char *name, mg_cbuf *value);

/* --- in a handler: the response --- */

/*
 * A response is a status (200 unless set), header fields, then a body
 * sent in one of two ways:
 * - mg_http_response_send(res, body): the whole body, with Content-Length;
 *   mg_http_reply() does status, Content-Type and send in one call.
 * - mg_http_response_start(res, length), then mg_http_response_write()
 *   any number of times, then mg_http_response_end(). A known (length)
 *   is sent as Content-Length, and the writes MUST add up to it; with
 *   MG_HTTP_LENGTH_UNKNOWN the body is chunked for HTTP/1.1 and ends with
 *   the connection for HTTP/1.0.
 * The head is sent with the first body bytes (or at the end), so setting
 * the status and fields costs no I/O. 204 and 304 responses have no
 * body (a 304 keeps a Content-Length given to start, as RFC 9110 section
 * 8.6 allows). Writes wait at most send_timeout_ns each. After an error
 * every later call fails with it, and the connection closes once the
 * handler returns.
 */
#define MG_HTTP_LENGTH_UNKNOWN UINT64_MAX

/* Set the final status (200..599) before the response is started. 0,
 * MG_EINVAL (another status, or started). */
int mg_http_response_status(mg_http_response *res, int status);

/*
 * Add a header field (name: value) before the response is started. The
 * server sets Date, Content-Length, Transfer-Encoding and Connection
 * itself and refuses them here. 0, MG_EINVAL (a name that is not a token
 * or is one of those, a value with CR, LF or NUL, or started), MG_ENOMEM
 * (over 16 KiB of fields).
 */
int mg_http_response_header(mg_http_response *res, const char *name,
                            const char *value);
int mg_http_response_header_buf(mg_http_response *res, const char *name,
                                mg_cbuf value);

/* Send the head and (body), Content-Length: (body.len). The response is
 * then complete. 0 or an error (MG_EINVAL if started already). */
int mg_http_response_send(mg_http_response *res, mg_cbuf body);

/* mg_http_response_status, a Content-Type field unless (content_type) is
 * NULL, and mg_http_response_send. */
int mg_http_reply(mg_http_response *res, int status, const char *content_type,
                  mg_cbuf body);

/* Start a body of (length) bytes, or MG_HTTP_LENGTH_UNKNOWN. 0 or MG_EINVAL
 * (started already). */
int mg_http_response_start(mg_http_response *res, uint64_t length);

/* Send (data) as more of the body: one chunk when chunked, nothing for
 * HEAD. 0; MG_EINVAL if not started, ended, or over the given length; a
 * flow error. Empty (data): 0, nothing sent. */
int mg_http_response_write(mg_http_response *res, mg_cbuf data);

/* As mg_http_response_write for the (n) views of (iov) together. */
int mg_http_response_writev(mg_http_response *res, const mg_cbuf *iov,
                            size_t n);

/*
 * End the body: the last chunk, or nothing more. MG_EINVAL if not started,
 * or fewer bytes than a known length were written (the connection then
 * closes). Called again: 0. A handler that returns 0 with a started
 * response has it ended for it.
 */
int mg_http_response_end(mg_http_response *res);

/* The response was started (send, reply or start): the status and fields
 * can no longer change. */
bool mg_http_response_started(const mg_http_response *res);

/* Make the connection close after this response ("Connection: close"
 * when called before the response is started). */
void mg_http_response_close(mg_http_response *res);

#endif
