/* TCP output: what to send now (windows, Nagle, recovery), and building
 * segments with their options and checksum. */
#include <string.h>

#include "tcp_int.h"

/*
 * Big-endian stores as one byte swap and one store: written byte by byte,
 * gcc assembles the header in a register with a mask and an or per byte,
 * some 70 instructions a segment where the guest's are emulated.
 */
static void put16(uint8_t *p, uint16_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap16(v);
#endif
	memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	memcpy(p, &v, 4);
}

void mg__tcp_send_raw(mg_tcpcore *t, uint32_t laddr, uint16_t lport,
                      uint32_t raddr, uint16_t rport, uint32_t seq,
                      uint32_t ack, uint8_t flags, uint16_t wnd,
                      const uint8_t *opt, size_t optlen, const mg_cbuf data[2],
                      uint16_t gso)
{
	uint8_t h[MG__TCP_HDR_LEN + MG__TCP_OPT_MAX];
	size_t hl = MG__TCP_HDR_LEN + optlen;
	put16(h, lport);
	put16(h + 2, rport);
	put32(h + 4, seq);
	put32(h + 8, (flags & TH_ACK) ? ack : 0);
	h[12] = (uint8_t)((hl / 4) << 4);
	h[13] = flags;
	put16(h + 14, wnd);
	put16(h + 16, 0);
	put16(h + 18, 0);
	if (optlen)
		memcpy(h + MG__TCP_HDR_LEN, opt, optlen);
	mg_tcp_segout so = {
	    .src = {laddr},
	    .dst = {raddr},
	    .hdr = h,
	    .hdr_len = hl,
	    .gso_size = gso,
	};
	if (t->cfg.flags & MG_TCPCORE_CSUM_OFFLOAD) {
		size_t total = hl;
		for (int i = 0; data && i < 2; i++)
			total += data[i].len;
		uint64_t ps = mg_ipv4_pseudo_sum((mg_ipv4_addr){laddr},
		                                 (mg_ipv4_addr){raddr}, 6,
		                                 (uint16_t)total);
		put16(h + 16, (uint16_t)~mg_inet_finish(ps));
		so.csum_partial = true;
	} else {
		put16(h + 16, mg__tcp_csum(laddr, raddr, h, hl, data));
	}
	if (data) {
		so.data[0] = data[0];
		so.data[1] = data[1];
	}
	t->ctr.segs_out++;
	if (flags & TH_RST)
		t->ctr.resets_out++;
	t->cfg.output(t->cfg.ctx, &so);
}

void mg__tcp_send_rst(mg_tcpcore *t, uint32_t laddr, uint16_t lport,
                      uint32_t raddr, uint16_t rport, uint32_t seq,
                      uint32_t ack, bool with_ack)
{
	mg__tcp_send_raw(t, laddr, lport, raddr, rport, seq, ack,
	                 (uint8_t)(TH_RST | (with_ack ? TH_ACK : 0)), 0, NULL,
	                 0, NULL, 0);
}

/* RFC 9293 section 3.10.7.1: the reset for a segment nobody owns. */
void mg__tcp_reply_rst(mg_tcpcore *t, const mg__tcp_seg *s)
{
	if (s->flags & TH_RST)
		return;
	if (s->flags & TH_ACK)
		mg__tcp_send_rst(t, s->dst, s->dport, s->src, s->sport, s->ack,
		                 0, false);
	else
		mg__tcp_send_rst(t, s->dst, s->dport, s->src, s->sport, 0,
		                 s->seq + mg__seg_seqlen(s), true);
}

uint32_t mg__tcp_tsval(const mg_tcb *c)
{
	return mg__tcp_now_ms(c->t) + c->ts_offset;
}

static size_t put_ts(const mg_tcb *c, uint8_t *o, uint32_t tsval)
{
	o[0] = 1;
	o[1] = 1;
	o[2] = 8;
	o[3] = 10;
	put32(o + 4, tsval);
	put32(o + 8, c->ts_recent);
	return 12;
}

/*
 * Options of a segment from (c). On a SYN: what this end offers (or, on
 * a SYN-ACK, what the peer offered and this end accepts, RFC 7323
 * sections 2.2 and 3.2, RFC 2018 section 2). Otherwise: timestamps when
 * agreed, and SACK blocks (RFC 2018 section 4) while data waits out of
 * order, as many as fit in 40 bytes.
 */
size_t mg__tcp_build_opts(mg_tcb *c, uint8_t flags, uint8_t *o)
{
	size_t n = 0;
	if (flags & TH_SYN) {
		o[n++] = 2;
		o[n++] = 4;
		put16(o + n, c->t->cfg.mss);
		n += 2;
		if (c->fl & TF_WS) {
			o[n++] = 1;
			o[n++] = 3;
			o[n++] = 3;
			o[n++] = c->rcv_ws;
		}
		if ((c->fl & TF_SACK) && (c->fl & TF_TS)) {
			o[n++] = 4;
			o[n++] = 2;
			o[n++] = 8;
			o[n++] = 10;
			put32(o + n, mg__tcp_tsval(c));
			put32(o + n + 4, c->ts_recent);
			n += 8;
		} else if (c->fl & TF_TS) {
			n += put_ts(c, o + n, mg__tcp_tsval(c));
		} else if (c->fl & TF_SACK) {
			o[n++] = 1;
			o[n++] = 1;
			o[n++] = 4;
			o[n++] = 2;
		}
		return n;
	}
	if (c->fl & TF_TS)
		n += put_ts(c, o + n, mg__tcp_tsval(c));
	if ((c->fl & TF_SACK) && (c->nooo || (c->fl & TF_DSACK))) {
		uint32_t blk[4][2];
		int max = (int)((MG__TCP_OPT_MAX - n - 4) / 8);
		if (max > 4)
			max = 4;
		int nb = 0;
		/* RFC 2883 section 4: a D-SACK block goes first, once. */
		if (c->fl & TF_DSACK) {
			blk[0][0] = c->dsack[0];
			blk[0][1] = c->dsack[1];
			nb = 1;
			c->fl &= ~(uint32_t)TF_DSACK;
		}
		nb += mg__tcp_sack_blocks(c, blk + nb, max - nb);
		if (nb > 0) {
			o[n++] = 1;
			o[n++] = 1;
			o[n++] = 5;
			o[n++] = (uint8_t)(2 + 8 * nb);
			for (int i = 0; i < nb; i++) {
				put32(o + n, blk[i][0]);
				put32(o + n + 4, blk[i][1]);
				n += 8;
			}
		}
	}
	return n;
}

/* Bookkeeping shared by every segment carrying an ACK of ours. */
static void ack_sent(mg_tcb *c, uint16_t wnd_field)
{
	c->fl &= ~(uint32_t)(TF_ACK_NOW | TF_WND_UPDATE);
	c->segs_unacked = 0;
	c->last_ack_sent = c->rcv_nxt;
	uint32_t edge = c->rcv_nxt + ((uint32_t)wnd_field
	                              << ((c->fl & TF_WS) ? c->rcv_ws : 0));
	if (SEQ_GT(edge, c->rcv_adv))
		c->rcv_adv = edge;
	if (c->t_delack != MG__NEVER) {
		c->t_delack = MG__NEVER;
		mg__tcp_timer_update(c);
	}
}

void mg__tcp_send_syn(mg_tcb *c)
{
	uint8_t o[MG__TCP_OPT_MAX];
	uint8_t flags = TH_SYN;
	if (c->state == MG_TCP_SYN_RECEIVED)
		flags |= TH_ACK;
	size_t on = mg__tcp_build_opts(c, flags, o);
	/* RFC 7323 section 2.2: the window of a SYN is never scaled. */
	uint32_t w = mg__tcp_rcv_space(c);
	uint16_t wnd =
	    (uint16_t)(w > MG__TCP_MAX_WINDOW ? MG__TCP_MAX_WINDOW : w);
	mg__tcp_send_raw(c->t, c->laddr, c->lport, c->raddr, c->rport, c->iss,
	                 c->rcv_nxt, flags, wnd, o, on, NULL, 0);
	if (flags & TH_ACK) {
		c->last_ack_sent = c->rcv_nxt;
		c->rcv_adv = c->rcv_nxt + wnd;
	}
	if (SEQ_LEQ(c->snd_nxt, c->iss))
		c->snd_nxt = c->iss + 1;
	if (SEQ_LT(c->snd_max, c->snd_nxt))
		c->snd_max = c->snd_nxt;
	c->last_snd = c->t->now;
}

/*
 * Send what lies at (seq) in the send buffer, at most (len) bytes and a
 * full segment, with the FIN when it reaches the end of the stream after
 * a shutdown. Returns the sequence space used (0: nothing to send).
 */
uint32_t mg__tcp_send_seg(mg_tcb *c, uint32_t seq, uint32_t len, bool rexmt)
{
	mg_tcpcore *t = c->t;
	uint8_t o[MG__TCP_OPT_MAX];
	size_t on = mg__tcp_build_opts(c, TH_ACK, o);
	uint32_t room = c->peer_mss < t->cfg.mss ? c->peer_mss : t->cfg.mss;
	room = room > on + 8 ? room - (uint32_t)on : 8;
	/* With segmentation offload, as many whole segments as fit. */
	uint32_t most = room;
	if (t->cfg.tso_max > room)
		most = t->cfg.tso_max - t->cfg.tso_max % room;
	uint32_t off = seq - c->tx_seq;
	uint32_t have = off < c->tx.len ? c->tx.len - off : 0;
	if (len > have)
		len = have;
	if (len > most)
		len = most;
	uint8_t flags = TH_ACK;
	uint32_t fin_seq = c->tx_seq + c->tx.len;
	if ((c->fl & TF_SHUT_WR) && seq + len == fin_seq)
		flags |= TH_FIN;
	if (!len && !(flags & TH_FIN))
		return 0;
	if (len && off + len == c->tx.len)
		flags |= TH_PSH;
	mg_cbuf parts[2];
	mg__ring_views(&c->tx, off, len, parts);
	uint16_t wnd = mg__tcp_rcv_wnd_field(c);
	mg__tcp_send_raw(t, c->laddr, c->lport, c->raddr, c->rport, seq,
	                 c->rcv_nxt, flags, wnd, o, on, parts,
	                 (uint16_t)(len > room ? room : 0));
	ack_sent(c, wnd);
	if (len) {
		t->ctr.data_segs_out++;
		t->ctr.bytes_out += len;
	}
	if (rexmt)
		t->ctr.retrans_segs++;
	c->last_snd = t->now;
	return len + !!(flags & TH_FIN);
}

void mg__tcp_send_ack(mg_tcb *c)
{
	uint8_t o[MG__TCP_OPT_MAX];
	size_t on = mg__tcp_build_opts(c, TH_ACK, o);
	uint16_t wnd = mg__tcp_rcv_wnd_field(c);
	/* An ACK carries SND.NXT (RFC 9293 section 3.10.7.4). */
	mg__tcp_send_raw(c->t, c->laddr, c->lport, c->raddr, c->rport,
	                 c->snd_nxt, c->rcv_nxt, TH_ACK, wnd, o, on, NULL, 0);
	ack_sent(c, wnd);
}

/* RFC 5961 section 7: challenge ACKs are limited per second, engine-wide,
 * so they cannot be used to amplify or to probe. */
bool mg__tcp_challenge_ack(mg_tcb *c)
{
	mg_tcpcore *t = c->t;
	if (t->now - t->chack_window >= 1000 * MG__NS_PER_MS) {
		t->chack_window = t->now;
		t->chack_count = 0;
	}
	if (t->chack_count >= t->cfg.challenge_ack_limit) {
		MG__DROP(t, drop_challenge_limit);
		return false;
	}
	t->chack_count++;
	t->ctr.challenge_acks++;
	mg__tcp_send_ack(c);
	return true;
}

uint32_t mg__tcp_burst_max(const mg_tcb *c)
{
	uint32_t tso = c->t->cfg.tso_max;
	return tso > c->smss ? tso - tso % c->smss : c->smss;
}

/* RFC 6928: the initial window. */
static uint32_t initial_window(const mg_tcb *c)
{
	uint32_t iw = 4 * c->smss > 14600 ? 4 * c->smss : 14600;
	return iw < 10 * c->smss ? iw : 10u * c->smss;
}

void mg__tcp_output(mg_tcb *c)
{
	mg_tcpcore *t = c->t;
	switch (c->state) {
	case MG_TCP_ESTABLISHED:
	case MG_TCP_CLOSE_WAIT:
	case MG_TCP_FIN_WAIT_1:
	case MG_TCP_FIN_WAIT_2:
	case MG_TCP_CLOSING:
	case MG_TCP_LAST_ACK:
		break;
	case MG_TCP_TIME_WAIT:
		if (c->fl & TF_ACK_NOW)
			mg__tcp_send_ack(c);
		return;
	default:
		return;
	}
	/* RFC 5681 section 4.1: after an idle period longer than the RTO,
	 * restart from at most the initial window. */
	if (c->snd_una == c->snd_max &&
	    t->now - c->last_snd > mg__ms(mg__tcp_rto_cur(c))) {
		uint32_t iw = initial_window(c);
		if (c->cwnd > iw)
			c->cwnd = iw;
	}
	uint32_t fin_seq = c->tx_seq + c->tx.len;
	bool armed = false;
	for (int guard = 0; guard < 1 << 16; guard++) {
		uint32_t allow = mg__tcp_send_allowance(c);
		/* RFC 6675 section 5, NextSeg: holes first. */
		if ((c->fl & TF_RECOVERY) && (c->fl & TF_SACK)) {
			uint32_t hseq, hlen;
			if (allow >= c->smss &&
			    mg__tcp_next_hole(c, &hseq, &hlen)) {
				uint32_t n =
				    mg__tcp_send_seg(c, hseq, hlen, true);
				if (!n)
					break;
				t->ctr.sack_retrans++;
				c->rexmit_high = hseq + n;
				continue;
			}
		}
		uint32_t avail =
		    SEQ_LT(c->snd_nxt, fin_seq) ? fin_seq - c->snd_nxt : 0;
		bool fin_pending =
		    (c->fl & TF_SHUT_WR) && SEQ_LEQ(c->snd_nxt, fin_seq);
		if (SEQ_LT(c->snd_nxt, c->snd_max) && c->nsack &&
		    SEQ_GT(c->snd_nxt, c->snd_una)) {
			/* Going back after a timeout: skip what was SACKed
			 * (but never SND.UNA: a peer may renege, RFC 2018 8).
			 */
			uint32_t to = mg__tcp_skip_sacked(c, c->snd_nxt);
			if (to != c->snd_nxt) {
				c->snd_nxt = SEQ_MIN(to, c->snd_max);
				continue;
			}
		}
		uint32_t edge = c->snd_una + c->snd_wnd;
		uint32_t wnd = SEQ_GT(edge, c->snd_nxt) ? edge - c->snd_nxt : 0;
		uint32_t usable = wnd < allow ? wnd : allow;
		uint32_t len = avail < usable ? avail : usable;
		if ((c->fl & TF_RECOVERY) && (c->fl & TF_SACK) &&
		    allow >= c->smss && (!avail || !wnd)) {
			uint32_t rseq, rlen;
			if (mg__tcp_rescue(c, &rseq, &rlen)) {
				if (mg__tcp_send_seg(c, rseq, rlen, true))
					t->ctr.sack_retrans++;
				continue;
			}
		}
		uint32_t most = mg__tcp_burst_max(c);
		if (len > most)
			len = most;
		bool resend = SEQ_LT(c->snd_nxt, c->snd_max);
		bool go = false;
		if (len >= c->smss || (len && resend))
			go = true;
		/* Nagle (RFC 9293 section 3.7.4): a short segment only when
		 * nothing is unacknowledged, or Nagle is off. */
		else if (len && len == avail && !(c->fl & TF_CORK) &&
		         ((c->fl & TF_NODELAY) || c->snd_nxt == c->snd_una ||
		          fin_pending))
			go = true;
		/* Sender SWS avoidance (RFC 9293 section 3.8.6.2.1). */
		else if (len && len >= c->max_snd_wnd / 2)
			go = true;
		/* A FIN takes no window space worth waiting for. */
		else if (!avail && fin_pending)
			go = true;
		if (!go)
			break;
		uint32_t n = mg__tcp_send_seg(c, c->snd_nxt, len, resend);
		if (!n)
			break;
		/* Karn (RFC 6298 section 3): time only new data, one segment
		 * at a time; timestamps make this unnecessary. */
		if (!(c->fl & TF_TS) && !(c->fl & TF_RTT_TIMING) && !resend) {
			c->fl |= TF_RTT_TIMING;
			c->rtt_seq = c->snd_nxt + n;
			c->rtt_start = t->now;
		}
		c->snd_nxt += n;
		if (SEQ_GT(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		if (c->t_rexmt == MG__NEVER || (c->fl & TF_PERSIST)) {
			mg__tcp_rexmt_arm(c);
			armed = true;
		}
		if (c->snd_nxt == fin_seq + 1)
			break;
	}
	/* Armed on the first segment of a burst: again on the whole of it,
	 * which may allow a tail loss probe (RFC 8985 7.2). */
	if (armed)
		mg__tcp_rexmt_arm(c);
	if (c->fl & TF_ACK_NOW)
		mg__tcp_send_ack(c);
	/* Data waits with nothing in flight: only the peer's window can
	 * hold it back (zero, or too small to be worth a segment); the
	 * persist timer probes it (RFC 9293 section 3.8.6.1) or overrides
	 * the sender's SWS avoidance (section 3.8.6.2.1). */
	if (c->t_rexmt == MG__NEVER && c->snd_una == c->snd_max &&
	    SEQ_LT(c->snd_nxt, fin_seq))
		mg__tcp_persist_arm(c);
}

/* After an input or a user call: send the ACK it asked for, if output
 * did not carry it. */
void mg__tcp_flush(mg_tcb *c)
{
	if (c->state == MG_TCP_CLOSED)
		return;
	if (c->fl & (TF_ACK_NOW | TF_WND_UPDATE))
		mg__tcp_output(c);
	if (c->fl & TF_ACK_NOW)
		mg__tcp_send_ack(c);
}
