/* TCP test harness: a fake clock, a fake wire recording every segment, a
 * segment builder, handshake and forced-state helpers, a counting
 * allocator for the leak check (after lwIP's test/unit/tcp/tcp_helper.c). */
#ifndef TCP_HARNESS_H
#define TCP_HARNESS_H

#include <stdlib.h>
#include <string.h>

#include <mg/error.h>
#include <mg/tcp.h>

#include "../../net/tcp/tcp_int.h"
#include "mgtest.h"

#define H_FN static __attribute__((unused))

#define H_LOCAL   0x0a000001u /* 10.0.0.1: the engine under test */
#define H_REMOTE  0x0a000002u /* 10.0.0.2: the test plays this peer */
#define H_LPORT   80
#define H_RPORT   40000
#define H_MAX_OUT 4096
#define H_MAX_EV  4096

/* A segment the engine sent, parsed back. */
typedef struct h_pkt {
	mg__tcp_seg s; /* s.data points into bytes */
	uint8_t bytes[1600];
	size_t len;
	bool csum_ok;
} h_pkt;

typedef struct harness {
	mg_tcpcore t;
	mg_tcpcore_cfg cfg;
	uint64_t now;
	h_pkt *out; /* H_MAX_OUT */
	int nout;
	int lost; /* segments the wire dropped beyond H_MAX_OUT */
	struct {
		mg_tcb *c;
		unsigned ev;
	} ev[H_MAX_EV];
	int nev;
	long live_allocs;
	long live_bytes;
	int fail_allocs; /* refuse this many allocations from now */
	/* The peer's view after a handshake helper. */
	uint32_t peer_iss, peer_nxt; /* peer's sequence numbers */
	uint32_t our_iss;            /* the engine's ISS */
	mg_tcp_lsn *lsn;
} harness;

H_FN uint64_t h_now_cb(void *ctx)
{
	return ((harness *)ctx)->now;
}

H_FN void h_output_cb(void *ctx, const mg_tcp_segout *so)
{
	harness *h = ctx;
	if (h->nout >= H_MAX_OUT) {
		h->lost++;
		return;
	}
	h_pkt *p = &h->out[h->nout++];
	size_t n = so->hdr_len + so->data[0].len + so->data[1].len;
	if (n > sizeof(p->bytes))
		mgt_fail(__FILE__, __LINE__, "segment of %zu bytes", n);
	memcpy(p->bytes, so->hdr, so->hdr_len);
	if (so->data[0].len)
		memcpy(p->bytes + so->hdr_len, so->data[0].p, so->data[0].len);
	if (so->data[1].len)
		memcpy(p->bytes + so->hdr_len + so->data[0].len, so->data[1].p,
		       so->data[1].len);
	p->len = n;
	p->csum_ok = mg__tcp_csum(so->src.v, so->dst.v, p->bytes, n, NULL) == 0;
	if (mg__tcp_parse(&p->s, so->src.v, so->dst.v, p->bytes, n) != 0)
		mgt_fail(__FILE__, __LINE__, "engine sent a malformed segment");
}

H_FN void h_event_cb(void *ctx, mg_tcb *c, unsigned ev)
{
	harness *h = ctx;
	if (h->nev < H_MAX_EV) {
		h->ev[h->nev].c = c;
		h->ev[h->nev].ev = ev;
		h->nev++;
	}
}

/* Every block carries its size in front, so free can check it. */
H_FN void *h_alloc_cb(void *ctx, size_t n)
{
	harness *h = ctx;
	if (h->fail_allocs > 0) {
		h->fail_allocs--;
		return NULL;
	}
	size_t *p = malloc(n + 16);
	if (!p)
		return NULL;
	p[0] = n;
	h->live_allocs++;
	h->live_bytes += (long)n;
	return (uint8_t *)p + 16;
}

H_FN void h_free_cb(void *ctx, void *q, size_t n)
{
	harness *h = ctx;
	size_t *p = (size_t *)(void *)((uint8_t *)q - 16);
	if (p[0] != n)
		mgt_fail(__FILE__, __LINE__, "free of %zu bytes, allocated %zu",
		         n, p[0]);
	h->live_allocs--;
	h->live_bytes -= (long)n;
	free(p);
}

/* The default configuration; change fields then call h_start. */
H_FN void h_setup(harness *h)
{
	memset(h, 0, sizeof(*h));
	h->out = calloc(H_MAX_OUT, sizeof(h_pkt));
	h->now = 1000 * MG__NS_PER_MS * 1000; /* not zero: 1000 s */
	h->cfg.ctx = h;
	h->cfg.now_ns = h_now_cb;
	h->cfg.output = h_output_cb;
	h->cfg.event = h_event_cb;
	h->cfg.alloc = h_alloc_cb;
	h->cfg.free = h_free_cb;
	for (int i = 0; i < 32; i++)
		h->cfg.secret[i] = (uint8_t)(i * 7 + 1);
}

H_FN void h_start(harness *h)
{
	ASSERT_EQ(mg_tcpcore_init(&h->t, &h->cfg), 0);
}

H_FN void h_init(harness *h)
{
	h_setup(h);
	h_start(h);
}

/* The leak check every test ends with: no connection left once the
 * engine has had its time, and nothing allocated after fini. */
H_FN void h_end(harness *h)
{
	if (h->lsn)
		mg_tcpcore_unlisten(h->lsn);
	h->lsn = NULL;
	ASSERT_EQ(mg_tcpcore_conn_count(&h->t), 0);
	mg_tcpcore_fini(&h->t);
	ASSERT_EQ(h->live_allocs, 0);
	ASSERT_EQ(h->live_bytes, 0);
	free(h->out);
}

H_FN void h_clear(harness *h)
{
	h->nout = 0;
	h->nev = 0;
}

H_FN h_pkt *h_last(harness *h)
{
	if (!h->nout)
		mgt_fail(__FILE__, __LINE__, "no segment sent");
	return &h->out[h->nout - 1];
}

/* How many events of (mask) on (c) (NULL: any connection). */
H_FN int h_events(harness *h, mg_tcb *c, unsigned mask)
{
	int n = 0;
	for (int i = 0; i < h->nev; i++)
		if ((!c || h->ev[i].c == c) && (h->ev[i].ev & mask))
			n++;
	return n;
}

/* Advance the fake clock by (ms) and run the timers due. */
H_FN void h_advance(harness *h, uint64_t ms)
{
	h->now += ms * MG__NS_PER_MS;
	mg_tcpcore_timers(&h->t);
}

/* Advance in steps through every deadline up to (ms) from now. */
H_FN void h_run(harness *h, uint64_t ms)
{
	uint64_t end = h->now + ms * MG__NS_PER_MS;
	for (;;) {
		uint64_t d = mg_tcpcore_deadline(&h->t);
		if (d > end)
			break;
		if (d > h->now)
			h->now = d;
		mg_tcpcore_timers(&h->t);
	}
	h->now = end;
	mg_tcpcore_timers(&h->t);
}

/* ---- The segment builder: what the peer sends ---- */

typedef struct h_b {
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd; /* 0 means 65535 unless zero_wnd */
	bool zero_wnd;
	int mss; /* 0: no option */
	int ws;  /* -1... : 0 means none, else shift + 1 */
	bool sackok;
	bool ts;
	uint32_t tsval, tsecr;
	int nsack;
	uint32_t sack[4][2];
	const void *data;
	size_t len;
	uint16_t sport, dport; /* 0: H_RPORT, H_LPORT */
	uint32_t src, dst;     /* 0: H_REMOTE, H_LOCAL */
	bool bad_csum;
} h_b;

H_FN void h_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

H_FN void h_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Build (b) into (buf); returns its length. */
H_FN size_t h_build(const h_b *b, uint8_t *buf)
{
	uint8_t o[40];
	size_t on = 0;
	if (b->mss) {
		o[on++] = 2;
		o[on++] = 4;
		h_put16(o + on, (uint16_t)b->mss);
		on += 2;
	}
	if (b->ws) {
		o[on++] = 1;
		o[on++] = 3;
		o[on++] = 3;
		o[on++] = (uint8_t)(b->ws - 1);
	}
	if (b->sackok) {
		o[on++] = 1;
		o[on++] = 1;
		o[on++] = 4;
		o[on++] = 2;
	}
	if (b->ts) {
		o[on++] = 1;
		o[on++] = 1;
		o[on++] = 8;
		o[on++] = 10;
		h_put32(o + on, b->tsval);
		h_put32(o + on + 4, b->tsecr);
		on += 8;
	}
	if (b->nsack) {
		o[on++] = 1;
		o[on++] = 1;
		o[on++] = 5;
		o[on++] = (uint8_t)(2 + 8 * b->nsack);
		for (int i = 0; i < b->nsack; i++) {
			h_put32(o + on, b->sack[i][0]);
			h_put32(o + on + 4, b->sack[i][1]);
			on += 8;
		}
	}
	size_t hl = 20 + on;
	h_put16(buf, b->sport ? b->sport : H_RPORT);
	h_put16(buf + 2, b->dport ? b->dport : H_LPORT);
	h_put32(buf + 4, b->seq);
	h_put32(buf + 8, b->ack);
	buf[12] = (uint8_t)((hl / 4) << 4);
	buf[13] = b->flags;
	h_put16(buf + 14, b->zero_wnd ? 0 : (b->wnd ? b->wnd : 65535));
	h_put16(buf + 16, 0);
	h_put16(buf + 18, 0);
	memcpy(buf + 20, o, on);
	if (b->len)
		memcpy(buf + hl, b->data, b->len);
	uint32_t src = b->src ? b->src : H_REMOTE;
	uint32_t dst = b->dst ? b->dst : H_LOCAL;
	uint16_t cs = mg__tcp_csum(src, dst, buf, hl + b->len, NULL);
	if (b->bad_csum)
		cs ^= 0x5555;
	h_put16(buf + 16, cs);
	return hl + b->len;
}

H_FN void h_inject(harness *h, const h_b *b)
{
	uint8_t buf[70000];
	size_t n = h_build(b, buf);
	mg_tcpcore_input(&h->t, (mg_ipv4_addr){b->src ? b->src : H_REMOTE},
	                 (mg_ipv4_addr){b->dst ? b->dst : H_LOCAL},
	                 mg_cbuf_make(buf, n), 0);
}

/* The peer sends (len) bytes of (data) at its next sequence number,
 * acknowledging (ack). */
H_FN void h_send_data(harness *h, uint32_t ack, const void *data, size_t len)
{
	h_b b = {.seq = h->peer_nxt,
	         .ack = ack,
	         .flags = TH_ACK | TH_PSH,
	         .data = data,
	         .len = len};
	h_inject(h, &b);
	h->peer_nxt += (uint32_t)len;
}

/* ---- Handshakes ---- */

/*
 * A passive open on H_LPORT, the peer offering (opts) on its SYN (a
 * builder with only the option fields set; NULL: no options). Returns
 * the accepted connection in ESTABLISHED.
 */
H_FN mg_tcb *h_passive(harness *h, const h_b *opts)
{
	if (!h->lsn)
		ASSERT_EQ(mg_tcpcore_listen(&h->t, (mg_ipv4_addr){0}, H_LPORT,
		                            0, NULL, &h->lsn),
		          0);
	h_b syn = opts ? *opts : (h_b){0};
	h->peer_iss = 0x10000000u;
	syn.seq = h->peer_iss;
	syn.flags = TH_SYN;
	h_clear(h);
	h_inject(h, &syn);
	ASSERT_EQ(h->nout, 1);
	h_pkt *sa = h_last(h);
	ASSERT_EQ(sa->s.flags, TH_SYN | TH_ACK);
	ASSERT_EQ(sa->s.ack, h->peer_iss + 1);
	ASSERT_TRUE(sa->csum_ok);
	h->our_iss = sa->s.seq;
	h->peer_nxt = h->peer_iss + 1;
	h_b ack = {.seq = h->peer_nxt,
	           .ack = h->our_iss + 1,
	           .flags = TH_ACK,
	           .wnd = syn.wnd};
	if (syn.ts) {
		ack.ts = true;
		ack.tsval = syn.tsval + 1;
		ack.tsecr = sa->s.tsval;
	}
	h_inject(h, &ack);
	ASSERT_EQ(h_events(h, NULL, MG_TCB_EV_ACCEPT), 1);
	mg_tcb *c = mg_tcpcore_accept(h->lsn);
	ASSERT_TRUE(c != NULL);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_ESTABLISHED);
	h_clear(h);
	return c;
}

/* An active open to H_REMOTE:H_RPORT from H_LOCAL:H_LPORT, the peer
 * answering with (opts) on its SYN-ACK. Returns it ESTABLISHED. */
H_FN mg_tcb *h_active(harness *h, const h_b *opts)
{
	mg_tcb *c;
	h_clear(h);
	ASSERT_EQ(
	    mg_tcpcore_connect(&h->t, (mg_ipv4_endpoint){{H_LOCAL}, H_LPORT},
	                       (mg_ipv4_endpoint){{H_REMOTE}, H_RPORT}, &c),
	    0);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_SYN_SENT);
	h_pkt *syn = h_last(h);
	ASSERT_EQ(syn->s.flags, TH_SYN);
	h->our_iss = syn->s.seq;
	h->peer_iss = 0x20000000u;
	h_b sa = opts ? *opts : (h_b){0};
	sa.seq = h->peer_iss;
	sa.ack = h->our_iss + 1;
	sa.flags = TH_SYN | TH_ACK;
	if (sa.ts)
		sa.tsecr = syn->s.tsval;
	h_inject(h, &sa);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_ESTABLISHED);
	ASSERT_EQ(h_events(h, c, MG_TCB_EV_CONNECTED), 1);
	h_pkt *ack = h_last(h);
	ASSERT_EQ(ack->s.flags, TH_ACK);
	ASSERT_EQ(ack->s.ack, h->peer_iss + 1);
	h->peer_nxt = h->peer_iss + 1;
	h_clear(h);
	return c;
}

/* Forced state (lwIP's tcp_set_state): put (c) in (state) as if it got
 * there, for transitions a handshake helper does not reach directly. */
H_FN void h_force_state(mg_tcb *c, mg_tcp_state state)
{
	c->state = (uint8_t)state;
	if (state == MG_TCP_FIN_WAIT_1 || state == MG_TCP_LAST_ACK ||
	    state == MG_TCP_CLOSING)
		c->fl |= TF_SHUT_WR;
}

/* Close (c) from both sides cleanly and let TIME-WAIT pass. */
H_FN void h_finish(harness *h, mg_tcb *c)
{
	mg_tcb_close(c);
	/* Our FIN */
	uint32_t our_fin = 0;
	for (int i = 0; i < h->nout; i++)
		if (h->out[i].s.flags & TH_FIN)
			our_fin = h->out[i].s.seq + h->out[i].s.len;
	h_b b = {
	    .seq = h->peer_nxt, .ack = our_fin + 1, .flags = TH_ACK | TH_FIN};
	h_inject(h, &b);
	h->peer_nxt++;
	h_run(h, 2 * 30000 + 1000);
}

/* ---- A sender's helpers: a stream of known bytes, offsets ---- */

static __attribute__((unused)) uint8_t h_src[1 << 20];

/* A passive connection whose peer offers (sack, ts) and MSS 1000 (1012
 * with timestamps, so that a full segment carries 1000 bytes). */
H_FN mg_tcb *h_open(harness *h, bool sack, bool ts)
{
	h_setup(h);
	h->cfg.buf_init = 1 << 16;
	h_start(h);
	for (size_t i = 0; i < sizeof h_src; i++)
		h_src[i] = (uint8_t)(i * 13 + (i >> 10));
	h_b o = {.mss = ts ? 1012 : 1000, .sackok = sack, .ts = ts, .tsval = 1};
	mg_tcb *c = h_passive(h, &o);
	ASSERT_EQ(c->smss, 1000);
	return c;
}

/* The peer acknowledges up to offset (off) of our stream, with SACK
 * blocks given as offsets. */
H_FN void h_ack_at(harness *h, uint32_t off, int nsack, const uint32_t (*s)[2])
{
	uint32_t base = h->our_iss + 1;
	h_b b = {.seq = h->peer_nxt,
	         .ack = base + off,
	         .flags = TH_ACK,
	         .nsack = nsack};
	for (int i = 0; i < nsack; i++) {
		b.sack[i][0] = base + s[i][0];
		b.sack[i][1] = base + s[i][1];
	}
	h_inject(h, &b);
}

/* Offset in our stream of segment (p). */
H_FN uint32_t h_off(harness *h, const h_pkt *p)
{
	return p->s.seq - (h->our_iss + 1);
}

H_FN void h_send_src(mg_tcb *c, uint32_t from, uint32_t n)
{
	ASSERT_EQ(mg_tcb_send(c, mg_cbuf_make(h_src + from, n), 0), (int)n);
}

#endif
