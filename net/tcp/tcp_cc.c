/* TCP sender control: RTT and RTO (RFC 6298), congestion control (RFC
 * 5681, NewReno RFC 6582), the SACK scoreboard and loss recovery (RFC
 * 6675). */
#include <string.h>

#include "tcp_int.h"

uint32_t mg__tcp_flight(const mg_tcb *c)
{
	return c->snd_max - c->snd_una;
}

static uint32_t half_flight(const mg_tcb *c)
{
	/* RFC 5681 section 3.1, equation (4). */
	uint32_t h = mg__tcp_flight(c) / 2;
	return h > 2u * c->smss ? h : 2u * c->smss;
}

void mg__tcp_cc_init(mg_tcb *c)
{
	/* RFC 6928 section 2: min(10 MSS, max(2 MSS, 14600)). */
	uint32_t iw = 2u * c->smss > 14600 ? 2u * c->smss : 14600;
	c->cwnd = iw < 10u * c->smss ? iw : 10u * c->smss;
	/* RFC 5681 section 3.1: "arbitrarily high". */
	c->ssthresh = UINT32_MAX / 2;
	c->acked_acc = 0;
	c->recover = c->snd_una;
	c->rexmit_high = c->snd_una;
	c->dupacks = 0;
	c->dupthresh = 3;
	c->nsack = 0;
}

/* RFC 6298 section 2, with a clock granularity G of 1 ms. */
void mg__tcp_rtt_sample(mg_tcb *c, uint32_t r)
{
	mg_tcpcore *t = c->t;
	if (r == 0)
		r = 1;
	if (c->srtt_us == 0) {
		c->srtt_us = r;
		c->rttvar_us = r / 2;
	} else {
		uint32_t d = c->srtt_us > r ? c->srtt_us - r : r - c->srtt_us;
		c->rttvar_us = c->rttvar_us - c->rttvar_us / 4 + d / 4;
		c->srtt_us = c->srtt_us - c->srtt_us / 8 + r / 8;
	}
	uint32_t k = 4 * c->rttvar_us > 1000 ? 4 * c->rttvar_us : 1000;
	uint64_t rto = ((uint64_t)c->srtt_us + k + 999) / 1000;
	/* Section 2.4 asks for at least 1 s; like most stacks we use a
	 * configurable floor (200 ms by default, RFC 8961's latitude),
	 * since the backoff below still protects the path. */
	if (rto < t->cfg.rto_min_ms)
		rto = t->cfg.rto_min_ms;
	if (rto > t->cfg.rto_max_ms)
		rto = t->cfg.rto_max_ms;
	c->rto_ms = (uint32_t)rto;
	/* Karn's second rule: a valid sample ends the backoff. */
	c->backoff = 0;
	t->ctr.rtt_samples++;
}

static uint32_t sacked_in(const mg_tcb *c, uint32_t a, uint32_t b)
{
	uint32_t n = 0;
	for (int i = 0; i < c->nsack; i++) {
		uint32_t s = SEQ_MAX(a, c->sack[i].start);
		uint32_t e = SEQ_MIN(b, c->sack[i].end);
		if (SEQ_LT(s, e))
			n += e - s;
	}
	return n;
}

static uint32_t highest_sacked(const mg_tcb *c)
{
	return c->nsack ? c->sack[c->nsack - 1].end : c->snd_una;
}

/*
 * RFC 6675 section 4, SetPipe, with IsLost(seq) taken as "a SACKed range
 * lies above it": bytes above the highest SACKed one are in flight, and
 * of those below it only the retransmitted holes are.
 */
static uint32_t pipe(const mg_tcb *c)
{
	uint32_t hi = highest_sacked(c);
	uint32_t p = SEQ_GT(c->snd_max, hi) ? c->snd_max - hi : 0;
	uint32_t rx = SEQ_MIN(SEQ_MAX(c->rexmit_high, c->snd_una), hi);
	if (SEQ_GT(rx, c->snd_una))
		p += (rx - c->snd_una) - sacked_in(c, c->snd_una, rx);
	return p;
}

uint32_t mg__tcp_send_allowance(const mg_tcb *c)
{
	uint32_t used;
	if ((c->fl & TF_RECOVERY) && (c->fl & TF_SACK))
		used = pipe(c);
	else
		used = c->snd_nxt - c->snd_una;
	/* The window counts whole segments (as Linux keeps it in packets):
	 * a remainder below one SMSS would never be sent. */
	uint32_t w = (c->cwnd + c->smss - 1) / c->smss * c->smss;
	/* RFC 3042, Limited Transmit: each of the first two duplicate ACKs
	 * lets one new segment out, so a small window still gets three. */
	if (!(c->fl & TF_RECOVERY) && c->dupacks && c->dupacks < 3 &&
	    c->dupacks < c->dupthresh)
		w += c->dupacks * c->smss;
	return w > used ? w - used : 0;
}

/* RFC 6675 section 4, NextSeg rule (1): the first byte above HighRxt that
 * is neither SACKed nor above the highest SACKed byte. */
bool mg__tcp_next_hole(mg_tcb *c, uint32_t *seq, uint32_t *len)
{
	uint32_t s = SEQ_MAX(c->rexmit_high, c->snd_una);
	for (int i = 0; i < c->nsack; i++) {
		if (SEQ_LT(s, c->sack[i].start)) {
			uint32_t n = c->sack[i].start - s;
			*seq = s;
			*len = n < c->smss ? n : c->smss;
			return true;
		}
		if (SEQ_LT(s, c->sack[i].end))
			s = c->sack[i].end;
	}
	return false;
}

/* Forget SACKed ranges at or below SND.UNA. */
static void sack_trim(mg_tcb *c)
{
	int k = 0;
	for (int i = 0; i < c->nsack; i++) {
		if (SEQ_LEQ(c->sack[i].end, c->snd_una))
			continue;
		c->sack[k] = c->sack[i];
		if (SEQ_LT(c->sack[k].start, c->snd_una))
			c->sack[k].start = c->snd_una;
		k++;
	}
	c->nsack = (uint8_t)k;
}

/*
 * RFC 2018 section 4: blocks from the peer. A block is used only above
 * SND.UNA and up to SND.MAX; anything else (a D-SACK of RFC 2883, a
 * forged or stale block) is ignored. A full scoreboard drops the block:
 * SACK is advisory, the ACK clock still recovers.
 */
uint32_t mg__tcp_sack_update(mg_tcb *c, const mg__tcp_seg *s)
{
	uint32_t before = sacked_in(c, c->snd_una, c->snd_max);
	for (int i = 0; i < s->nsack; i++) {
		uint32_t l = s->sack[i][0], r = s->sack[i][1];
		if (!SEQ_LT(l, r) || SEQ_GT(r, c->snd_max) ||
		    SEQ_LEQ(r, c->snd_una))
			continue;
		if (SEQ_LT(l, c->snd_una))
			l = c->snd_una;
		mg__ranges_add(c->sack, &c->nsack, MG__TCP_SACK_MAX, l, r, 0);
	}
	uint32_t after = sacked_in(c, c->snd_una, c->snd_max);
	return after > before ? after - before : 0;
}

/* A SACKed byte at or above (seq), if any: where a resend from (seq)
 * should jump to (RFC 6675 section 5.1: SACKed data is not resent). */
uint32_t mg__tcp_skip_sacked(const mg_tcb *c, uint32_t seq)
{
	for (int i = 0; i < c->nsack; i++)
		if (SEQ_LEQ(c->sack[i].start, seq) &&
		    SEQ_LT(seq, c->sack[i].end))
			return c->sack[i].end;
	return seq;
}

static void enter_recovery(mg_tcb *c)
{
	mg_tcpcore *t = c->t;
	t->ctr.fast_retrans++;
	c->prior_cwnd = c->cwnd;
	c->prior_ssthresh = c->ssthresh;
	if (c->fl & TF_TS) {
		c->rexmit_ts = mg__tcp_tsval(c);
		c->fl |= TF_EIFEL;
	}
	c->recover = c->snd_max;
	c->ssthresh = half_flight(c);
	c->fl |= TF_RECOVERY;
	c->fl &= ~(uint32_t)(TF_RTT_TIMING | TF_RESCUE);
	c->rexmit_high = c->snd_una;
	/* RFC 5681 section 3.2 step 3 (and RFC 6675 section 5 step (C)):
	 * retransmit the first unacknowledged segment now. */
	uint32_t n = mg__tcp_send_seg(c, c->snd_una, c->smss, true);
	c->rexmit_high = c->snd_una + n;
	if (c->fl & TF_SACK)
		c->cwnd = c->ssthresh; /* RFC 6675 section 5 step (4.2) */
	else
		c->cwnd = c->ssthresh + 3u * c->smss; /* RFC 6582 3.2 (3) */
	mg__tcp_rexmt_arm(c);
}

static void exit_recovery(mg_tcb *c)
{
	/* RFC 6582 section 3.2 step (3): with SACK the pipe kept the window
	 * at ssthresh already (second option); without, deflate to
	 * min(ssthresh, max(FlightSize, SMSS) + SMSS) (first option). */
	if (c->fl & TF_SACK) {
		c->cwnd = c->ssthresh;
	} else {
		uint32_t f = mg__tcp_flight(c);
		f = (f > c->smss ? f : c->smss) + c->smss;
		c->cwnd = c->ssthresh < f ? c->ssthresh : f;
	}
	c->fl &= ~(uint32_t)TF_RECOVERY;
	c->dupacks = 0;
	c->acked_acc = 0;
}

/*
 * RFC 6675 section 4, NextSeg rule (4), the rescue retransmission: once
 * per recovery, when no hole is left to fill and nothing new can go, the
 * last unSACKed segment goes again so that a lost tail does not wait for
 * the RTO.
 */
bool mg__tcp_rescue(mg_tcb *c, uint32_t *seq, uint32_t *len)
{
	if (c->fl & TF_RESCUE)
		return false;
	uint32_t hi = highest_sacked(c);
	if (!SEQ_GT(c->snd_max, hi) || !SEQ_GT(c->snd_max, c->snd_una))
		return false;
	uint32_t from = c->snd_max - c->smss;
	if (SEQ_LT(from, hi))
		from = hi;
	if (SEQ_LT(from, c->snd_una))
		from = c->snd_una;
	c->fl |= TF_RESCUE;
	*seq = from;
	*len = c->snd_max - from;
	return true;
}

/*
 * RFC 3522 (Eifel detection) with RFC 4015's response: the first ACK of
 * the fast-retransmitted segment echoes the timestamp of the copy that
 * arrived. Older than our retransmission: the original got there, the
 * "loss" was reordering. Undo the reduction, leave recovery, and wait
 * for more duplicates next time (the reordering seen). True when undone.
 */
static bool eifel(mg_tcb *c, const mg__tcp_seg *s)
{
	c->fl &= ~(uint32_t)TF_EIFEL;
	if (!s->has_ts || !SEQ_LT(s->tsecr, c->rexmit_ts))
		return false;
	c->t->ctr.spurious_rexmits++;
	if (c->cwnd < c->prior_cwnd)
		c->cwnd = c->prior_cwnd;
	c->ssthresh = c->prior_ssthresh;
	c->fl &= ~(uint32_t)TF_RECOVERY;
	c->dupacks = 0;
	c->recover = c->snd_una;
	if (c->dupthresh < 16)
		c->dupthresh = (uint8_t)(c->dupthresh + 3);
	if (c->snd_una == c->snd_max)
		mg__tcp_rexmt_stop(c);
	else
		mg__tcp_rexmt_arm(c);
	return true;
}

static void grow(mg_tcb *c, uint32_t acked)
{
	if (c->cwnd < c->ssthresh) {
		/* Slow start, byte counting with L = 2 (RFC 3465 2.3); with
		 * segmentation offload a peer acknowledges a whole burst
		 * at once, and L is a burst. */
		uint32_t l = 2u * c->smss;
		if (mg__tcp_burst_max(c) > l)
			l = mg__tcp_burst_max(c);
		c->cwnd += acked < l ? acked : l;
	} else {
		/* Congestion avoidance: one SMSS per window acknowledged
		 * (RFC 5681 section 3.1, counted in bytes). */
		c->acked_acc += acked;
		if (c->acked_acc >= c->cwnd) {
			c->acked_acc -= c->cwnd;
			c->cwnd += c->smss;
		}
	}
	/* Far above what the peer's window lets us use, growth means
	 * nothing and would make a later reduction slow to bite. */
	uint32_t cap = 2 * (c->max_snd_wnd + c->smss);
	if (c->cwnd > cap && cap > c->smss)
		c->cwnd = cap;
}

/*
 * The sender's side of an acceptable ACK. (acked) is how far SND.UNA moved
 * (0 for none); (dup) says it is a duplicate ACK as defined in RFC 5681
 * section 2. SND.UNA is already updated.
 */
void mg__tcp_ack_received(mg_tcb *c, const mg__tcp_seg *s, uint32_t acked,
                          bool dup)
{
	mg_tcpcore *t = c->t;
	if (acked) {
		sack_trim(c);
		c->retries = 0;
		c->fl &= ~(uint32_t)TF_TLP_DONE;
		if ((c->fl & TF_EIFEL) && eifel(c, s))
			return;
		/* One RTT sample per flight: when the marked byte is
		 * acknowledged. With timestamps the echo gives the time
		 * of the segment that caused this ACK (RFC 7323 section
		 * 4.1), valid even after a retransmission; without, the
		 * marked segment was timed and never retransmitted. */
		if (c->fl & TF_TS) {
			if (s->has_ts && s->tsecr &&
			    SEQ_GEQ(s->ack, c->rtt_seq)) {
				uint32_t ms = mg__tcp_tsval(c) - s->tsecr;
				if (ms < 3600u * 1000)
					mg__tcp_rtt_sample(c, ms * 1000 + 500);
				c->rtt_seq = c->snd_max;
			}
		} else if ((c->fl & TF_RTT_TIMING) &&
		           SEQ_GEQ(s->ack, c->rtt_seq)) {
			c->fl &= ~(uint32_t)TF_RTT_TIMING;
			uint64_t us = (t->now - c->rtt_start) / 1000;
			mg__tcp_rtt_sample(c, us > UINT32_MAX ? UINT32_MAX
			                                      : (uint32_t)us);
		}
		if (c->fl & TF_RECOVERY) {
			if (SEQ_GEQ(s->ack, c->recover)) {
				exit_recovery(c);
			} else if (!(c->fl & TF_SACK)) {
				/* RFC 6582 section 3.2 step (5): partial ACK:
				 * resend the next hole, deflate by the
				 * amount acknowledged, add back one SMSS. */
				t->ctr.partial_acks++;
				mg__tcp_send_seg(c, c->snd_una, c->smss, true);
				c->cwnd = c->cwnd > acked ? c->cwnd - acked : 0;
				if (acked >= c->smss)
					c->cwnd += c->smss;
				if (c->cwnd < c->smss)
					c->cwnd = c->smss;
			} else {
				t->ctr.partial_acks++;
			}
		} else {
			c->dupacks = 0;
			grow(c, acked);
		}
		/* RFC 6298 sections 5.2 and 5.3. */
		if (c->snd_una == c->snd_max)
			mg__tcp_rexmt_stop(c);
		else
			mg__tcp_rexmt_arm(c);
		return;
	}
	if (!dup)
		return;
	t->ctr.dupacks_in++;
	c->dupacks++;
	if (c->fl & TF_RECOVERY) {
		/* RFC 6582 section 3.2 step (4): inflate for each segment
		 * that left the network. With SACK, the pipe says it. */
		if (!(c->fl & TF_SACK))
			c->cwnd += c->smss;
		return;
	}
	bool lost = c->dupacks >= c->dupthresh;
	/* RFC 6675 section 5: with SACK, also when more than
	 * (DupThresh - 1) * SMSS bytes above SND.UNA are SACKed. */
	uint32_t flight = mg__tcp_flight(c);
	if ((c->fl & TF_SACK) && sacked_in(c, c->snd_una, c->snd_max) >
	                             (uint32_t)(c->dupthresh - 1) * c->smss)
		lost = true;
	/* RFC 5827, Early Retransmit: fewer than four segments out and
	 * nothing new to send: one duplicate fewer than segments out. */
	uint32_t oseg = (flight + c->smss - 1) / c->smss;
	bool unsent = SEQ_LT(c->snd_max, c->tx_seq + c->tx.len);
	if (oseg < 4 && !unsent && c->dupacks + 1 >= (oseg > 1 ? oseg : 2))
		lost = true;
	/* After a tail loss probe, a SACK reaching the top of what was sent
	 * while bytes below it are missing: those were sent before and did
	 * not arrive (the time order of RFC 8985 section 6.2, for the one
	 * case we keep track of). */
	if ((c->fl & TF_TLP_DONE) && (c->fl & TF_SACK) && c->nsack &&
	    highest_sacked(c) == c->snd_max &&
	    sacked_in(c, c->snd_una, c->snd_max) < flight)
		lost = true;
	/* RFC 6582 section 3.2 step (2): not again for the window that was
	 * out when recovery (or a timeout) began; (recover) is one past its
	 * highest byte, so an ACK of it all covers "more than recover". */
	if (lost && SEQ_GEQ(s->ack, c->recover))
		enter_recovery(c);
}

/* RFC 5681 section 3.1 and RFC 6582 section 3.2: a retransmission timeout
 * ends recovery, collapses the window, and marks the highest byte sent so
 * the duplicate ACKs that follow do not start a fast retransmit. The
 * scoreboard stays (RFC 6675 section 5.1: SACKed data is not resent). */
void mg__tcp_cc_timeout(mg_tcb *c)
{
	c->ssthresh = half_flight(c);
	c->cwnd = c->smss;
	c->acked_acc = 0;
	c->fl &= ~(uint32_t)TF_RECOVERY;
	c->dupacks = 0;
	c->recover = c->snd_max;
	c->rexmit_high = c->snd_una;
}
