/* Responses: head, Content-Length or chunked body, via writev; see
 * mg/http_server.h */
#include "server_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The most views one writev gets: head, chunk size, data..., CRLF. */
#define BATCH 12

void mg__http_response_clear(mg__http_conn *c)
{
	free(c->res.hdr);
	c->res.hdr = NULL;
	c->res.hdr_len = c->res.hdr_cap = 0;
}

void mg__http_response_reset(mg__http_conn *c)
{
	mg__http_response_clear(c);
	memset(&c->res, 0, sizeof c->res);
	c->res.c = c;
	c->res.status = 200;
	c->res.length = MG_HTTP_LENGTH_UNKNOWN;
}

static int fail(mg_http_response *res, int err)
{
	if (!res->err)
		res->err = err;
	res->c->close = true;
	return res->err;
}

/* Room for (more) bytes of head in res->hdr, up to (max). */
static int reserve(mg_http_response *res, size_t more, size_t max)
{
	if (more <= res->hdr_cap - res->hdr_len)
		return 0;
	if (more > max - res->hdr_len)
		return MG_ENOMEM;
	size_t cap = res->hdr_cap ? res->hdr_cap : 256;
	while (cap - res->hdr_len < more)
		cap *= 2;
	if (cap > max)
		cap = max;
	uint8_t *p = realloc(res->hdr, cap);
	if (!p)
		return MG_ENOMEM;
	res->hdr = p;
	res->hdr_cap = cap;
	return 0;
}

static bool reserved_name(const char *n)
{
	static const char *const names[] = {"date", "content-length",
	                                    "transfer-encoding", "connection"};
	for (size_t i = 0; i < 4; i++) {
		const char *a = n, *b = names[i];
		while (*a && *b && (*a | 0x20) == *b)
			a++, b++;
		if (!*a && !*b)
			return true;
	}
	return false;
}

int mg_http_response_header_buf(mg_http_response *res, const char *name,
                                mg_cbuf value)
{
	if (res->started || reserved_name(name))
		return MG_EINVAL;
	int rc =
	    reserve(res, strlen(name) + value.len + 4, MG__HTTP_FIELDS_MAX);
	if (rc < 0)
		return rc;
	mg_http_writer w;
	mg_http_writer_init(&w, mg_buf_make(res->hdr, res->hdr_cap));
	w.used = res->hdr_len;
	mg_http_write_header(&w, name, value);
	if (w.err)
		return w.err;
	res->hdr_len = w.used;
	return 0;
}

int mg_http_response_header(mg_http_response *res, const char *name,
                            const char *value)
{
	return mg_http_response_header_buf(res, name, mg_cbuf_str(value));
}

int mg_http_response_status(mg_http_response *res, int status)
{
	if (res->started || status < 200 || status > 599)
		return MG_EINVAL;
	res->status = status;
	return 0;
}

bool mg_http_response_started(const mg_http_response *res)
{
	return res->started;
}

void mg_http_response_close(mg_http_response *res)
{
	res->c->close = true;
}

/* The head around the handler's fields: status line, Date, Server before;
 * framing and Connection after. */
static int compose(mg_http_response *res, uint64_t length, bool whole)
{
	mg__http_conn *c = res->c;
	mg_http_server *s = c->srv;
	int st = res->status;
	bool bodyless = st == 204 || st == 304;
	bool body_left =
	    !c->body_done && (c->req.chunked || c->req.content_length > 0);
	res->no_body = c->req.head || bodyless;
	res->length = length;
	if (!c->keep_alive || s->closing ||
	    (c->expect && !c->continue_sent && body_left))
		c->close = true;
	if (length == MG_HTTP_LENGTH_UNKNOWN && !bodyless) {
		if (c->req.version_minor >= 1)
			res->chunked = true;
		else
			c->close = true; /* the body ends with the connection */
	}
	uint8_t pre[80 + 48 + MG__HTTP_SERVER_NAME_MAX], suf[96];
	mg_http_writer a, b;
	mg_http_writer_init(&a, mg_buf_make(pre, sizeof pre));
	mg_http_write_status(&a, st);
	if (s->o.pclock)
		mg_http_write_date(&a,
		                   mg_pclock_now_ns(s->o.pclock) / MG_NS_PER_S);
	if (s->o.server)
		mg_http_write_header(&a, "Server", mg_cbuf_str(s->o.server));
	mg_http_writer_init(&b, mg_buf_make(suf, sizeof suf));
	/* RFC 9110 section 8.6: none in a 204; in a 304 only the length a
	 * 200 would have had. */
	if (st == 304
	        ? length != MG_HTTP_LENGTH_UNKNOWN && (length > 0 || !whole)
	        : !bodyless && !res->chunked &&
	              length != MG_HTTP_LENGTH_UNKNOWN)
		mg_http_write_content_length(&b, length);
	if (res->chunked)
		mg_http_write_chunked(&b);
	if (c->close)
		mg_http_write_header(&b, "Connection", mg_cbuf_str("close"));
	else if (c->req.version_minor == 0)
		mg_http_write_header(&b, "Connection",
		                     mg_cbuf_str("keep-alive"));
	mg_http_write_end_headers(&b);
	if (a.err || b.err)
		return fail(res, a.err ? a.err : b.err);
	int rc = reserve(res, a.used + b.used, SIZE_MAX);
	if (rc < 0)
		return fail(res, rc);
	if (res->hdr_len)
		memmove(res->hdr + a.used, res->hdr, res->hdr_len);
	memcpy(res->hdr, pre, a.used);
	memcpy(res->hdr + a.used + res->hdr_len, suf, b.used);
	res->hdr_len += a.used + b.used;
	res->started = true;
	return 0;
}

static int flush(mg_http_response *res, mg_cbuf *v, size_t n)
{
	mg__http_conn *c = res->c;
	int rc = mg_flow_writev(
	    c->flow, v, n, mg__http_deadline(c, c->srv->o.send_timeout_ns));
	if (!res->head_sent) {
		res->head_sent = true;
		mg__http_response_clear(c);
	}
	return rc < 0 ? fail(res, rc) : 0;
}

/* The head first if it has not gone yet. */
static size_t head_view(mg_http_response *res, mg_cbuf *v)
{
	if (res->head_sent)
		return 0;
	v[0] = mg_cbuf_make(res->hdr, res->hdr_len);
	return 1;
}

int mg_http_response_start(mg_http_response *res, uint64_t length)
{
	if (res->started)
		return MG_EINVAL;
	if (res->err)
		return res->err;
	return compose(res, length, false);
}

int mg_http_response_writev(mg_http_response *res, const mg_cbuf *iov, size_t n)
{
	if (!res->started || res->ended)
		return MG_EINVAL;
	if (res->err)
		return res->err;
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += iov[i].len;
	if (total == 0)
		return 0;
	if (res->length != MG_HTTP_LENGTH_UNKNOWN &&
	    total > res->length - res->sent)
		return fail(res, MG_EINVAL);
	res->sent += total;
	if (res->no_body)
		return 0;
	for (size_t i = 0; i < n;) {
		mg_cbuf v[BATCH + 3];
		uint8_t sz[24];
		size_t k = 0, m = n - i < BATCH ? n - i : BATCH;
		uint64_t bytes = 0;
		for (size_t j = 0; j < m; j++)
			bytes += iov[i + j].len;
		k += head_view(res, v);
		if (res->chunked && bytes) {
			mg_http_writer w;
			mg_http_writer_init(&w, mg_buf_make(sz, sizeof sz));
			mg_http_write_chunk_head(&w, bytes);
			v[k++] = mg_cbuf_make(sz, w.used);
		}
		for (size_t j = 0; j < m; j++)
			v[k++] = iov[i + j];
		if (res->chunked && bytes)
			v[k++] = mg_cbuf_make("\r\n", 2);
		i += m;
		int rc = flush(res, v, k);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int mg_http_response_write(mg_http_response *res, mg_cbuf data)
{
	return mg_http_response_writev(res, &data, 1);
}

int mg_http_response_end(mg_http_response *res)
{
	if (!res->started)
		return MG_EINVAL;
	if (res->ended)
		return 0;
	if (res->err)
		return res->err;
	if (res->length != MG_HTTP_LENGTH_UNKNOWN && res->sent < res->length &&
	    !res->no_body)
		return fail(res, MG_EINVAL);
	res->ended = true;
	mg_cbuf v[2];
	size_t k = head_view(res, v);
	if (res->chunked && !res->no_body)
		v[k++] = mg_cbuf_make("0\r\n\r\n", 5);
	return k ? flush(res, v, k) : 0;
}

int mg_http_response_send(mg_http_response *res, mg_cbuf body)
{
	if (res->started)
		return MG_EINVAL;
	if (res->err)
		return res->err;
	int rc = compose(res, body.len, true);
	if (rc == 0)
		rc = mg_http_response_write(res, body);
	if (rc == 0)
		rc = mg_http_response_end(res);
	return rc;
}

int mg_http_reply(mg_http_response *res, int status, const char *content_type,
                  mg_cbuf body)
{
	int rc = mg_http_response_status(res, status);
	if (rc == 0 && content_type)
		rc = mg_http_response_header(res, "Content-Type", content_type);
	if (rc == 0)
		rc = mg_http_response_send(res, body);
	return rc;
}

int mg__http_send_error(mg__http_conn *c, int status, const char *allow)
{
	char text[64];
	int n = snprintf(text, sizeof text, "%d %s\n", status,
	                 mg_http_reason(status));
	mg__http_response_reset(c);
	mg_http_response *res = &c->res;
	if (allow)
		mg_http_response_header(res, "Allow", allow);
	return mg_http_reply(res, status, "text/plain; charset=utf-8",
	                     mg_cbuf_make(text, (size_t)n));
}

void mg__http_response_finish(mg__http_conn *c, int rc)
{
	mg_http_response *res = &c->res;
	if (res->err)
		return;
	if (!res->head_sent && (rc < 0 || !res->started)) {
		if (rc == 0)
			MG_LOG(httpd, WARN, "handler sent no response");
		int st = c->body_status ? c->body_status : 500;
		if (rc == MG_ECANCELED && c->srv->closing)
			st = 503; /* the server is going away */
		/* RFC 9110 section 15.5.9: the body did not come in time. */
		if (rc == MG_ETIMEDOUT && c->body_timed_out && !c->body_done) {
			st = 408;
			c->close = true;
		}
		mg__http_send_error(c, st, NULL);
		return;
	}
	if (res->ended)
		return;
	if (rc < 0)
		c->close = true; /* the peer sees the body cut short */
	else
		mg_http_response_end(res);
}
