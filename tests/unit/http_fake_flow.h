/* An in-memory mg_flow that plays a scripted server, and a stack of them. */
#ifndef HTTP_FAKE_FLOW_H
#define HTTP_FAKE_FLOW_H

#include <mg/fiber.h>
#include <mg/flow.h>
#include <mg/stackv4.h>

#include <string.h>

/*
 * Reads return the script's entries in order, each cut into pieces of at
 * most (read_max) bytes (0: no cut) and to the reader's buffer. Entries
 * that are these markers instead: FAKE_EOF (the end of the stream, seen by
 * polls too), FAKE_LATE_EOF (an end of stream that a poll, a read with a
 * past deadline, does not see yet), FAKE_RESET (MG_ECONNRESET), FAKE_STALL
 * (MG_ETIMEDOUT, as if the deadline passed). After the last entry, reads
 * return 0. A poll sees nothing but FAKE_EOF and FAKE_RESET.
 */
static const char FAKE_EOF[] = "<eof>", FAKE_LATE_EOF[] = "<late eof>",
                  FAKE_RESET[] = "<reset>", FAKE_STALL[] = "<stall>";

typedef struct fake_conn {
	const char *const *script;
	size_t read_max;
	size_t step, at;
	char wrote[1 << 18];
	size_t wlen;
	int write_err; /* writes fail with it once set */
	int closed;
	mg_flow flow;
} fake_conn;

static int fake_read(void *self, mg_buf buf, uint64_t deadline_ns)
{
	fake_conn *f = self;
	if (!buf.len)
		return MG_EINVAL;
	const char *s = f->script ? f->script[f->step] : NULL;
	if (!s)
		return 0;
	bool poll = deadline_ns == 0 || deadline_ns < mg_now_ns();
	if (poll && s != FAKE_EOF && s != FAKE_RESET)
		return MG_ETIMEDOUT;
	if (s == FAKE_EOF || s == FAKE_LATE_EOF)
		return 0;
	if (s == FAKE_RESET)
		return MG_ECONNRESET;
	if (s == FAKE_STALL) {
		f->step++;
		return MG_ETIMEDOUT;
	}
	size_t n = strlen(s) - f->at;
	if (f->read_max && n > f->read_max)
		n = f->read_max;
	if (n > buf.len)
		n = buf.len;
	memcpy(buf.p, s + f->at, n);
	f->at += n;
	if (!s[f->at]) {
		f->step++;
		f->at = 0;
	}
	return (int)n;
}

static int fake_writev(void *self, const mg_cbuf *iov, size_t n,
                       uint64_t deadline_ns)
{
	fake_conn *f = self;
	(void)deadline_ns;
	if (f->write_err)
		return f->write_err;
	for (size_t i = 0; i < n; i++) {
		if (iov[i].len > sizeof f->wrote - f->wlen)
			return MG_EPIPE;
		memcpy(f->wrote + f->wlen, iov[i].p, iov[i].len);
		f->wlen += iov[i].len;
	}
	return 0;
}

static int fake_write(void *self, mg_cbuf data, uint64_t deadline_ns)
{
	return fake_writev(self, &data, 1, deadline_ns);
}

static int fake_shutdown(void *self)
{
	(void)self;
	return 0;
}

static void fake_close(void *self)
{
	((fake_conn *)self)->closed++;
}

static int fake_addrs(void *self, mg_ipv4_endpoint *local,
                      mg_ipv4_endpoint *peer)
{
	(void)self;
	if (local)
		*local = (mg_ipv4_endpoint){{0x0a000002}, 40000};
	if (peer)
		*peer = (mg_ipv4_endpoint){{0x0a000001}, 8080};
	return 0;
}

static const mg_flow_ops fake_ops = {fake_read,     fake_write, fake_writev,
                                     fake_shutdown, fake_close, fake_addrs};

static mg_flow *fake_flow(fake_conn *f, const char *const *script,
                          size_t read_max)
{
	memset(f, 0, sizeof *f);
	f->script = script;
	f->read_max = read_max;
	f->flow = (mg_flow){&fake_ops, f};
	return &f->flow;
}

/* A stack whose connects hand out conns[0], conns[1]... then refuse. */
typedef struct fake_stack {
	fake_conn *conns;
	size_t n, used;
	mg_ipv4_endpoint last_dst;
} fake_stack;

static int fake_connect(void *self, mg_ipv4_endpoint dst, unsigned flags,
                        uint64_t deadline_ns, mg_flow **out)
{
	fake_stack *s = self;
	(void)flags;
	(void)deadline_ns;
	s->last_dst = dst;
	if (s->used == s->n)
		return MG_ECONNREFUSED;
	*out = &s->conns[s->used++].flow;
	return 0;
}

static const mg_stackv4_ops fake_stack_ops = {.tcp_connect = fake_connect};

#endif
