/* TCP engine: listen backlog, bounded half-open queue, SYN cookies (RFC
 * 4987 section 3.6), SYN floods. */
#include "tcp_harness.h"

static void syn_from(harness *h, uint16_t port, uint32_t seq, const h_b *o)
{
	h_b b = o ? *o : (h_b){0};
	b.seq = seq;
	b.flags = TH_SYN;
	b.sport = port;
	h_inject(h, &b);
}

static void listen4(harness *h, int backlog)
{
	ASSERT_EQ(mg_tcpcore_listen(&h->t, (mg_ipv4_addr){0}, H_LPORT, backlog,
	                            NULL, &h->lsn),
	          0);
}

MGT_TEST(half_open_queue_is_bounded_then_cookies_answer)
{
	harness h;
	h_init(&h);
	listen4(&h, 4);
	for (uint16_t p = 1000; p < 1004; p++)
		syn_from(&h, p, p * 1000u, NULL);
	ASSERT_EQ(mg_tcpcore_conn_count(&h.t), 4);
	ASSERT_EQ(h.lsn->n_half, 4);
	h_clear(&h);
	h_b o = {.mss = 1460};
	syn_from(&h, 2000, 5555, &o);
	/* No state kept, but an answer: a cookie. */
	ASSERT_EQ(mg_tcpcore_conn_count(&h.t), 4);
	ASSERT_EQ(h.t.ctr.syncookies_sent, 1);
	h_pkt *sa = h_last(&h);
	ASSERT_EQ(sa->s.flags, TH_SYN | TH_ACK);
	ASSERT_EQ(sa->s.ack, 5556);
	ASSERT_EQ(sa->s.mss, 1460);
	/* Without timestamps a cookie cannot carry WS or SACK. */
	ASSERT_TRUE(!sa->s.has_ws && !sa->s.sack_ok);
	uint32_t iss = sa->s.seq;
	h_b ack = {.seq = 5556,
	           .ack = iss + 1,
	           .flags = TH_ACK,
	           .sport = 2000,
	           .data = "hello",
	           .len = 5};
	h_inject(&h, &ack);
	ASSERT_EQ(h.t.ctr.syncookies_ok, 1);
	ASSERT_EQ(h_events(&h, NULL, MG_TCB_EV_ACCEPT), 1);
	mg_tcb *c = mg_tcpcore_accept(h.lsn);
	ASSERT_TRUE(c);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_ESTABLISHED);
	ASSERT_EQ(c->peer_mss, 1460);
	char buf[8];
	ASSERT_EQ(mg_tcb_recv(c, mg_buf_make(buf, 8)), 5);
	ASSERT_MEMEQ(buf, "hello", 5);
	/* It sends like any other. */
	h_clear(&h);
	ASSERT_EQ(mg_tcb_send(c, mg_cbuf_make("ok", 2), 0), 2);
	ASSERT_EQ(h_last(&h)->s.seq, iss + 1);
	mg_tcb_abort(c);
	/* The half-open ones time out. */
	h_run(&h, 200000);
	h_end(&h);
}

MGT_TEST(cookie_carries_wscale_and_sack_in_the_timestamp)
{
	harness h;
	h_setup(&h);
	h.cfg.flags = MG_TCPCORE_SYNCOOKIES_ALWAYS;
	h_start(&h);
	listen4(&h, 0);
	h_b o = {
	    .mss = 1300, .ws = 1 + 9, .sackok = true, .ts = true, .tsval = 777};
	syn_from(&h, 3000, 42, &o);
	ASSERT_EQ(mg_tcpcore_conn_count(&h.t), 0);
	h_pkt *sa = h_last(&h);
	ASSERT_TRUE(sa->s.has_ws && sa->s.sack_ok && sa->s.has_ts);
	ASSERT_EQ(sa->s.mss, 1460);
	ASSERT_EQ(sa->s.tsecr, 777);
	h_b ack = {.seq = 43,
	           .ack = sa->s.seq + 1,
	           .flags = TH_ACK,
	           .sport = 3000,
	           .ts = true,
	           .tsval = 778,
	           .tsecr = sa->s.tsval,
	           .wnd = 10};
	h_inject(&h, &ack);
	mg_tcb *c = mg_tcpcore_accept(h.lsn);
	ASSERT_TRUE(c);
	ASSERT_EQ(c->snd_ws, 9);
	ASSERT_EQ(c->snd_wnd, 10u << 9);
	ASSERT_TRUE(c->fl & TF_SACK);
	ASSERT_TRUE(c->fl & TF_TS);
	ASSERT_EQ(c->peer_mss, 1200); /* rounded down to the table */
	ASSERT_EQ(c->ts_recent, 778);
	/* Our timestamps go on from the cookie's without going back. */
	uint32_t ts0 = sa->s.tsval;
	h_clear(&h);
	mg_tcb_send(c, mg_cbuf_make("x", 1), 0);
	ASSERT_CMP((int32_t)(h_last(&h)->s.tsval - ts0), >=, 0);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(forged_or_stale_cookies_are_refused)
{
	harness h;
	h_setup(&h);
	h.cfg.flags = MG_TCPCORE_SYNCOOKIES_ALWAYS;
	h_start(&h);
	listen4(&h, 0);
	syn_from(&h, 3000, 42, NULL);
	uint32_t cookie = h_last(&h)->s.seq;
	h_clear(&h);
	h_b ack = {
	    .seq = 43, .ack = cookie + 2, .flags = TH_ACK, .sport = 3000};
	h_inject(&h, &ack);
	ASSERT_EQ(h_last(&h)->s.flags, TH_RST);
	/* From another port: another tuple, another hash. */
	ack.ack = cookie + 1;
	ack.sport = 3001;
	h_inject(&h, &ack);
	ASSERT_EQ(mg_tcpcore_conn_count(&h.t), 0);
	ASSERT_EQ(h.t.ctr.drop_listen_ack, 2);
	/* Valid for two 64 s slots at most. */
	h.now += 200ull * 1000 * MG__NS_PER_MS;
	ack.sport = 3000;
	h_inject(&h, &ack);
	ASSERT_EQ(mg_tcpcore_conn_count(&h.t), 0);
	ASSERT_EQ(h.t.ctr.drop_listen_ack, 3);
	h_end(&h);
}

MGT_TEST(without_cookies_a_full_queue_drops_syns)
{
	harness h;
	h_setup(&h);
	h.cfg.flags = MG_TCPCORE_NO_SYNCOOKIES;
	h_start(&h);
	listen4(&h, 2);
	for (uint16_t p = 1; p <= 5; p++)
		syn_from(&h, p, 100, NULL);
	ASSERT_EQ(mg_tcpcore_conn_count(&h.t), 2);
	ASSERT_EQ(h.nout, 2);
	ASSERT_EQ(h.t.ctr.drop_syn_queue_full, 3);
	h_run(&h, 200000);
	h_end(&h);
}

MGT_TEST(accept_queue_is_bounded)
{
	harness h;
	h_init(&h);
	listen4(&h, 2);
	for (uint16_t p = 1; p <= 2; p++) {
		syn_from(&h, p, 100, NULL);
		h_b ack = {.seq = 101,
		           .ack = h_last(&h)->s.seq + 1,
		           .flags = TH_ACK,
		           .sport = p};
		h_inject(&h, &ack);
	}
	ASSERT_EQ(h.lsn->n_acc, 2);
	h_clear(&h);
	syn_from(&h, 3, 100, NULL);
	ASSERT_EQ(h.nout, 0);
	ASSERT_EQ(h.t.ctr.drop_listen_overflow, 1);
	mg_tcb *a = mg_tcpcore_accept(h.lsn);
	ASSERT_TRUE(a);
	syn_from(&h, 3, 100, NULL);
	ASSERT_EQ(h.nout, 1);
	mg_tcb_abort(a);
	/* Unlisten resets what waits, established or half-open. */
	h_clear(&h);
	mg_tcpcore_unlisten(h.lsn);
	h.lsn = NULL;
	ASSERT_EQ(h.nout, 2);
	ASSERT_EQ(h.out[0].s.flags & TH_RST, TH_RST);
	h_end(&h);
}

MGT_TEST(queued_connection_reset_by_peer_leaves_the_queue)
{
	harness h;
	h_init(&h);
	listen4(&h, 4);
	syn_from(&h, 7, 100, NULL);
	h_b ack = {.seq = 101,
	           .ack = h_last(&h)->s.seq + 1,
	           .flags = TH_ACK,
	           .sport = 7};
	h_inject(&h, &ack);
	ASSERT_EQ(h.lsn->n_acc, 1);
	h_b rst = {.seq = 101, .flags = TH_RST, .sport = 7};
	h_inject(&h, &rst);
	ASSERT_EQ(h.lsn->n_acc, 0);
	ASSERT_TRUE(mg_tcpcore_accept(h.lsn) == NULL);
	h_end(&h);
}

MGT_TEST(syn_flood_keeps_memory_bounded)
{
	harness h;
	h_init(&h);
	listen4(&h, 16);
	long base = h.live_bytes;
	uint32_t x = 12345;
	for (int i = 0; i < 20000; i++) {
		x = x * 1103515245u + 12345u;
		h_b b = {.seq = x,
		         .flags = TH_SYN,
		         .mss = 1460,
		         .src = 0x0b000000u | (x >> 8 & 0xffffff),
		         .sport = (uint16_t)(x | 1)};
		h_inject(&h, &b);
	}
	ASSERT_EQ(h.lsn->n_half, 16);
	ASSERT_CMP(mg_tcpcore_conn_count(&h.t), <=, 16);
	/* Half-open records hold no buffers: a small bound. */
	ASSERT_CMP(h.live_bytes - base, <, 16 * 2048);
	ASSERT_CMP(h.t.ctr.syncookies_sent, >=, 20000 - 16);
	/* A real client still gets in, through a cookie. */
	h_clear(&h);
	syn_from(&h, 999, 1, NULL);
	h_b ack = {.seq = 2,
	           .ack = h_last(&h)->s.seq + 1,
	           .flags = TH_ACK,
	           .sport = 999};
	h_inject(&h, &ack);
	mg_tcb *c = mg_tcpcore_accept(h.lsn);
	ASSERT_TRUE(c);
	mg_tcb_abort(c);
	h_run(&h, 200000);
	h_end(&h);
}

MGT_TEST(listen_on_one_address_and_on_any)
{
	harness h;
	h_init(&h);
	mg_tcp_lsn *l1, *l2;
	ASSERT_EQ(mg_tcpcore_listen(&h.t, (mg_ipv4_addr){H_LOCAL}, 81, 0,
	                            (void *)1, &l1),
	          0);
	ASSERT_EQ(
	    mg_tcpcore_listen(&h.t, (mg_ipv4_addr){0}, 82, 0, (void *)2, &l2),
	    0);
	ASSERT_EQ(mg_tcpcore_listen(&h.t, (mg_ipv4_addr){0}, 0, 0, NULL, &l2),
	          MG_EINVAL);
	ASSERT_EQ(mg_tcp_lsn_port(l1), 81);
	ASSERT_TRUE(mg_tcp_lsn_user(l2) == (void *)2);
	h_b syn = {.seq = 1, .flags = TH_SYN, .dport = 81, .dst = 0x0a000009u};
	h_inject(&h, &syn); /* another local address: nobody */
	ASSERT_EQ(h_last(&h)->s.flags, TH_RST | TH_ACK);
	syn.dport = 82;
	h_inject(&h, &syn);
	ASSERT_EQ(h_last(&h)->s.flags, TH_SYN | TH_ACK);
	mg_tcpcore_unlisten(l1);
	mg_tcpcore_unlisten(l2);
	h_end(&h);
}

MGT_TEST(half_open_completing_into_a_full_accept_queue_is_reset)
{
	harness h;
	h_init(&h);
	listen4(&h, 2);
	uint32_t iss[4];
	/* 1 and 2 half-open; 1 completes; 3 half-open; 2 and 3 complete:
	 * the accept queue holds two, the third is told. */
	for (uint16_t p = 1; p <= 2; p++) {
		syn_from(&h, p, 100, NULL);
		iss[p - 1] = h_last(&h)->s.seq;
	}
	h_b ack = {.seq = 101, .ack = iss[0] + 1, .flags = TH_ACK, .sport = 1};
	h_inject(&h, &ack);
	syn_from(&h, 3, 100, NULL);
	iss[2] = h_last(&h)->s.seq;
	ASSERT_EQ(h.lsn->n_half, 2);
	ASSERT_EQ(h.lsn->n_acc, 1);
	for (uint16_t p = 2; p <= 3; p++) {
		h_b a = {.seq = 101,
		         .ack = iss[p - 1] + 1,
		         .flags = TH_ACK,
		         .sport = p};
		h_inject(&h, &a);
	}
	ASSERT_EQ(h.lsn->n_acc, 2);
	ASSERT_EQ(h.lsn->n_half, 0);
	ASSERT_EQ(h_last(&h)->s.flags & TH_RST, TH_RST);
	ASSERT_EQ(h.t.ctr.drop_listen_overflow, 1);
	ASSERT_EQ(mg_tcpcore_conn_count(&h.t), 2);
	h_end(&h);
}
