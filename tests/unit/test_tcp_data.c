/* TCP engine, receiving: order, overlaps, SACK blocks, delayed ACKs, the
 * advertised window (zero, scaled, silly window avoidance), buffer growth. */
#include "tcp_harness.h"

static const h_b sack_opts = {.sackok = true, .mss = 1460};

static uint8_t pattern(uint32_t i)
{
	return (uint8_t)(i * 131 + (i >> 8));
}

/* The peer sends bytes [off, off + len) of the pattern stream. */
static void send_at(harness *h, uint32_t off, uint32_t len, uint8_t extra)
{
	static uint8_t buf[70000];
	for (uint32_t i = 0; i < len; i++)
		buf[i] = pattern(off + i);
	h_b b = {.seq = h->peer_iss + 1 + off,
	         .ack = h->our_iss + 1,
	         .flags = (uint8_t)(TH_ACK | extra),
	         .data = buf,
	         .len = len};
	h_inject(h, &b);
}

static void read_check(mg_tcb *c, uint32_t off, uint32_t len)
{
	static uint8_t buf[70000];
	ASSERT_EQ(mg_tcb_recv(c, mg_buf_make(buf, len)), len);
	for (uint32_t i = 0; i < len; i++)
		if (buf[i] != pattern(off + i))
			mgt_fail(__FILE__, __LINE__, "byte %u differs",
			         off + i);
}

MGT_TEST(delayed_ack_every_second_segment_or_timer)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	send_at(&h, 0, 100, 0);
	ASSERT_EQ(h.nout, 0);
	ASSERT_EQ(h_events(&h, c, MG_TCB_EV_READABLE), 1);
	h_run(&h, 39);
	ASSERT_EQ(h.nout, 0);
	h_advance(&h, 1);
	ASSERT_EQ(h.nout, 1);
	ASSERT_EQ(h_last(&h)->s.ack, h.peer_iss + 101);
	ASSERT_EQ(h.t.ctr.acks_delayed, 1);
	send_at(&h, 100, 100, 0);
	ASSERT_EQ(h.nout, 1);
	send_at(&h, 200, 100, 0);
	ASSERT_EQ(h.nout, 2); /* the second segment is ACKed at once */
	ASSERT_EQ(h_last(&h)->s.ack, h.peer_iss + 301);
	read_check(c, 0, 300);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(out_of_order_segments_are_sacked_most_recent_first)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, &sack_opts);
	ASSERT_TRUE(c->fl & TF_SACK);
	uint32_t base = h.peer_iss + 1;
	send_at(&h, 1000, 500, 0);
	h_pkt *a = h_last(&h);
	/* RFC 5681 4.2: a duplicate ACK at once, carrying the block. */
	ASSERT_EQ(h.nout, 1);
	ASSERT_EQ(a->s.ack, base);
	ASSERT_EQ(a->s.nsack, 1);
	ASSERT_EQ(a->s.sack[0][0], base + 1000);
	ASSERT_EQ(a->s.sack[0][1], base + 1500);
	send_at(&h, 3000, 500, 0);
	a = h_last(&h);
	ASSERT_EQ(a->s.nsack, 2);
	ASSERT_EQ(a->s.sack[0][0], base + 3000); /* RFC 2018 4 */
	ASSERT_EQ(a->s.sack[1][0], base + 1000);
	send_at(&h, 1500, 500, 0); /* extends the first block */
	a = h_last(&h);
	ASSERT_EQ(a->s.sack[0][0], base + 1000);
	ASSERT_EQ(a->s.sack[0][1], base + 2000);
	ASSERT_EQ(a->s.sack[1][0], base + 3000);
	ASSERT_EQ(mg_tcb_recv_avail(c), 0);
	send_at(&h, 0, 1000, 0); /* fills the first hole */
	a = h_last(&h);
	ASSERT_EQ(a->s.ack, base + 2000);
	ASSERT_EQ(a->s.nsack, 1);
	ASSERT_EQ(a->s.sack[0][0], base + 3000);
	send_at(&h, 2000, 1000, 0);
	a = h_last(&h);
	ASSERT_EQ(a->s.ack, base + 3500);
	ASSERT_EQ(a->s.nsack, 0);
	read_check(c, 0, 3500);
	ASSERT_EQ(h.t.ctr.ooo_segs, 3);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(overlapping_and_duplicate_segments)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	send_at(&h, 0, 100, 0);
	send_at(&h, 50, 100, 0); /* half old, half new */
	send_at(&h, 20, 60, 0);  /* all old: an ACK at once */
	ASSERT_EQ(h_last(&h)->s.ack, h.peer_iss + 151);
	send_at(&h, 300, 100, 0); /* out of order */
	send_at(&h, 250, 200, 0); /* covers it and more */
	send_at(&h, 140, 120, 0); /* bridges the gap */
	ASSERT_EQ(mg_tcb_recv_avail(c), 450);
	read_check(c, 0, 450);
	ASSERT_EQ(h_last(&h)->s.ack, h.peer_iss + 451);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(too_many_holes_drop_the_extra_range)
{
	harness h;
	h_setup(&h);
	h.cfg.buf_init = 65536;
	h_start(&h);
	mg_tcb *c = h_passive(&h, &sack_opts);
	for (uint32_t i = 0; i < MG__TCP_OOO_MAX + 2; i++)
		send_at(&h, 100 + i * 200, 100, 0);
	ASSERT_EQ(c->nooo, MG__TCP_OOO_MAX);
	ASSERT_EQ(h.t.ctr.drop_ooo_full, 2);
	/* Filling the first hole still works. */
	send_at(&h, 0, 100, 0);
	ASSERT_EQ(mg_tcb_recv_avail(c), 200);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(fin_out_of_order_waits_for_the_data)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	send_at(&h, 100, 100, TH_FIN);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_ESTABLISHED);
	ASSERT_TRUE(!mg_tcb_recv_eof(c));
	send_at(&h, 0, 100, 0);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_CLOSE_WAIT);
	ASSERT_TRUE(mg_tcb_recv_eof(c));
	ASSERT_EQ(h_last(&h)->s.ack, h.peer_iss + 202);
	read_check(c, 0, 200);
	char b[4];
	ASSERT_EQ(mg_tcb_recv(c, mg_buf_make(b, 4)), 0);
	/* Nothing can follow a FIN. */
	send_at(&h, 201, 10, 0);
	ASSERT_EQ(mg_tcb_recv_avail(c), 0);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(zero_window_and_its_reopening)
{
	harness h;
	h_setup(&h);
	h.cfg.buf_init = h.cfg.buf_max = 8192;
	h_start(&h);
	mg_tcb *c = h_passive(&h, NULL);
	for (uint32_t off = 0; off < 8192; off += 1024)
		send_at(&h, off, 1024, 0);
	h_pkt *a = h_last(&h);
	ASSERT_EQ(a->s.ack, h.peer_iss + 1 + 8192);
	ASSERT_EQ(a->s.wnd, 0);
	/* A segment beyond the zero window: not taken, but answered with
	 * the window (RFC 9293 3.8.6.1); a probe likewise. */
	h_clear(&h);
	send_at(&h, 8192, 1, 0);
	ASSERT_EQ(h.nout, 1);
	ASSERT_EQ(h_last(&h)->s.wnd, 0);
	ASSERT_EQ(h_last(&h)->s.ack, h.peer_iss + 1 + 8192);
	ASSERT_EQ(mg_tcb_recv_avail(c), 8192);
	/* Reading a little does not reopen it (receiver SWS avoidance). */
	h_clear(&h);
	read_check(c, 0, 100);
	ASSERT_EQ(h.nout, 0);
	/* Reading half the buffer sends a window update unasked. */
	h_clear(&h);
	read_check(c, 100, 4000);
	ASSERT_EQ(h.nout, 1);
	ASSERT_EQ(h_last(&h)->s.wnd, 4100);
	send_at(&h, 8192, 4100, 0);
	ASSERT_EQ(mg_tcb_recv_avail(c), 8192);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(window_field_is_scaled)
{
	harness h;
	h_init(&h);
	h_b o = {.ws = 1 + 2, .ts = true, .tsval = 1};
	mg_tcb *c = h_passive(&h, &o);
	ASSERT_TRUE(c->fl & TF_WS);
	ASSERT_EQ(c->rcv_ws, 5);
	/* A data segment is answered with a scaled window. */
	h_b b = {.seq = h.peer_nxt,
	         .ack = h.our_iss + 1,
	         .flags = TH_ACK,
	         .ts = true,
	         .tsval = 2,
	         .data = "x",
	         .len = 1};
	h_inject(&h, &b);
	h_advance(&h, 50);
	ASSERT_EQ(h_last(&h)->s.wnd, (8192 - 1) >> 5);
	/* The peer's window is scaled by its shift. */
	ASSERT_EQ(c->snd_wnd, 65535u << 2);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(receive_buffer_grows_for_a_fast_sender)
{
	harness h;
	h_init(&h);
	h_b o = {.ws = 1 + 7, .ts = true, .tsval = 1, .sackok = true};
	mg_tcb *c = h_passive(&h, &o);
	uint32_t off = 0;
	uint32_t tsval = 2;
	/* 50 ms round trips, each delivering a full window, read at once. */
	for (int rtt = 0; rtt < 12; rtt++) {
		uint32_t wnd = c->rx.cap - c->rx.len;
		uint32_t echo = mg__tcp_tsval(c);
		h.now += 50 * MG__NS_PER_MS;
		for (uint32_t sent = 0; sent + 1448 <= wnd; sent += 1448) {
			static uint8_t buf[1448];
			for (uint32_t i = 0; i < 1448; i++)
				buf[i] = pattern(off + i);
			h_b b = {.seq = h.peer_iss + 1 + off,
			         .ack = h.our_iss + 1,
			         .flags = TH_ACK,
			         .ts = true,
			         .tsval = tsval++,
			         .tsecr = echo,
			         .data = buf,
			         .len = 1448};
			h_inject(&h, &b);
			off += 1448;
			static uint8_t sink[1448];
			ASSERT_EQ(mg_tcb_recv(c, mg_buf_make(sink, 1448)),
			          1448);
		}
	}
	ASSERT_CMP(h.t.ctr.rcvbuf_grown, >=, 5);
	ASSERT_CMP(c->rx.cap, >=, 256 * 1024);
	/* The window advertised now exceeds what 16 bits could say. */
	h_pkt *a = h_last(&h);
	ASSERT_CMP((uint32_t)a->s.wnd << 5, >, 65535);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(peek_and_consume_read_without_copy)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	send_at(&h, 0, 300, 0);
	mg_cbuf parts[2];
	ASSERT_EQ(mg_tcb_recv_peek(c, parts), 300);
	ASSERT_EQ(parts[0].len + parts[1].len, 300);
	ASSERT_EQ(parts[0].p[5], pattern(5));
	mg_tcb_recv_consume(c, 100);
	ASSERT_EQ(mg_tcb_recv_avail(c), 200);
	read_check(c, 100, 200);
	char b[4];
	ASSERT_EQ(mg_tcb_recv(c, mg_buf_make(b, 4)), MG_EAGAIN);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(data_wraps_around_the_ring)
{
	harness h;
	h_setup(&h);
	h.cfg.buf_init = h.cfg.buf_max = 4096;
	h_start(&h);
	mg_tcb *c = h_passive(&h, NULL);
	uint32_t off = 0;
	for (int i = 0; i < 20; i++) {
		send_at(&h, off, 1000, 0);
		read_check(c, off, 1000);
		off += 1000;
	}
	/* Out of order across the wrap. */
	send_at(&h, off + 1500, 1000, 0);
	send_at(&h, off, 1500, 0);
	read_check(c, off, 2500);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(duplicates_are_reported_by_dsack)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, &sack_opts);
	uint32_t base = h.peer_iss + 1;
	send_at(&h, 0, 1000, 0);
	h_clear(&h);
	send_at(&h, 0, 500, 0); /* all old: RFC 2883 case 1 */
	h_pkt *a = h_last(&h);
	ASSERT_EQ(a->s.ack, base + 1000);
	ASSERT_EQ(a->s.nsack, 1);
	ASSERT_EQ(a->s.sack[0][0], base);
	ASSERT_EQ(a->s.sack[0][1], base + 500);
	send_at(&h, 2000, 1000, 0);
	send_at(&h, 2000, 500, 0); /* inside a SACKed range: case 2 */
	a = h_last(&h);
	ASSERT_EQ(a->s.nsack, 2);
	ASSERT_EQ(a->s.sack[0][0], base + 2000);
	ASSERT_EQ(a->s.sack[0][1], base + 2500);
	ASSERT_EQ(a->s.sack[1][0], base + 2000);
	ASSERT_EQ(a->s.sack[1][1], base + 3000);
	/* Reported once. */
	send_at(&h, 4000, 100, 0);
	a = h_last(&h);
	ASSERT_EQ(a->s.sack[0][0], base + 4000);
	mg_tcb_abort(c);
	h_end(&h);
}
