/* TCP engine: closing (RFC 9293 section 3.6), TIME-WAIT, resets on close. */
#include "tcp_harness.h"

#define MSL2_MS (2 * 30000)

/* The FIN the engine sent last: its sequence number. */
static uint32_t fin_seq(harness *h)
{
	for (int i = h->nout - 1; i >= 0; i--)
		if (h->out[i].s.flags & TH_FIN)
			return h->out[i].s.seq + h->out[i].s.len;
	mgt_fail(__FILE__, __LINE__, "no FIN sent");
}

MGT_TEST(active_close_through_time_wait)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	ASSERT_EQ(mg_tcb_shutdown(c), 0);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_FIN_WAIT_1);
	uint32_t fs = fin_seq(&h);
	ASSERT_EQ(fs, h.our_iss + 1);
	ASSERT_EQ(mg_tcb_send(c, mg_cbuf_make("x", 1), 0), MG_EPIPE);
	h_b ack = {.seq = h.peer_nxt, .ack = fs + 1, .flags = TH_ACK};
	h_inject(&h, &ack);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_FIN_WAIT_2);
	/* Reading still works after our shutdown. */
	h_send_data(&h, fs + 1, "tail", 4);
	char buf[8];
	ASSERT_EQ(mg_tcb_recv(c, mg_buf_make(buf, 8)), 4);
	h_clear(&h);
	h_b fin = {.seq = h.peer_nxt, .ack = fs + 1, .flags = TH_ACK | TH_FIN};
	h_inject(&h, &fin);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_TIME_WAIT);
	ASSERT_EQ(h_last(&h)->s.ack, h.peer_nxt + 1);
	ASSERT_EQ(h_events(&h, c, MG_TCB_EV_READABLE), 1);
	ASSERT_EQ(mg_tcb_recv(c, mg_buf_make(buf, 8)), 0);
	h_run(&h, MSL2_MS - 1);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_TIME_WAIT);
	h_advance(&h, 2);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_CLOSED);
	ASSERT_EQ(mg_tcb_error(c), 0);
	ASSERT_EQ(h_events(&h, c, MG_TCB_EV_CLOSED), 1);
	mg_tcb_close(c);
	h_end(&h);
}

MGT_TEST(passive_close_through_last_ack)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	h_b fin = {
	    .seq = h.peer_nxt, .ack = h.our_iss + 1, .flags = TH_ACK | TH_FIN};
	h_inject(&h, &fin);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_CLOSE_WAIT);
	ASSERT_EQ(h_last(&h)->s.ack, h.peer_nxt + 1); /* FIN ACKed at once */
	ASSERT_TRUE(mg_tcb_recv_eof(c));
	char b[4];
	ASSERT_EQ(mg_tcb_recv(c, mg_buf_make(b, 4)), 0);
	/* Still sending in CLOSE-WAIT. */
	ASSERT_EQ(mg_tcb_send(c, mg_cbuf_make("bye", 3), 0), 3);
	ASSERT_EQ(h_last(&h)->s.len, 3);
	mg_tcb_close(c);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_LAST_ACK);
	uint32_t fs = fin_seq(&h);
	ASSERT_EQ(fs, h.our_iss + 4);
	h_b ack = {.seq = h.peer_nxt + 1, .ack = fs + 1, .flags = TH_ACK};
	h_inject(&h, &ack);
	ASSERT_EQ(mg_tcpcore_conn_count(&h.t), 0);
	h_end(&h);
}

MGT_TEST(simultaneous_close_through_closing)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_active(&h, NULL);
	mg_tcb_shutdown(c);
	uint32_t fs = fin_seq(&h);
	/* The peer's FIN crosses ours: it does not ACK our FIN. */
	h_b fin = {.seq = h.peer_nxt, .ack = fs, .flags = TH_ACK | TH_FIN};
	h_inject(&h, &fin);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_CLOSING);
	ASSERT_EQ(h_last(&h)->s.ack, h.peer_nxt + 1);
	h_b ack = {.seq = h.peer_nxt + 1, .ack = fs + 1, .flags = TH_ACK};
	h_inject(&h, &ack);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_TIME_WAIT);
	mg_tcb_close(c);
	h_run(&h, MSL2_MS + 1);
	h_end(&h);
}

MGT_TEST(fin_acking_our_fin_goes_straight_to_time_wait)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	mg_tcb_close(c); /* the user lets go at once */
	uint32_t fs = fin_seq(&h);
	h_b fin = {.seq = h.peer_nxt, .ack = fs + 1, .flags = TH_ACK | TH_FIN};
	h_inject(&h, &fin);
	ASSERT_EQ(c->state, MG_TCP_TIME_WAIT);
	/* An orphan in TIME-WAIT keeps no buffers. */
	ASSERT_TRUE(c->rx.buf == NULL && c->tx.buf == NULL);
	h_run(&h, MSL2_MS + 1);
	h_end(&h);
}

MGT_TEST(time_wait_acks_a_repeated_fin_and_restarts)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	mg_tcb_close(c);
	uint32_t fs = fin_seq(&h);
	h_b fin = {.seq = h.peer_nxt, .ack = fs + 1, .flags = TH_ACK | TH_FIN};
	h_inject(&h, &fin);
	h_run(&h, MSL2_MS - 1000);
	h_clear(&h);
	h_inject(&h, &fin); /* our ACK was lost */
	ASSERT_EQ(h.nout, 1);
	ASSERT_EQ(h_last(&h)->s.flags, TH_ACK);
	ASSERT_EQ(h_last(&h)->s.ack, h.peer_nxt + 1);
	h_run(&h, MSL2_MS - 1);
	ASSERT_EQ(mg_tcpcore_conn_count(&h.t), 1);
	h_advance(&h, 2);
	ASSERT_EQ(mg_tcpcore_conn_count(&h.t), 0);
	h_end(&h);
}

MGT_TEST(time_wait_is_not_assassinated_by_rst)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	mg_tcb_close(c);
	uint32_t fs = fin_seq(&h);
	h_b fin = {.seq = h.peer_nxt, .ack = fs + 1, .flags = TH_ACK | TH_FIN};
	h_inject(&h, &fin);
	/* RFC 1337 section 3: a RST in TIME-WAIT is ignored. */
	h_b rst = {.seq = h.peer_nxt + 1, .flags = TH_RST};
	h_inject(&h, &rst);
	ASSERT_EQ(mg_tcpcore_conn_count(&h.t), 1);
	ASSERT_EQ(h.t.ctr.drop_timewait, 1);
	h_run(&h, MSL2_MS + 1);
	h_end(&h);
}

MGT_TEST(time_wait_reused_by_a_newer_syn)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	mg_tcb_close(c);
	uint32_t fs = fin_seq(&h);
	h_b fin = {.seq = h.peer_nxt, .ack = fs + 1, .flags = TH_ACK | TH_FIN};
	h_inject(&h, &fin);
	ASSERT_EQ(mg_tcpcore_conn_count(&h.t), 1);
	h_clear(&h);
	/* An older SYN gets a challenge ACK (RFC 5961 4.2), not a new
	 * connection. */
	h_b old = {.seq = h.peer_iss, .flags = TH_SYN};
	h_inject(&h, &old);
	ASSERT_EQ(h_last(&h)->s.flags, TH_ACK);
	ASSERT_EQ(h.t.ctr.timewait_reused, 0);
	h_b syn = {.seq = h.peer_nxt + 100000, .flags = TH_SYN};
	h_inject(&h, &syn);
	ASSERT_EQ(h.t.ctr.timewait_reused, 1);
	ASSERT_EQ(h_last(&h)->s.flags, TH_SYN | TH_ACK);
	ASSERT_EQ(h_last(&h)->s.ack, h.peer_nxt + 100001);
	ASSERT_EQ(mg_tcpcore_conn_count(&h.t), 1); /* the new one */
	h_b rst = {.seq = h.peer_nxt + 100001, .flags = TH_RST};
	h_inject(&h, &rst);
	h_end(&h);
}

MGT_TEST(orphan_in_fin_wait_2_is_not_kept_forever)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	mg_tcb_close(c);
	uint32_t fs = fin_seq(&h);
	h_b ack = {.seq = h.peer_nxt, .ack = fs + 1, .flags = TH_ACK};
	h_inject(&h, &ack);
	ASSERT_EQ(c->state, MG_TCP_FIN_WAIT_2);
	h_run(&h, 59000);
	ASSERT_EQ(mg_tcpcore_conn_count(&h.t), 1);
	h_run(&h, 1001);
	ASSERT_EQ(mg_tcpcore_conn_count(&h.t), 0);
	h_end(&h);
}

MGT_TEST(close_with_unread_data_resets)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	h_send_data(&h, h.our_iss + 1, "unread", 6);
	h_clear(&h);
	mg_tcb_close(c);
	ASSERT_EQ(h.nout, 1);
	h_pkt *r = h_last(&h);
	/* RFC 1122 4.2.2.13; RFC 9293 3.10.5 <SEQ=SND.NXT><CTL=RST>. */
	ASSERT_EQ(r->s.flags, TH_RST | TH_ACK);
	ASSERT_EQ(r->s.seq, h.our_iss + 1);
	ASSERT_EQ(mg_tcpcore_conn_count(&h.t), 0);
	h_end(&h);
}

MGT_TEST(data_after_close_resets)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	mg_tcb_close(c);
	ASSERT_EQ(mg_tcpcore_conn_count(&h.t), 1);
	h_send_data(&h, h.our_iss + 1, "late", 4);
	ASSERT_EQ(h_last(&h)->s.flags & TH_RST, TH_RST);
	ASSERT_EQ(h.t.ctr.drop_after_close, 1);
	ASSERT_EQ(mg_tcpcore_conn_count(&h.t), 0);
	h_end(&h);
}

MGT_TEST(close_delivers_queued_data_then_fin)
{
	harness h;
	h_init(&h);
	h_b small = {.wnd = 1000};
	mg_tcb *c = h_passive(&h, &small);
	static uint8_t data[3000], got[3000];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 7);
	ASSERT_EQ(mg_tcb_send(c, mg_cbuf_make(data, sizeof data), 0), 3000);
	mg_tcb_close(c);
	/* The peer acknowledges everything it gets, with a 1000-byte
	 * window, until the FIN. */
	uint32_t base = h.our_iss + 1, acked = base;
	bool fin = false;
	for (int round = 0; round < 100 && !fin; round++) {
		for (int i = 0; i < h.nout; i++) {
			h_pkt *p = &h.out[i];
			ASSERT_CMP(p->s.seq + p->s.len - acked, <=, 1000);
			if (p->s.len && p->s.seq == acked) {
				memcpy(got + (acked - base), p->s.data,
				       p->s.len);
				acked += p->s.len;
			}
			if ((p->s.flags & TH_FIN) &&
			    p->s.seq + p->s.len == acked)
				fin = true;
		}
		h_clear(&h);
		h_b ack = {.seq = h.peer_nxt,
		           .ack = acked + fin,
		           .flags = TH_ACK | (fin ? TH_FIN : 0),
		           .wnd = 1000};
		h_inject(&h, &ack);
		if (!h.nout)
			h_run(&h, 1000);
	}
	ASSERT_TRUE(fin);
	ASSERT_EQ(acked - base, 3000);
	ASSERT_MEMEQ(got, data, 3000);
	ASSERT_EQ(c->state, MG_TCP_TIME_WAIT);
	h_run(&h, MSL2_MS + 1);
	h_end(&h);
}

MGT_TEST(abort_sends_rst_and_frees)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_active(&h, NULL);
	mg_tcb_send(c, mg_cbuf_make("abc", 3), 0);
	h_clear(&h);
	mg_tcb_abort(c);
	ASSERT_EQ(h.nout, 1);
	ASSERT_EQ(h_last(&h)->s.flags, TH_RST | TH_ACK);
	ASSERT_EQ(h_last(&h)->s.seq, h.our_iss + 4);
	ASSERT_EQ(h.t.ctr.resets_out, 1);
	h_end(&h);
}

MGT_TEST(shutdown_during_syn_sent_sends_fin_once_open)
{
	harness h;
	h_init(&h);
	mg_tcb *c;
	ASSERT_EQ(
	    mg_tcpcore_connect(&h.t, (mg_ipv4_endpoint){{H_LOCAL}, H_LPORT},
	                       (mg_ipv4_endpoint){{H_REMOTE}, H_RPORT}, &c),
	    0);
	uint32_t iss = h_last(&h)->s.seq;
	ASSERT_EQ(mg_tcb_send(c, mg_cbuf_make("hi", 2), 0), 2);
	ASSERT_EQ(mg_tcb_shutdown(c), 0);
	ASSERT_EQ(h.nout, 1);
	h_b sa = {.seq = 50, .ack = iss + 1, .flags = TH_SYN | TH_ACK};
	h_inject(&h, &sa);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_FIN_WAIT_1);
	h_pkt *d = h_last(&h);
	ASSERT_EQ(d->s.len, 2);
	ASSERT_EQ(d->s.flags & TH_FIN, TH_FIN);
	h_b fin = {.seq = 51, .ack = iss + 4, .flags = TH_ACK | TH_FIN};
	h_inject(&h, &fin);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_TIME_WAIT);
	mg_tcb_close(c);
	h_run(&h, MSL2_MS + 1);
	h_end(&h);
}

MGT_TEST(rst_in_last_ack_closes_quietly)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	h_force_state(c, MG_TCP_LAST_ACK);
	h_b rst = {.seq = h.peer_nxt, .flags = TH_RST};
	h_inject(&h, &rst);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_CLOSED);
	ASSERT_EQ(mg_tcb_error(c), 0);
	mg_tcb_close(c);
	h_end(&h);
}

MGT_TEST(rst_in_established_resets)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	h_b rst = {.seq = h.peer_nxt, .flags = TH_RST};
	h_inject(&h, &rst);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_CLOSED);
	ASSERT_EQ(mg_tcb_error(c), MG_ECONNRESET);
	ASSERT_EQ(h_events(&h, c, MG_TCB_EV_CLOSED), 1);
	char b[4];
	ASSERT_EQ(mg_tcb_recv(c, mg_buf_make(b, 4)), MG_ECONNRESET);
	ASSERT_EQ(mg_tcb_shutdown(c), MG_ENOTCONN);
	mg_tcb_close(c);
	h_end(&h);
}
