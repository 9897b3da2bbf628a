/* TCP timers: a min-heap of connections by deadline, and what each timer
 * does (retransmission, persist, delayed ACK, keep-alive, TIME-WAIT). */
#include <string.h>

#include <mg/error.h>

#include "tcp_int.h"

/* ---- The heap: ordered by deadline; ties in any order (each connection
 * is independent, so ties need no determinism beyond the input's). ---- */

static void heap_set(mg_tcpcore *t, uint32_t i, mg_tcb *c)
{
	t->heap[i] = c;
	c->heap_idx = i;
}

static void sift_up(mg_tcpcore *t, uint32_t i)
{
	mg_tcb *c = t->heap[i];
	while (i > 0) {
		uint32_t p = (i - 1) / 2;
		if (t->heap[p]->deadline <= c->deadline)
			break;
		heap_set(t, i, t->heap[p]);
		i = p;
	}
	heap_set(t, i, c);
}

static void sift_down(mg_tcpcore *t, uint32_t i)
{
	mg_tcb *c = t->heap[i];
	for (;;) {
		uint32_t l = 2 * i + 1, m = i;
		uint64_t md = c->deadline;
		if (l < t->heap_len && t->heap[l]->deadline < md) {
			m = l;
			md = t->heap[l]->deadline;
		}
		if (l + 1 < t->heap_len && t->heap[l + 1]->deadline < md)
			m = l + 1;
		if (m == i)
			break;
		heap_set(t, i, t->heap[m]);
		i = m;
	}
	heap_set(t, i, c);
}

int mg__tcp_heap_reserve(mg_tcpcore *t, uint32_t n)
{
	if (n <= t->heap_cap)
		return 0;
	uint32_t cap = t->heap_cap ? t->heap_cap : 16;
	while (cap < n)
		cap *= 2;
	mg_tcb **h = t->cfg.alloc(t->cfg.ctx, cap * sizeof(mg_tcb *));
	if (!h)
		return MG_ENOMEM;
	if (t->heap) {
		memcpy(h, t->heap, t->heap_len * sizeof(mg_tcb *));
		t->cfg.free(t->cfg.ctx, t->heap,
		            t->heap_cap * sizeof(mg_tcb *));
	}
	t->heap = h;
	t->heap_cap = cap;
	return 0;
}

void mg__tcp_heap_remove(mg_tcb *c)
{
	mg_tcpcore *t = c->t;
	uint32_t i = c->heap_idx;
	if (i == UINT32_MAX)
		return;
	c->heap_idx = UINT32_MAX;
	mg_tcb *last = t->heap[--t->heap_len];
	if (i == t->heap_len)
		return;
	heap_set(t, i, last);
	sift_up(t, i);
	sift_down(t, last->heap_idx);
}

/* Recompute (c)'s deadline from its timers and move it in the heap. The
 * heap has room for every connection (reserved at creation). */
void mg__tcp_timer_update(mg_tcb *c)
{
	mg_tcpcore *t = c->t;
	uint64_t d = c->t_rexmt;
	if (c->t_delack < d)
		d = c->t_delack;
	if (c->t_keep < d)
		d = c->t_keep;
	if (c->t_2msl < d)
		d = c->t_2msl;
	if (d == c->deadline && (c->heap_idx != UINT32_MAX) == (d != MG__NEVER))
		return;
	c->deadline = d;
	if (d == MG__NEVER) {
		mg__tcp_heap_remove(c);
		return;
	}
	if (c->heap_idx == UINT32_MAX) {
		heap_set(t, t->heap_len++, c);
		sift_up(t, c->heap_idx);
	} else {
		sift_up(t, c->heap_idx);
		sift_down(t, c->heap_idx);
	}
}

uint64_t mg_tcpcore_deadline(const mg_tcpcore *t)
{
	return t->heap_len ? t->heap[0]->deadline : MG__NEVER;
}

/* ---- Arming ---- */

/* RFC 6298 section 5.5: the RTO doubles per expiry; section 2.5: capped. */
uint32_t mg__tcp_rto_cur(const mg_tcb *c)
{
	uint64_t r = (uint64_t)c->rto_ms << (c->backoff > 16 ? 16 : c->backoff);
	uint32_t max = c->t->cfg.rto_max_ms;
	return r > max ? max : (uint32_t)r;
}

/*
 * RFC 8985 section 7, the tail loss probe: with SACK, outside recovery
 * and once per flight, the timer first fires after PTO = 2 SRTT (plus a
 * delayed ACK's worth when one segment is out), so that a lost tail is
 * found by the SACKs its probe brings back rather than by the RTO.
 */
static uint64_t pto_ms(const mg_tcb *c)
{
	if (!(c->fl & TF_SACK) || (c->fl & (TF_RECOVERY | TF_TLP_DONE)) ||
	    !c->srtt_us || c->backoff ||
	    !(c->state == MG_TCP_ESTABLISHED || c->state == MG_TCP_CLOSE_WAIT))
		return 0;
	uint64_t pto = 2 * (uint64_t)c->srtt_us / 1000;
	if (pto < 10)
		pto = 10;
	if (c->snd_max - c->snd_una <= c->smss)
		pto += 200;
	return pto;
}

void mg__tcp_rexmt_arm(mg_tcb *c)
{
	c->fl &= ~(uint32_t)(TF_PERSIST | TF_TLP);
	uint64_t ms = mg__tcp_rto_cur(c);
	uint64_t pto = pto_ms(c);
	if (pto && pto < ms) {
		ms = pto;
		c->fl |= TF_TLP;
	}
	c->t_rexmt = c->t->now + mg__ms((uint32_t)ms);
	mg__tcp_timer_update(c);
}

/* The probe: one new segment if the peer's window takes it, else the
 * last segment sent again (RFC 8985 section 7.3); then the RTO. */
static void tlp_expired(mg_tcb *c)
{
	mg_tcpcore *t = c->t;
	c->fl &= ~(uint32_t)TF_TLP;
	c->fl |= TF_TLP_DONE;
	t->ctr.tlp_probes++;
	uint32_t end = c->tx_seq + c->tx.len;
	uint32_t edge = c->snd_una + c->snd_wnd;
	uint32_t n = 0;
	if (SEQ_LT(c->snd_nxt, end) && c->snd_nxt == c->snd_max &&
	    SEQ_LT(c->snd_nxt, edge)) {
		uint32_t room = edge - c->snd_nxt;
		n = mg__tcp_send_seg(c, c->snd_nxt,
		                     room < c->smss ? room : c->smss, false);
		c->snd_nxt += n;
		c->snd_max = c->snd_nxt;
	}
	if (!n && SEQ_GT(c->snd_max, c->snd_una)) {
		uint32_t len = c->snd_max - c->snd_una;
		uint32_t from = c->snd_max - (len < c->smss ? len : c->smss);
		/* A FIN alone is resent as it is. */
		if (from == c->tx_seq + c->tx.len && from != c->snd_una)
			from--;
		mg__tcp_send_seg(c, from, c->snd_max - from, true);
	}
	mg__tcp_rexmt_arm(c);
}

void mg__tcp_rexmt_stop(mg_tcb *c)
{
	c->fl &= ~(uint32_t)(TF_PERSIST | TF_TLP);
	c->t_rexmt = MG__NEVER;
	mg__tcp_timer_update(c);
}

/* RFC 9293 section 3.8.6.1: probe a zero window at RTO intervals with
 * exponential backoff, capped like the RTO. */
void mg__tcp_persist_arm(mg_tcb *c)
{
	if (c->t_rexmt != MG__NEVER)
		return;
	uint64_t ms = (uint64_t)c->rto_ms
	              << (c->persist_n > 16 ? 16 : c->persist_n);
	if (ms > c->t->cfg.rto_max_ms)
		ms = c->t->cfg.rto_max_ms;
	c->fl |= TF_PERSIST;
	c->t_rexmt = c->t->now + ms * MG__NS_PER_MS;
	mg__tcp_timer_update(c);
}

void mg__tcp_keep_arm(mg_tcb *c)
{
	if (!(c->fl & TF_KEEPALIVE)) {
		c->t_keep = MG__NEVER;
	} else {
		c->probes = 0;
		c->t_keep = c->last_rcv + mg__ms(c->ka_idle_ms);
	}
	mg__tcp_timer_update(c);
}

/* RFC 9293 section 3.3.2: TIME-WAIT lasts 2 MSL. */
void mg__tcp_timewait(mg_tcb *c)
{
	mg__tcb_set_state(c, MG_TCP_TIME_WAIT);
	c->t_rexmt = c->t_keep = c->t_delack = MG__NEVER;
	c->fl &= ~(uint32_t)TF_PERSIST;
	c->t_2msl = c->t->now + 2 * mg__ms(c->t->cfg.msl_ms);
	if (!(c->fl & TF_USER))
		mg__tcb_release_bufs(c);
	mg__tcp_timer_update(c);
}

/* ---- Expiry ---- */

static void give_up(mg_tcb *c)
{
	c->t->ctr.timeouts++;
	/* Tell the peer, as BSD does: it may still be listening. */
	if (c->state >= MG_TCP_ESTABLISHED)
		mg__tcp_send_rst(c->t, c->laddr, c->lport, c->raddr, c->rport,
		                 c->snd_nxt, c->rcv_nxt, true);
	mg__tcb_drop(c, MG_ETIMEDOUT);
}

static void persist_expired(mg_tcb *c)
{
	mg_tcpcore *t = c->t;
	c->t_rexmt = MG__NEVER;
	c->fl &= ~(uint32_t)TF_PERSIST;
	/* An orphan facing a window that never opens is not kept forever
	 * (mg/flow.h close); a connection whose probes go unanswered is
	 * dead (the count resets when an ACK comes). */
	if (c->persist_n >= t->cfg.data_retries) {
		give_up(c);
		return;
	}
	c->persist_n++;
	uint32_t edge = c->snd_una + c->snd_wnd;
	uint32_t wnd = SEQ_GT(edge, c->snd_nxt) ? edge - c->snd_nxt : 0;
	if (wnd) {
		/* A window too small for the sender's SWS avoidance: send
		 * what fits (RFC 9293 section 3.8.6.2.1, the override). */
		uint32_t n = mg__tcp_send_seg(c, c->snd_nxt, wnd, false);
		c->snd_nxt += n;
		if (SEQ_GT(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		if (n) {
			mg__tcp_rexmt_arm(c);
			return;
		}
	} else {
		/* One byte beyond the closed window (RFC 9293 section
		 * 3.8.6.1): the peer acknowledges it if its window opened,
		 * else repeats the zero window. Sent at snd_una, so snd_nxt
		 * stays; an ACK for it moves snd_nxt along. */
		t->ctr.zwp_sent++;
		uint32_t n = mg__tcp_send_seg(c, c->snd_una, 1, false);
		if (n && SEQ_GT(c->snd_una + n, c->snd_max))
			c->snd_max = c->snd_una + n;
	}
	mg__tcp_persist_arm(c);
}

static void rexmt_expired(mg_tcb *c)
{
	mg_tcpcore *t = c->t;
	c->t_rexmt = MG__NEVER;
	if (c->fl & TF_PERSIST) {
		persist_expired(c);
		return;
	}
	if (c->fl & TF_TLP) {
		tlp_expired(c);
		return;
	}
	bool syn =
	    c->state == MG_TCP_SYN_SENT || c->state == MG_TCP_SYN_RECEIVED;
	uint32_t limit = syn ? t->cfg.syn_retries : t->cfg.data_retries;
	if (c->retries >= limit) {
		give_up(c);
		return;
	}
	c->retries++;
	if (c->backoff < 30)
		c->backoff++;
	t->ctr.rto++;
	/* Karn (RFC 6298 section 3): a retransmitted segment is not timed. */
	c->fl &= ~(uint32_t)TF_RTT_TIMING;
	if (syn) {
		t->ctr.synack_retrans++;
		mg__tcp_send_syn(c);
		mg__tcp_rexmt_arm(c);
		return;
	}
	/* RFC 5681 section 3.1 and RFC 6298 section 5.4: collapse the
	 * window and resend from the first unacknowledged byte. */
	mg__tcp_cc_timeout(c);
	c->snd_nxt = c->snd_una;
	mg__tcp_output(c);
	if (c->t_rexmt == MG__NEVER && c->state != MG_TCP_CLOSED)
		mg__tcp_rexmt_arm(c);
}

static void keep_expired(mg_tcb *c)
{
	mg_tcpcore *t = c->t;
	c->t_keep = MG__NEVER;
	if (!(c->fl & TF_KEEPALIVE) ||
	    !(c->state == MG_TCP_ESTABLISHED || c->state == MG_TCP_CLOSE_WAIT ||
	      c->state == MG_TCP_FIN_WAIT_2))
		return;
	uint64_t idle_end = c->last_rcv + mg__ms(c->ka_idle_ms);
	if (idle_end > t->now) {
		/* Something arrived since the timer was set. */
		c->probes = 0;
		c->t_keep = idle_end;
		return;
	}
	if (c->probes >= c->ka_count) {
		t->ctr.keepalive_drops++;
		mg__tcb_drop(c, MG_ETIMEDOUT);
		return;
	}
	c->probes++;
	t->ctr.keepalive_sent++;
	/* RFC 9293 section 3.8.4: SEG.SEQ = SND.NXT - 1, which the peer
	 * must answer with an ACK as it is below its window. */
	mg__tcp_send_raw(t, c->laddr, c->lport, c->raddr, c->rport,
	                 c->snd_una - 1, c->rcv_nxt, TH_ACK,
	                 mg__tcp_rcv_wnd_field(c), NULL, 0, NULL, 0);
	c->t_keep = t->now + mg__ms(c->ka_intvl_ms);
}

static void run_due(mg_tcb *c)
{
	mg_tcpcore *t = c->t;
	uint64_t now = t->now;
	if (c->t_2msl <= now) {
		c->t_2msl = MG__NEVER;
		/* TIME-WAIT over, or an orphan's FIN-WAIT-2 limit. */
		mg__tcb_closed(c);
		return;
	}
	if (c->t_delack <= now) {
		c->t_delack = MG__NEVER;
		t->ctr.acks_delayed++;
		mg__tcp_send_ack(c);
	}
	if (c->t_rexmt <= now)
		rexmt_expired(c);
	if (c->state != MG_TCP_CLOSED && c->t_keep <= now)
		keep_expired(c);
	if (c->state != MG_TCP_CLOSED)
		mg__tcp_timer_update(c);
}

uint64_t mg_tcpcore_timers(mg_tcpcore *t)
{
	t->now = t->cfg.now_ns(t->cfg.ctx);
	/* A connection whose handlers re-arm at or before now would spin;
	 * every handler arms strictly later, and the bound is a guard. */
	for (size_t guard = 4 * t->heap_len + 16;
	     t->heap_len && t->heap[0]->deadline <= t->now && guard; guard--)
		run_due(t->heap[0]);
	mg__tcb_reap(t);
	return mg_tcpcore_deadline(t);
}
