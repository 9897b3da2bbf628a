/* A scripted in-memory mg_flow and a fake clock for the HTTP server tests. */
#ifndef HTTP_SERVER_FAKE_H
#define HTTP_SERVER_FAKE_H

#include <mg/fiber.h>
#include <mg/http_server.h>

#include <stdlib.h>
#include <string.h>

#include "../../http/server_int.h"
#include "mgtest.h"

#define FF_FN static __attribute__((unused))

enum {
	FF_DATA,  /* bytes, given in reads of at most the reader's buffer */
	FF_WAIT,  /* the peer sends nothing for (ns) of fake time */
	FF_BLOCK, /* a read waits (really) until the fiber is cancelled */
	FF_RESET, /* reads fail with MG_ECONNRESET */
};

typedef struct ff_step {
	int kind;
	const char *data;
	size_t len;
	uint64_t ns;
} ff_step;

/* The end of the script is the end of the stream (reads return 0). */
typedef struct fake_flow {
	mg_flow flow;
	ff_step steps[256];
	int nsteps, at;
	size_t data_off;
	char *out;
	size_t out_len, out_cap;
	int writes; /* write and writev calls */
	int reads;
	bool shut;
	int fail_writes_at; /* the nth write call (1-based) fails; 0: none */
	uint64_t shut_at;   /* fake time of shutdown */
	mg_cond never;
} fake_flow;

/* The server's monotonic clock in these tests. */
static uint64_t ff_now = 1000 * MG_NS_PER_S;

FF_FN uint64_t ff_clock(void)
{
	return ff_now;
}

static int ff_read(void *self, mg_buf buf, uint64_t deadline)
{
	fake_flow *f = self;
	f->reads++;
	if (buf.len == 0)
		mgt_fail(__FILE__, __LINE__, "read of 0 bytes");
	while (f->at < f->nsteps) {
		ff_step *s = &f->steps[f->at];
		switch (s->kind) {
		case FF_DATA: {
			size_t left = s->len - f->data_off;
			size_t n = left < buf.len ? left : buf.len;
			memcpy(buf.p, s->data + f->data_off, n);
			f->data_off += n;
			if (f->data_off == s->len) {
				f->at++;
				f->data_off = 0;
			}
			if (n)
				return (int)n;
			continue;
		}
		case FF_WAIT:
			if (deadline < ff_now + s->ns) {
				if (deadline > ff_now) {
					s->ns -= deadline - ff_now;
					ff_now = deadline;
				}
				return MG_ETIMEDOUT;
			}
			ff_now += s->ns;
			f->at++;
			continue;
		case FF_BLOCK: {
			int rc = mg_cond_wait(&f->never);
			return rc < 0 ? rc : MG_ECONNRESET;
		}
		case FF_RESET:
			return MG_ECONNRESET;
		}
	}
	return 0;
}

static int ff_writev(void *self, const mg_cbuf *iov, size_t n,
                     uint64_t deadline)
{
	fake_flow *f = self;
	(void)deadline;
	if (f->shut)
		return MG_EPIPE;
	f->writes++;
	if (f->fail_writes_at && f->writes >= f->fail_writes_at)
		return MG_ECONNRESET;
	for (size_t i = 0; i < n; i++) {
		if (f->out_len + iov[i].len + 1 > f->out_cap) {
			f->out_cap = (f->out_len + iov[i].len + 1) * 2;
			f->out = realloc(f->out, f->out_cap);
		}
		if (iov[i].len)
			memcpy(f->out + f->out_len, iov[i].p, iov[i].len);
		f->out_len += iov[i].len;
		f->out[f->out_len] = 0;
	}
	return 0;
}

static int ff_write(void *self, mg_cbuf data, uint64_t deadline)
{
	return ff_writev(self, &data, 1, deadline);
}

static int ff_shutdown(void *self)
{
	fake_flow *f = self;
	if (!f->shut)
		f->shut_at = ff_now;
	f->shut = true;
	return 0;
}

static void ff_close(void *self)
{
	(void)self;
}

static int ff_addrs(void *self, mg_ipv4_endpoint *local, mg_ipv4_endpoint *peer)
{
	(void)self;
	if (local)
		*local = (mg_ipv4_endpoint){{0x0a000001u}, 80};
	if (peer)
		*peer = (mg_ipv4_endpoint){{0x0a000002u}, 40000};
	return 0;
}

static const mg_flow_ops ff_ops = {ff_read,     ff_write, ff_writev,
                                   ff_shutdown, ff_close, ff_addrs};

FF_FN void ff_init(fake_flow *f)
{
	memset(f, 0, sizeof *f);
	f->flow = (mg_flow){&ff_ops, f};
	mg_cond_init(&f->never);
}

FF_FN void ff_step_add(fake_flow *f, ff_step s)
{
	if (f->nsteps >= (int)(sizeof f->steps / sizeof f->steps[0]))
		mgt_fail(__FILE__, __LINE__, "script too long");
	f->steps[f->nsteps++] = s;
}

/* (s) arrives in one piece (split only by the reader's buffer). */
FF_FN void ff_data(fake_flow *f, const char *s)
{
	ff_step_add(f, (ff_step){FF_DATA, s, strlen(s), 0});
}

FF_FN void ff_bytes(fake_flow *f, const char *s, size_t n)
{
	ff_step_add(f, (ff_step){FF_DATA, s, n, 0});
}

FF_FN void ff_wait(fake_flow *f, uint64_t ns)
{
	ff_step_add(f, (ff_step){FF_WAIT, NULL, 0, ns});
}

FF_FN void ff_block(fake_flow *f)
{
	ff_step_add(f, (ff_step){FF_BLOCK, NULL, 0, 0});
}

/* A server with the fake clock; (o) may be NULL. */
FF_FN mg_http_server *ff_server(const mg_http_server_opts *o)
{
	mg_http_server *s;
	if (mg_http_server_new(o, &s) != 0)
		mgt_fail(__FILE__, __LINE__, "mg_http_server_new");
	s->now = ff_clock;
	return s;
}

typedef struct ff_run {
	mg_http_server *s;
	fake_flow *f;
	int rc;
} ff_run;

static int ff_serve_fiber(void *arg)
{
	ff_run *r = arg;
	r->rc = mg_http_server_serve(r->s, &r->f->flow);
	return 0;
}

/* Serve (f) in a fiber until the connection ends; the serve result. */
FF_FN int ff_serve(mg_http_server *s, fake_flow *f)
{
	ff_run r = {s, f, 0};
	mg__run(mg_spawn(ff_serve_fiber, &r, NULL));
	return r.rc;
}

/* Serve (in), arriving in one piece, on a fresh (f); the serve result. */
FF_FN int ff_serve_str(mg_http_server *s, fake_flow *f, const char *in)
{
	ff_init(f);
	ff_data(f, in);
	return ff_serve(s, f);
}

/* A handler: 200, "hello". */
FF_FN int ff_hello(mg_http_request *req, mg_http_response *res, void *arg)
{
	(void)req;
	(void)arg;
	return mg_http_reply(res, 200, "text/plain", mg_cbuf_str("hello"));
}

/* --- reading the responses back --- */

typedef struct ff_resp {
	int status;
	char head[2048];  /* field lines, "Name: value\r\n" each */
	char body[16384]; /* decoded */
	size_t body_len;
	bool chunked;
} ff_resp;

/* Find field (name) (exact case) in (r)'s head; its value or NULL. */
FF_FN const char *ff_field(const ff_resp *r, const char *name, char *out,
                           size_t n)
{
	char key[128];
	snprintf(key, sizeof key, "\r\n%s: ", name);
	const char *p = strstr(r->head, key);
	if (!p)
		return NULL;
	p += strlen(key);
	const char *e = strstr(p, "\r\n");
	size_t l = (size_t)(e - p) < n - 1 ? (size_t)(e - p) : n - 1;
	memcpy(out, p, l);
	out[l] = 0;
	return out;
}

/*
 * Split (f)'s output into responses (at most (max)), reading bodies by
 * Content-Length or chunks; responses to HEAD (flagged in (head_mask),
 * bit i for response i) have none; 1xx responses count as responses.
 * Returns the count; fails the test on bytes it cannot frame.
 */
FF_FN int ff_responses(const fake_flow *f, ff_resp *rs, int max,
                       unsigned head_mask)
{
	const char *p = f->out ? f->out : "", *end = p + f->out_len;
	int n = 0;
	while (p < end && n < max) {
		ff_resp *r = &rs[n];
		memset(r, 0, sizeof *r);
		if (strncmp(p, "HTTP/1.1 ", 9) != 0)
			mgt_fail(__FILE__, __LINE__, "not a status line: %.40s",
			         p);
		r->status = atoi(p + 9);
		const char *he = strstr(p, "\r\n\r\n");
		if (!he)
			mgt_fail(__FILE__, __LINE__, "head not ended");
		size_t hl = (size_t)(he - p) + 2;
		if (hl >= sizeof r->head)
			mgt_fail(__FILE__, __LINE__, "head too long");
		memcpy(r->head, p, hl);
		p = he + 4;
		char v[64];
		bool bodyless = (head_mask >> n & 1) || r->status < 200 ||
		                r->status == 204 || r->status == 304;
		if (ff_field(r, "Transfer-Encoding", v, sizeof v)) {
			r->chunked = true;
			while (!bodyless) {
				char *e;
				unsigned long sz = strtoul(p, &e, 16);
				p = strstr(p, "\r\n") + 2;
				if (sz == 0) {
					p += 2;
					break;
				}
				memcpy(r->body + r->body_len, p, sz);
				r->body_len += sz;
				p += sz + 2;
			}
		} else if (ff_field(r, "Content-Length", v, sizeof v)) {
			size_t cl = strtoul(v, NULL, 10);
			if (!bodyless) {
				if (cl > sizeof r->body || p + cl > end)
					mgt_fail(__FILE__, __LINE__,
					         "body of %zu bytes missing",
					         cl);
				memcpy(r->body, p, cl);
				r->body_len = cl;
				p += cl;
			}
		} else if (!bodyless) {
			/* close-delimited: the rest */
			size_t l = (size_t)(end - p);
			memcpy(r->body, p, l < sizeof r->body ? l : 0);
			r->body_len = l;
			p = end;
		}
		n++;
	}
	if (p < end)
		mgt_fail(__FILE__, __LINE__, "more responses than %d", max);
	return n;
}

/* The count of times (needle) occurs in (hay). */
FF_FN int ff_count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; p && (p = strstr(p, needle)) != NULL;
	     p += strlen(needle))
		n++;
	return n;
}

#endif
