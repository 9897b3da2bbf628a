/* TCP engine end to end: two engines over a fake wire that loses,
 * reorders, duplicates and delays, moving checked data both ways. */
#include "tcp_harness.h"

#define QMAX 8192

typedef struct wpkt {
	uint64_t at;
	uint32_t src, dst;
	size_t len;
	uint8_t bytes[1600];
} wpkt;

typedef struct wire {
	uint64_t seed;
	unsigned loss_pm, dup_pm; /* per mille */
	uint64_t delay_ms, jitter_ms;
	uint64_t bw_bytes_per_ms; /* 0: unlimited */
	uint64_t busy_until;      /* serialisation of the bottleneck */
	wpkt *q;
	int n;
	uint64_t sent, lost, duped;
	uint32_t max_wnd_bytes; /* largest window the receiver offered */
} wire;

static wire W;
static harness *ends[2];

static uint64_t rnd(void)
{
	W.seed ^= W.seed << 13;
	W.seed ^= W.seed >> 7;
	W.seed ^= W.seed << 17;
	return W.seed;
}

static void enqueue(harness *from, const mg_tcp_segout *so)
{
	if (W.n >= QMAX)
		return; /* a full queue drops, as a router would */
	wpkt *p = &W.q[W.n++];
	size_t n = so->hdr_len + so->data[0].len + so->data[1].len;
	memcpy(p->bytes, so->hdr, so->hdr_len);
	if (so->data[0].len)
		memcpy(p->bytes + so->hdr_len, so->data[0].p, so->data[0].len);
	if (so->data[1].len)
		memcpy(p->bytes + so->hdr_len + so->data[0].len, so->data[1].p,
		       so->data[1].len);
	p->len = n;
	p->src = so->src.v;
	p->dst = so->dst.v;
	uint64_t t = from->now;
	if (W.bw_bytes_per_ms) {
		if (W.busy_until < t)
			W.busy_until = t;
		W.busy_until += n * MG__NS_PER_MS / W.bw_bytes_per_ms;
		t = W.busy_until;
	}
	p->at = t + W.delay_ms * MG__NS_PER_MS +
	        (W.jitter_ms ? rnd() % (W.jitter_ms * MG__NS_PER_MS) : 0);
}

static void wire_output(void *ctx, const mg_tcp_segout *so)
{
	harness *h = ctx;
	W.sent++;
	if (rnd() % 1000 < W.loss_pm) {
		W.lost++;
		return;
	}
	enqueue(h, so);
	if (rnd() % 1000 < W.dup_pm) {
		W.duped++;
		enqueue(h, so);
	}
}

/* One side of the transfer. */
typedef struct side {
	harness h;
	mg_tcb *c;
	uint32_t key; /* pattern of the stream this side sends */
	uint64_t to_send, sent;
	uint64_t received;
	uint32_t peer_key;
	bool eof, shut, closed;
} side;

static uint8_t pat(uint32_t key, uint64_t i)
{
	uint64_t x = (i + key) * 0x9e3779b97f4a7c15ull;
	return (uint8_t)(x >> 56);
}

static void pump(side *s)
{
	if (!s->c || s->closed)
		return;
	static uint8_t buf[65536];
	while (s->sent < s->to_send) {
		uint64_t n = s->to_send - s->sent;
		if (n > sizeof buf)
			n = sizeof buf;
		for (uint64_t i = 0; i < n; i++)
			buf[i] = pat(s->key, s->sent + i);
		int k = mg_tcb_send(s->c, mg_cbuf_make(buf, n), 0);
		ASSERT_CMP(k, >=, 0);
		if (k == 0)
			break;
		s->sent += (uint64_t)k;
	}
	if (s->sent == s->to_send && !s->shut) {
		ASSERT_EQ(mg_tcb_shutdown(s->c), 0);
		s->shut = true;
	}
	for (;;) {
		int k = mg_tcb_recv(s->c, mg_buf_make(buf, sizeof buf));
		if (k == MG_EAGAIN)
			break;
		if (k == 0) {
			s->eof = true;
			break;
		}
		if (k < 0)
			mgt_fail(__FILE__, __LINE__, "recv: %s",
			         mg_strerror(k));
		for (int i = 0; i < k; i++)
			if (buf[i] !=
			    pat(s->peer_key, s->received + (uint64_t)i))
				mgt_fail(__FILE__, __LINE__,
				         "byte %llu differs",
				         (unsigned long long)(s->received + i));
		s->received += (uint64_t)k;
	}
	if (s->eof && s->shut && !s->closed) {
		mg_tcb_close(s->c);
		s->closed = true;
	}
}

/*
 * Move (a_bytes) from the client to the server and (b_bytes) back, both
 * at once, over W; returns the simulated time taken in ms.
 */
static uint64_t transfer(uint64_t a_bytes, uint64_t b_bytes, unsigned flags,
                         uint32_t buf_max)
{
	static side sides[2];
	memset(sides, 0, sizeof sides);
	W.q = calloc(QMAX, sizeof(wpkt));
	W.n = 0;
	for (int i = 0; i < 2; i++) {
		harness *h = &sides[i].h;
		h_setup(h);
		h->cfg.output = wire_output;
		h->cfg.flags = flags;
		h->cfg.buf_max = buf_max;
		h->cfg.secret[0] = (uint8_t)i;
		h_start(h);
		ends[i] = h;
	}
	side *a = &sides[0], *b = &sides[1];
	a->key = 7;
	a->peer_key = 99;
	b->key = 99;
	b->peer_key = 7;
	a->to_send = a_bytes;
	b->to_send = b_bytes;
	ASSERT_EQ(mg_tcpcore_listen(&b->h.t, (mg_ipv4_addr){0}, 80, 0, NULL,
	                            &b->h.lsn),
	          0);
	ASSERT_EQ(mg_tcpcore_connect(&a->h.t, (mg_ipv4_endpoint){{H_LOCAL}, 0},
	                             (mg_ipv4_endpoint){{H_REMOTE}, 80}, &a->c),
	          0);
	uint64_t start = a->h.now, done = 0;
	for (long step = 0; step < 50000000; step++) {
		uint64_t now = a->h.now;
		/* The next thing to happen. */
		uint64_t next = mg_tcpcore_deadline(&a->h.t);
		uint64_t d = mg_tcpcore_deadline(&b->h.t);
		if (d < next)
			next = d;
		int qi = -1;
		for (int i = 0; i < W.n; i++)
			if (qi < 0 || W.q[i].at < W.q[qi].at)
				qi = i;
		if (qi >= 0 && W.q[qi].at < next)
			next = W.q[qi].at;
		if (next == UINT64_MAX)
			break;
		if (next > now)
			a->h.now = b->h.now = next;
		if (qi >= 0 && W.q[qi].at <= a->h.now) {
			wpkt p = W.q[qi];
			W.q[qi] = W.q[--W.n];
			harness *to = p.dst == H_LOCAL ? &a->h : &b->h;
			mg_tcpcore_input(&to->t, (mg_ipv4_addr){p.src},
			                 (mg_ipv4_addr){p.dst},
			                 mg_cbuf_make(p.bytes, p.len), 0);
		}
		mg_tcpcore_timers(&a->h.t);
		mg_tcpcore_timers(&b->h.t);
		if (!b->c && (b->c = mg_tcpcore_accept(b->h.lsn)) != NULL)
			mg_tcb_set_user(b->c, b);
		pump(a);
		pump(b);
		if (b->c && !b->closed &&
		    b->c->rcv_adv - b->c->rcv_nxt > W.max_wnd_bytes)
			W.max_wnd_bytes = b->c->rcv_adv - b->c->rcv_nxt;
		if (!done && a->eof && b->eof)
			done = a->h.now;
		if (a->closed && b->closed && !mg_tcpcore_conn_count(&a->h.t) &&
		    !mg_tcpcore_conn_count(&b->h.t))
			break;
	}
	ASSERT_EQ(a->received, b_bytes);
	ASSERT_EQ(b->received, a_bytes);
	ASSERT_TRUE(a->eof && b->eof);
	uint64_t took = (done - start) / MG__NS_PER_MS;
	/* Both ends gone (TIME-WAIT included) and nothing leaked. */
	h_end(&a->h);
	h_end(&b->h);
	free(W.q);
	return took;
}

static void wire_reset(uint64_t seed)
{
	memset(&W, 0, sizeof W);
	W.seed = seed;
	W.delay_ms = 1;
}

MGT_TEST(clean_transfer_both_ways)
{
	wire_reset(1);
	transfer(2000000, 1500000, 0, 0);
	ASSERT_EQ(W.lost, 0);
}

MGT_TEST(transfer_under_two_percent_loss)
{
	for (uint64_t seed = 1; seed <= 3; seed++) {
		wire_reset(seed * 77);
		W.loss_pm = 20;
		W.delay_ms = 5;
		transfer(1000000, 1000000, 0, 0);
		ASSERT_CMP(W.lost, >, 10);
	}
}

MGT_TEST(transfer_with_reordering_and_duplication)
{
	wire_reset(5);
	W.delay_ms = 5;
	W.jitter_ms = 8; /* reorders heavily */
	W.dup_pm = 30;
	transfer(1000000, 800000, 0, 0);
	ASSERT_CMP(W.duped, >, 10);
}

MGT_TEST(transfer_with_everything_and_no_options)
{
	wire_reset(9);
	W.delay_ms = 3;
	W.jitter_ms = 4;
	W.loss_pm = 20;
	W.dup_pm = 20;
	transfer(600000, 600000,
	         MG_TCPCORE_NO_SACK | MG_TCPCORE_NO_TIMESTAMPS |
	             MG_TCPCORE_NO_WSCALE,
	         0);
}

MGT_TEST(transfer_with_everything_and_sack)
{
	wire_reset(11);
	W.delay_ms = 3;
	W.jitter_ms = 4;
	W.loss_pm = 30;
	W.dup_pm = 20;
	transfer(800000, 800000, 0, 0);
}

MGT_TEST(window_scaling_fills_a_long_path)
{
	/* 100 ms each way, 10 MB/s: a 2 MB bandwidth-delay product. */
	wire_reset(3);
	W.delay_ms = 100;
	W.bw_bytes_per_ms = 10000;
	uint64_t scaled = transfer(8000000, 0, 0, 4u << 20);
	ASSERT_CMP(W.max_wnd_bytes, >, 1u << 20);
	wire_reset(3);
	W.delay_ms = 100;
	W.bw_bytes_per_ms = 10000;
	uint64_t unscaled =
	    transfer(8000000, 0, MG_TCPCORE_NO_WSCALE, 4u << 20);
	/* 64 KiB per 200 ms round trip caps the unscaled one at 320 KB/s:
	 * 25 s; the scaled one is limited by the path. */
	ASSERT_CMP(unscaled, >, 20000);
	ASSERT_CMP(scaled * 4, <, unscaled);
	ASSERT_CMP(W.max_wnd_bytes, <=, 65535);
}
