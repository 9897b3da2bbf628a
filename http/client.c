/* The HTTP client: connections and the sending side; see mg/http_client.h */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mg/fiber.h>

#include "client_int.h"
#include "http_internal.h"

#define OUT_SIZE 8192
/* Left of a body at the next request: read and dropped up to this, beyond
 * it a new connection is cheaper. */
#define MAX_DRAIN 65536

static int make(const mg_http_client_opts *opts, mg_http_client **out)
{
	mg_http_client *c = calloc(1, sizeof *c);
	if (!c)
		return MG_ENOMEM;
	if (opts)
		c->o = *opts;
	if (!c->o.connect_timeout_ns)
		c->o.connect_timeout_ns = 10 * MG_NS_PER_S;
	if (!c->o.io_timeout_ns)
		c->o.io_timeout_ns = 30 * MG_NS_PER_S;
	if (!c->o.continue_timeout_ns)
		c->o.continue_timeout_ns = MG_NS_PER_S;
	mg_http_resp_parser_init(&c->p, &c->o.limits);
	c->o.limits = c->p.lim;
	/* A whole head of the largest allowed fits, with its CRLFs. */
	c->cap = c->p.lim.max_request_line + c->p.lim.max_header_bytes + 4;
	c->buf = malloc(c->cap);
	c->out_cap = OUT_SIZE;
	c->out = malloc(c->out_cap);
	const char *h = c->o.host ? c->o.host : "";
	bool bad = strpbrk(h, "\r\n") != NULL;
	if (!c->buf || !c->out || bad) {
		mg_http_client_free(c);
		return bad ? MG_EINVAL : MG_ENOMEM;
	}
	*out = c;
	return 0;
}

int mg_http_client_new(mg_stackv4 *net, mg_ipv4_endpoint server,
                       const mg_http_client_opts *opts, mg_http_client **out)
{
	int rc = make(opts, out);
	if (rc < 0)
		return rc;
	mg_http_client *c = *out;
	c->net = net;
	c->server = server;
	char a[MG_IPV4_ADDR_STRLEN];
	mg_ipv4_format(server.addr, a);
	if (server.port == 80)
		snprintf(c->host, sizeof c->host, "%s", a);
	else
		snprintf(c->host, sizeof c->host, "%s:%u", a, server.port);
	return 0;
}

int mg_http_client_new_flow(mg_flow *flow, const mg_http_client_opts *opts,
                            mg_http_client **out)
{
	int rc = make(opts, out);
	if (rc < 0)
		return rc;
	mg_http_client *c = *out;
	c->flow = flow;
	mg_ipv4_endpoint peer;
	if (!c->o.host && mg_flow_addrs(flow, NULL, &peer) == 0) {
		char a[MG_IPV4_ADDR_STRLEN];
		mg_ipv4_format(peer.addr, a);
		snprintf(c->host, sizeof c->host, "%s:%u", a, peer.port);
	}
	return 0;
}

void mg_http_client_free(mg_http_client *c)
{
	if (!c)
		return;
	if (c->flow)
		mg_flow_close(c->flow);
	free(c->buf);
	free(c->out);
	free(c);
}

static uint64_t io_deadline(const mg_http_client *c)
{
	return mg_deadline_in(c->o.io_timeout_ns);
}

/* A kept connection the server has closed since shows it at once: an end
 * of stream, a reset, or bytes nobody asked for. */
static bool closed_while_idle(mg_http_client *c)
{
	uint8_t b;
	return mg_flow_read(c->flow, mg_buf_make(&b, 1), 0) != MG_ETIMEDOUT;
}

static int ensure_connected(mg_http_client *c)
{
	if (c->flow && c->reused && closed_while_idle(c))
		mg__http_client_drop(c);
	if (c->flow)
		return 0;
	if (!c->net)
		return MG_ENOTCONN;
	mg__http_client_drop(c);
	return mg_tcp_connect(c->net, c->server, c->o.tcp_flags,
	                      mg_deadline_in(c->o.connect_timeout_ns),
	                      &c->flow);
}

static bool has_body(const mg_http_client_req *req)
{
	return req->body.len || req->body_fn || req->stream;
}

static bool method_is(const mg_http_client_req *req, const char *m)
{
	return strcmp(req->method ? req->method : "GET", m) == 0;
}

/* Sent again after a lost connection: idempotent (RFC 9110 section
 * 9.2.2) and its body still at hand. */
static bool replayable(const mg_http_client *c, const mg_http_client_req *req)
{
	static const char *const idem[] = {"GET",    "HEAD",    "PUT",
	                                   "DELETE", "OPTIONS", "TRACE"};
	if (!c->net || c->retried || req->body_fn || req->stream)
		return false;
	for (size_t i = 0; i < sizeof idem / sizeof idem[0]; i++)
		if (method_is(req, idem[i]))
			return true;
	return false;
}

/* "METHOD target HTTP/1.1" and its CRLF, checked; the length or < 0. */
static int request_line(mg_http_client *c, const mg_http_client_req *req)
{
	const char *m = req->method ? req->method : "GET";
	const char *t = req->target ? req->target : "/";
	size_t ml = strlen(m), tl = strlen(t);
	if (!ml || !tl)
		return MG_EINVAL;
	for (size_t i = 0; i < ml; i++)
		if (!mg__http_tchar((uint8_t)m[i]))
			return MG_EINVAL;
	for (size_t i = 0; i < tl; i++)
		if ((uint8_t)t[i] <= 0x20 || (uint8_t)t[i] >= 0x7f)
			return MG_EINVAL;
	if (ml + tl + 12 > c->cap)
		return MG_ENOSPC;
	char *p = (char *)c->buf;
	memcpy(p, m, ml);
	p[ml] = ' ';
	memcpy(p + ml + 1, t, tl);
	memcpy(p + ml + 1 + tl, " HTTP/1.1\r\n", 11);
	return (int)(ml + tl + 12);
}

/* The request head of (req) into the buffer: its length, or an error. */
static int build_head(mg_http_client *c, const mg_http_client_req *req)
{
	int n = request_line(c, req);
	if (n < 0)
		return n;
	mg_http_writer w;
	mg_http_writer_init(&w, mg_buf_make(c->buf + n, c->cap - (size_t)n));
	bool host = false;
	for (size_t i = 0; req->headers && req->headers[i]; i += 2) {
		mg_cbuf name = mg_cbuf_str(req->headers[i]);
		const char *v = req->headers[i + 1];
		if (!v || mg__http_ieq(name, "content-length") ||
		    mg__http_ieq(name, "transfer-encoding"))
			return MG_EINVAL;
		host = host || mg__http_ieq(name, "host");
		mg_http_write_header(&w, req->headers[i], mg_cbuf_str(v));
	}
	if (!host)
		mg_http_write_header(
		    &w, "Host", mg_cbuf_str(c->o.host ? c->o.host : c->host));
	if ((req->body_fn || req->stream) && req->chunked)
		mg_http_write_chunked(&w);
	else if (req->body_fn || req->stream)
		mg_http_write_content_length(&w, req->length);
	else if (req->body.len || method_is(req, "POST") ||
	         method_is(req, "PUT") || method_is(req, "PATCH"))
		/* RFC 9110 section 8.6: a length, 0 too, where the method
		 * gives content a meaning. */
		mg_http_write_content_length(&w, req->body.len);
	if (req->expect_continue && has_body(req))
		mg_http_write_header(&w, "Expect", mg_cbuf_str("100-continue"));
	if (req->close)
		mg_http_write_header(&w, "Connection", mg_cbuf_str("close"));
	mg_http_write_end_headers(&w);
	return w.err ? w.err : n + (int)w.used;
}

/*
 * Before the first body byte of a request with Expect: 100-continue, wait
 * a while for 100 (RFC 9110 section 10.1.1). 0: send the body (100 came,
 * or nothing did in time); 1: a final response came instead.
 */
static int await_continue(mg_http_client *c)
{
	if (!c->req->expect_continue || c->continued)
		return c->unwanted;
	c->continued = true;
	uint64_t deadline = mg_deadline_in(c->o.continue_timeout_ns);
	for (;;) {
		int rc = mg__http_client_head(c, deadline, true);
		if (rc == 1 && c->resp.status != 100)
			continue; /* 103 and the like: still waiting */
		if (rc == 0)
			c->unwanted = c->must_close = true;
		if (rc == MG_ETIMEDOUT || rc == 1)
			return 0;
		return rc == 0 ? 1 : rc;
	}
}

/* Send (d) as body bytes of the request under way. */
static int send_body(mg_http_client *c, mg_cbuf d)
{
	const mg_http_client_req *req = c->req;
	bool framed = req->body_fn || req->stream;
	if (!d.len)
		return 0;
	if (framed && !req->chunked && d.len > req->length - c->sent)
		return MG_EINVAL;
	c->sent += d.len;
	if (!framed || !req->chunked)
		return mg_flow_write(c->flow, d, io_deadline(c));
	uint8_t line[24];
	mg_http_writer w;
	mg_http_writer_init(&w, mg_buf_make(line, sizeof line));
	mg_http_write_chunk_head(&w, d.len);
	mg_cbuf iov[3] = {mg_cbuf_make(line, w.used), d, mg_cbuf_str("\r\n")};
	return mg_flow_writev(c->flow, iov, 3, io_deadline(c));
}

/* The end of a body from a callback or writes. */
static int send_body_end(mg_http_client *c)
{
	if (!c->req->chunked)
		return c->sent == c->req->length ? 0 : MG_EINVAL;
	return mg_flow_write(c->flow, mg_cbuf_str("0\r\n\r\n"), io_deadline(c));
}

static int send_callback_body(mg_http_client *c)
{
	for (;;) {
		int n = c->req->body_fn(c->req->body_arg,
		                        mg_buf_make(c->out, c->out_cap));
		if (n <= 0)
			return n < 0 ? n : send_body_end(c);
		if ((size_t)n > c->out_cap)
			return MG_EINVAL;
		int rc = send_body(c, mg_cbuf_make(c->out, (size_t)n));
		if (rc < 0)
			return rc;
	}
}

/* Connect if need be and send (c->req): its head (built at the start of
 * the buffer, which no response byte has overwritten since), and its body
 * unless it is written piece by piece. */
static int send_request(mg_http_client *c)
{
	const mg_http_client_req *req = c->req;
	int rc = ensure_connected(c);
	if (rc < 0)
		return rc;
	c->sent_on_reused = c->reused;
	c->off = c->have = c->base = c->head_len = c->pend_len = 0;
	c->sent = 0;
	c->continued = c->unwanted = c->have_head = false;
	c->must_close = req->close;
	mg_http_resp_parser_method(
	    &c->p, mg_cbuf_str(req->method ? req->method : "GET"));
	rc = mg_flow_write(c->flow, mg_cbuf_make(c->buf, c->head_bytes),
	                   io_deadline(c));
	if (rc < 0 || req->stream || !has_body(req))
		return rc;
	rc = await_continue(c);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	return req->body_fn ? send_callback_body(c) : send_body(c, req->body);
}

/* A request that failed before any byte of its answer came, on a
 * connection that had answered before: the server may have closed it
 * while idle, so it is sent once more on a new one. */
static bool retry(mg_http_client *c, int rc)
{
	bool lost = rc == MG_EPIPE || rc == MG_ECONNRESET;
	if (!lost || !c->sent_on_reused || c->have || !replayable(c, c->req))
		return false;
	c->retried = true;
	mg__http_client_drop(c);
	return true;
}

/* Read what is left of the last body, up to MAX_DRAIN bytes. */
static void drain(mg_http_client *c)
{
	uint8_t sink[512];
	size_t total = 0;
	while (c->state == C_BODY_IN && total < MAX_DRAIN) {
		int n = mg_http_client_read(c, mg_buf_make(sink, sizeof sink));
		if (n <= 0)
			return;
		total += (size_t)n;
	}
	if (c->state == C_BODY_IN) {
		c->state = C_IDLE;
		mg__http_client_drop(c);
	}
}

int mg_http_client_begin(mg_http_client *c, const mg_http_client_req *req)
{
	if (c->state == C_SENDING)
		return MG_EINVAL;
	drain(c);
	int rc = build_head(c, req);
	if (rc < 0)
		return rc;
	c->head_bytes = (size_t)rc;
	c->req = req;
	c->retried = false;
	do
		rc = send_request(c);
	while (rc < 0 && retry(c, rc));
	if (rc < 0) {
		mg__http_client_drop(c);
		return rc;
	}
	c->state = C_SENDING;
	return 0;
}

int mg_http_client_write(mg_http_client *c, mg_cbuf data)
{
	if (c->state != C_SENDING || !c->req->stream)
		return MG_EINVAL;
	int rc = await_continue(c);
	if (rc == 0)
		rc = send_body(c, data);
	if (rc < 0) {
		c->state = C_IDLE;
		mg__http_client_drop(c);
	}
	return rc;
}

int mg_http_client_end(mg_http_client *c, mg_http_client_resp *resp)
{
	if (c->state != C_SENDING)
		return MG_EINVAL;
	int rc = 0;
	if (c->req->stream && (rc = await_continue(c)) == 0)
		rc = send_body_end(c);
	if (rc >= 0)
		rc = mg__http_client_head(c, 0, false);
	while (rc < 0 && retry(c, rc)) {
		rc = send_request(c);
		if (rc == 0)
			rc = mg__http_client_head(c, 0, false);
	}
	if (rc < 0) {
		c->state = C_IDLE;
		mg__http_client_drop(c);
		return rc;
	}
	c->state = C_BODY_IN;
	c->end_rc = 0;
	*resp = c->resp;
	return 0;
}

int mg_http_client_send(mg_http_client *c, const mg_http_client_req *req,
                        mg_http_client_resp *resp)
{
	if (req->stream)
		return MG_EINVAL;
	int rc = mg_http_client_begin(c, req);
	return rc < 0 ? rc : mg_http_client_end(c, resp);
}
