/* Internals of the HTTP server, shared by http/server*.c and its tests. */
#ifndef MG_HTTP_SERVER_INT_H
#define MG_HTTP_SERVER_INT_H

#include <mg/fiber.h>
#include <mg/http_server.h>
#include <mg/log.h>

MG_LOG_SOURCE_DECL(httpd);

/* Fields a handler writes at most, and the Server value's bound. */
#define MG__HTTP_FIELDS_MAX      (16 * 1024)
#define MG__HTTP_SERVER_NAME_MAX 128
/* How long a closing connection reads what the peer still sends, and how
 * much, so that its last response is not lost to a reset. */
#define MG__HTTP_LINGER_NS    (2 * MG_NS_PER_S)
#define MG__HTTP_LINGER_BYTES (256 * 1024)

typedef struct mg__http_route {
	const char *method; /* NULL: any */
	const char *path;
	size_t plen; /* bytes compared: before the '*' of a prefix */
	bool prefix;
	mg_http_handler fn;
	void *arg;
} mg__http_route;

struct mg_http_server {
	mg_http_server_opts o; /* defaults filled in */
	mg__http_route *routes;
	size_t nroutes, caproutes;
	mg_http_handler fallback;
	void *fallback_arg;
	mg_stackv4 *net;
	mg_tcp_listener *lsn;
	struct mg__http_conn *conns, *conns_tail; /* oldest first */
	unsigned nconns;
	bool closing;
	mg_cond gone; /* signalled when a connection ends */
	/* The monotonic clock of every deadline: mg_now_ns, but tests that
	 * script a flow with a fake clock replace it. */
	uint64_t (*now)(void);
};

struct mg_http_response {
	struct mg__http_conn *c;
	int status;
	uint8_t *hdr; /* the handler's field lines; then the whole head */
	size_t hdr_len, hdr_cap;
	uint64_t length; /* announced; MG_HTTP_LENGTH_UNKNOWN */
	uint64_t sent;   /* body bytes given by the handler */
	bool started, head_sent, ended;
	bool chunked; /* Transfer-Encoding: chunked */
	bool no_body; /* HEAD, 204, 304: body bytes are dropped */
	int err;      /* sticky */
};

typedef struct mg__http_conn {
	mg_http_server *srv;
	mg_flow *flow;
	mg_fiber *fiber;
	struct mg__http_conn *prev, *next;
	/*
	 * buf[0, head_len) the current request's head (in the body phase),
	 * [off, have) bytes not parsed yet; [pend_off, +pend_len) decoded
	 * body bytes parsed but not yet given to the handler.
	 */
	uint8_t *buf;
	size_t cap, have, off, head_len;
	size_t pend_off, pend_len;
	size_t line_off; /* request line: method at line_off */
	size_t method_len, target_off, target_len;
	size_t fields_off; /* first field line */
	mg_http_parser p;
	mg_http_request req;
	mg_http_response res;
	bool in_body;    /* the head is in, the body may follow */
	bool idle;       /* waiting for a request, nothing received */
	bool evicted;    /* cancelled to make room for another */
	bool keep_alive; /* the request allows another after it */
	bool expect, continue_sent;
	bool body_done;      /* MESSAGE_DONE seen */
	bool body_timed_out; /* a body read timed out */
	bool close;          /* close after this response */
	int body_status;     /* the parser's status for a bad body */
	int body_err;        /* sticky error of body reads */
} mg__http_conn;

/* server_conn.c */
int mg__http_conn_run(mg__http_conn *c);
/* mg_http_parse() on the bytes not parsed yet, which it then skips. */
int mg__http_parse_next(mg__http_conn *c, mg_http_event *ev);
/* Read more into the buffer (growing or compacting it): the count read,
 * 0 at the end of the stream, an error (MG_ENOSPC: at its bound). */
int mg__http_fill(mg__http_conn *c, uint64_t deadline_ns);
uint64_t mg__http_deadline(mg__http_conn *c, uint64_t ns);
/* Drop body bytes not read by the handler; false: close instead. */
bool mg__http_drain(mg__http_conn *c);

/* server_req.c */
/* Fill c->req from the head just parsed. */
void mg__http_request_init(mg__http_conn *c);

/* server_resp.c */
void mg__http_response_reset(mg__http_conn *c);
/* Free what the response holds. */
void mg__http_response_clear(mg__http_conn *c);
/* An answer of the server's own: (status) with a short text body, and
 * (allow) as Allow when not NULL. */
int mg__http_send_error(mg__http_conn *c, int status, const char *allow);
/* What the server does once the handler returned (rc). */
void mg__http_response_finish(mg__http_conn *c, int rc);

/* server.c */
/* Run the handler of the route matching c->req. */
int mg__http_dispatch(mg__http_conn *c);

#endif
