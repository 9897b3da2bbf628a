/* libFuzzer target: arbitrary segments into a TCP engine with a listener
 * and established connections, with the application acting in between. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mg/error.h>
#include <mg/tcp.h>

#include "../net/tcp/tcp_int.h"

// fuzz-link: net/tcp/*.c net/cksum.c net/pkt.c

/*
 * Set-up: one engine (flags from the first input byte: SACK, timestamps,
 * window scale off, cookies always or never) listening on port 80 with a
 * backlog of 2, a connection accepted from 10.0.0.2:1000 and one opened
 * to 10.0.0.2:443, both ESTABLISHED, each peer having offered options
 * chosen by the same byte.
 *
 * Then records [op][a][b][len][len bytes]:
 *   op % 8 == 0, 1: a segment to connection (op % 2): flags a (its two
 *     high bits pick the window: 32767, 32512, 255 or 0), sequence
 *     number RCV.NXT + (int8)b * 97, ACK SND.UNA + the first two payload
 *     bytes as a signed offset, the rest as options (up to 40 bytes, the
 *     first byte their length) and data; the data always follows the
 *     peer's byte pattern for its sequence numbers, so whatever order the
 *     segments come in, what the application reads can be checked;
 *   2: the same to the listener from port 2000 + b (SYNs, ACKs, cookies);
 *   3: raw bytes as a segment (checksum checked when a is even) from
 *     port 2816 + b, to whatever port they name;
 *   4: advance the clock by a * 10 ms (b * 1 s when a is 0);
 *   5: the application sends len bytes on connection (b % 2);
 *   6: it reads up to a * 64 bytes, or accepts from the listener;
 *   7: shutdown, close, abort, nodelay or keep-alive (b % 5).
 *
 * Checked after every step: every segment sent parses, has a correct
 * checksum and fits the MSS; sequence variables keep their order; buffers
 * stay within their capacity; out-of-order ranges stay sorted inside the
 * window; the drop counters add up; data read is the peer's pattern at
 * the right offset. At the end every connection is closed, time runs
 * past TIME-WAIT, and nothing may be left, connection or allocation.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LOCAL  0x0a000001u
#define REMOTE 0x0a000002u

static uint64_t now;
static long live;
static mg_tcb *conns[2];
static uint32_t peer_base[2]; /* the peer's sequence number of byte 0 */
static uint64_t read_off[2];  /* bytes the application read */
static mg_tcp_lsn *lsn;

static uint64_t now_cb(void *ctx)
{
	(void)ctx;
	return now;
}

static void *alloc_cb(void *ctx, size_t n)
{
	(void)ctx;
	live++;
	return malloc(n);
}

static void free_cb(void *ctx, void *p, size_t n)
{
	(void)ctx;
	(void)n;
	live--;
	free(p);
}

static uint8_t peer_byte(uint32_t seq)
{
	return (uint8_t)(seq * 31 + (seq >> 11));
}

static void output_cb(void *ctx, const mg_tcp_segout *so)
{
	mg_tcpcore *t = ctx;
	static uint8_t buf[70000];
	size_t n = so->hdr_len + so->data[0].len + so->data[1].len;
	if (n > sizeof buf)
		abort();
	memcpy(buf, so->hdr, so->hdr_len);
	if (so->data[0].len)
		memcpy(buf + so->hdr_len, so->data[0].p, so->data[0].len);
	if (so->data[1].len)
		memcpy(buf + so->hdr_len + so->data[0].len, so->data[1].p,
		       so->data[1].len);
	if (mg__tcp_csum(so->src.v, so->dst.v, buf, n, NULL) != 0)
		abort();
	mg__tcp_seg s;
	if (mg__tcp_parse(&s, so->src.v, so->dst.v, buf, n) != 0)
		abort();
	if (s.len > t->cfg.mss)
		abort();
	if (so->src.v != LOCAL)
		abort();
}

static void event_cb(void *ctx, mg_tcb *c, unsigned ev)
{
	(void)ctx;
	(void)c;
	(void)ev;
}

static void check_tcb(const mg_tcb *c)
{
	if (c->state == MG_TCP_CLOSED || c->state == MG_TCP_SYN_SENT)
		return;
	if (SEQ_GT(c->snd_una, c->snd_max) || SEQ_GT(c->snd_nxt, c->snd_max))
		abort();
	if (c->tx.len > c->tx.cap || c->rx.len > c->rx.cap)
		abort();
	if (c->nooo > MG__TCP_OOO_MAX || c->nsack > MG__TCP_SACK_MAX)
		abort();
	for (int i = 0; i < c->nooo; i++) {
		if (!SEQ_LT(c->ooo[i].start, c->ooo[i].end) ||
		    !SEQ_GT(c->ooo[i].start, c->rcv_nxt) ||
		    c->ooo[i].end - c->rcv_nxt > c->rx.cap)
			abort();
		if (i && !SEQ_GT(c->ooo[i].start, c->ooo[i - 1].end))
			abort();
	}
	for (int i = 0; i < c->nsack; i++)
		if (!SEQ_LT(c->sack[i].start, c->sack[i].end) ||
		    SEQ_LT(c->sack[i].start, c->snd_una) ||
		    SEQ_GT(c->sack[i].end, c->snd_max))
			abort();
}

static void check(mg_tcpcore *t)
{
	const mg_tcp_counters *k = mg_tcpcore_counters(t);
	uint64_t sum = 0;
	for (int i = 0; i < MG_TCP_COUNTER_COUNT; i++)
		if (strncmp(mg_tcp_counter_name(i), "drop_", 5) == 0)
			sum += mg_tcp_counter_get(k, i);
	if (sum != k->drops)
		abort();
	for (mg_tcb *c = t->all; c; c = c->anext)
		check_tcb(c);
}

/* A segment from the peer of connection (i), built from (p, n). */
static void to_conn(mg_tcpcore *t, int i, uint8_t flags, uint8_t b,
                    const uint8_t *p, size_t n)
{
	mg_tcb *c = conns[i];
	if (!c)
		return;
	uint8_t seg[20 + 40 + 2048];
	int16_t dack = 0;
	if (n >= 2) {
		dack = (int16_t)(p[0] << 8 | p[1]);
		p += 2;
		n -= 2;
	}
	size_t on = 0;
	if (n) {
		on = p[0] % 41;
		on &= ~(size_t)3;
		p++;
		n--;
		if (on > n)
			on = n & ~(size_t)3;
	}
	uint32_t seq = c->rcv_nxt + (uint32_t)((int8_t)b * 97);
	size_t dlen = n - on;
	if (dlen > 2048)
		dlen = 2048;
	size_t hl = 20 + on;
	mg_ipv4_endpoint l, r;
	mg_tcb_endpoints(c, &l, &r);
	seg[0] = (uint8_t)(r.port >> 8);
	seg[1] = (uint8_t)r.port;
	seg[2] = (uint8_t)(l.port >> 8);
	seg[3] = (uint8_t)l.port;
	uint32_t ack = c->snd_una + (uint32_t)dack;
	for (int k = 0; k < 4; k++) {
		seg[4 + k] = (uint8_t)(seq >> (24 - 8 * k));
		seg[8 + k] = (uint8_t)(ack >> (24 - 8 * k));
	}
	seg[12] = (uint8_t)((hl / 4) << 4);
	/* The two flag bits TCP does not use pick the window: full, small,
	 * or zero. */
	seg[13] = flags & 0x3f;
	seg[14] = (flags & 0x80) ? 0 : 0x7f;
	seg[15] = (flags & 0x40) ? 0 : 0xff;
	seg[16] = seg[17] = seg[18] = seg[19] = 0;
	memcpy(seg + 20, p, on);
	for (size_t k = 0; k < dlen; k++)
		seg[hl + k] = peer_byte(seq - peer_base[i] + (uint32_t)k);
	mg_tcpcore_input(t, r.addr, l.addr, mg_cbuf_make(seg, hl + dlen),
	                 MG_TCP_IN_CSUM_OK);
}

/* What the application reads is the peer's pattern at the sequence
 * numbers the bytes came with: the first unread byte is RCV.NXT minus what
 * waits in the buffer (after a FIN, minus one more). */
static void app_read(int i)
{
	mg_tcb *c = conns[i];
	if (!c)
		return;
	uint32_t first =
	    c->rcv_nxt - c->rx.len - !!(c->fl & TF_RCV_FIN) - peer_base[i];
	uint8_t buf[16384];
	int n = mg_tcb_recv(c, mg_buf_make(buf, sizeof buf));
	for (int k = 0; k < n; k++)
		if (buf[k] != peer_byte(first + (uint32_t)k))
			abort();
	if (n > 0)
		read_off[i] += (uint64_t)n;
}

static mg_tcb *handshake(mg_tcpcore *t, bool active, uint8_t opt)
{
	uint8_t syn[44] = {0};
	uint32_t peer = active ? 0x50000000u : 0x40000000u;
	mg_tcb *c = NULL;
	uint32_t iss;
	if (active) {
		if (mg_tcpcore_connect(t, (mg_ipv4_endpoint){{LOCAL}, 5000},
		                       (mg_ipv4_endpoint){{REMOTE}, 443},
		                       &c) < 0)
			return NULL;
		iss = c->iss;
	}
	/* SYN or SYN-ACK with MSS, WS, SACK-permitted, timestamps. */
	syn[0] = active ? 443 >> 8 : 1000 >> 8;
	syn[1] = active ? (uint8_t)443 : (uint8_t)1000;
	syn[2] = active ? 5000 >> 8 : 0;
	syn[3] = active ? (uint8_t)5000 : 80;
	for (int k = 0; k < 4; k++)
		syn[4 + k] = (uint8_t)(peer >> (24 - 8 * k));
	syn[12] = 11 << 4;
	syn[13] = TH_SYN;
	syn[14] = 0xff;
	syn[15] = 0xff;
	uint8_t o[24] = {2, 4, 0x05, 0xb4, 1, 3, 3, (uint8_t)(opt % 15),
	                 1, 1, 4,    2,    1, 1, 8, 10,
	                 0, 0, 0,    1};
	if (opt & 0x10)
		o[4] = o[5] = o[6] = o[7] = 1; /* no WS */
	if (opt & 0x20)
		o[10] = o[11] = 1; /* no SACK */
	memcpy(syn + 20, o, 24);
	if (active) {
		syn[13] = TH_SYN | TH_ACK;
		for (int k = 0; k < 4; k++)
			syn[8 + k] = (uint8_t)((iss + 1) >> (24 - 8 * k));
		mg_tcpcore_input(t, (mg_ipv4_addr){REMOTE},
		                 (mg_ipv4_addr){LOCAL}, mg_cbuf_make(syn, 44),
		                 MG_TCP_IN_CSUM_OK);
		return c;
	}
	mg_tcpcore_input(t, (mg_ipv4_addr){REMOTE}, (mg_ipv4_addr){LOCAL},
	                 mg_cbuf_make(syn, 44), MG_TCP_IN_CSUM_OK);
	mg_tcb *h = mg__tcb_lookup(t, LOCAL, 80, REMOTE, 1000);
	/* With cookies only, the ACK finds its way through the cookie. */
	uint32_t ours = h ? h->iss : 0;
	if (!h)
		return NULL;
	syn[13] = TH_ACK;
	peer++;
	for (int k = 0; k < 4; k++) {
		syn[4 + k] = (uint8_t)(peer >> (24 - 8 * k));
		syn[8 + k] = (uint8_t)((ours + 1) >> (24 - 8 * k));
	}
	syn[12] = 5 << 4;
	mg_tcpcore_input(t, (mg_ipv4_addr){REMOTE}, (mg_ipv4_addr){LOCAL},
	                 mg_cbuf_make(syn, 20), MG_TCP_IN_CSUM_OK);
	return mg_tcpcore_accept(lsn);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 1 << 16)
		return 0;
	static mg_tcpcore t;
	now = 1000000000000ull;
	live = 0;
	mg_tcpcore_cfg cfg = {
	    .ctx = &t,
	    .now_ns = now_cb,
	    .output = output_cb,
	    .event = event_cb,
	    .alloc = alloc_cb,
	    .free = free_cb,
	    .buf_init = 2048,
	    .buf_max = 16384,
	    .max_conns = 64,
	    .hash_buckets = 16,
	};
	uint8_t f = data[0];
	cfg.flags = (f & 1 ? MG_TCPCORE_NO_SACK : 0) |
	            (f & 2 ? MG_TCPCORE_NO_TIMESTAMPS : 0) |
	            (f & 4 ? MG_TCPCORE_NO_WSCALE : 0) |
	            (f & 8 ? MG_TCPCORE_NO_SYNCOOKIES : 0);
	if (mg_tcpcore_init(&t, &cfg) < 0)
		abort();
	if (mg_tcpcore_listen(&t, (mg_ipv4_addr){0}, 80, 2, NULL, &lsn) < 0)
		abort();
	conns[0] = handshake(&t, false, f >> 2);
	conns[1] = handshake(&t, true, f >> 3);
	for (int i = 0; i < 2; i++) {
		read_off[i] = 0;
		peer_base[i] = conns[i] ? conns[i]->rcv_nxt : 0;
	}
	check(&t);
	size_t i = 1;
	while (i + 4 <= size) {
		uint8_t op = data[i], a = data[i + 1], b = data[i + 2];
		size_t n = data[i + 3];
		i += 4;
		if (n > size - i)
			n = size - i;
		const uint8_t *p = data + i;
		i += n;
		switch (op % 8) {
		case 0:
		case 1:
			to_conn(&t, op % 2, a, b, p, n);
			break;
		case 2: {
			uint8_t seg[64] = {0};
			seg[0] = 0x07;
			seg[1] = (uint8_t)(0xd0 + (b & 7));
			seg[3] = 80;
			memcpy(seg + 4, p, n < 8 ? n : 8);
			seg[12] = 5 << 4;
			seg[13] = a;
			seg[14] = 0xff;
			mg_tcpcore_input(
			    &t, (mg_ipv4_addr){REMOTE}, (mg_ipv4_addr){LOCAL},
			    mg_cbuf_make(seg, 20), MG_TCP_IN_CSUM_OK);
			break;
		}
		case 3: {
			/* From a port no connection uses, so that the data
			 * read stays the peers' pattern. */
			uint8_t raw[256];
			memcpy(raw, p, n);
			if (n >= 2) {
				raw[0] = 0x0b;
				raw[1] = b;
			}
			mg_tcpcore_input(&t, (mg_ipv4_addr){REMOTE},
			                 (mg_ipv4_addr){LOCAL},
			                 mg_cbuf_make(raw, n),
			                 a & 1 ? MG_TCP_IN_CSUM_OK : 0);
			break;
		}
		case 4:
			now += a ? a * 10000000ull : b * 1000000000ull;
			mg_tcpcore_timers(&t);
			break;
		case 5: {
			mg_tcb *c = conns[b % 2];
			if (c) {
				int r =
				    mg_tcb_send(c, mg_cbuf_make(p, n),
				                a & 1 ? MG_TCB_SEND_MORE : 0);
				if (r > (int)n)
					abort();
			}
			break;
		}
		case 6:
			if (a == 0) {
				mg_tcb *c = mg_tcpcore_accept(lsn);
				if (c)
					mg_tcb_abort(c);
			} else {
				app_read(b % 2);
			}
			break;
		case 7: {
			int w = b % 2;
			mg_tcb *c = conns[w];
			if (!c)
				break;
			switch (a % 5) {
			case 0:
				mg_tcb_shutdown(c);
				break;
			case 1:
				mg_tcb_close(c);
				conns[w] = NULL;
				break;
			case 2:
				mg_tcb_abort(c);
				conns[w] = NULL;
				break;
			case 3:
				mg_tcb_set_nodelay(c, b & 2);
				break;
			default:
				mg_tcb_set_keepalive(c, 1000, 100, 2);
				break;
			}
			break;
		}
		}
		check(&t);
	}
	for (int k = 0; k < 2; k++)
		if (conns[k])
			mg_tcb_close(conns[k]);
	mg_tcpcore_unlisten(lsn);
	/* Long enough for every retransmission, keep-alive and TIME-WAIT. */
	for (int k = 0; k < 200; k++) {
		now += 10ull * 1000000000ull;
		mg_tcpcore_timers(&t);
	}
	if (mg_tcpcore_conn_count(&t) != 0)
		abort();
	mg_tcpcore_fini(&t);
	if (live != 0)
		abort();
	return 0;
}
