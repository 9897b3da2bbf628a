/* TCP engine, sending: segmentation, Nagle, slow start, RTO with backoff
 * and Karn's rule, RTT from timestamps, fast retransmit, NewReno partial
 * ACKs, SACK-driven retransmission, zero window probes, keep-alive. */
#include "tcp_harness.h"

MGT_TEST(segments_are_full_and_limited_by_the_initial_window)
{
	harness h;
	mg_tcb *c = h_open(&h, false, false);
	h_send_src(c, 0, 20000);
	/* RFC 6928: min(10 MSS, max(2 MSS, 14600)) = 10 segments. */
	ASSERT_EQ(h.nout, 10);
	for (int i = 0; i < 10; i++) {
		ASSERT_EQ(h.out[i].s.len, 1000);
		ASSERT_EQ(h_off(&h, &h.out[i]), (uint32_t)i * 1000);
		ASSERT_MEMEQ(h.out[i].s.data, h_src + i * 1000, 1000);
		ASSERT_TRUE(h.out[i].csum_ok);
	}
	/* Slow start: each ACK of two segments opens two more (RFC 3465
	 * byte counting with L = 2). */
	h_clear(&h);
	h_ack_at(&h, 2000, 0, NULL);
	ASSERT_EQ(c->cwnd, 12000);
	ASSERT_EQ(h.nout, 4);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(nagle_holds_small_segments_nodelay_does_not)
{
	harness h;
	mg_tcb *c = h_open(&h, false, false);
	h_send_src(c, 0, 10);
	ASSERT_EQ(h.nout, 1);
	h_send_src(c, 10, 10);
	h_send_src(c, 20, 10);
	ASSERT_EQ(h.nout, 1); /* held while data is unacknowledged */
	h_ack_at(&h, 10, 0, NULL);
	ASSERT_EQ(h.nout, 2);
	ASSERT_EQ(h_last(&h)->s.len, 20);
	mg_tcb_set_nodelay(c, true);
	h_send_src(c, 30, 10);
	h_send_src(c, 40, 10);
	ASSERT_EQ(h.nout, 4);
	/* MORE holds the short tail even without Nagle. */
	ASSERT_EQ(
	    mg_tcb_send(c, mg_cbuf_make(h_src + 50, 10), MG_TCB_SEND_MORE), 10);
	ASSERT_EQ(h.nout, 4);
	h_send_src(c, 60, 10);
	ASSERT_EQ(h.nout, 5);
	ASSERT_EQ(h_last(&h)->s.len, 20);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(rto_backs_off_and_gives_up)
{
	harness h;
	mg_tcb *c = h_open(&h, false, false);
	uint32_t rto = mg_tcb_rto_ms(c);
	ASSERT_EQ(rto, 200); /* the handshake's sample was 0: the floor */
	h_send_src(c, 0, 3000);
	ASSERT_EQ(h.nout, 3);
	uint64_t last = h.now;
	for (int i = 0; i < 6; i++) {
		h_clear(&h);
		h_run(&h, ((uint64_t)rto << i) - 1);
		ASSERT_EQ(h.nout, 0);
		h_advance(&h, 1);
		ASSERT_EQ(h.nout, 1); /* one segment: cwnd = 1 SMSS */
		ASSERT_EQ(h_off(&h, h_last(&h)), 0);
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
	mg_tcb *c = h_open(&h, false, false);
	uint64_t samples = h.t.ctr.rtt_samples;
	h_send_src(c, 0, 1000);
	h_advance(&h, 200); /* RTO: retransmitted */
	ASSERT_EQ(h.t.ctr.rto, 1);
	ASSERT_EQ(mg_tcb_rto_ms(c), 400);
	h_advance(&h, 50);
	h_ack_at(&h, 1000, 0, NULL);
	/* Ambiguous: no sample, and the backed-off RTO stays (RFC 6298 3). */
	ASSERT_EQ(h.t.ctr.rtt_samples, samples);
	ASSERT_EQ(mg_tcb_rto_ms(c), 400);
	h_send_src(c, 1000, 1000);
	h_advance(&h, 100);
	h_ack_at(&h, 2000, 0, NULL);
	ASSERT_EQ(h.t.ctr.rtt_samples, samples + 1);
	ASSERT_CMP(mg_tcb_srtt_us(c), >=, 100000 / 8);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(rtt_from_timestamps_sets_the_rto)
{
	harness h;
	mg_tcb *c = h_open(&h, false, true);
	/* The SYN-ACK's echo gave a first sample of 0 ms. */
	c->srtt_us = 0;
	for (int i = 0; i < 3; i++) {
		h_clear(&h);
		h_send_src(c, (uint32_t)i * 1000, 1000);
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
	h_send_src(c, 3000, 1000);
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
	mg_tcb *c = h_open(&h, false, false);
	h_send_src(c, 0, 30000);
	ASSERT_EQ(h.nout, 10);
	/* Segments 1 and 5 are lost. */
	h_ack_at(&h, 1000, 0, NULL);
	h_clear(&h);
	uint32_t top = c->snd_max - (h.our_iss + 1);
	h_ack_at(&h, 1000, 0, NULL);
	h_ack_at(&h, 1000, 0, NULL);
	/* RFC 3042, Limited Transmit: one new segment per duplicate. */
	ASSERT_EQ(h.nout, 2);
	ASSERT_EQ(h_off(&h, &h.out[0]), top);
	ASSERT_EQ(h_off(&h, &h.out[1]), top + 1000);
	uint32_t flight = c->snd_max - c->snd_una;
	h_clear(&h);
	h_ack_at(&h, 1000, 0, NULL); /* the third duplicate */
	ASSERT_EQ(h.t.ctr.fast_retrans, 1);
	ASSERT_EQ(h.nout, 1);
	ASSERT_EQ(h_off(&h, &h.out[0]), 1000);
	ASSERT_EQ(c->ssthresh, flight / 2);
	ASSERT_EQ(c->cwnd, flight / 2 + 3000); /* RFC 6582 3.2 (3) */
	uint32_t recover = c->recover;
	/* More duplicates inflate the window until new data may go. */
	for (int i = 0; i < 8; i++)
		h_ack_at(&h, 1000, 0, NULL);
	ASSERT_CMP(h.nout, >, 1);
	ASSERT_EQ(h_off(&h, &h.out[1]),
	          c->snd_max - (h.our_iss + 1) - (uint32_t)(h.nout - 1) * 1000);
	/* A partial ACK: the next hole goes at once (RFC 6582 3.2 (5)). */
	h_clear(&h);
	h_ack_at(&h, 5000, 0, NULL);
	ASSERT_EQ(h.t.ctr.partial_acks, 1);
	ASSERT_TRUE(c->fl & TF_RECOVERY);
	ASSERT_EQ(h_off(&h, &h.out[0]), 5000);
	/* The full ACK ends recovery with a deflated window. */
	h_ack_at(&h, recover - (h.our_iss + 1), 0, NULL);
	ASSERT_TRUE(!(c->fl & TF_RECOVERY));
	ASSERT_CMP(c->cwnd, <=, c->ssthresh);
	ASSERT_EQ(h.t.ctr.fast_retrans, 1);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(sack_holes_are_retransmitted_and_nothing_else)
{
	harness h;
	mg_tcb *c = h_open(&h, true, true);
	ASSERT_TRUE(c->fl & TF_SACK);
	h_send_src(c, 0, 10000);
	ASSERT_EQ(h.nout, 10);
	/* Lost: segments 1, 4 and 7. The peer SACKs what arrives. */
	h_ack_at(&h, 1000, 0, NULL);
	h_clear(&h);
	uint32_t s1[][2] = {{2000, 3000}};
	h_ack_at(&h, 1000, 1, s1);
	uint32_t s2[][2] = {{2000, 4000}};
	h_ack_at(&h, 1000, 1, s2);
	uint32_t s3[][2] = {{5000, 6000}, {2000, 4000}};
	h_ack_at(&h, 1000, 2, s3);
	ASSERT_TRUE(c->fl & TF_RECOVERY);
	uint32_t s4[][2] = {{5000, 7000}, {2000, 4000}};
	h_ack_at(&h, 1000, 2, s4);
	uint32_t s5[][2] = {{8000, 9000}, {5000, 7000}, {2000, 4000}};
	h_ack_at(&h, 1000, 3, s5);
	uint32_t s6[][2] = {{8000, 10000}, {5000, 7000}, {2000, 4000}};
	h_ack_at(&h, 1000, 3, s6);
	/* Retransmitted: exactly the holes, each once, and the last
	 * segment as the rescue (RFC 6675 NextSeg (4)) once the holes
	 * below the highest SACK were filled and nothing new could go. */
	int seen[10] = {0};
	for (int i = 0; i < h.nout; i++) {
		uint32_t o = h_off(&h, &h.out[i]);
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
	mg_tcb *c = h_open(&h, false, false);
	h_send_src(c, 0, 10000);
	h_advance(&h, 200);
	ASSERT_EQ(h.t.ctr.rto, 1);
	/* Duplicates of the old window after the RTO (RFC 6582 3.2 (2)). */
	for (int i = 0; i < 5; i++)
		h_ack_at(&h, 0, 0, NULL);
	ASSERT_EQ(h.t.ctr.fast_retrans, 0);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(window_updates_are_not_duplicate_acks)
{
	harness h;
	mg_tcb *c = h_open(&h, false, false);
	h_send_src(c, 0, 5000);
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

MGT_TEST(early_retransmit_with_few_segments_out)
{
	harness h;
	mg_tcb *c = h_open(&h, true, false);
	h_send_src(c, 0, 2000);
	ASSERT_EQ(h.nout, 2);
	h_clear(&h);
	/* RFC 5827: two segments out, nothing more to send: the first
	 * duplicate (SACKing the second) is enough. */
	uint32_t s1[][2] = {{1000, 2000}};
	h_ack_at(&h, 0, 1, s1);
	ASSERT_EQ(h.t.ctr.fast_retrans, 1);
	ASSERT_EQ(h.nout, 1);
	ASSERT_EQ(h_off(&h, h_last(&h)), 0);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(sacks_on_data_segments_count_as_duplicates)
{
	harness h;
	mg_tcb *c = h_open(&h, true, false);
	h_send_src(c, 0, 10000);
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
	mg_tcb *c = h_open(&h, true, true);
	h_send_src(c, 0, 10000);
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

MGT_TEST(tail_loss_probe_resends_the_last_segment)
{
	harness h;
	mg_tcb *c = h_open(&h, true, true);
	/* A first exchange sets SRTT to 20 ms. */
	c->srtt_us = 0;
	h_send_src(c, 0, 1000);
	uint32_t ts = h_last(&h)->s.tsval;
	h.now += 20 * MG__NS_PER_MS;
	h_b b = {.seq = h.peer_nxt,
	         .ack = h.our_iss + 1001,
	         .flags = TH_ACK,
	         .ts = true,
	         .tsval = 9,
	         .tsecr = ts};
	h_inject(&h, &b);
	ASSERT_EQ(mg_tcb_srtt_us(c), 20500);
	h_clear(&h);
	h_send_src(c, 1000, 3000);
	ASSERT_EQ(h.nout, 3);
	/* The tail is lost: no ACK. After PTO = 2 SRTT, the probe. */
	h_run(&h, 40);
	ASSERT_EQ(h.nout, 3);
	h_advance(&h, 1);
	ASSERT_EQ(h.nout, 4);
	ASSERT_EQ(h_off(&h, h_last(&h)), 3000);
	ASSERT_EQ(h.t.ctr.tlp_probes, 1);
	ASSERT_EQ(h.t.ctr.rto, 0);
	/* Its SACK shows the first two lost: recovery, no timeout. */
	uint32_t s1[][2] = {{3000, 4000}};
	h_ack_at(&h, 1000, 1, s1);
	ASSERT_EQ(h.t.ctr.fast_retrans, 1);
	ASSERT_EQ(h_off(&h, &h.out[4]), 1000);
	/* One probe per flight: the RTO comes next if nothing moves. */
	h_run(&h, 1000);
	ASSERT_EQ(h.t.ctr.tlp_probes, 1);
	mg_tcb_abort(c);
	h_end(&h);
}
