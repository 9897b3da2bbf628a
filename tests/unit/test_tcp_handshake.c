/* TCP engine: opening connections (RFC 9293 section 3.5), options, ISNs,
 * malformed segments. */
#include "tcp_harness.h"

static const h_b all_opts = {
    .mss = 1400, .ws = 7 + 1, .sackok = true, .ts = true, .tsval = 5000};

MGT_TEST(passive_open_without_options)
{
	harness h;
	h_init(&h);
	mg_tcb *c = h_passive(&h, NULL);
	/* No options offered: none used; MSS 536 (RFC 9293 3.7.1). */
	ASSERT_EQ(c->smss, 536);
	ASSERT_EQ(c->fl & (TF_WS | TF_SACK | TF_TS), 0);
	ASSERT_EQ(h.t.ctr.passive_opens, 1);
	ASSERT_EQ(h.t.ctr.established, 1);
	mg_tcb_abort(c);
	ASSERT_EQ(h_last(&h)->s.flags, TH_RST | TH_ACK);
	h_end(&h);
}

MGT_TEST(passive_open_agrees_on_every_option)
{
	harness h;
	h_init(&h);
	ASSERT_EQ(mg_tcpcore_listen(&h.t, (mg_ipv4_addr){0}, H_LPORT, 0, NULL,
	                            &h.lsn),
	          0);
	h_b syn = all_opts;
	syn.seq = 777;
	syn.flags = TH_SYN;
	h_inject(&h, &syn);
	h_pkt *sa = h_last(&h);
	ASSERT_EQ(sa->s.flags, TH_SYN | TH_ACK);
	ASSERT_TRUE(sa->s.has_mss);
	ASSERT_EQ(sa->s.mss, 1460);
	ASSERT_TRUE(sa->s.has_ws);
	ASSERT_EQ(sa->s.ws, 5); /* 1 MiB >> 5 fits 16 bits */
	ASSERT_TRUE(sa->s.sack_ok);
	ASSERT_TRUE(sa->s.has_ts);
	ASSERT_EQ(sa->s.tsecr, 5000);
	/* The SYN-ACK's window is never scaled (RFC 7323 2.2). */
	ASSERT_EQ(sa->s.wnd, 8192);
	h_b ack = {.seq = 778,
	           .ack = sa->s.seq + 1,
	           .flags = TH_ACK,
	           .ts = true,
	           .tsval = 5001,
	           .tsecr = sa->s.tsval,
	           .wnd = 100};
	h_inject(&h, &ack);
	mg_tcb *c = mg_tcpcore_accept(h.lsn);
	ASSERT_TRUE(c);
	ASSERT_EQ(c->smss, 1400 - 12);
	ASSERT_EQ(c->snd_ws, 7);
	ASSERT_EQ(c->snd_wnd, 100 << 7);
	ASSERT_TRUE(c->fl & TF_SACK);
	ASSERT_TRUE(c->fl & TF_TS);
	ASSERT_EQ(c->ts_recent, 5001);
	ASSERT_EQ(mg_tcb_listener(c), NULL);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(active_open_offers_and_connects)
{
	harness h;
	h_init(&h);
	mg_tcb *c;
	ASSERT_EQ(mg_tcpcore_connect(&h.t, (mg_ipv4_endpoint){{H_LOCAL}, 0},
	                             (mg_ipv4_endpoint){{H_REMOTE}, 443}, &c),
	          0);
	h_pkt *syn = h_last(&h);
	ASSERT_EQ(syn->s.flags, TH_SYN);
	ASSERT_TRUE(syn->s.has_mss && syn->s.has_ws && syn->s.sack_ok &&
	            syn->s.has_ts);
	ASSERT_TRUE(syn->csum_ok);
	ASSERT_CMP(syn->s.sport, >=, 49152);
	ASSERT_EQ(syn->s.dport, 443);
	h_b sa = {.seq = 9000,
	          .ack = syn->s.seq + 1,
	          .flags = TH_SYN | TH_ACK,
	          .mss = 1000,
	          .sport = 443,
	          .dport = syn->s.sport};
	h_inject(&h, &sa);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_ESTABLISHED);
	ASSERT_EQ(h_events(&h, c, MG_TCB_EV_CONNECTED), 1);
	/* The peer sent neither WS, SACK nor TS: all off. */
	ASSERT_EQ(c->fl & (TF_WS | TF_SACK | TF_TS), 0);
	ASSERT_EQ(c->smss, 1000);
	h_pkt *ack = h_last(&h);
	ASSERT_EQ(ack->s.flags, TH_ACK);
	ASSERT_EQ(ack->s.seq, syn->s.seq + 1);
	ASSERT_EQ(ack->s.ack, 9001);
	/* Without timestamps the SYN was timed (Karn: not retransmitted). */
	ASSERT_EQ(h.t.ctr.rtt_samples, 1);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(simultaneous_open_with_syn_ack)
{
	harness h;
	h_init(&h);
	mg_tcb *c;
	ASSERT_EQ(
	    mg_tcpcore_connect(&h.t, (mg_ipv4_endpoint){{H_LOCAL}, H_LPORT},
	                       (mg_ipv4_endpoint){{H_REMOTE}, H_RPORT}, &c),
	    0);
	uint32_t iss = h_last(&h)->s.seq;
	/* Both SYNs cross (RFC 9293 figure 7). */
	h_b syn = {.seq = 300, .flags = TH_SYN, .mss = 1460};
	h_inject(&h, &syn);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_SYN_RECEIVED);
	h_pkt *sa = h_last(&h);
	ASSERT_EQ(sa->s.flags, TH_SYN | TH_ACK);
	ASSERT_EQ(sa->s.seq, iss);
	ASSERT_EQ(sa->s.ack, 301);
	/* The peer's SYN-ACK acknowledges ours. */
	h_b sa2 = {.seq = 300, .ack = iss + 1, .flags = TH_SYN | TH_ACK};
	h_inject(&h, &sa2);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_ESTABLISHED);
	ASSERT_EQ(h_events(&h, c, MG_TCB_EV_CONNECTED), 1);
	ASSERT_EQ(c->rcv_nxt, 301);
	ASSERT_EQ(c->snd_una, iss + 1);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(simultaneous_open_with_plain_ack)
{
	harness h;
	h_init(&h);
	mg_tcb *c;
	ASSERT_EQ(
	    mg_tcpcore_connect(&h.t, (mg_ipv4_endpoint){{H_LOCAL}, H_LPORT},
	                       (mg_ipv4_endpoint){{H_REMOTE}, H_RPORT}, &c),
	    0);
	uint32_t iss = h_last(&h)->s.seq;
	h_b syn = {.seq = 300, .flags = TH_SYN};
	h_inject(&h, &syn);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_SYN_RECEIVED);
	h_b ack = {.seq = 301, .ack = iss + 1, .flags = TH_ACK};
	h_inject(&h, &ack);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_ESTABLISHED);
	ASSERT_EQ(h_events(&h, c, MG_TCB_EV_CONNECTED), 1);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(syn_retransmits_with_backoff_then_times_out)
{
	harness h;
	h_init(&h);
	mg_tcb *c;
	ASSERT_EQ(
	    mg_tcpcore_connect(&h.t, (mg_ipv4_endpoint){{H_LOCAL}, H_LPORT},
	                       (mg_ipv4_endpoint){{H_REMOTE}, H_RPORT}, &c),
	    0);
	ASSERT_EQ(h.nout, 1);
	uint64_t t0 = h.now;
	/* RFC 6298: 1 s initial RTO, doubling (5.5). */
	uint64_t expect_ms[] = {1000, 3000, 7000, 15000, 31000, 63000};
	for (int i = 0; i < 6; i++) {
		h_run(&h, (t0 + expect_ms[i] * MG__NS_PER_MS - h.now) /
		                  MG__NS_PER_MS -
		              1);
		ASSERT_EQ(h.nout, 1 + i);
		h_advance(&h, 1);
		ASSERT_EQ(h.nout, 2 + i);
		ASSERT_EQ(h_last(&h)->s.flags, TH_SYN);
	}
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_SYN_SENT);
	h_run(&h, 64000);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_CLOSED);
	ASSERT_EQ(mg_tcb_error(c), MG_ETIMEDOUT);
	ASSERT_EQ(h_events(&h, c, MG_TCB_EV_CLOSED), 1);
	ASSERT_EQ(h.t.ctr.timeouts, 1);
	mg_tcb_close(c);
	h_end(&h);
}

MGT_TEST(refused_by_rst_acking_the_syn)
{
	harness h;
	h_init(&h);
	mg_tcb *c;
	ASSERT_EQ(
	    mg_tcpcore_connect(&h.t, (mg_ipv4_endpoint){{H_LOCAL}, H_LPORT},
	                       (mg_ipv4_endpoint){{H_REMOTE}, H_RPORT}, &c),
	    0);
	uint32_t iss = h_last(&h)->s.seq;
	/* RFC 5961 3.2: in SYN-SENT a RST without an acceptable ACK is
	 * ignored. */
	h_b rst = {.seq = 0, .flags = TH_RST};
	h_inject(&h, &rst);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_SYN_SENT);
	rst.flags = TH_RST | TH_ACK;
	rst.ack = iss + 7;
	h_inject(&h, &rst);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_SYN_SENT);
	ASSERT_EQ(h.t.ctr.drop_synsent_rst, 1);
	ASSERT_EQ(h.t.ctr.drop_synsent_ack, 1);
	rst.ack = iss + 1;
	h_inject(&h, &rst);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_CLOSED);
	ASSERT_EQ(mg_tcb_error(c), MG_ECONNREFUSED);
	char b[4];
	ASSERT_EQ(mg_tcb_send(c, mg_cbuf_make("x", 1), 0), MG_ECONNREFUSED);
	ASSERT_EQ(mg_tcb_recv(c, mg_buf_make(b, 4)), MG_ECONNREFUSED);
	mg_tcb_close(c);
	h_end(&h);
}

MGT_TEST(synsent_unacceptable_ack_gets_rst)
{
	harness h;
	h_init(&h);
	mg_tcb *c;
	ASSERT_EQ(
	    mg_tcpcore_connect(&h.t, (mg_ipv4_endpoint){{H_LOCAL}, H_LPORT},
	                       (mg_ipv4_endpoint){{H_REMOTE}, H_RPORT}, &c),
	    0);
	uint32_t iss = h_last(&h)->s.seq;
	h_b b = {.seq = 5, .ack = iss, .flags = TH_ACK | TH_SYN};
	h_inject(&h, &b);
	h_pkt *r = h_last(&h);
	ASSERT_EQ(r->s.flags, TH_RST);
	ASSERT_EQ(r->s.seq, iss);
	ASSERT_EQ(mg_tcb_state(c), MG_TCP_SYN_SENT);
	mg_tcb_close(c);
	h_end(&h);
}

MGT_TEST(synack_retransmitted_and_given_up)
{
	harness h;
	h_init(&h);
	ASSERT_EQ(mg_tcpcore_listen(&h.t, (mg_ipv4_endpoint){{0}, 0}.addr,
	                            H_LPORT, 0, NULL, &h.lsn),
	          0);
	h_b syn = {.seq = 100, .flags = TH_SYN};
	h_inject(&h, &syn);
	ASSERT_EQ(h.nout, 1);
	ASSERT_EQ(mg_tcpcore_conn_count(&h.t), 1);
	/* The peer repeats its SYN: the SYN-ACK goes again. */
	h_inject(&h, &syn);
	ASSERT_EQ(h.nout, 2);
	ASSERT_EQ(h.out[1].s.flags, TH_SYN | TH_ACK);
	ASSERT_EQ(h.out[1].s.seq, h.out[0].s.seq);
	ASSERT_EQ(h.t.ctr.drop_dup_syn, 1);
	h_advance(&h, 1000);
	ASSERT_EQ(h.nout, 3);
	ASSERT_EQ(h_last(&h)->s.flags, TH_SYN | TH_ACK);
	h_run(&h, 200000);
	ASSERT_EQ(h.t.ctr.synack_retrans, 6);
	/* Never accepted: freed without a word to the user. */
	ASSERT_EQ(mg_tcpcore_conn_count(&h.t), 0);
	ASSERT_EQ(h.lsn->n_half, 0);
	h_end(&h);
}

MGT_TEST(synrcvd_bad_ack_gets_rst)
{
	harness h;
	h_init(&h);
	ASSERT_EQ(mg_tcpcore_listen(&h.t, (mg_ipv4_addr){0}, H_LPORT, 0, NULL,
	                            &h.lsn),
	          0);
	h_b syn = {.seq = 100, .flags = TH_SYN};
	h_inject(&h, &syn);
	uint32_t iss = h_last(&h)->s.seq;
	h_b ack = {.seq = 101, .ack = iss, .flags = TH_ACK};
	h_inject(&h, &ack);
	h_pkt *r = h_last(&h);
	ASSERT_EQ(r->s.flags, TH_RST);
	ASSERT_EQ(r->s.seq, iss);
	ASSERT_EQ(h.t.ctr.drop_synrcvd_ack, 1);
	/* A RST at RCV.NXT sends the passive open back to LISTEN. */
	h_b rst = {.seq = 101, .flags = TH_RST};
	h_inject(&h, &rst);
	ASSERT_EQ(mg_tcpcore_conn_count(&h.t), 0);
	ASSERT_EQ(h_events(&h, NULL, ~0u), 0);
	h_end(&h);
}

MGT_TEST(closed_port_answers_with_rst)
{
	harness h;
	h_init(&h);
	h_b syn = {.seq = 1000, .flags = TH_SYN, .len = 3, .data = "abc"};
	h_inject(&h, &syn);
	h_pkt *r = h_last(&h);
	/* RFC 9293 3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. */
	ASSERT_EQ(r->s.flags, TH_RST | TH_ACK);
	ASSERT_EQ(r->s.seq, 0);
	ASSERT_EQ(r->s.ack, 1004);
	h_b ack = {.seq = 1, .ack = 4242, .flags = TH_ACK};
	h_inject(&h, &ack);
	r = h_last(&h);
	ASSERT_EQ(r->s.flags, TH_RST);
	ASSERT_EQ(r->s.seq, 4242);
	h_b rst = {.seq = 1, .flags = TH_RST};
	h_inject(&h, &rst);
	ASSERT_EQ(h.nout, 2);
	ASSERT_EQ(h.t.ctr.drop_no_socket, 3);
	ASSERT_EQ(h.t.ctr.drops, 3);
	h_end(&h);
}

MGT_TEST(listener_ignores_or_resets_what_is_not_a_syn)
{
	harness h;
	h_init(&h);
	ASSERT_EQ(mg_tcpcore_listen(&h.t, (mg_ipv4_addr){0}, H_LPORT, 0, NULL,
	                            &h.lsn),
	          0);
	h_b rst = {.seq = 1, .flags = TH_RST};
	h_inject(&h, &rst);
	h_b fin = {.seq = 1, .flags = TH_FIN};
	h_inject(&h, &fin);
	ASSERT_EQ(h.nout, 0);
	h_b ack = {.seq = 1, .ack = 99, .flags = TH_ACK};
	h_inject(&h, &ack);
	ASSERT_EQ(h.nout, 1);
	ASSERT_EQ(h_last(&h)->s.flags, TH_RST);
	ASSERT_EQ(h_last(&h)->s.seq, 99);
	ASSERT_EQ(h.t.ctr.drop_listen_rst, 1);
	ASSERT_EQ(h.t.ctr.drop_listen_flags, 1);
	ASSERT_EQ(h.t.ctr.drop_listen_ack, 1);
	/* A second listener on the same port is refused. */
	mg_tcp_lsn *l2;
	ASSERT_EQ(mg_tcpcore_listen(&h.t, (mg_ipv4_addr){H_LOCAL}, H_LPORT, 0,
	                            NULL, &l2),
	          MG_EADDRINUSE);
	h_end(&h);
}

MGT_TEST(malformed_segments_are_counted_and_dropped)
{
	harness h;
	h_init(&h);
	ASSERT_EQ(mg_tcpcore_listen(&h.t, (mg_ipv4_addr){0}, H_LPORT, 0, NULL,
	                            &h.lsn),
	          0);
	h_b syn = {.seq = 1, .flags = TH_SYN, .bad_csum = true};
	h_inject(&h, &syn);
	uint8_t buf[64];
	syn.bad_csum = false;
	size_t n = h_build(&syn, buf);
	mg_tcpcore_input(&h.t, (mg_ipv4_addr){H_REMOTE},
	                 (mg_ipv4_addr){H_LOCAL}, mg_cbuf_make(buf, 12), 0);
	/* Data offset past the end. */
	buf[12] = 0xf0;
	mg_tcpcore_input(&h.t, (mg_ipv4_addr){H_REMOTE},
	                 (mg_ipv4_addr){H_LOCAL}, mg_cbuf_make(buf, n),
	                 MG_TCP_IN_CSUM_OK);
	/* An option of length 0 (RFC 9293 3.1: must not loop on it). */
	h_b bad = {.seq = 1, .flags = TH_SYN, .mss = 1460};
	n = h_build(&bad, buf);
	buf[21] = 0;
	mg_tcpcore_input(&h.t, (mg_ipv4_addr){H_REMOTE},
	                 (mg_ipv4_addr){H_LOCAL}, mg_cbuf_make(buf, n),
	                 MG_TCP_IN_CSUM_OK);
	/* Broadcast and multicast (RFC 1122 4.2.3.10). */
	syn.dst = 0xffffffffu;
	h_inject(&h, &syn);
	syn.dst = 0xe0000001u;
	h_inject(&h, &syn);
	ASSERT_EQ(h.nout, 0);
	const mg_tcp_counters *k = mg_tcpcore_counters(&h.t);
	ASSERT_EQ(k->drop_checksum, 1);
	ASSERT_EQ(k->drop_short, 2);
	ASSERT_EQ(k->drop_options, 1);
	ASSERT_EQ(k->drop_bad_addr, 2);
	ASSERT_EQ(k->drops, 6);
	ASSERT_EQ(k->segs_in, 6);
	h_end(&h);
}

MGT_TEST(isns_follow_rfc_6528)
{
	harness h;
	h_init(&h);
	mg_tcb *a, *b, *c2;
	mg_ipv4_endpoint src = {{H_LOCAL}, 1111};
	ASSERT_EQ(mg_tcpcore_connect(&h.t, src,
	                             (mg_ipv4_endpoint){{H_REMOTE}, 80}, &a),
	          0);
	uint32_t ia = h_last(&h)->s.seq;
	ASSERT_EQ(mg_tcpcore_connect(&h.t, src,
	                             (mg_ipv4_endpoint){{H_REMOTE}, 81}, &b),
	          0);
	uint32_t ib = h_last(&h)->s.seq;
	/* Another tuple: an unrelated ISN, not the next number. */
	ASSERT_CMP((uint32_t)(ib - ia), >, 1000000);
	/* The same tuple again: none is reusable while it exists. */
	ASSERT_EQ(mg_tcpcore_connect(&h.t, src,
	                             (mg_ipv4_endpoint){{H_REMOTE}, 80}, &c2),
	          MG_EADDRINUSE);
	mg_tcb_abort(a);
	h.now += 4000 * MG__NS_PER_MS; /* 4 s: M moves by 10^6 */
	ASSERT_EQ(mg_tcpcore_connect(&h.t, src,
	                             (mg_ipv4_endpoint){{H_REMOTE}, 80}, &c2),
	          0);
	ASSERT_EQ((uint32_t)(h_last(&h)->s.seq - ia), 1000000);
	mg_tcb_abort(b);
	mg_tcb_abort(c2);
	h_end(&h);
}

MGT_TEST(counter_names_match_fields)
{
	ASSERT_EQ(MG_TCP_COUNTER_COUNT * sizeof(uint64_t),
	          sizeof(mg_tcp_counters));
	ASSERT_STREQ(mg_tcp_counter_name(0), "segs_in");
	ASSERT_TRUE(mg_tcp_counter_name(MG_TCP_COUNTER_COUNT) == NULL);
	mg_tcp_counters k = {0};
	k.drop_paws = 42;
	for (int i = 0; i < MG_TCP_COUNTER_COUNT; i++)
		if (strcmp(mg_tcp_counter_name(i), "drop_paws") == 0)
			ASSERT_EQ(mg_tcp_counter_get(&k, i), 42);
	ASSERT_STREQ(mg_tcp_state_name(MG_TCP_TIME_WAIT), "TIME-WAIT");
	ASSERT_STREQ(mg_tcp_state_name(99), "?");
}
