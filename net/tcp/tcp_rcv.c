/* TCP receive side: data in order and out of order, the FIN, the window
 * to advertise, SACK blocks, delayed ACKs and receive buffer growth. */
#include <string.h>

#include <mg/error.h>

#include "tcp_int.h"

uint32_t mg__tcp_rcv_space(const mg_tcb *c)
{
	if (!c->rx.buf)
		return c->t->cfg.buf_init;
	return c->rx.cap - c->rx.len;
}

/*
 * The window field for the next segment. Receiver SWS avoidance (RFC 9293
 * section 3.8.6.2.2): the right edge moves only by min(buffer / 2, MSS)
 * or more, and never back (RFC 7323 section 2.4 allows the rounding of
 * the scaled field to fall short of it).
 */
uint16_t mg__tcp_rcv_wnd_field(mg_tcb *c)
{
	uint32_t space = mg__tcp_rcv_space(c);
	uint32_t edge = c->rcv_nxt + space;
	uint32_t cap = c->rx.buf ? c->rx.cap : c->t->cfg.buf_init;
	uint32_t thresh = cap / 2 < c->t->cfg.mss ? cap / 2 : c->t->cfg.mss;
	uint32_t wnd;
	if (SEQ_GT(edge, c->rcv_adv) && edge - c->rcv_adv >= thresh)
		wnd = space;
	else
		wnd = SEQ_GT(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt
		                                     : 0;
	if (wnd > space)
		wnd = space;
	if (c->fl & TF_WS)
		wnd >>= c->rcv_ws;
	return (uint16_t)(wnd > MG__TCP_MAX_WINDOW ? MG__TCP_MAX_WINDOW : wnd);
}

/* RFC 2018 section 4: the block holding the latest segment first, then
 * the others by recency. */
int mg__tcp_sack_blocks(const mg_tcb *c, uint32_t out[][2], int max)
{
	bool used[MG__TCP_OOO_MAX] = {false};
	int n = 0;
	while (n < max && n < c->nooo) {
		int best = -1;
		for (int i = 0; i < c->nooo; i++)
			if (!used[i] &&
			    (best < 0 ||
			     SEQ_GT(c->ooo[i].stamp, c->ooo[best].stamp)))
				best = i;
		used[best] = true;
		out[n][0] = c->ooo[best].start;
		out[n][1] = c->ooo[best].end;
		n++;
	}
	return n;
}

/* RFC 2883: remember a duplicate to report as the first SACK block of the
 * next ACK, so that the sender learns its retransmission was spurious. */
void mg__tcp_dsack(mg_tcb *c, uint32_t start, uint32_t end)
{
	if (!(c->fl & TF_SACK) || !SEQ_LT(start, end))
		return;
	c->dsack[0] = start;
	c->dsack[1] = end;
	c->fl |= TF_DSACK | TF_ACK_NOW;
}

/* The peer's FIN, in order: RFC 9293 section 3.10.7.4, eighth step. */
static void rcv_fin(mg_tcb *c)
{
	c->fl &= ~(uint32_t)TF_OOO_FIN;
	c->fl |= TF_RCV_FIN | TF_ACK_NOW;
	c->rcv_nxt++;
	/* Nothing lies beyond the FIN: what a broken peer put there goes. */
	c->nooo = 0;
	switch (c->state) {
	case MG_TCP_SYN_RECEIVED:
	case MG_TCP_ESTABLISHED:
		mg__tcb_set_state(c, MG_TCP_CLOSE_WAIT);
		break;
	case MG_TCP_FIN_WAIT_1:
		/* Our FIN not yet acknowledged: simultaneous close. */
		mg__tcb_set_state(c, MG_TCP_CLOSING);
		break;
	case MG_TCP_FIN_WAIT_2:
		mg__tcp_timewait(c);
		break;
	default:
		break;
	}
	mg__tcb_event(c, MG_TCB_EV_READABLE);
}

/* Receive buffer growth: when the peer delivered half the buffer or more
 * within one round trip, the window is what limits it, so double it (a
 * dynamic right-sizing as Linux does, bounded by buf_max). */
static void maybe_grow(mg_tcb *c)
{
	mg_tcpcore *t = c->t;
	/* Without window scaling the peer cannot be offered more than
	 * 64 KiB (RFC 7323 section 2): a bigger buffer would be unused. */
	if (c->rx.cap >= t->cfg.buf_max ||
	    (!(c->fl & TF_WS) && c->rx.cap > MG__TCP_MAX_WINDOW))
		return;
	if (!c->rcv_mark_time) {
		c->rcv_mark_time = t->now;
		c->rcv_mark_seq = c->rcv_nxt;
		return;
	}
	uint64_t rtt = c->rcv_rtt_us ? c->rcv_rtt_us : c->srtt_us;
	if (!rtt)
		rtt = 200000;
	if (t->now - c->rcv_mark_time < rtt * 1000)
		return;
	uint32_t got = c->rcv_nxt - c->rcv_mark_seq;
	c->rcv_mark_time = t->now;
	c->rcv_mark_seq = c->rcv_nxt;
	if (got < c->rx.cap / 2)
		return;
	if (mg__ring_grow(t, &c->rx, c->rx.cap * 2, c->rx.cap) == 0) {
		t->ctr.rcvbuf_grown++;
		c->fl |= TF_WND_UPDATE;
	}
}

/*
 * Segment text (RFC 9293 section 3.10.7.4, seventh step) and the FIN
 * (eighth step). (s) was trimmed to start at or after RCV.NXT and to end
 * within the window.
 */
void mg__tcp_rcv_data(mg_tcb *c, mg__tcp_seg *s)
{
	mg_tcpcore *t = c->t;
	bool fin = s->flags & TH_FIN;
	if (s->len) {
		bool can = c->state == MG_TCP_ESTABLISHED ||
		           c->state == MG_TCP_FIN_WAIT_1 ||
		           c->state == MG_TCP_FIN_WAIT_2;
		if (!can || (c->fl & TF_RCV_FIN)) {
			/* After the peer's FIN nothing more can come. */
			MG__DROP(t, drop_after_fin);
			c->fl |= TF_ACK_NOW;
			return;
		}
		if (!(c->fl & (TF_USER | TF_ACCEPTQ | TF_HALFOPEN))) {
			/* RFC 1122 section 4.2.2.13: data for a connection
			 * its user closed is lost; say so with a RST. */
			MG__DROP(t, drop_after_close);
			mg__tcp_send_rst(t, c->laddr, c->lport, c->raddr,
			                 c->rport, c->snd_nxt, c->rcv_nxt,
			                 true);
			mg__tcb_drop(c, MG_ECONNRESET);
			return;
		}
	}
	uint32_t off = s->seq - c->rcv_nxt;
	uint32_t len = s->len;
	if (len) {
		uint32_t space = mg__tcp_rcv_space(c);
		if (off >= space) {
			MG__DROP(t, drop_out_of_window);
			c->fl |= TF_ACK_NOW;
			return;
		}
		if (len > space - off) {
			len = space - off;
			fin = false;
		}
		t->ctr.bytes_in += len;
		mg__ring_write_at(&c->rx, c->rx.len + off, s->data, len);
	}
	if (off == 0 && len) {
		c->rx.len += len;
		c->rcv_nxt += len;
		bool filled = false;
		while (c->nooo && SEQ_LEQ(c->ooo[0].start, c->rcv_nxt)) {
			if (SEQ_GT(c->ooo[0].end, c->rcv_nxt)) {
				c->rx.len += c->ooo[0].end - c->rcv_nxt;
				c->rcv_nxt = c->ooo[0].end;
			}
			memmove(&c->ooo[0], &c->ooo[1],
			        (size_t)(c->nooo - 1) * sizeof(c->ooo[0]));
			c->nooo--;
			filled = true;
		}
		/* RFC 5681 section 4.2: ACK at once when a gap is (being)
		 * filled; else every second segment (RFC 9293 3.8.6.3). */
		if (filled || c->nooo)
			c->fl |= TF_ACK_NOW;
		else if (++c->segs_unacked >= 2 || len > t->cfg.mss)
			c->fl |= TF_ACK_NOW; /* a coalesced one counts as many */
		else if (c->t_delack == MG__NEVER) {
			c->t_delack = t->now + mg__ms(t->cfg.delack_ms);
			mg__tcp_timer_update(c);
		}
		maybe_grow(c);
		mg__tcb_event(c, MG_TCB_EV_READABLE);
	} else if (len) {
		/* RFC 5681 section 4.2: an out-of-order segment is
		 * acknowledged at once (a duplicate ACK, with SACK). */
		t->ctr.ooo_segs++;
		c->fl |= TF_ACK_NOW;
		for (int i = 0; i < c->nooo; i++)
			if (SEQ_LEQ(c->ooo[i].start, s->seq) &&
			    SEQ_LEQ(s->seq + len, c->ooo[i].end))
				mg__tcp_dsack(c, s->seq, s->seq + len);
		if (mg__ranges_add(c->ooo, &c->nooo, MG__TCP_OOO_MAX, s->seq,
		                   s->seq + len,
		                   ++c->ooo_stamp) == UINT32_MAX) {
			MG__DROP(t, drop_ooo_full);
			return;
		}
	}
	if (fin) {
		uint32_t fseq = s->seq + len;
		if (fseq == c->rcv_nxt && !(c->fl & TF_RCV_FIN)) {
			rcv_fin(c);
		} else if (SEQ_GT(fseq, c->rcv_nxt)) {
			c->fl |= TF_OOO_FIN | TF_ACK_NOW;
			c->ooo_fin = fseq;
		} else if (c->fl & TF_RCV_FIN) {
			/* A retransmitted FIN: ACK it again (and in TIME-WAIT
			 * restart the wait, RFC 9293 section 3.10.7.4). */
			c->fl |= TF_ACK_NOW;
			if (c->state == MG_TCP_TIME_WAIT)
				mg__tcp_timewait(c);
		}
	}
	if ((c->fl & TF_OOO_FIN) && c->ooo_fin == c->rcv_nxt &&
	    !(c->fl & TF_RCV_FIN))
		rcv_fin(c);
	/* Data past a FIN we were told of: that FIN was a lie. */
	if ((c->fl & TF_OOO_FIN) && SEQ_GT(c->rcv_nxt, c->ooo_fin))
		c->fl &= ~(uint32_t)TF_OOO_FIN;
}

/*
 * The application read: open the window (RFC 1122 section 4.2.3.3) with an
 * ACK when the edge can move by two segments or half the buffer, which
 * also ends a zero window without waiting for the peer's probe.
 */
void mg__tcp_rcv_consumed(mg_tcb *c)
{
	uint32_t edge = c->rcv_nxt + mg__tcp_rcv_space(c);
	uint32_t step = 2u * c->t->cfg.mss;
	if (step > c->rx.cap / 2)
		step = c->rx.cap / 2;
	/* As Linux does, only when the window offered at least doubles:
	 * reading while plenty of window is left needs no update, and an
	 * application that answers what it read (an echo, a server) sends
	 * the new window with its data instead of in a segment of its own. */
	uint32_t left = SEQ_GT(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt
	                                                : 0;
	if (SEQ_GT(edge, c->rcv_adv) && edge - c->rcv_adv >= step &&
	    edge - c->rcv_nxt >= 2 * left)
		c->fl |= TF_ACK_NOW;
}
