/* Incremental HTTP/1.1 response parser, RFC 9112 framing; see mg/http_client.h
 */
#include <mg/http_client.h>

#include <string.h>

#include "http_internal.h"

enum {
	S_STATUS,    /* status line */
	S_FIELDS,    /* header field lines */
	S_LENGTH,    /* Content-Length body */
	S_UNTIL_EOF, /* body delimited by the end of the stream */
	S_SIZE,      /* chunk-size [ chunk-ext ] CRLF */
	S_CHUNK,     /* chunk data */
	S_CHUNK_END, /* the CRLF after chunk data */
	S_TRAILERS,  /* trailer field lines */
	S_COMPLETE,  /* DONE next */
	S_FAILED,
};

enum {
	/* About the request: kept until the final response is DONE. */
	F_HEAD = 1u << 0,
	F_CONNECT = 1u << 1,
	F_AFTER_1XX = 1u << 2, /* an interim response came first */
	F_EOF = 1u << 3,       /* kept across responses */
	F_REQUEST = F_HEAD | F_CONNECT | F_AFTER_1XX | F_EOF,
	/* About the current response's fields: */
	F_CL = 1u << 4,
	F_CL_BAD = 1u << 5,
	F_TE = 1u << 6,
	F_CHUNKED = 1u << 7, /* the last coding seen is chunked */
	F_TE_BAD = 1u << 8,  /* a coding other than one final chunked */
	F_CLOSE = 1u << 9,
	F_KEEP = 1u << 10,
};

/* An error that every later call repeats: (rc) with (why). */
static int fail(mg_http_resp_parser *p, mg_http_resp_event *ev, int rc,
                const char *why)
{
	memset(&p->err, 0, sizeof p->err);
	p->err.type = MG_HTTP_RESP_ERROR;
	p->err.why = why;
	p->err_rc = rc;
	p->state = S_FAILED;
	*ev = p->err;
	return rc;
}

/* Ready for the next status line, keeping what is known of the request. */
static void next_response(mg_http_resp_parser *p, unsigned keep)
{
	p->state = S_STATUS;
	p->flags &= keep;
	p->status = 0;
	p->version_minor = 1;
	p->section_bytes = 0;
	p->section_count = 0;
	p->content_length = 0;
	p->remaining = 0;
	p->body_total = 0;
}

void mg_http_resp_parser_init(mg_http_resp_parser *p, const mg_http_limits *lim)
{
	memset(p, 0, sizeof *p);
	mg__http_limits(&p->lim, lim, UINT64_MAX);
	next_response(p, 0);
}

void mg_http_resp_parser_method(mg_http_resp_parser *p, mg_cbuf method)
{
	p->flags &= ~(unsigned)(F_HEAD | F_CONNECT);
	/* Methods are case-sensitive (RFC 9110 section 9.1). */
	if (method.len == 4 && memcmp(method.p, "HEAD", 4) == 0)
		p->flags |= F_HEAD;
	else if (method.len == 7 && memcmp(method.p, "CONNECT", 7) == 0)
		p->flags |= F_CONNECT;
}

void mg_http_resp_parser_eof(mg_http_resp_parser *p)
{
	p->flags |= F_EOF;
}

static bool digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/* status-line = HTTP-version SP status-code SP [ reason-phrase ]
 * (RFC 9112 section 4); a missing SP before an empty phrase is let by. */
static int status_line(mg_http_resp_parser *p, mg_cbuf in,
                       mg_http_resp_event *ev)
{
	size_t total;
	long n = mg__http_find_line(in, p->lim.max_request_line, &total);
	if (n == -1)
		return fail(p, ev, MG_EMSGSIZE, "status line too long");
	if (n == -2)
		return fail(p, ev, MG_EPROTO, "bare CR or LF in status line");
	if (total == 0)
		return 0;
	const uint8_t *l = in.p;
	size_t len = (size_t)n;
	if (len < 12 || memcmp(l, "HTTP/", 5) != 0 || !digit(l[5]) ||
	    l[6] != '.' || !digit(l[7]) || l[8] != ' ' || !digit(l[9]) ||
	    !digit(l[10]) || !digit(l[11]) || (len > 12 && l[12] != ' '))
		return fail(p, ev, MG_EPROTO, "bad status line");
	if (l[5] != '1')
		return fail(p, ev, MG_EPROTO, "HTTP major version not 1");
	int status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	if (status < 100 || status > 599)
		return fail(p, ev, MG_EPROTO, "status code out of range");
	size_t s = len > 12 ? 13 : 12;
	for (size_t k = s; k < len; k++)
		if (!mg__http_text(l[k]))
			return fail(p, ev, MG_EPROTO, "bad reason phrase");
	p->status = status;
	p->version_minor = l[7] == '0' ? 0 : 1;
	ev->type = MG_HTTP_RESP_STATUS;
	ev->version_minor = p->version_minor;
	ev->status = status;
	ev->phrase = (mg_cbuf){l + s, len - s};
	p->state = S_FIELDS;
	return (int)total;
}

static void te_element(void *ctx, mg_cbuf c)
{
	mg_http_resp_parser *p = ctx;
	if (p->flags & F_CHUNKED)
		p->flags |= F_TE_BAD; /* a coding after chunked */
	if (mg__http_ieq(c, "chunked"))
		p->flags |= F_CHUNKED;
	else
		p->flags |= F_TE_BAD; /* we decode no other coding */
}

static void connection_element(void *ctx, mg_cbuf c)
{
	mg_http_resp_parser *p = ctx;
	if (mg__http_ieq(c, "close"))
		p->flags |= F_CLOSE;
	else if (mg__http_ieq(c, "keep-alive"))
		p->flags |= F_KEEP;
}

static void framing_field(mg_http_resp_parser *p, mg_cbuf name, mg_cbuf v)
{
	uint64_t n;
	if (mg__http_ieq(name, "content-length")) {
		/* Repeats MUST agree (RFC 9112 section 6.3 item 5). */
		if (!mg__http_digits(v, &n) ||
		    ((p->flags & F_CL) && n != p->content_length))
			p->flags |= F_CL_BAD;
		p->flags |= F_CL;
		p->content_length = n;
	} else if (mg__http_ieq(name, "transfer-encoding")) {
		p->flags |= F_TE;
		mg__http_each_element(v, te_element, p);
	} else if (mg__http_ieq(name, "connection")) {
		mg__http_each_element(v, connection_element, p);
	}
}

/* RFC 9112 section 6.3, in its order, once the header section is in. */
static int headers_done(mg_http_resp_parser *p, mg_http_resp_event *ev)
{
	unsigned f = p->flags;
	int st = p->status;
	bool keep =
	    p->version_minor ? !(f & F_CLOSE) : (f & F_KEEP) && !(f & F_CLOSE);
	ev->type = MG_HTTP_RESP_HEADERS_DONE;
	ev->status = st;
	ev->body = MG_HTTP_BODY_NONE;
	if (st < 200 && st != 101) {
		ev->interim = true;
		ev->keep_alive = keep;
		next_response(p, F_REQUEST);
		p->flags |= F_AFTER_1XX;
		return 0;
	}
	/* Item 1: no body whatever the fields say; 101 and a tunnel end
	 * HTTP on this connection (item 2). */
	bool tunnel = st == 101 || ((f & F_CONNECT) && st < 300);
	if ((f & F_HEAD) || st == 204 || st == 304 || tunnel) {
		ev->keep_alive = keep && !tunnel;
		p->state = S_COMPLETE;
		return 0;
	}
	if (f & F_TE) {
		/* Section 6.1: faulty framing in HTTP/1.0, CL or not. */
		if (p->version_minor == 0)
			return fail(p, ev, MG_EPROTO,
			            "Transfer-Encoding in HTTP/1.0");
		if ((f & F_TE_BAD) || !(f & F_CHUNKED))
			return fail(p, ev, MG_EPROTO,
			            "transfer coding other than chunked");
		/* Item 3: chunked wins over Content-Length, and the
		 * connection closes after (a possible smuggling attempt). */
		ev->body = MG_HTTP_BODY_CHUNKED;
		ev->keep_alive = keep && !(f & F_CL);
		p->state = S_SIZE;
		return 0;
	}
	if (f & F_CL_BAD)
		return fail(p, ev, MG_EPROTO, "bad Content-Length");
	if (f & F_CL) {
		if (p->content_length > p->lim.max_body)
			return fail(p, ev, MG_EMSGSIZE,
			            "Content-Length over the limit");
		ev->body = MG_HTTP_BODY_LENGTH;
		ev->content_length = p->content_length;
		ev->keep_alive = keep;
		p->remaining = p->content_length;
		p->state = p->remaining ? S_LENGTH : S_COMPLETE;
		return 0;
	}
	/* Item 8: read until the server closes. */
	ev->body = MG_HTTP_BODY_CLOSE;
	ev->keep_alive = false;
	p->state = S_UNTIL_EOF;
	return 0;
}

/* A line reader's refusal (n) as an error. */
static int line_error(mg_http_resp_parser *p, mg_http_resp_event *ev, long n,
                      const char *why)
{
	return fail(p, ev, n == MG__HTTP_OVER ? MG_EMSGSIZE : MG_EPROTO, why);
}

/* One line of the header or trailer section, bounded in bytes and count. */
static int field_section(mg_http_resp_parser *p, mg_cbuf in,
                         mg_http_resp_event *ev, bool trailers)
{
	const char *why;
	long n = mg__http_section_line(in, &p->lim, trailers, &p->section_bytes,
	                               &p->section_count, &ev->name, &ev->value,
	                               &why);
	if (n <= 0)
		return n == 0 ? 0 : line_error(p, ev, n, why);
	if (ev->name.len == 0 && trailers) {
		p->state = S_COMPLETE;
	} else if (ev->name.len == 0) {
		int r = headers_done(p, ev);
		if (r < 0)
			return r;
	} else {
		ev->type =
		    trailers ? MG_HTTP_RESP_TRAILER : MG_HTTP_RESP_HEADER;
		/* Trailers never change framing (RFC 9110 section 6.5.1). */
		if (!trailers)
			framing_field(p, ev->name, ev->value);
	}
	return (int)n;
}

static int chunk_size_line(mg_http_resp_parser *p, mg_cbuf in,
                           mg_http_resp_event *ev)
{
	uint64_t size;
	const char *why;
	long n = mg__http_chunk_size(in, p->lim.max_chunk_line, &size, &why);
	if (n <= 0)
		return n == 0 ? 0 : line_error(p, ev, n, why);
	if (size > p->lim.max_body - p->body_total)
		return fail(p, ev, MG_EMSGSIZE, "chunked body over the limit");
	p->remaining = size;
	p->state = size ? S_CHUNK : S_TRAILERS;
	p->section_bytes = 0;
	p->section_count = 0;
	return (int)n;
}

/* Up to (p->remaining) body bytes of (in), then state (then); a body
 * delimited by the close takes all. */
static int body_data(mg_http_resp_parser *p, mg_cbuf in, mg_http_resp_event *ev,
                     int then)
{
	bool until_eof = p->state == S_UNTIL_EOF;
	/* Up to the bound first, so that any split gives the same events. */
	uint64_t room =
	    until_eof ? p->lim.max_body - p->body_total : p->remaining;
	size_t n = in.len < room ? in.len : (size_t)room;
	if (until_eof && in.len && !room)
		return fail(p, ev, MG_EMSGSIZE, "body over the limit");
	if (n == 0)
		return 0;
	p->body_total += n;
	if (!until_eof) {
		p->remaining -= n;
		if (p->remaining == 0)
			p->state = then;
	}
	ev->type = MG_HTTP_RESP_BODY;
	ev->data = (mg_cbuf){in.p, n};
	return (int)n;
}

uint64_t mg_http_resp_parser_body_pending(const mg_http_resp_parser *p)
{
	if (p->state == S_LENGTH || p->state == S_CHUNK)
		return p->remaining;
	if (p->state == S_UNTIL_EOF)
		return p->lim.max_body - p->body_total;
	return 0;
}

/* More input is needed in (p)'s state, with (left) bytes unconsumed. */
static int starved(mg_http_resp_parser *p, size_t left, mg_http_resp_event *ev)
{
	if (!(p->flags & F_EOF))
		return 0;
	if (p->state == S_UNTIL_EOF) {
		p->state = S_COMPLETE;
		return 1;
	}
	if (p->state == S_STATUS && left == 0 && !(p->flags & F_AFTER_1XX))
		return fail(p, ev, MG_EPIPE, "stream ended before a response");
	return fail(p, ev, MG_EPROTO, "stream ended inside a response");
}

int mg_http_resp_parse(mg_http_resp_parser *p, mg_cbuf in,
                       mg_http_resp_event *ev)
{
	memset(ev, 0, sizeof *ev);
	if (in.len > INT32_MAX)
		in.len = INT32_MAX;
	size_t at = 0;
	while (ev->type == MG_HTTP_RESP_NONE) {
		mg_cbuf rest = {in.p + at, in.len - at};
		int r = 0;
		switch (p->state) {
		case S_FAILED:
			*ev = p->err;
			return p->err_rc;
		case S_STATUS:
			r = status_line(p, rest, ev);
			break;
		case S_FIELDS:
			r = field_section(p, rest, ev, false);
			break;
		case S_LENGTH:
		case S_UNTIL_EOF:
			r = body_data(p, rest, ev, S_COMPLETE);
			break;
		case S_SIZE:
			r = chunk_size_line(p, rest, ev);
			break;
		case S_CHUNK:
			r = body_data(p, rest, ev, S_CHUNK_END);
			break;
		case S_CHUNK_END:
			r = mg__http_chunk_end(rest);
			if (r < 0)
				return fail(p, ev, MG_EPROTO,
				            "chunk data not followed by CRLF");
			if (r)
				p->state = S_SIZE;
			break;
		case S_TRAILERS:
			r = field_section(p, rest, ev, true);
			break;
		case S_COMPLETE:
			ev->type = MG_HTTP_RESP_DONE;
			next_response(p, F_EOF);
			return (int)at;
		}
		if (r < 0)
			return r;
		if (r == 0 && ev->type == MG_HTTP_RESP_NONE) {
			r = starved(p, rest.len, ev);
			if (r <= 0)
				return r < 0 ? r : (int)at;
			r = 0; /* S_COMPLETE next */
		}
		at += (size_t)r;
	}
	return (int)at;
}
