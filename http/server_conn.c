/* One HTTP connection: its buffer, the request loop, drain and close. */
#include "server_int.h"

#include <stdlib.h>
#include <string.h>

uint64_t mg__http_deadline(mg__http_conn *c, uint64_t ns)
{
	uint64_t now = c->srv->now();
	return ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
}

/* The most a buffer grows to: a head at its limits, then a trailer line
 * or chunk-size line after it. */
static size_t max_cap(const mg__http_conn *c)
{
	const mg_http_limits *l = &c->p.lim;
	return l->max_request_line + 2 * l->max_header_bytes +
	       l->max_chunk_line + 128;
}

/* realloc keeping the request's views, which point into the buffer. */
static int resize(mg__http_conn *c, size_t cap)
{
	mg_cbuf *v[] = {&c->req.method, &c->req.target, &c->req.path,
	                &c->req.query, &c->req.rest};
	size_t at[5];
	bool in[5];
	/* A view may also be a constant ("/" for "http://host"). */
	for (size_t i = 0; i < 5; i++) {
		uintptr_t p = (uintptr_t)v[i]->p, b = (uintptr_t)c->buf;
		in[i] = p >= b && p <= b + c->cap;
		at[i] = in[i] ? (size_t)(p - b) : 0;
	}
	uint8_t *nb = realloc(c->buf, cap);
	if (!nb)
		return MG_ENOMEM;
	c->buf = nb;
	c->cap = cap;
	for (size_t i = 0; i < 5; i++)
		if (in[i])
			v[i]->p = nb + at[i];
	return 0;
}

int mg__http_fill(mg__http_conn *c, uint64_t deadline_ns)
{
	/* Body bytes already parsed and handed out are dropped; the head
	 * stays for the handler's lookups. */
	if (c->in_body && c->pend_len == 0 && c->off > c->head_len) {
		memmove(c->buf + c->head_len, c->buf + c->off,
		        c->have - c->off);
		c->have -= c->off - c->head_len;
		c->off = c->head_len;
	}
	if (c->have == c->cap) {
		size_t lim = max_cap(c);
		if (c->cap >= lim)
			return MG_ENOSPC;
		size_t n = c->cap * 2 < lim ? c->cap * 2 : lim;
		int rc = resize(c, n);
		if (rc < 0)
			return rc;
	}
	return mg_flow_read(c->flow,
	                    mg_buf_make(c->buf + c->have, c->cap - c->have),
	                    deadline_ns);
}

int mg__http_parse_next(mg__http_conn *c, mg_http_event *ev)
{
	int r = mg_http_parse(
	    &c->p, mg_cbuf_make(c->buf + c->off, c->have - c->off), ev);
	if (r < 0)
		MG_LOG(httpd, DEBUG, "refused: %d %s", ev->status, ev->reason);
	else
		c->off += (size_t)r;
	return r;
}

/* Between requests: the next one's bytes go to the front, and a buffer
 * grown for a large head goes back to its size. */
static void next_request(mg__http_conn *c)
{
	size_t left = c->have - c->off;
	memmove(c->buf, c->buf + c->off, left);
	c->have = left;
	c->off = c->head_len = c->pend_len = 0;
	size_t want = c->srv->o.buffer_size;
	if (c->cap > want && left <= want)
		resize(c, want); /* shrinking cannot fail for long */
	memset(&c->req, 0, sizeof c->req);
	c->req.conn = c;
	c->req.version_minor = 1;
	c->in_body = c->expect = c->continue_sent = c->body_done = false;
	c->body_timed_out = false;
	c->keep_alive = true;
	c->body_status = c->body_err = 0;
	mg__http_response_reset(c);
}

/*
 * Read and parse a request head. 0 when it is in; a status to answer
 * with before closing; -1 to close without a word (the peer left, or
 * was idle).
 */
static int read_head(mg__http_conn *c, bool first)
{
	mg_http_server *s = c->srv;
	bool started = first, got_line = false;
	uint64_t deadline = mg__http_deadline(c, first ? s->o.header_timeout_ns
	                                               : s->o.idle_timeout_ns);
	for (;;) {
		mg_http_event ev;
		if (mg__http_parse_next(c, &ev) < 0)
			return ev.status;
		switch (ev.type) {
		case MG_HTTP_REQUEST_LINE:
			got_line = true;
			c->line_off = (size_t)(ev.method.p - c->buf);
			c->method_len = ev.method.len;
			c->target_off = (size_t)(ev.target.p - c->buf);
			c->target_len = ev.target.len;
			c->req.version_minor = ev.version_minor;
			c->fields_off = c->off;
			continue;
		case MG_HTTP_HEADERS_DONE:
			c->keep_alive = ev.keep_alive;
			c->expect =
			    ev.expect_continue && c->req.version_minor == 1;
			c->req.chunked = ev.chunked;
			c->req.content_length = ev.content_length;
			c->head_len = c->off;
			c->in_body = true;
			c->idle = false;
			return 0;
		case MG_HTTP_NONE:
			break;
		default:
			continue;
		}
		if (!got_line && c->off > 0) {
			/* Empty lines before a request are not kept. */
			memmove(c->buf, c->buf + c->off, c->have - c->off);
			c->have -= c->off;
			c->off = 0;
		}
		if (!started && c->have > c->off) {
			started = true;
			deadline = mg__http_deadline(c, s->o.header_timeout_ns);
		}
		c->idle = !got_line && c->have == c->off;
		int n = mg__http_fill(c, deadline);
		if (n == MG_ENOSPC)
			return 431;
		if (n == MG_ETIMEDOUT)
			return got_line || c->have > c->off ? 408 : -1;
		if (n <= 0)
			return -1;
		c->have += (size_t)n;
	}
}

bool mg__http_drain(mg__http_conn *c)
{
	uint64_t budget = c->srv->o.max_drain;
	uint64_t deadline = mg__http_deadline(c, c->srv->o.body_timeout_ns);
	c->pend_len = 0;
	while (!c->body_done) {
		if (c->body_err)
			return false;
		mg_http_event ev;
		if (mg__http_parse_next(c, &ev) < 0)
			return false;
		if (ev.type == MG_HTTP_MESSAGE_DONE) {
			c->body_done = true;
		} else if (ev.type == MG_HTTP_BODY) {
			if (ev.data.len > budget)
				return false;
			budget -= ev.data.len;
		} else if (ev.type == MG_HTTP_NONE) {
			/* A length known to be over the budget is not
			 * worth waiting for. */
			if (!c->req.chunked &&
			    mg_http_parser_body_pending(&c->p) > budget)
				return false;
			int n = mg__http_fill(c, deadline);
			if (n <= 0)
				return false;
			c->have += (size_t)n;
		}
	}
	return true;
}

/* Shut our side, then read what the peer still sends for a moment: a
 * close with unread bytes resets the connection, which can destroy the
 * response still in flight (RFC 9112 section 9.6). */
static void linger(mg__http_conn *c)
{
	mg_flow_shutdown(c->flow);
	uint64_t deadline = mg__http_deadline(c, MG__HTTP_LINGER_NS);
	size_t total = 0;
	while (total < MG__HTTP_LINGER_BYTES) {
		int n = mg_flow_read(c->flow, mg_buf_make(c->buf, c->cap),
		                     deadline);
		if (n <= 0)
			return;
		total += (size_t)n;
	}
}

int mg__http_conn_run(mg__http_conn *c)
{
	mg_http_server *s = c->srv;
	c->cap = s->o.buffer_size;
	c->buf = malloc(c->cap);
	if (!c->buf)
		return MG_ENOMEM;
	mg_http_parser_init(&c->p, &s->o.limits);
	bool first = true;
	int rc = 0;
	for (;;) {
		next_request(c);
		c->idle = true;
		int st = read_head(c, first);
		first = false;
		if (st < 0)
			break;
		if (st > 0) {
			c->close = true;
			rc = mg__http_send_error(c, st, NULL);
			break;
		}
		mg__http_request_init(c);
		rc = mg__http_dispatch(c);
		if (rc < 0 || c->close || s->closing)
			break;
		if (!c->body_done && !mg__http_drain(c))
			break;
	}
	c->idle = false;
	mg__http_response_clear(c);
	/* A cancelled fiber (the server is going) does not wait more. */
	if (rc != MG_ECANCELED && !s->closing && !c->evicted)
		linger(c);
	else
		mg_flow_shutdown(c->flow);
	free(c->buf);
	c->buf = NULL;
	return rc == MG_ECANCELED ? 0 : rc;
}
