/* TCP engine: RST and SYN validation, challenge ACKs and ACK checks (RFC
 * 5961), PAWS (RFC 7323), unacceptable segments. */
#include "tcp_harness.h"

static const h_b ts_opts = {.ts = true, .tsval = 100, .sackok = true};

MGT_TEST(rst_inside_the_window_gets_a_challenge_ack)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	h_b rst = {.seq = h.peer_nxt + 10, .flags = TH_RST};
	h_inject(&h, &rst);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_ESTABLISHED);
	ASSERT_EQ(h.nout, 1);
	h_pkt *a = h_last(&h);
	/* RFC 5961 3.2: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>. */
	ASSERT_EQ(a->s.flags, TH_ACK);
	ASSERT_EQ(a->s.seq, h.our_iss + 1);
	ASSERT_EQ(a->s.ack, h.peer_nxt);
	ASSERT_EQ(h.t.ctr.drop_rst_challenged, 1);
	ASSERT_EQ(h.t.ctr.challenge_acks, 1);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(rst_outside_the_window_is_dropped_silently)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	h_b rst = {.seq = h.peer_nxt + 1000000, .flags = TH_RST};
	h_inject(&h, &rst);
	rst.seq = h.peer_nxt - 1;
	h_inject(&h, &rst);
	ASSERT_EQ(h.nout, 0);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_ESTABLISHED);
	ASSERT_EQ(h.t.ctr.drop_rst_out_of_window, 2);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(syn_on_an_open_connection_gets_a_challenge_ack)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	/* RFC 5961 4.2: whatever the sequence number. */
	h_b syn = {.seq = h.peer_nxt + 5, .flags = TH_SYN};
	h_inject(&h, &syn);
	syn.seq = h.peer_nxt + 50000000;
	h_inject(&h, &syn);
	ASSERT_EQ(h.nout, 2);
	ASSERT_EQ(h.out[0].s.flags, TH_ACK);
	ASSERT_EQ(h.out[1].s.ack, h.peer_nxt);
	ASSERT_EQ(h.t.ctr.drop_syn_challenged, 2);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_ESTABLISHED);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(challenge_acks_are_rate_limited)
{
	harness h;
	h_setup(&h);
	h.cfg.challenge_ack_limit = 5;
	h_start(&h);
	mg_tcb *c = h_passive(&h, NULL);
	h_b rst = {.seq = h.peer_nxt + 10, .flags = TH_RST};
	for (int i = 0; i < 10; i++)
		h_inject(&h, &rst);
	ASSERT_EQ(h.nout, 5);
	ASSERT_EQ(h.t.ctr.drop_challenge_limit, 5);
	h_advance(&h, 1000);
	h_inject(&h, &rst);
	ASSERT_EQ(h.nout, 6);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(ack_of_unsent_data_is_answered_and_dropped)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	h_b b = {.seq = h.peer_nxt,
	         .ack = h.our_iss + 100,
	         .flags = TH_ACK,
	         .data = "zz",
	         .len = 2};
	h_inject(&h, &b);
	ASSERT_EQ(h.t.ctr.drop_ack_too_new, 1);
	ASSERT_EQ(h.nout, 1);
	ASSERT_EQ(h_last(&h)->s.ack, h.peer_nxt); /* the data not taken */
	ASSERT_EQ(mg_tcb_recv_avail(c), 0);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(ack_far_below_the_window_is_dropped)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	/* RFC 5961 5.2: below SND.UNA - MAX.SND.WND. */
	h_b b = {.seq = h.peer_nxt,
	         .ack = h.our_iss - 200000,
	         .flags = TH_ACK,
	         .data = "zz",
	         .len = 2};
	h_inject(&h, &b);
	ASSERT_EQ(h.t.ctr.drop_ack_too_old, 1);
	ASSERT_EQ(mg_tcb_recv_avail(c), 0);
	/* Slightly old is fine (a reordered ACK). */
	b.ack = h.our_iss - 10;
	h_inject(&h, &b);
	ASSERT_EQ(mg_tcb_recv_avail(c), 2);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(paws_drops_old_timestamps)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, &ts_opts);
	ASSERT_TRUE(c->fl & TF_TS);
	ASSERT_EQ(c->ts_recent, 101);
	h_b b = {.seq = h.peer_nxt,
	         .ack = h.our_iss + 1,
	         .flags = TH_ACK,
	         .ts = true,
	         .tsval = 50,
	         .data = "old",
	         .len = 3};
	h_inject(&h, &b);
	ASSERT_EQ(h.t.ctr.drop_paws, 1);
	ASSERT_EQ(mg_tcb_recv_avail(c), 0);
	ASSERT_EQ(h.nout, 1); /* RFC 7323 5.3 R1: an ACK in reply */
	/* RSTs are exempt from PAWS (RFC 7323 5.3). */
	h_b rst = {.seq = h.peer_nxt, .flags = TH_RST, .ts = true, .tsval = 1};
	h_inject(&h, &rst);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_CLOSED);
	mg_tcb_close(c);
	h_end(&h);
}

MGT_TEST(ts_recent_follows_in_order_segments)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, &ts_opts);
	h_b b = {.seq = h.peer_nxt,
	         .ack = h.our_iss + 1,
	         .flags = TH_ACK,
	         .ts = true,
	         .tsval = 500,
	         .data = "abc",
	         .len = 3};
	h_inject(&h, &b);
	ASSERT_EQ(c->ts_recent, 500);
	h_advance(&h, 100); /* the delayed ACK echoes it */
	ASSERT_EQ(h_last(&h)->s.tsecr, 500);
	/* An out-of-order segment beyond Last.ACK.sent does not move it
	 * (RFC 7323 4.3). */
	b.seq += 100;
	b.tsval = 600;
	h_inject(&h, &b);
	ASSERT_EQ(c->ts_recent, 500);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(out_of_window_segment_gets_an_ack)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	h_b b = {.seq = h.peer_nxt + 9000000,
	         .ack = h.our_iss + 1,
	         .flags = TH_ACK,
	         .data = "far",
	         .len = 3};
	h_inject(&h, &b);
	ASSERT_EQ(h.t.ctr.drop_out_of_window, 1);
	ASSERT_EQ(h.nout, 1);
	ASSERT_EQ(h_last(&h)->s.ack, h.peer_nxt);
	h_b noack = {.seq = h.peer_nxt, .flags = TH_PSH, .data = "x", .len = 1};
	h_inject(&h, &noack);
	ASSERT_EQ(h.t.ctr.drop_no_ack, 1);
	ASSERT_EQ(mg_tcb_recv_avail(c), 0);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(keepalive_probe_from_peer_is_answered)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	/* A peer's keep-alive: SEQ = RCV.NXT - 1 (RFC 9293 3.8.4). */
	h_b ka = {.seq = h.peer_nxt - 1, .ack = h.our_iss + 1, .flags = TH_ACK};
	h_inject(&h, &ka);
	ASSERT_EQ(h.nout, 1);
	ASSERT_EQ(h_last(&h)->s.ack, h.peer_nxt);
	mg_tcb_abort(c);
	h_end(&h);
}
