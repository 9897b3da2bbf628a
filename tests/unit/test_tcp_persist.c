/* TCP engine, the sender's timers: zero window probes, keep-alive,
 * restart after idle, send buffer growth. */
#include "tcp_harness.h"

MGT_TEST(zero_window_is_probed_with_backoff)
{
	harness h;
	mg_tcb *c = h_open(&h, false, false);
	h_b zw = {.seq = h.peer_nxt,
	          .ack = h.our_iss + 1,
	          .flags = TH_ACK,
	          .zero_wnd = true};
	h_inject(&h, &zw);
	ASSERT_EQ(c->snd_wnd, 0);
	h_clear(&h);
	h_send_src(c, 0, 3000);
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
		ASSERT_EQ(h_off(&h, p), 0);
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
	h_ack_at(&h, 0, 0, NULL);
	ASSERT_EQ(h.nout, 3);
	ASSERT_EQ(h_off(&h, &h.out[0]), 0);
	h_ack_at(&h, 3000, 0, NULL);
	ASSERT_EQ(mg_tcb_send_queued(c), 0);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(probe_accepted_moves_the_stream_on)
{
	harness h;
	mg_tcb *c = h_open(&h, false, false);
	h_b zw = {.seq = h.peer_nxt,
	          .ack = h.our_iss + 1,
	          .flags = TH_ACK,
	          .zero_wnd = true};
	h_inject(&h, &zw);
	h_send_src(c, 0, 100);
	h_clear(&h);
	h_advance(&h, 200);
	ASSERT_EQ(h.nout, 1);
	/* The peer took the probe's byte and has room again. */
	h_ack_at(&h, 1, 0, NULL);
	ASSERT_EQ(h.nout, 2);
	ASSERT_EQ(h_off(&h, h_last(&h)), 1);
	ASSERT_EQ(h_last(&h)->s.len, 99);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(keepalive_probes_then_drops)
{
	harness h;
	mg_tcb *c = h_open(&h, false, false);
	mg_tcb_set_keepalive(c, 10000, 1000, 3);
	h_run(&h, 9999);
	ASSERT_EQ(h.nout, 0);
	h_advance(&h, 1);
	ASSERT_EQ(h.nout, 1);
	h_pkt *p = h_last(&h);
	ASSERT_EQ(p->s.seq, h.our_iss); /* SND.UNA - 1 */
	ASSERT_EQ(p->s.len, 0);
	/* An answer restarts the idle time. */
	h_ack_at(&h, 0, 0, NULL);
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
	mg_tcb *c = h_open(&h, false, false);
	for (uint32_t off = 0; off < 60000; off += 2000) {
		h_send_src(c, off, 2000);
		h_ack_at(&h, off + 2000, 0, NULL);
	}
	ASSERT_CMP(c->cwnd, >, 30000);
	h_run(&h, 5000);
	h_clear(&h);
	h_send_src(c, 0, 30000);
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
		while (mg_tcb_send(c, mg_cbuf_make(h_src, 4000), 0) == 4000)
			;
		h_ack_at(&h, c->snd_max - (h.our_iss + 1), 0, NULL);
	}
	ASSERT_CMP(c->tx.cap, >=, 65536);
	ASSERT_CMP(h.t.ctr.sndbuf_grown, >=, 3);
	mg_tcb_abort(c);
	h_end(&h);
}
