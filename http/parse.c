/* Incremental HTTP/1.1 request parser with RFC 9112 framing; see mg/http.h */
#include <mg/http.h>

#include <string.h>

#include "http_internal.h"

enum {
	S_LINE,       /* request line (leading empty lines skipped) */
	S_HEADER,     /* field lines */
	S_HDONE,      /* headers reported, body next */
	S_BODY,       /* Content-Length body */
	S_CHUNK_SIZE, /* chunk-size [ chunk-ext ] CRLF */
	S_CHUNK_DATA,
	S_CHUNK_CRLF,
	S_TRAILER,
	S_DONE,       /* MESSAGE_DONE next */
	S_ERROR,
};

enum {
	F_CL = 1u << 0,
	F_TE = 1u << 1,
	F_CHUNKED_LAST = 1u << 2, /* the last coding seen is chunked */
	F_TE_UNKNOWN = 1u << 3,
	F_TE_BAD = 1u << 4,       /* chunked twice or not final */
	F_CLOSE = 1u << 5,
	F_KEEP = 1u << 6,
	F_EXPECT = 1u << 7,
	F_EXPECT_BAD = 1u << 8,
	F_CL_BAD = 1u << 9,
	F_CL_BIG = 1u << 10,
};

static int fail(mg_http_parser *p, mg_http_event *ev, int status,
                const char *why)
{
	memset(&p->err, 0, sizeof p->err);
	p->err.type = MG_HTTP_ERROR;
	p->err.status = status;
	p->err.reason = why;
	p->state = S_ERROR;
	*ev = p->err;
	return MG_EPROTO;
}

static void start_message(mg_http_parser *p)
{
	p->state = S_LINE;
	p->version_minor = 1;
	p->flags = 0;
	p->host_count = 0;
	p->section_bytes = 0;
	p->section_count = 0;
	p->content_length = 0;
	p->remaining = 0;
	p->body_total = 0;
}

void mg_http_parser_init(mg_http_parser *p, const mg_http_limits *lim)
{
	memset(p, 0, sizeof *p);
	mg__http_limits(&p->lim, lim, 1u << 20);
	start_message(p);
}

static int parse_request_line(mg_http_parser *p, mg_cbuf in,
                              mg_http_event *ev)
{
	size_t skip = 0, total;
	/* RFC 9112 section 2.2: ignore empty lines before a request. They are
	 * consumed as they come, so no bound is needed. */
	while (in.len - skip >= 2 && in.p[skip] == '\r' &&
	       in.p[skip + 1] == '\n')
		skip += 2;
	mg_cbuf l = {in.p + skip, in.len - skip};
	long n = mg__http_find_line(l, p->lim.max_request_line, &total);
	if (n == -1)
		return fail(p, ev, 414, "request line too long");
	if (n == -2)
		return fail(p, ev, 400, "bare CR or LF in request line");
	if (total == 0)
		return (int)skip;
	size_t len = (size_t)n, i = 0;
	while (i < len && mg__http_tchar(l.p[i]))
		i++;
	if (i == 0 || i >= len || l.p[i] != ' ')
		return fail(p, ev, 400, "bad method");
	ev->method = (mg_cbuf){l.p, i};
	size_t t0 = ++i;
	while (i < len && l.p[i] > 0x20 && l.p[i] < 0x7f)
		i++;
	if (i == t0 || i >= len || l.p[i] != ' ')
		return fail(p, ev, 400, "bad request target");
	ev->target = (mg_cbuf){l.p + t0, i - t0};
	const uint8_t *v = l.p + i + 1;
	if (len - i - 1 != 8 || memcmp(v, "HTTP/", 5) != 0 || v[6] != '.' ||
	    v[5] < '0' || v[5] > '9' || v[7] < '0' || v[7] > '9')
		return fail(p, ev, 400, "bad HTTP version");
	if (v[5] != '1')
		return fail(p, ev, 505, "HTTP major version not 1");
	/* RFC 9110 section 6.2: a higher minor is answered as 1.1. */
	p->version_minor = v[7] == '0' ? 0 : 1;
	ev->type = MG_HTTP_REQUEST_LINE;
	ev->version_minor = p->version_minor;
	p->state = S_HEADER;
	return (int)(skip + total);
}

/* Content-Length: one 1*DIGIT; repeats MUST be equal (RFC 9112 6.3). */
static void content_length(mg_http_parser *p, mg_cbuf v)
{
	uint64_t n = 0;
	if (!mg__http_digits(v, &n)) {
		p->flags |= F_CL_BAD;
		return;
	}
	if ((p->flags & F_CL) && n != p->content_length)
		p->flags |= F_CL_BAD;
	p->flags |= F_CL;
	p->content_length = n;
}

static void te_element(void *ctx, mg_cbuf c)
{
	mg_http_parser *p = ctx;
	if (p->flags & F_CHUNKED_LAST)
		p->flags |= F_TE_BAD; /* something after chunked */
	if (mg__http_ieq(c, "chunked"))
		p->flags |= F_CHUNKED_LAST;
	else
		p->flags |= F_TE_UNKNOWN;
}

static void connection_element(void *ctx, mg_cbuf c)
{
	mg_http_parser *p = ctx;
	if (mg__http_ieq(c, "close"))
		p->flags |= F_CLOSE;
	else if (mg__http_ieq(c, "keep-alive"))
		p->flags |= F_KEEP;
}

/* One field line of (len) bytes at (l); the header or trailer section. */
static int field_line(mg_http_parser *p, mg_cbuf name, mg_cbuf value,
                      mg_http_event *ev, bool trailer)
{
	ev->type = trailer ? MG_HTTP_TRAILER : MG_HTTP_HEADER;
	ev->name = name;
	ev->value = value;
	if (trailer)
		return 0; /* trailers never change framing (RFC 9110 6.5.1) */
	if (mg__http_ieq(name, "content-length"))
		content_length(p, value);
	else if (mg__http_ieq(name, "transfer-encoding")) {
		p->flags |= F_TE;
		mg__http_each_element(value, te_element, p);
	} else if (mg__http_ieq(name, "connection"))
		mg__http_each_element(value, connection_element, p);
	else if (mg__http_ieq(name, "host"))
		p->host_count++;
	else if (mg__http_ieq(name, "expect")) {
		if (mg__http_ieq(value, "100-continue"))
			p->flags |= F_EXPECT;
		else
			p->flags |= F_EXPECT_BAD;
	}
	return 0;
}

/* The checks of RFC 9112 sections 3.2 and 6 once all fields are in. */
static int headers_done(mg_http_parser *p, mg_http_event *ev)
{
	unsigned f = p->flags;
	if ((f & F_TE) && (f & F_CL))
		return fail(p, ev, 400, "both Content-Length and "
		                        "Transfer-Encoding");
	if ((f & F_TE) && p->version_minor == 0)
		return fail(p, ev, 400, "Transfer-Encoding in HTTP/1.0");
	if ((f & F_TE) && (!(f & F_CHUNKED_LAST) || (f & F_TE_BAD)))
		return fail(p, ev, 400, "chunked is not the final coding");
	if ((f & F_TE) && (f & F_TE_UNKNOWN))
		return fail(p, ev, 501, "unknown transfer coding");
	if (f & F_CL_BAD)
		return fail(p, ev, 400, "bad Content-Length");
	if (p->version_minor == 1 && p->host_count != 1)
		return fail(p, ev, 400, "not exactly one Host");
	if (f & F_EXPECT_BAD)
		return fail(p, ev, 417, "unknown expectation");
	if ((f & F_CL) && p->content_length > p->lim.max_body)
		return fail(p, ev, 413, "Content-Length over the limit");
	ev->type = MG_HTTP_HEADERS_DONE;
	ev->chunked = (f & F_TE) != 0;
	ev->content_length = ev->chunked ? 0 : p->content_length;
	ev->expect_continue = (f & F_EXPECT) != 0;
	if (p->version_minor == 0)
		ev->keep_alive = (f & F_KEEP) && !(f & F_CLOSE);
	else
		ev->keep_alive = !(f & F_CLOSE);
	if (!ev->keep_alive)
		p->flags |= F_CLOSE;
	p->remaining = p->content_length;
	p->state = S_HDONE;
	return 0;
}

static int section_line(mg_http_parser *p, mg_cbuf in, mg_http_event *ev,
                        bool trailer)
{
	mg_cbuf name, value;
	const char *why;
	long n = mg__http_section_line(in, &p->lim, trailer, &p->section_bytes,
	                               &p->section_count, &name, &value, &why);
	if (n < 0)
		return fail(p, ev, n == MG__HTTP_OVER ? 431 : 400, why);
	if (n == 0)
		return 0;
	if (!name.len) {
		if (trailer) {
			p->state = S_DONE;
			ev->type = MG_HTTP_NONE;
			return (int)n;
		}
		int r = headers_done(p, ev);
		return r < 0 ? r : (int)n;
	}
	int r = field_line(p, name, value, ev, trailer);
	return r < 0 ? r : (int)n;
}

static int chunk_size(mg_http_parser *p, mg_cbuf in, mg_http_event *ev)
{
	uint64_t size;
	const char *why;
	long n = mg__http_chunk_size(in, p->lim.max_chunk_line, &size, &why);
	if (n <= 0)
		return n < 0 ? fail(p, ev, 400, why) : 0;
	if (size > p->lim.max_body - p->body_total)
		return fail(p, ev, 413, "chunked body over the limit");
	if (size == 0) {
		p->state = S_TRAILER;
		p->section_bytes = 0;
		p->section_count = 0;
	} else {
		p->remaining = size;
		p->state = S_CHUNK_DATA;
	}
	return (int)n;
}

static int body_bytes(mg_http_parser *p, mg_cbuf in, mg_http_event *ev,
                      int next)
{
	size_t n = in.len < p->remaining ? in.len : (size_t)p->remaining;
	if (n == 0)
		return 0;
	p->remaining -= n;
	p->body_total += n;
	ev->type = MG_HTTP_BODY;
	ev->data = (mg_cbuf){in.p, n};
	if (p->remaining == 0)
		p->state = next;
	return (int)n;
}

uint64_t mg_http_parser_body_pending(const mg_http_parser *p)
{
	if (p->state == S_BODY || p->state == S_CHUNK_DATA)
		return p->remaining;
	if (p->state == S_HDONE && !(p->flags & F_TE))
		return p->remaining;
	return 0;
}

int mg_http_parse(mg_http_parser *p, mg_cbuf in, mg_http_event *ev)
{
	memset(ev, 0, sizeof *ev);
	if (in.len > INT32_MAX)
		in.len = INT32_MAX;
	size_t used = 0;
	for (;;) {
		mg_cbuf rest = {in.p + used, in.len - used};
		int r = 0;
		switch (p->state) {
		case S_ERROR:
			*ev = p->err;
			return MG_EPROTO;
		case S_LINE:
			r = parse_request_line(p, rest, ev);
			break;
		case S_HEADER:
			r = section_line(p, rest, ev, false);
			break;
		case S_HDONE:
			if (p->flags & F_TE)
				p->state = S_CHUNK_SIZE;
			else
				p->state = p->remaining ? S_BODY : S_DONE;
			continue;
		case S_BODY:
			r = body_bytes(p, rest, ev, S_DONE);
			break;
		case S_CHUNK_SIZE:
			r = chunk_size(p, rest, ev);
			break;
		case S_CHUNK_DATA:
			r = body_bytes(p, rest, ev, S_CHUNK_CRLF);
			break;
		case S_CHUNK_CRLF:
			r = mg__http_chunk_end(rest);
			if (r < 0)
				return fail(p, ev, 400,
				            "chunk data not followed by CRLF");
			if (r)
				p->state = S_CHUNK_SIZE;
			break;
		case S_TRAILER:
			r = section_line(p, rest, ev, true);
			break;
		case S_DONE:
			ev->type = MG_HTTP_MESSAGE_DONE;
			start_message(p);
			return (int)used;
		}
		if (r < 0)
			return r;
		used += (size_t)r;
		if (ev->type != MG_HTTP_NONE || r == 0)
			return (int)used;
	}
}
