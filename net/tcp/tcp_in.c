/* TCP input: checks, demultiplexing, and the synchronized states (RFC 9293
 * section 3.10.7.4 with RFC 5961 and RFC 7323). */
#include <string.h>

#include <mg/error.h>

#include "tcp_int.h"

/* RFC 1122 section 4.2.3.10: nothing to or from broadcast, multicast or
 * unspecified addresses. (Subnet broadcasts are the IP layer's to drop.) */
static bool bad_addr(uint32_t a)
{
	return a == 0 || a == 0xffffffffu || (a >> 28) == 0xe;
}

/* RFC 9293 section 3.10.7.4, first check: acceptability, where RCV.WND
 * is the room actually left in the receive buffer (never less than what
 * was advertised). */
static bool acceptable(const mg_tcb *c, const mg__tcp_seg *s, uint32_t wnd)
{
	uint32_t len = mg__seg_seqlen(s);
	uint32_t a = s->seq - c->rcv_nxt;
	if (len == 0)
		return wnd == 0 ? s->seq == c->rcv_nxt : a < wnd;
	if (wnd == 0)
		return false;
	uint32_t b = s->seq + len - 1 - c->rcv_nxt;
	return a < wnd || b < wnd;
}

/* A TIME-WAIT connection reused by a new SYN (RFC 9293 section 3.6.1
 * "MAY", with RFC 6191 section 2: a newer timestamp, or without
 * timestamps a sequence number above the old connection's). */
static bool timewait_reuse(mg_tcb *c, mg__tcp_seg *s)
{
	mg_tcpcore *t = c->t;
	if ((s->flags & (TH_SYN | TH_ACK | TH_RST)) != TH_SYN)
		return false;
	bool newer = (c->fl & TF_TS) && s->has_ts
	                 ? SEQ_GT(s->tsval, c->ts_recent)
	                 : SEQ_GT(s->seq, c->rcv_nxt);
	mg_tcp_lsn *l = mg__tcp_lsn_lookup(t, s->dst, s->dport);
	if (!newer || !l)
		return false;
	t->ctr.timewait_reused++;
	mg__tcb_closed(c);
	mg__tcp_listen_input(l, s);
	return true;
}

/* RFC 9293 section 3.10.7.4, second check, with RFC 5961 section 3.2. */
static void rst_input(mg_tcb *c, const mg__tcp_seg *s)
{
	mg_tcpcore *t = c->t;
	if (s->seq != c->rcv_nxt) {
		MG__DROP(t, drop_rst_challenged);
		mg__tcp_challenge_ack(c);
		return;
	}
	switch (c->state) {
	case MG_TCP_SYN_RECEIVED:
		t->ctr.resets_in++;
		/* A passive open goes back to LISTEN: nothing to keep. */
		mg__tcb_drop(c, (c->fl & TF_PASSIVE) ? MG_ECONNRESET
		                                     : MG_ECONNREFUSED);
		break;
	case MG_TCP_TIME_WAIT:
		/* RFC 1337 section 3: no TIME-WAIT assassination. */
		MG__DROP(t, drop_timewait);
		break;
	case MG_TCP_CLOSING:
	case MG_TCP_LAST_ACK:
		t->ctr.resets_in++;
		mg__tcb_drop(c, 0);
		break;
	default:
		t->ctr.resets_in++;
		mg__tcb_drop(c, MG_ECONNRESET);
		break;
	}
}

/* TS.Recent (RFC 7323 section 4.3), and the receiver's RTT estimate for
 * buffer growth from the echo of our own clock. */
static void ts_update(mg_tcb *c, const mg__tcp_seg *s)
{
	if (!(c->fl & TF_TS) || !s->has_ts)
		return;
	if (SEQ_GEQ(s->tsval, c->ts_recent) &&
	    SEQ_LEQ(s->seq, c->last_ack_sent)) {
		c->ts_recent = s->tsval;
		c->ts_recent_age = c->t->now;
	}
	if (s->len && s->tsecr) {
		uint32_t ms = mg__tcp_tsval(c) - s->tsecr;
		if (ms < 60000) {
			uint32_t us = ms * 1000 + 500;
			c->rcv_rtt_us =
			    c->rcv_rtt_us
			        ? c->rcv_rtt_us - c->rcv_rtt_us / 8 + us / 8
			        : us;
		}
	}
}

/* The fifth step: the ACK field. Returns false when the segment is
 * dropped (or the connection gone). */
static bool ack_input(mg_tcb *c, mg__tcp_seg *s)
{
	mg_tcpcore *t = c->t;
	/* RFC 5961 section 5.2 (and RFC 9293: an ACK of data not yet
	 * sent is answered with an ACK and dropped). */
	if (SEQ_GT(s->ack, c->snd_max)) {
		MG__DROP(t, drop_ack_too_new);
		c->fl |= TF_ACK_NOW;
		return false;
	}
	uint32_t mw = c->max_snd_wnd > MG__TCP_MAX_WINDOW ? c->max_snd_wnd
	                                                  : MG__TCP_MAX_WINDOW;
	if (SEQ_LT(s->ack, c->snd_una - mw)) {
		MG__DROP(t, drop_ack_too_old);
		c->fl |= TF_ACK_NOW;
		return false;
	}
	if (c->state == MG_TCP_SYN_RECEIVED) {
		if (!SEQ_GT(s->ack, c->snd_una)) {
			MG__DROP(t, drop_synrcvd_ack);
			mg__tcp_reply_rst(t, s);
			return false;
		}
		/* The handshake's round trip is a first sample: from the
		 * echo of our SYN-ACK's timestamp, or timed if it was not
		 * retransmitted (Karn). */
		if ((c->fl & TF_TS) && s->has_ts && s->tsecr)
			mg__tcp_rtt_sample(
			    c, (mg__tcp_tsval(c) - s->tsecr) * 1000 + 500);
		else if (!(c->fl & TF_TS) && !c->backoff)
			mg__tcp_rtt_sample(
			    c, (uint32_t)((t->now - c->rtt_start) / 1000));
		mg__tcb_established(c);
		if (c->state == MG_TCP_CLOSED)
			return false;
		/* The SYN is acknowledged; it opens no congestion window. */
		c->snd_una = c->iss + 1;
		if (SEQ_LT(c->snd_nxt, c->snd_una))
			c->snd_nxt = c->snd_una;
	}
	uint32_t acked = 0;
	bool fin_acked = false;
	if (SEQ_GT(s->ack, c->snd_una)) {
		acked = s->ack - c->snd_una;
		if (SEQ_GT(s->ack, c->tx_seq)) {
			uint32_t n = s->ack - c->tx_seq;
			if (n > c->tx.len)
				n = c->tx.len;
			c->tx.head += n;
			c->tx.len -= n;
			c->tx_seq += n;
			if (n)
				mg__tcb_event(c, MG_TCB_EV_WRITABLE);
		}
		fin_acked = (c->fl & TF_SHUT_WR) && c->tx.len == 0 &&
		            s->ack == c->tx_seq + 1;
		c->snd_una = s->ack;
		if (SEQ_LT(c->snd_nxt, c->snd_una))
			c->snd_nxt = c->snd_una;
		if (c->fl & (TF_USER | TF_ACCEPTQ))
			c->persist_n = 0;
	}
	/* Window update (RFC 9293 section 3.10.7.4, fifth step): only from
	 * a segment newer than the last one that set it. */
	bool wchanged = false;
	if (SEQ_LT(c->snd_wl1, s->seq) ||
	    (c->snd_wl1 == s->seq && SEQ_LEQ(c->snd_wl2, s->ack))) {
		uint32_t w = (uint32_t)s->wnd
		             << ((c->fl & TF_WS) ? c->snd_ws : 0);
		wchanged = w != c->snd_wnd;
		c->snd_wnd = w;
		c->snd_wl1 = s->seq;
		c->snd_wl2 = s->ack;
		if (w > c->max_snd_wnd)
			c->max_snd_wnd = w;
	}
	/* RFC 5681 section 2: the definition of a duplicate ACK; with SACK
	 * any ACK that SACKs more counts (RFC 6675 section 2), data or a
	 * window change on it notwithstanding: in a two-way transfer the
	 * peer's ACKs carry data. A zero window's answers to our probes
	 * are not duplicates: nothing was lost. */
	uint32_t newly = 0;
	if ((c->fl & TF_SACK) && s->nsack)
		newly = mg__tcp_sack_update(c, s);
	bool dup = !acked && s->ack == c->snd_una && c->snd_max != c->snd_una &&
	           c->snd_wnd && !(c->fl & TF_PERSIST) &&
	           (newly ||
	            (!s->len && !(s->flags & (TH_SYN | TH_FIN)) && !wchanged));
	mg__tcp_ack_received(c, s, acked, dup);
	if ((c->fl & TF_PERSIST) && c->snd_wnd) {
		mg__tcp_rexmt_stop(c);
		c->persist_n = 0;
		if (c->snd_una != c->snd_max)
			mg__tcp_rexmt_arm(c);
	}
	if (!fin_acked)
		return true;
	switch (c->state) {
	case MG_TCP_FIN_WAIT_1:
		mg__tcb_set_state(c, MG_TCP_FIN_WAIT_2);
		/* Not in RFC 9293: a connection closed locally does not
		 * wait forever for the peer's FIN (as BSD and Linux). */
		if (!(c->fl & TF_USER)) {
			c->t_2msl = t->now + mg__ms(t->cfg.fin_wait_2_ms);
			mg__tcp_timer_update(c);
		}
		break;
	case MG_TCP_CLOSING:
		mg__tcp_timewait(c);
		break;
	case MG_TCP_LAST_ACK:
		mg__tcb_drop(c, 0);
		return false;
	default:
		break;
	}
	return true;
}

void mg__tcp_sync_input(mg_tcb *c, mg__tcp_seg *s)
{
	mg_tcpcore *t = c->t;
	if (c->state == MG_TCP_TIME_WAIT && timewait_reuse(c, s))
		return;
	if (c->state == MG_TCP_SYN_RECEIVED && (s->flags & TH_SYN) &&
	    s->seq == c->irs) {
		if (!(s->flags & TH_ACK)) {
			/* The peer did not get our SYN-ACK: send it again. */
			MG__DROP(t, drop_dup_syn);
			mg__tcp_send_syn(c);
			return;
		}
		/* Simultaneous open: the peer's SYN-ACK acknowledges ours;
		 * its SYN is old news. */
		s->seq++;
		s->flags &= (uint8_t)~TH_SYN;
	}
	/* PAWS (RFC 7323 section 5.3), before anything else; a timestamp
	 * older than 24 days is no longer trusted (section 5.5). */
	if ((c->fl & TF_TS) && s->has_ts && !(s->flags & TH_RST) &&
	    SEQ_LT(s->tsval, c->ts_recent) &&
	    t->now - c->ts_recent_age < 24ull * 86400 * 1000 * MG__NS_PER_MS) {
		MG__DROP(t, drop_paws);
		c->fl |= TF_ACK_NOW;
		return;
	}
	uint32_t wnd = mg__tcp_rcv_space(c);
	if (!acceptable(c, s, wnd)) {
		if (s->flags & TH_RST) {
			MG__DROP(t, drop_rst_out_of_window);
			return;
		}
		/* RFC 9293: a zero window still takes ACKs (and RSTs) at
		 * RCV.NXT, such as the answer to our probes. */
		bool zw = wnd == 0 && s->seq == c->rcv_nxt;
		if (!zw && !(s->flags & TH_SYN)) {
			c->fl |= TF_ACK_NOW;
			/* Old data again: a D-SACK says so (RFC 2883). */
			if (s->len && SEQ_LT(s->seq, c->rcv_nxt))
				mg__tcp_dsack(
				    c, s->seq,
				    SEQ_MIN(s->seq + s->len, c->rcv_nxt));
			if (c->state != MG_TCP_TIME_WAIT) {
				MG__DROP(t, drop_out_of_window);
				return;
			}
			/* The peer's FIN again: ACK it and restart the wait
			 * (RFC 9293 section 3.10.7.4, eighth step). */
			MG__DROP(t, drop_timewait);
			if (s->flags & TH_FIN)
				mg__tcp_timewait(c);
			return;
		}
		if (zw) {
			/* Its text is not taken; the ACK says so. */
			s->len = 0;
			s->flags &= (uint8_t)~TH_FIN;
			c->fl |= TF_ACK_NOW;
		}
	}
	if (s->flags & TH_RST) {
		rst_input(c, s);
		return;
	}
	/* RFC 5961 section 4.2: a SYN, whatever its sequence number. */
	if (s->flags & TH_SYN) {
		MG__DROP(t, drop_syn_challenged);
		mg__tcp_challenge_ack(c);
		return;
	}
	if (!(s->flags & TH_ACK)) {
		MG__DROP(t, drop_no_ack);
		return;
	}
	ts_update(c, s);
	/* Trim what was already received; only the new part is processed
	 * (RFC 9293 section 3.10.7.4, first check). */
	if (SEQ_LT(s->seq, c->rcv_nxt)) {
		uint32_t d = c->rcv_nxt - s->seq;
		/* Data already here means our ACK was lost: repeat it. */
		c->fl |= TF_ACK_NOW;
		if (s->len)
			mg__tcp_dsack(c, s->seq,
			              s->seq + (d < s->len ? d : s->len));
		if (d <= s->len) {
			s->data += d;
			s->len -= d;
			s->seq = c->rcv_nxt;
		} else {
			/* Only a FIN right below RCV.NXT, the one already
			 * taken, is kept: rcv_data acknowledges it again. */
			bool refin = (s->flags & TH_FIN) && d == s->len + 1 &&
			             (c->fl & TF_RCV_FIN);
			s->len = 0;
			if (!refin)
				s->flags &= (uint8_t)~TH_FIN;
			s->seq = c->rcv_nxt - (refin ? 1 : 0);
		}
	}
	if (SEQ_GEQ(s->seq, c->rcv_nxt)) {
		uint32_t off = s->seq - c->rcv_nxt;
		uint32_t room = off < wnd ? wnd - off : 0;
		if (s->len > room) {
			s->len = room;
			s->flags &= (uint8_t)~TH_FIN;
		}
	}
	c->last_rcv = t->now;
	c->probes = 0;
	if (!ack_input(c, s))
		return;
	if (c->state == MG_TCP_CLOSED)
		return;
	if (s->len || (s->flags & TH_FIN))
		mg__tcp_rcv_data(c, s);
	if (c->state != MG_TCP_CLOSED)
		mg__tcp_output(c);
}

void mg_tcpcore_input(mg_tcpcore *t, mg_ipv4_addr src, mg_ipv4_addr dst,
                      mg_cbuf seg, unsigned flags)
{
	t->now = t->cfg.now_ns(t->cfg.ctx);
	t->ctr.segs_in++;
	if (bad_addr(src.v) || bad_addr(dst.v)) {
		MG__DROP(t, drop_bad_addr);
		return;
	}
	if (seg.len < MG__TCP_HDR_LEN || seg.len > 65535) {
		MG__DROP(t, drop_short);
		return;
	}
	if (!(flags & MG_TCP_IN_CSUM_OK) &&
	    mg__tcp_csum(src.v, dst.v, seg.p, seg.len, NULL) != 0) {
		MG__DROP(t, drop_checksum);
		return;
	}
	mg__tcp_seg s;
	int rc = mg__tcp_parse(&s, src.v, dst.v, seg.p, seg.len);
	if (rc == MG_ERANGE) {
		MG__DROP(t, drop_short);
		return;
	}
	if (rc < 0) {
		MG__DROP(t, drop_options);
		return;
	}
	mg_tcb *c = mg__tcb_lookup(t, s.dst, s.dport, s.src, s.sport);
	if (c) {
		if (c->state == MG_TCP_SYN_SENT)
			mg__tcp_synsent_input(c, &s);
		else
			mg__tcp_sync_input(c, &s);
		/* (c) is freed only by the reap below, so it is valid. */
		mg__tcp_flush(c);
	} else {
		mg_tcp_lsn *l =
		    s.dport ? mg__tcp_lsn_lookup(t, s.dst, s.dport) : NULL;
		if (l) {
			mg__tcp_listen_input(l, &s);
		} else {
			MG__DROP(t, drop_no_socket);
			mg__tcp_reply_rst(t, &s);
		}
	}
	mg__tcb_reap(t);
}
