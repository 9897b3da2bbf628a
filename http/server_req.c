/* The request as a handler sees it: target, fields, body; see mg/http_server.h
 */
#include "server_int.h"

#include <string.h>

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool ieq(mg_cbuf a, const char *s)
{
	size_t n = strlen(s);
	if (a.len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(a.p[i]) != lower((unsigned char)s[i]))
			return false;
	return true;
}

bool mg_http_eq(mg_cbuf a, const char *s)
{
	size_t n = strlen(s);
	return a.len == n && (n == 0 || memcmp(a.p, s, n) == 0);
}

/* Split the target into path and query. An absolute-form target
 * (RFC 9112 section 3.2.2) keeps only its path. */
static void split_target(mg_http_request *r)
{
	mg_cbuf t = r->target;
	size_t i = 0;
	if (t.len > 0 && t.p[0] != '/' && t.p[0] != '*') {
		/* scheme "://" authority */
		while (i < t.len && t.p[i] != ':')
			i++;
		if (i + 2 < t.len && t.p[i + 1] == '/' && t.p[i + 2] == '/') {
			i += 3;
			while (i < t.len && t.p[i] != '/' && t.p[i] != '?')
				i++;
		} else {
			i = 0;
		}
	}
	size_t q = i;
	while (q < t.len && t.p[q] != '?')
		q++;
	if (q == i && i > 0)
		r->path =
		    mg_cbuf_make("/", 1); /* "http://h" and "http://h?x" */
	else
		r->path = mg_cbuf_make(t.p + i, q - i);
	r->query = q < t.len ? mg_cbuf_make(t.p + q + 1, t.len - q - 1)
	                     : mg_cbuf_make(t.p + t.len, 0);
	r->rest = r->path;
}

void mg__http_request_init(mg__http_conn *c)
{
	mg_http_request *r = &c->req;
	r->method = mg_cbuf_make(c->buf + c->line_off, c->method_len);
	r->target = mg_cbuf_make(c->buf + c->target_off, c->target_len);
	r->head = mg_http_eq(r->method, "HEAD");
	split_target(r);
	c->res.no_body = r->head;
}

/* Field lines of the head, already checked by the parser: "name:value"
 * with optional whitespace around the value, each ending in CRLF. */
bool mg_http_header_next(const mg_http_request *req, size_t *pos, mg_cbuf *name,
                         mg_cbuf *value)
{
	const mg__http_conn *c = req->conn;
	size_t i = c->fields_off + *pos, end = c->head_len - 2;
	if (!c->in_body || i >= end)
		return false;
	const uint8_t *b = c->buf;
	size_t colon = i;
	while (b[colon] != ':')
		colon++;
	size_t eol = colon;
	while (b[eol] != '\r')
		eol++;
	size_t s = colon + 1, e = eol;
	while (s < e && (b[s] == ' ' || b[s] == '\t'))
		s++;
	while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t'))
		e--;
	*name = mg_cbuf_make(b + i, colon - i);
	*value = mg_cbuf_make(b + s, e - s);
	*pos = eol + 2 - c->fields_off;
	return true;
}

bool mg_http_header(const mg_http_request *req, const char *name,
                    mg_cbuf *value)
{
	size_t pos = 0;
	mg_cbuf n, v;
	while (mg_http_header_next(req, &pos, &n, &v))
		if (ieq(n, name)) {
			*value = v;
			return true;
		}
	return false;
}

int mg_http_request_peer(const mg_http_request *req, mg_ipv4_endpoint *peer)
{
	return mg_flow_addrs(req->conn->flow, NULL, peer);
}

/* RFC 9110 section 10.1.1: only once, only if the peer still waits (none
 * of the body came) and no final response went out. */
static int send_continue(mg__http_conn *c)
{
	static const char msg[] = "HTTP/1.1 100 Continue\r\n\r\n";
	if (!c->expect || c->continue_sent || c->res.head_sent)
		return 0;
	c->continue_sent = true;
	if (c->have > c->off)
		return 0;
	return mg_flow_write(c->flow, mg_cbuf_make(msg, sizeof msg - 1),
	                     mg__http_deadline(c, c->srv->o.send_timeout_ns));
}

static int body_fail(mg__http_conn *c, int err)
{
	if (err == MG_ETIMEDOUT)
		c->body_timed_out = true;
	if (err == MG_ETIMEDOUT || err == MG_ECANCELED)
		return err;
	c->body_err = err;
	c->close = true;
	return err;
}

static size_t take(mg__http_conn *c, mg_buf buf)
{
	size_t n = c->pend_len < buf.len ? c->pend_len : buf.len;
	memcpy(buf.p, c->buf + c->pend_off, n);
	c->pend_off += n;
	c->pend_len -= n;
	return n;
}

/* A Content-Length body, or a chunk's data, goes straight into (buf)
 * when nothing of it is buffered: no copy. */
static int read_direct(mg__http_conn *c, mg_buf buf, uint64_t want,
                       uint64_t deadline)
{
	if (want < buf.len)
		buf.len = (size_t)want;
	int n = mg_flow_read(c->flow, buf, deadline);
	if (n == 0)
		return body_fail(c, MG_ECONNRESET); /* the body was cut */
	if (n < 0)
		return body_fail(c, n);
	mg_http_event ev;
	int r = mg_http_parse(&c->p, mg_cbuf_make(buf.p, (size_t)n), &ev);
	if (r != n || ev.type != MG_HTTP_BODY)
		return body_fail(c, MG_EPROTO); /* cannot happen */
	return n;
}

int mg_http_body_read(mg_http_request *req, mg_buf buf, uint64_t deadline_ns)
{
	mg__http_conn *c = req->conn;
	if (buf.len == 0)
		return MG_EINVAL;
	if (c->pend_len)
		return (int)take(c, buf);
	if (c->body_err)
		return c->body_err;
	if (c->body_done)
		return 0;
	if (buf.len > INT32_MAX)
		buf.len = INT32_MAX;
	int rc = send_continue(c);
	if (rc < 0)
		return body_fail(c, rc);
	uint64_t d = mg__http_deadline(c, c->srv->o.body_timeout_ns);
	if (deadline_ns < d)
		d = deadline_ns;
	for (;;) {
		mg_http_event ev;
		if (mg__http_parse_next(c, &ev) < 0) {
			c->body_status = ev.status;
			return body_fail(c, MG_EPROTO);
		}
		if (ev.type == MG_HTTP_MESSAGE_DONE) {
			c->body_done = true;
			return 0;
		}
		if (ev.type == MG_HTTP_BODY) {
			c->pend_off = (size_t)(ev.data.p - c->buf);
			c->pend_len = ev.data.len;
			return (int)take(c, buf);
		}
		if (ev.type != MG_HTTP_NONE)
			continue; /* trailer fields are not kept */
		uint64_t direct = mg_http_parser_body_pending(&c->p);
		if (c->off == c->have && direct > 0)
			return read_direct(c, buf, direct, d);
		int n = mg__http_fill(c, d);
		if (n == 0)
			return body_fail(c, MG_ECONNRESET);
		if (n == MG_ENOSPC) {
			c->body_status =
			    431; /* a trailer line over the bound */
			return body_fail(c, MG_EPROTO);
		}
		if (n < 0)
			return body_fail(c, n);
		c->have += (size_t)n;
	}
}

static int hexval(int c)
{
	c = lower(c);
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int mg_http_percent_decode(mg_cbuf in, mg_buf out)
{
	size_t o = 0;
	for (size_t i = 0; i < in.len; i++) {
		int ch = in.p[i];
		if (ch == '%') {
			if (i + 2 >= in.len)
				return MG_EINVAL;
			int h = hexval(in.p[i + 1]), l = hexval(in.p[i + 2]);
			if (h < 0 || l < 0 || (h | l) == 0)
				return MG_EINVAL;
			ch = h << 4 | l;
			i += 2;
		}
		if (o >= out.len)
			return MG_ENOSPC;
		out.p[o++] = (uint8_t)ch;
	}
	return o > INT32_MAX ? MG_ENOSPC : (int)o;
}

bool mg_http_query_param(mg_cbuf query, const char *name, mg_cbuf *value)
{
	size_t nl = strlen(name), i = 0;
	while (i < query.len) {
		size_t e = i;
		while (e < query.len && query.p[e] != '&')
			e++;
		size_t k = i;
		while (k < e && query.p[k] != '=')
			k++;
		if (k - i == nl && memcmp(query.p + i, name, nl) == 0) {
			size_t v = k < e ? k + 1 : e;
			*value = mg_cbuf_make(query.p + v, e - v);
			return true;
		}
		i = e + 1;
	}
	return false;
}
