/* Feeds a response stream to mg_http_resp_parse in given pieces, logs events.
 */
#ifndef HTTP_RESP_DRIVER_H
#define HTTP_RESP_DRIVER_H

#include <mg/http_client.h>

#include "http_driver.h"

#include <stdio.h>
#include <string.h>

/* The events as text (http_driver.h's log), and the error returned. */
typedef struct resp_log {
	http_log h;
	int rc; /* 0 if none */
} resp_log;

static inline void resp_log_str(resp_log *l, const char *s)
{
	http_log_put(&l->h, s, strlen(s));
}

static inline void resp_log_field(resp_log *l, const char *tag,
                                  const mg_http_resp_event *ev)
{
	http_log_fmt(&l->h, tag, ev->name, "=", ev->value);
}

static inline void resp_log_event(resp_log *l, const mg_http_resp_event *ev)
{
	char t[128];
	if (ev->type == MG_HTTP_RESP_BODY && l->h.in_body) {
		http_log_put(&l->h, (const char *)ev->data.p, ev->data.len);
		return;
	}
	l->h.in_body = ev->type == MG_HTTP_RESP_BODY;
	switch (ev->type) {
	case MG_HTTP_RESP_NONE:
		break;
	case MG_HTTP_RESP_STATUS:
		snprintf(t, sizeof t, "\nS %d %d ", ev->version_minor,
		         ev->status);
		http_log_put(&l->h, t, strlen(t));
		http_log_put(&l->h, (const char *)ev->phrase.p, ev->phrase.len);
		break;
	case MG_HTTP_RESP_HEADER:
		resp_log_field(l, "\nH ", ev);
		break;
	case MG_HTTP_RESP_TRAILER:
		resp_log_field(l, "\nT ", ev);
		break;
	case MG_HTTP_RESP_HEADERS_DONE:
		snprintf(t, sizeof t, "\nHD %d i=%d b=%c cl=%llu ka=%d",
		         ev->status, ev->interim, "NLCE"[ev->body],
		         (unsigned long long)ev -> content_length,
		         ev -> keep_alive);
		resp_log_str(l, t);
		break;
	case MG_HTTP_RESP_BODY:
		resp_log_str(l, "\nB ");
		http_log_put(&l->h, (const char *)ev->data.p, ev->data.len);
		break;
	case MG_HTTP_RESP_DONE:
		resp_log_str(l, "\nD");
		break;
	case MG_HTTP_RESP_ERROR:
		snprintf(t, sizeof t, "\nE %s", ev->why);
		resp_log_str(l, t);
		break;
	}
}

static inline bool resp_view_ok(mg_cbuf v, const uint8_t *lo, const uint8_t *hi)
{
	return v.len == 0 || (v.p >= lo && v.p + v.len <= hi);
}

/*
 * Parse (in) delivered in pieces: the first (first) bytes, then (step)
 * at a time (0: all the rest), then the end of the stream if (eof). Each
 * response answers a request of method (method) (NULL: none said). The
 * bytes stay in one buffer, as a caller keeps what is not consumed.
 * Parsing stops after a response that does not keep the connection.
 * Returns false if an event's view pointed outside the bytes given, or a
 * call consumed more than it was given.
 */
static inline bool resp_drive(const uint8_t *in, size_t len, size_t first,
                              size_t step, bool eof, const char *method,
                              const mg_http_limits *lim, resp_log *l)
{
	mg_http_resp_parser p;
	mg_http_resp_parser_init(&p, lim);
	mg_cbuf m =
	    method ? mg_cbuf_make(method, strlen(method)) : mg_cbuf_make("", 0);
	mg_http_resp_parser_method(&p, m);
	l->h.n = 0;
	l->h.s[0] = 0;
	l->h.in_body = false;
	l->rc = 0;
	size_t have = 0, off = 0;
	bool ok = true, ended = false, closing = false;
	while (!ended) {
		size_t n = have == 0 ? first : step;
		if (n == 0 || n > len - have)
			n = len - have;
		have += n;
		if (have == len && eof) {
			mg_http_resp_parser_eof(&p);
			ended = true;
		} else if (have == len && n == 0) {
			ended = true;
		}
		for (;;) {
			mg_http_resp_event ev;
			mg_cbuf rest = {in + off, have - off};
			int r = mg_http_resp_parse(&p, rest, &ev);
			if (r < 0) {
				resp_log_event(l, &ev);
				l->rc = r;
				return ok;
			}
			if ((size_t)r > rest.len)
				return false;
			const mg_cbuf *v[] = {&ev.phrase, &ev.name, &ev.value,
			                      &ev.data};
			for (size_t i = 0; i < 4; i++)
				ok = ok &&
				     resp_view_ok(*v[i], in + off, in + have);
			off += (size_t)r;
			if (ev.type == MG_HTTP_RESP_NONE)
				break;
			resp_log_event(l, &ev);
			if (ev.type == MG_HTTP_RESP_HEADERS_DONE)
				closing = !ev.keep_alive;
			if (ev.type == MG_HTTP_RESP_DONE && closing)
				return ok; /* a client closes here */
			if (ev.type == MG_HTTP_RESP_DONE)
				mg_http_resp_parser_method(&p, m);
		}
	}
	return ok;
}

#endif
