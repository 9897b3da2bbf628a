/* TCP engine, sending: segmentation, Nagle, slow start, RTO with backoff
 * and Karn's rule, RTT from timestamps, fast retransmit, NewReno partial
 * ACKs, SACK-driven retransmission, zero window probes, keep-alive. */
#include "tcp_harness.h"

static uint8_t src[1 << 20];

/* A passive connection whose peer offers (sack, ts) and MSS 1000 (1012
 * with timestamps, so that a full segment carries 1000 bytes). */
static mg_tcb *open_conn(harness *h, bool sack, bool ts)
{
	h_setup(h);
	h->cfg.buf_init = 1 << 16;
	h_start(h);
	for (size_t i = 0; i < sizeof src; i++)
		src[i] = (uint8_t)(i * 13 + (i >> 10));
	h_b o = {.mss = ts ? 1012 : 1000, .sackok = sack, .ts = ts, .tsval = 1};
	mg_tcb *c = h_passive(h, &o);
	ASSERT_EQ(c->smss, 1000);
	return c;
}

/* The peer acknowledges up to offset (off) of our stream, with SACK
 * blocks given as offsets. */
static void ack_at(harness *h, uint32_t off, int nsack, const uint32_t (*s)[2])
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
static uint32_t off_of(harness *h, const h_pkt *p)
{
	return p->s.seq - (h->our_iss + 1);
}

static void send_n(mg_tcb *c, uint32_t from, uint32_t n)
{
	ASSERT_EQ(mg_tcb_send(c, mg_cbuf_make(src + from, n), 0), (int)n);
}

MGT_TEST(segments_are_full_and_limited_by_the_initial_window)
{
	harness h;
	mg_tcb *c = open_conn(&h, false, false);
	send_n(c, 0, 20000);
	/* RFC 6928: min(10 MSS, max(2 MSS, 14600)) = 10 segments. */
	ASSERT_EQ(h.nout, 10);
	for (int i = 0; i < 10; i++) {
		ASSERT_EQ(h.out[i].s.len, 1000);
		ASSERT_EQ(off_of(&h, &h.out[i]), (uint32_t)i * 1000);
		ASSERT_MEMEQ(h.out[i].s.data, src + i * 1000, 1000);
		ASSERT_TRUE(h.out[i].csum_ok);
	}
	/* Slow start: each ACK of two segments opens two more (RFC 3465
	 * byte counting with L = 2). */
	h_clear(&h);
	ack_at(&h, 2000, 0, NULL);
	ASSERT_EQ(c->cwnd, 12000);
	ASSERT_EQ(h.nout, 4);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(nagle_holds_small_segments_nodelay_does_not)
{
	harness h;
	mg_tcb *c = open_conn(&h, false, false);
	send_n(c, 0, 10);
	ASSERT_EQ(h.nout, 1);
	send_n(c, 10, 10);
	send_n(c, 20, 10);
	ASSERT_EQ(h.nout, 1); /* held while data is unacknowledged */
	ack_at(&h, 10, 0, NULL);
	ASSERT_EQ(h.nout, 2);
	ASSERT_EQ(h_last(&h)->s.len, 20);
	mg_tcb_set_nodelay(c, true);
	send_n(c, 30, 10);
	send_n(c, 40, 10);
	ASSERT_EQ(h.nout, 4);
	/* MORE holds the short tail even without Nagle. */
	ASSERT_EQ(mg_tcb_send(c, mg_cbuf_make(src + 50, 10), MG_TCB_SEND_MORE),
	          10);
	ASSERT_EQ(h.nout, 4);
	send_n(c, 60, 10);
	ASSERT_EQ(h.nout, 5);
	ASSERT_EQ(h_last(&h)->s.len, 20);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(rto_backs_off_and_gives_up)
{
	harness h;
	mg_tcb *c = open_conn(&h, false, false);
	uint32_t rto = mg_tcb_rto_ms(c);
	ASSERT_EQ(rto, 200); /* the handshake's sample was 0: the floor */
	send_n(c, 0, 3000);
	ASSERT_EQ(h.nout, 3);
	uint64_t last = h.now;
	for (int i = 0; i < 6; i++) {
		h_clear(&h);
		h_run(&h, ((uint64_t)rto << i) - 1);
		ASSERT_EQ(h.nout, 0);
		h_advance(&h, 1);
		ASSERT_EQ(h.nout, 1); /* one segment: cwnd = 1 SMSS */
		ASSERT_EQ(off_of(&h, h_last(&h)), 0);
		ASSERT_EQ(h.now - last, ((uint64_t)rto << i) * MG__NS_PER_MS);
		last = h.now;
		ASSERT_EQ(c->cwnd, 1000);
	}
	/* RFC 5681 (4): ssthresh = max(FlightSize / 2, 2 * SMSS). */
	ASSERT_EQ(c->ssthresh, 2000);
	h_run(&h, 20 * 60000);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_CLOSED);
	ASSERT_EQ(mg_tcb_error(c), MG_ETIMEDOUT);
	ASSERT_EQ(h.t.ctr.rto, 15);
	ASSERT_EQ(h_last(&h)->s.flags & TH_RST, TH_RST);
	mg_tcb_close(c);
	h_end(&h);
}

MGT_TEST(karn_no_sample_from_a_retransmission)
{
	harness h;
	mg_tcb *c = open_conn(&h, false, false);
	uint64_t samples = h.t.ctr.rtt_samples;
	send_n(c, 0, 1000);
	h_advance(&h, 200); /* RTO: retransmitted */
	ASSERT_EQ(h.t.ctr.rto, 1);
	ASSERT_EQ(mg_tcb_rto_ms(c), 400);
	h_advance(&h, 50);
	ack_at(&h, 1000, 0, NULL);
	/* Ambiguous: no sample, and the backed-off RTO stays (RFC 6298 3). */
	ASSERT_EQ(h.t.ctr.rtt_samples, samples);
	ASSERT_EQ(mg_tcb_rto_ms(c), 400);
	send_n(c, 1000, 1000);
	h_advance(&h, 100);
	ack_at(&h, 2000, 0, NULL);
	ASSERT_EQ(h.t.ctr.rtt_samples, samples + 1);
	ASSERT_CMP(mg_tcb_srtt_us(c), >=, 100000 / 8);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(rtt_from_timestamps_sets_the_rto)
{
	harness h;
	mg_tcb *c = open_conn(&h, false, true);
	/* The SYN-ACK's echo gave a first sample of 0 ms. */
	c->srtt_us = 0;
	for (int i = 0; i < 3; i++) {
		h_clear(&h);
		send_n(c, (uint32_t)i * 1000, 1000);
		uint32_t tsval = h_last(&h)->s.tsval;
		h.now += 100 * MG__NS_PER_MS;
		h_b b = {.seq = h.peer_nxt,
		         .ack = h.our_iss + 1 + (i + 1) * 1000,
		         .flags = TH_ACK,
		         .ts = true,
		         .tsval = 10 + i,
		         .tsecr = tsval};
		h_inject(&h, &b);
	}
	/* RFC 6298 2: SRTT 100 ms; RTTVAR 50 then 37.5 then 28.1 ms. */
	ASSERT_CMP(mg_tcb_srtt_us(c), >=, 100000);
	ASSERT_CMP(mg_tcb_srtt_us(c), <=, 101000);
	ASSERT_CMP(mg_tcb_rto_ms(c), >=, 212);
	ASSERT_CMP(mg_tcb_rto_ms(c), <=, 215);
	/* A retransmitted segment is timed too: the echo says which one. */
	uint64_t n = h.t.ctr.rtt_samples;
	send_n(c, 3000, 1000);
	h_run(&h, 300);
	ASSERT_EQ(h.t.ctr.rto, 1);
	uint32_t tsval = h_last(&h)->s.tsval;
	h.now += 100 * MG__NS_PER_MS;
	h_b b = {.seq = h.peer_nxt,
	         .ack = h.our_iss + 4001,
	         .flags = TH_ACK,
	         .ts = true,
	         .tsval = 20,
	         .tsecr = tsval};
	h_inject(&h, &b);
	ASSERT_EQ(h.t.ctr.rtt_samples, n + 1);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(fast_retransmit_and_newreno_partial_acks)
{
	harness h;
	mg_tcb *c = open_conn(&h, false, false);
	send_n(c, 0, 30000);
	ASSERT_EQ(h.nout, 10);
	/* Segments 1 and 5 are lost. */
	ack_at(&h, 1000, 0, NULL);
	h_clear(&h);
	uint32_t top = c->snd_max - (h.our_iss + 1);
	ack_at(&h, 1000, 0, NULL);
	ack_at(&h, 1000, 0, NULL);
	/* RFC 3042, Limited Transmit: one new segment per duplicate. */
	ASSERT_EQ(h.nout, 2);
	ASSERT_EQ(off_of(&h, &h.out[0]), top);
	ASSERT_EQ(off_of(&h, &h.out[1]), top + 1000);
	uint32_t flight = c->snd_max - c->snd_una;
	h_clear(&h);
	ack_at(&h, 1000, 0, NULL); /* the third duplicate */
	ASSERT_EQ(h.t.ctr.fast_retrans, 1);
	ASSERT_EQ(h.nout, 1);
	ASSERT_EQ(off_of(&h, &h.out[0]), 1000);
	ASSERT_EQ(c->ssthresh, flight / 2);
	ASSERT_EQ(c->cwnd, flight / 2 + 3000); /* RFC 6582 3.2 (3) */
	uint32_t recover = c->recover;
	/* More duplicates inflate the window until new data may go. */
	for (int i = 0; i < 8; i++)
		ack_at(&h, 1000, 0, NULL);
	ASSERT_CMP(h.nout, >, 1);
	ASSERT_EQ(off_of(&h, &h.out[1]),
	          c->snd_max - (h.our_iss + 1) - (uint32_t)(h.nout - 1) * 1000);
	/* A partial ACK: the next hole goes at once (RFC 6582 3.2 (5)). */
	h_clear(&h);
	ack_at(&h, 5000, 0, NULL);
	ASSERT_EQ(h.t.ctr.partial_acks, 1);
	ASSERT_TRUE(c->fl & TF_RECOVERY);
	ASSERT_EQ(off_of(&h, &h.out[0]), 5000);
	/* The full ACK ends recovery with a deflated window. */
	ack_at(&h, recover - (h.our_iss + 1), 0, NULL);
	ASSERT_TRUE(!(c->fl & TF_RECOVERY));
	ASSERT_CMP(c->cwnd, <=, c->ssthresh);
	ASSERT_EQ(h.t.ctr.fast_retrans, 1);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(sack_holes_are_retransmitted_and_nothing_else)
{
	harness h;
	mg_tcb *c = open_conn(&h, true, true);
	ASSERT_TRUE(c->fl & TF_SACK);
	send_n(c, 0, 10000);
	ASSERT_EQ(h.nout, 10);
	/* Lost: segments 1, 4 and 7. The peer SACKs what arrives. */
	ack_at(&h, 1000, 0, NULL);
	h_clear(&h);
	uint32_t s1[][2] = {{2000, 3000}};
	ack_at(&h, 1000, 1, s1);
	uint32_t s2[][2] = {{2000, 4000}};
	ack_at(&h, 1000, 1, s2);
	uint32_t s3[][2] = {{5000, 6000}, {2000, 4000}};
	ack_at(&h, 1000, 2, s3);
	ASSERT_TRUE(c->fl & TF_RECOVERY);
	uint32_t s4[][2] = {{5000, 7000}, {2000, 4000}};
	ack_at(&h, 1000, 2, s4);
	uint32_t s5[][2] = {{8000, 9000}, {5000, 7000}, {2000, 4000}};
	ack_at(&h, 1000, 3, s5);
	uint32_t s6[][2] = {{8000, 10000}, {5000, 7000}, {2000, 4000}};
	ack_at(&h, 1000, 3, s6);
	/* Retransmitted: exactly the holes, each once, and the last
	 * segment as the rescue (RFC 6675 NextSeg (4)) once the holes
	 * below the highest SACK were filled and nothing new could go. */
	int seen[10] = {0};
	for (int i = 0; i < h.nout; i++) {
		uint32_t o = off_of(&h, &h.out[i]);
		if (h.out[i].s.len && o < 10000)
			seen[o / 1000]++;
	}
	int expect[10] = {0, 1, 0, 0, 1, 0, 0, 1, 0, 1};
	for (int i = 0; i < 10; i++)
		ASSERT_EQ(seen[i], expect[i]);
	ASSERT_EQ(h.t.ctr.sack_retrans, 3);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(no_second_fast_retransmit_after_a_timeout)
{
	harness h;
	mg_tcb *c = open_conn(&h, false, false);
	send_n(c, 0, 10000);
	h_advance(&h, 200);
	ASSERT_EQ(h.t.ctr.rto, 1);
	/* Duplicates of the old window after the RTO (RFC 6582 3.2 (2)). */
	for (int i = 0; i < 5; i++)
		ack_at(&h, 0, 0, NULL);
	ASSERT_EQ(h.t.ctr.fast_retrans, 0);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(window_updates_are_not_duplicate_acks)
{
	harness h;
	mg_tcb *c = open_conn(&h, false, false);
	send_n(c, 0, 5000);
	for (int i = 0; i < 4; i++) {
		h_b b = {.seq = h.peer_nxt,
		         .ack = h.our_iss + 1,
		         .flags = TH_ACK,
		         .wnd = (uint16_t)(60000 + i)};
		h_inject(&h, &b);
	}
	ASSERT_EQ(h.t.ctr.dupacks_in, 0);
	ASSERT_EQ(h.t.ctr.fast_retrans, 0);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(zero_window_is_probed_with_backoff)
{
	harness h;
	mg_tcb *c = open_conn(&h, false, false);
	h_b zw = {.seq = h.peer_nxt,
	          .ack = h.our_iss + 1,
	          .flags = TH_ACK,
	          .zero_wnd = true};
	h_inject(&h, &zw);
	ASSERT_EQ(c->snd_wnd, 0);
	h_clear(&h);
	send_n(c, 0, 3000);
	ASSERT_EQ(h.nout, 0);
	uint64_t gaps[4];
	uint64_t last = h.now;
	for (int i = 0; i < 4; i++) {
		int before = h.nout;
		while (h.nout == before)
			h_advance(&h, 10);
		gaps[i] = (h.now - last) / MG__NS_PER_MS;
		last = h.now;
		h_pkt *p = h_last(&h);
		ASSERT_EQ(p->s.len, 1);
		ASSERT_EQ(off_of(&h, p), 0);
		/* The peer still has no room. */
		h_inject(&h, &zw);
	}
	ASSERT_EQ(gaps[0], 200);
	ASSERT_EQ(gaps[1], 400);
	ASSERT_EQ(gaps[2], 800);
	ASSERT_EQ(gaps[3], 1600);
	ASSERT_EQ(h.t.ctr.zwp_sent, 4);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_ESTABLISHED);
	/* The window opens: the data flows, the probe's byte included. */
	h_clear(&h);
	ack_at(&h, 0, 0, NULL);
	ASSERT_EQ(h.nout, 3);
	ASSERT_EQ(off_of(&h, &h.out[0]), 0);
	ack_at(&h, 3000, 0, NULL);
	ASSERT_EQ(mg_tcb_send_queued(c), 0);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(probe_accepted_moves_the_stream_on)
{
	harness h;
	mg_tcb *c = open_conn(&h, false, false);
	h_b zw = {.seq = h.peer_nxt,
	          .ack = h.our_iss + 1,
	          .flags = TH_ACK,
	          .zero_wnd = true};
	h_inject(&h, &zw);
	send_n(c, 0, 100);
	h_clear(&h);
	h_advance(&h, 200);
	ASSERT_EQ(h.nout, 1);
	/* The peer took the probe's byte and has room again. */
	ack_at(&h, 1, 0, NULL);
	ASSERT_EQ(h.nout, 2);
	ASSERT_EQ(off_of(&h, h_last(&h)), 1);
	ASSERT_EQ(h_last(&h)->s.len, 99);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(keepalive_probes_then_drops)
{
	harness h;
	mg_tcb *c = open_conn(&h, false, false);
	mg_tcb_set_keepalive(c, 10000, 1000, 3);
	h_run(&h, 9999);
	ASSERT_EQ(h.nout, 0);
	h_advance(&h, 1);
	ASSERT_EQ(h.nout, 1);
	h_pkt *p = h_last(&h);
	ASSERT_EQ(p->s.seq, h.our_iss); /* SND.UNA - 1 */
	ASSERT_EQ(p->s.len, 0);
	/* An answer restarts the idle time. */
	ack_at(&h, 0, 0, NULL);
	h_run(&h, 9999);
	ASSERT_EQ(h.nout, 1);
	h_run(&h, 1 + 2 * 1000);
	ASSERT_EQ(h.t.ctr.keepalive_sent, 4);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_ESTABLISHED);
	h_advance(&h, 1000);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_CLOSED);
	ASSERT_EQ(mg_tcb_error(c), MG_ETIMEDOUT);
	ASSERT_EQ(h.t.ctr.keepalive_drops, 1);
	mg_tcb_close(c);
	h_end(&h);
}

MGT_TEST(idle_restart_limits_the_window)
{
	harness h;
	mg_tcb *c = open_conn(&h, false, false);
	for (uint32_t off = 0; off < 60000; off += 2000) {
		send_n(c, off, 2000);
		ack_at(&h, off + 2000, 0, NULL);
	}
	ASSERT_CMP(c->cwnd, >, 30000);
	h_run(&h, 5000);
	h_clear(&h);
	send_n(c, 0, 30000);
	/* RFC 5681 4.1: back to the initial window after an idle RTO. */
	ASSERT_EQ(h.nout, 10);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(send_buffer_grows_when_the_path_can_take_more)
{
	harness h;
	h_setup(&h);
	h_start(&h);
	h_b o = {.mss = 1460, .ws = 1 + 7};
	mg_tcb *c = h_passive(&h, &o);
	ASSERT_EQ(c->tx.cap, 8192);
	/* The application fills the buffer, then the peer ACKs it all. */
	for (int i = 0; i < 50 && c->tx.cap < 65536; i++) {
		while (mg_tcb_send(c, mg_cbuf_make(src, 4000), 0) == 4000)
			;
		ack_at(&h, c->snd_max - (h.our_iss + 1), 0, NULL);
	}
	ASSERT_CMP(c->tx.cap, >=, 65536);
	ASSERT_CMP(h.t.ctr.sndbuf_grown, >=, 3);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(early_retransmit_with_few_segments_out)
{
	harness h;
	mg_tcb *c = open_conn(&h, true, false);
	send_n(c, 0, 2000);
	ASSERT_EQ(h.nout, 2);
	h_clear(&h);
	/* RFC 5827: two segments out, nothing more to send: the first
	 * duplicate (SACKing the second) is enough. */
	uint32_t s1[][2] = {{1000, 2000}};
	ack_at(&h, 0, 1, s1);
	ASSERT_EQ(h.t.ctr.fast_retrans, 1);
	ASSERT_EQ(h.nout, 1);
	ASSERT_EQ(off_of(&h, h_last(&h)), 0);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(sacks_on_data_segments_count_as_duplicates)
{
	harness h;
	mg_tcb *c = open_conn(&h, true, false);
	send_n(c, 0, 10000);
	h_clear(&h);
	/* The peer sends data of its own on every ACK (an echo): RFC 5681's
	 * duplicate ACK never happens, the SACKs say what arrived. */
	for (int i = 2; i <= 4; i++) {
		uint32_t s1[][2] = {{1000, (uint32_t)i * 1000}};
		h_b b = {.seq = h.peer_nxt,
		         .ack = h.our_iss + 1,
		         .flags = TH_ACK,
		         .data = "d",
		         .len = 1,
		         .nsack = 1};
		b.sack[0][0] = h.our_iss + 1 + s1[0][0];
		b.sack[0][1] = h.our_iss + 1 + s1[0][1];
		h_inject(&h, &b);
		h.peer_nxt++;
	}
	ASSERT_EQ(h.t.ctr.fast_retrans, 1);
	ASSERT_EQ(mg_tcb_recv_avail(c), 3);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(eifel_undoes_a_spurious_fast_retransmit)
{
	harness h;
	mg_tcb *c = open_conn(&h, true, true);
	send_n(c, 0, 10000);
	uint32_t ts_first = h.out[1].s.tsval; /* segment 1, the original */
	h.now += 5 * MG__NS_PER_MS;
	uint32_t base = h.our_iss + 1;
	h_b b = {.seq = h.peer_nxt,
	         .ack = base + 1000,
	         .flags = TH_ACK,
	         .ts = true,
	         .tsval = 10,
	         .tsecr = ts_first,
	         .nsack = 1};
	h_inject(&h, &b);
	uint32_t cwnd = c->cwnd, ssthresh = c->ssthresh;
	for (int i = 3; i <= 5; i++) {
		b.sack[0][0] = base + 2000;
		b.sack[0][1] = base + (uint32_t)i * 1000;
		h_inject(&h, &b);
	}
	ASSERT_EQ(h.t.ctr.fast_retrans, 1);
	ASSERT_CMP(c->cwnd, <, cwnd);
	/* Segment 1 was only late: the ACK that covers it echoes the
	 * original's timestamp, older than the retransmission's. */
	h.now += 5 * MG__NS_PER_MS;
	h_b all = {.seq = h.peer_nxt,
	           .ack = base + 5000,
	           .flags = TH_ACK,
	           .ts = true,
	           .tsval = 11,
	           .tsecr = ts_first};
	h_inject(&h, &all);
	ASSERT_EQ(h.t.ctr.spurious_rexmits, 1);
	ASSERT_TRUE(!(c->fl & TF_RECOVERY));
	ASSERT_CMP(c->cwnd, >=, cwnd);
	ASSERT_EQ(c->ssthresh, ssthresh);
	ASSERT_EQ(c->dupthresh, 6);
	mg_tcb_abort(c);
	h_end(&h);
}
