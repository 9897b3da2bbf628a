/* The HTTP client's receiving side: response heads and bodies; see
 * mg/http_client.h */
#include <string.h>

#include <mg/fiber.h>

#include "client_int.h"
#include "http_internal.h"

void mg__http_client_drop(mg_http_client *c)
{
	if (c->flow)
		mg_flow_close(c->flow);
	c->flow = NULL;
	c->reused = false;
	c->off = c->have = c->base = c->head_len = 0;
	c->pend_len = 0;
	mg_http_resp_parser_init(&c->p, &c->o.limits);
}

void mg__http_client_done(mg_http_client *c)
{
	c->state = C_IDLE;
	c->reused = true;
	/* Bytes after the response were not asked for: the stream can no
	 * longer be trusted to start where the next response does. */
	if (!c->resp.keep_alive || c->must_close || c->have > c->off)
		mg__http_client_drop(c);
}

/* Read more of the stream after the bytes held, making room first. */
static int fill(mg_http_client *c, uint64_t deadline_ns)
{
	if (c->have == c->cap) {
		/* Keep the head being read, or the final head and the
		 * unparsed bytes after it. */
		size_t from = c->have_head ? c->off : c->base;
		size_t to = c->have_head ? c->head_len : 0;
		memmove(c->buf + to, c->buf + from, c->have - from);
		c->have -= from - to;
		c->off -= from - to;
		if (!c->have_head)
			c->base = 0;
		if (c->have == c->cap)
			return MG_EMSGSIZE;
	}
	if (!deadline_ns)
		deadline_ns = mg_deadline_in(c->o.io_timeout_ns);
	int n = mg_flow_read(c->flow,
	                     mg_buf_make(c->buf + c->have, c->cap - c->have),
	                     deadline_ns);
	if (n < 0)
		return n;
	if (n == 0)
		mg_http_resp_parser_eof(&c->p);
	c->have += (size_t)n;
	return 0;
}

static mg_cbuf unparsed(const mg_http_client *c)
{
	return mg_cbuf_make(c->buf + c->off, c->have - c->off);
}

/* The final head is in: keep it at the start of the buffer. */
static void keep_head(mg_http_client *c, const mg_http_resp_event *ev)
{
	memmove(c->buf, c->buf + c->base, c->have - c->base);
	c->off -= c->base;
	c->have -= c->base;
	c->base = 0;
	c->head_len = c->off;
	c->have_head = true;
	mg_http_client_resp *r = &c->resp;
	r->phrase = mg_cbuf_make(c->buf + c->phrase_off, c->phrase_len);
	r->fields =
	    mg_cbuf_make(c->buf + c->fields_off, c->fields_end - c->fields_off);
	r->body = ev->body;
	r->content_length = ev->content_length;
	r->keep_alive = ev->keep_alive;
}

int mg__http_client_head(mg_http_client *c, uint64_t deadline_ns, bool interim)
{
	while (!c->have_head) {
		mg_http_resp_event ev;
		size_t at = c->off;
		int r = mg_http_resp_parse(&c->p, unparsed(c), &ev);
		if (r < 0)
			return r;
		c->off += (size_t)r;
		switch (ev.type) {
		case MG_HTTP_RESP_NONE:
			r = fill(c, deadline_ns);
			if (r < 0)
				return r;
			break;
		case MG_HTTP_RESP_STATUS:
			c->base = at;
			c->resp.status = ev.status;
			c->resp.version_minor = ev.version_minor;
			c->phrase_off = (size_t)(ev.phrase.p - c->buf) - at;
			c->phrase_len = ev.phrase.len;
			c->fields_off = c->fields_end = c->off - at;
			break;
		case MG_HTTP_RESP_HEADER:
			c->fields_end = c->off - c->base;
			break;
		case MG_HTTP_RESP_HEADERS_DONE:
			if (!ev.interim) {
				keep_head(c, &ev);
				break;
			}
			c->base = c->off;
			if (interim)
				return 1;
			break;
		default:
			return MG_EPROTO; /* nothing else comes before */
		}
	}
	return 0;
}

static size_t give(mg_http_client *c, mg_buf buf)
{
	size_t n = c->pend_len < buf.len ? c->pend_len : buf.len;
	memcpy(buf.p, c->buf + c->pend_off, n);
	c->pend_off += n;
	c->pend_len -= n;
	return n;
}

/* Read body bytes straight into (buf), when no unparsed byte is held
 * and the parser says that the next ones are body. -1: not possible. */
static int read_direct(mg_http_client *c, mg_buf buf)
{
	uint64_t direct = mg_http_resp_parser_body_pending(&c->p);
	if (c->have > c->off || !direct)
		return -1;
	size_t want = buf.len < direct ? buf.len : (size_t)direct;
	if (want > INT32_MAX)
		want = INT32_MAX;
	int n = mg_flow_read(c->flow, mg_buf_make(buf.p, want),
	                     mg_deadline_in(c->o.io_timeout_ns));
	if (n <= 0) {
		if (n == 0)
			mg_http_resp_parser_eof(&c->p);
		return n;
	}
	/* Parsed where it lies: one BODY event of all of it. */
	mg_http_resp_event ev;
	int r = mg_http_resp_parse(&c->p, mg_cbuf_make(buf.p, (size_t)n), &ev);
	return r < 0 ? r : n;
}

/* The body ends with (rc): 0 at its end, else an error. */
static int body_end(mg_http_client *c, int rc)
{
	c->end_rc = rc;
	if (rc < 0) {
		c->state = C_IDLE;
		mg__http_client_drop(c);
	} else {
		mg__http_client_done(c);
	}
	return rc;
}

int mg_http_client_read(mg_http_client *c, mg_buf buf)
{
	if (!buf.len || (c->state != C_BODY_IN && !c->have_head))
		return MG_EINVAL;
	if (c->state != C_BODY_IN)
		return c->end_rc;
	if (c->pend_len)
		return (int)give(c, buf);
	for (;;) {
		int r = read_direct(c, buf);
		if (r > 0)
			return r;
		mg_http_resp_event ev;
		if (r == -1 || r == 0)
			r = mg_http_resp_parse(&c->p, unparsed(c), &ev);
		if (r < 0)
			return body_end(c, r);
		c->off += (size_t)r;
		if (ev.type == MG_HTTP_RESP_BODY) {
			c->pend_off = (size_t)(ev.data.p - c->buf);
			c->pend_len = ev.data.len;
			return (int)give(c, buf);
		}
		if (ev.type == MG_HTTP_RESP_DONE)
			return body_end(c, 0);
		if (ev.type == MG_HTTP_RESP_NONE) {
			/* Only now: the head and bytes read ahead stay put
			 * while views of them are out. */
			r = fill(c, 0);
			if (r < 0)
				return body_end(c, r);
		}
	}
}

bool mg_http_client_header_next(const mg_http_client_resp *resp, size_t *pos,
                                mg_cbuf *name, mg_cbuf *value)
{
	mg_cbuf f = resp->fields;
	if (*pos >= f.len)
		return false;
	size_t total;
	mg_cbuf rest = {f.p + *pos, f.len - *pos};
	long n = mg__http_find_line(rest, rest.len, &total);
	/* The parser checked every line: this only fails on a caller's
	 * (resp) of its own making. */
	if (n <= 0 || mg__http_field(rest.p, (size_t)n, name, value))
		return false;
	*pos += total;
	return true;
}

bool mg_http_client_header(const mg_http_client_resp *resp, const char *name,
                           mg_cbuf *value)
{
	size_t pos = 0;
	mg_cbuf n, v;
	mg_cbuf want = mg_cbuf_str(name);
	while (mg_http_client_header_next(resp, &pos, &n, &v)) {
		if (mg__http_ieq_buf(n, want)) {
			*value = v;
			return true;
		}
	}
	return false;
}
