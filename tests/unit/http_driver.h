/* Feeds a request stream to mg_http_parse in given pieces and logs events. */
#ifndef HTTP_DRIVER_H
#define HTTP_DRIVER_H

#include <mg/http.h>

#include <stdio.h>
#include <string.h>

typedef struct http_log {
	char s[16384];
	size_t n;
	bool in_body; /* last event was BODY: the next BODY data joins it */
} http_log;

static inline void http_log_put(http_log *l, const char *s, size_t n)
{
	if (n > sizeof l->s - 1 - l->n)
		n = sizeof l->s - 1 - l->n;
	if (n)
		memcpy(l->s + l->n, s, n);
	l->n += n;
	l->s[l->n] = 0;
}

static inline void http_log_fmt(http_log *l, const char *tag, mg_cbuf a,
                                const char *sep, mg_cbuf b)
{
	http_log_put(l, tag, strlen(tag));
	http_log_put(l, (const char *)a.p, a.len);
	http_log_put(l, sep, strlen(sep));
	http_log_put(l, (const char *)b.p, b.len);
}

/* Log one event; returns false when parsing must stop. */
static inline void http_log_event(http_log *l, const mg_http_event *ev)
{
	char t[96];
	mg_cbuf none = {NULL, 0};
	if (ev->type == MG_HTTP_BODY && l->in_body) {
		http_log_put(l, (const char *)ev->data.p, ev->data.len);
		return;
	}
	l->in_body = ev->type == MG_HTTP_BODY;
	switch (ev->type) {
	case MG_HTTP_NONE:
		break;
	case MG_HTTP_REQUEST_LINE:
		snprintf(t, sizeof t, " %d", ev->version_minor);
		http_log_fmt(l, "\nRL ", ev->method, " ", ev->target);
		http_log_put(l, t, strlen(t));
		break;
	case MG_HTTP_HEADER:
		http_log_fmt(l, "\nH ", ev->name, "=", ev->value);
		break;
	case MG_HTTP_TRAILER:
		http_log_fmt(l, "\nT ", ev->name, "=", ev->value);
		break;
	case MG_HTTP_HEADERS_DONE:
		snprintf(t, sizeof t, "\nHD ka=%d ex=%d ch=%d cl=%llu",
		         ev->keep_alive, ev->expect_continue, ev->chunked,
		         (unsigned long long)ev->content_length);
		http_log_put(l, t, strlen(t));
		break;
	case MG_HTTP_BODY:
		http_log_fmt(l, "\nB ", ev->data, "", none);
		break;
	case MG_HTTP_MESSAGE_DONE:
		http_log_put(l, "\nMD", 3);
		break;
	case MG_HTTP_ERROR:
		snprintf(t, sizeof t, "\nE%d", ev->status);
		http_log_put(l, t, strlen(t));
		break;
	}
}

/*
 * Parse (in) delivered in pieces: the first (first) bytes, then (step)
 * bytes at a time (0: all the rest). The bytes stay in one buffer, as a
 * caller keeps what is not consumed. Returns false if a view in an event
 * pointed outside the bytes delivered so far.
 */
static inline bool http_drive(const uint8_t *in, size_t len, size_t first,
                              size_t step, const mg_http_limits *lim,
                              http_log *l)
{
	mg_http_parser p;
	mg_http_parser_init(&p, lim);
	l->n = 0;
	l->s[0] = 0;
	l->in_body = false;
	size_t have = 0, off = 0;
	bool ok = true;
	while (have < len) {
		size_t n = have == 0 ? first : step;
		if (n == 0 || n > len - have)
			n = len - have;
		have += n;
		for (;;) {
			mg_http_event ev;
			mg_cbuf rest = {in + off, have - off};
			int r = mg_http_parse(&p, rest, &ev);
			if (r < 0) {
				http_log_event(l, &ev);
				return ok;
			}
			if ((size_t)r > rest.len)
				return false;
			const mg_cbuf *v[] = {&ev.method, &ev.target,
			                      &ev.name, &ev.value, &ev.data};
			for (size_t i = 0; i < 5; i++)
				if (v[i]->len && (v[i]->p < in + off ||
				                  v[i]->p + v[i]->len > in + have))
					ok = false;
			off += (size_t)r;
			if (ev.type == MG_HTTP_NONE)
				break;
			http_log_event(l, &ev);
		}
	}
	return ok;
}

#endif
