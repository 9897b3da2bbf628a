/* The HTTP client's state, shared by http/client.c and http/client_recv.c. */
#ifndef MG_HTTP_CLIENT_INT_H
#define MG_HTTP_CLIENT_INT_H

#include <mg/http_client.h>

enum {
	C_IDLE,    /* no request under way */
	C_SENDING, /* begun: the body goes out, the head comes back */
	C_BODY_IN, /* the final head is in: the body is read */
};

struct mg_http_client {
	mg_stackv4 *net; /* NULL for a client over a given flow */
	mg_ipv4_endpoint server;
	mg_flow *flow; /* NULL: not connected */
	mg_http_client_opts o;
	char host[32]; /* Host value when o.host is NULL */
	mg_http_resp_parser p;
	uint8_t *buf; /* request heads, response heads and
	                 body bytes read ahead */
	size_t cap;
	size_t head_bytes;         /* the request head at the start */
	size_t off, have;          /* bytes not yet parsed: [off, have) */
	size_t base;               /* the current response's first byte */
	size_t head_len;           /* the final head, kept at [0, head_len) */
	size_t pend_off, pend_len; /* body bytes parsed, not handed out */
	size_t phrase_off, phrase_len, fields_off, fields_end; /* from base */
	uint8_t *out; /* body bytes from a callback */
	size_t out_cap;
	int state;
	const mg_http_client_req *req;
	uint64_t sent;       /* body bytes sent */
	bool reused;         /* the connection answered a request */
	bool sent_on_reused; /* this request went out on such a one */
	bool retried;        /* this request was sent again */
	bool continued;      /* 100 Continue waited for */
	bool unwanted;       /* a final answer came before the body */
	bool must_close;     /* close once this response is read */
	bool have_head;      /* the final head is in */
	int end_rc;          /* what reads return after the body */
	mg_http_client_resp resp;
};

/* Read the response head into c->resp, each read bounded by
 * (deadline_ns) if not 0 (else io_timeout_ns from the read). Returns 0
 * for the final head, 1 for an interim one when (interim) is set (its
 * status in c->resp.status), or an error. */
int mg__http_client_head(mg_http_client *c, uint64_t deadline_ns, bool interim);

/* Close the connection and forget its bytes. */
void mg__http_client_drop(mg_http_client *c);

/* Done with the response: keep the connection or close it. */
void mg__http_client_done(mg_http_client *c);

#endif
