/* TCP connection set-up: ISNs (RFC 6528), listeners with bounded half-open
 * and accept queues, SYN-SENT, option agreement. */
#include <string.h>

#include <mg/error.h>
#include <mg/random.h>

#include "tcp_int.h"

/* The nonce of the keyed functions (ISN, cookies): the 4-tuple. */
void mg__tcp_tuple_nonce(uint8_t n[12], uint32_t laddr, uint16_t lport,
                         uint32_t raddr, uint16_t rport)
{
	memcpy(n, &laddr, 4);
	memcpy(n + 4, &raddr, 4);
	memcpy(n + 8, &lport, 2);
	memcpy(n + 10, &rport, 2);
}

/*
 * RFC 6528 section 3: ISN = M + F(localip, localport, remoteip,
 * remoteport, secretkey), M a 4 microsecond timer and F a keyed
 * pseudorandom function, here ChaCha20 keyed with the engine's secret
 * over the connection's 4-tuple. The next word of the same block is the
 * connection's timestamp offset (RFC 7323 section 5.4).
 */
uint32_t mg__tcp_isn(mg_tcpcore *t, uint32_t laddr, uint16_t lport,
                     uint32_t raddr, uint16_t rport, uint32_t *ts_offset)
{
	uint8_t nonce[12], blk[64];
	mg__tcp_tuple_nonce(nonce, laddr, lport, raddr, rport);
	mg_chacha20_block(t->cfg.secret, 0, nonce, blk);
	uint32_t f, o;
	memcpy(&f, blk, 4);
	memcpy(&o, blk + 4, 4);
	*ts_offset = o;
	return f + (uint32_t)(t->now / 4000);
}

/* ---- Options ---- */

void mg__tcp_offer(mg_tcb *c)
{
	unsigned f = c->t->cfg.flags;
	if (!(f & MG_TCPCORE_NO_WSCALE))
		c->fl |= TF_WS;
	if (!(f & MG_TCPCORE_NO_SACK))
		c->fl |= TF_SACK;
	if (!(f & MG_TCPCORE_NO_TIMESTAMPS))
		c->fl |= TF_TS;
	c->rcv_ws = (c->fl & TF_WS) ? c->t->wscale : 0;
}

static void set_smss(mg_tcb *c)
{
	uint32_t m = c->peer_mss < c->t->cfg.mss ? c->peer_mss : c->t->cfg.mss;
	if (c->fl & TF_TS)
		m -= 12; /* RFC 6691: options come out of the MSS */
	c->smss = (uint16_t)m;
}

/* Keep what both ends offered (RFC 7323 sections 2.2 and 3.2, RFC 2018
 * section 2), from the peer's SYN or SYN-ACK. */
void mg__tcp_negotiate(mg_tcb *c, const mg__tcp_seg *s)
{
	if (s->has_ws && (c->fl & TF_WS)) {
		/* RFC 7323 section 2.3: a shift above 14 is taken as 14. */
		c->snd_ws =
		    s->ws > MG__TCP_MAX_WSCALE ? MG__TCP_MAX_WSCALE : s->ws;
	} else {
		c->fl &= ~(uint32_t)TF_WS;
		c->snd_ws = c->rcv_ws = 0;
	}
	if (!s->sack_ok)
		c->fl &= ~(uint32_t)TF_SACK;
	if (s->has_ts && (c->fl & TF_TS)) {
		c->ts_recent = s->tsval;
		c->ts_recent_age = c->t->now;
	} else {
		c->fl &= ~(uint32_t)TF_TS;
	}
	/* RFC 9293 section 3.7.1: 536 without the option. A tiny value
	 * would make us send a segment per few bytes: floor it. */
	uint16_t m = s->has_mss ? s->mss : MG__TCP_DEFAULT_MSS;
	c->peer_mss = m < 88 ? 88 : m;
	set_smss(c);
	/* The SYN's window is never scaled (RFC 7323 section 2.2). */
	c->snd_wnd = s->wnd;
	c->max_snd_wnd = s->wnd;
	c->snd_wl1 = s->seq;
	c->snd_wl2 = s->ack;
}

/* ---- Listeners ---- */

mg_tcp_lsn *mg__tcp_lsn_lookup(mg_tcpcore *t, uint32_t addr, uint16_t port)
{
	mg_tcp_lsn *any = NULL;
	for (mg_tcp_lsn *l = t->listeners; l; l = l->next) {
		if (l->port != port)
			continue;
		if (l->addr == addr)
			return l;
		if (l->addr == 0)
			any = l;
	}
	return any;
}

int mg_tcpcore_listen(mg_tcpcore *t, mg_ipv4_addr addr, uint16_t port,
                      int backlog, void *user, mg_tcp_lsn **out)
{
	if (port == 0 || backlog < 0)
		return MG_EINVAL;
	for (mg_tcp_lsn *l = t->listeners; l; l = l->next)
		if (l->port == port &&
		    (l->addr == addr.v || !l->addr || !addr.v))
			return MG_EADDRINUSE;
	mg_tcp_lsn *l = t->cfg.alloc(t->cfg.ctx, sizeof(*l));
	if (!l)
		return MG_ENOMEM;
	memset(l, 0, sizeof(*l));
	l->t = t;
	l->addr = addr.v;
	l->port = port;
	l->backlog = backlog ? (uint32_t)backlog : 128;
	l->user = user;
	l->next = t->listeners;
	t->listeners = l;
	*out = l;
	return 0;
}

/* Take (c) off its listener's queues. */
void mg__lsn_unlink(mg_tcb *c)
{
	mg_tcp_lsn *l = c->lsn;
	if (!l)
		return;
	mg_tcb **head = (c->fl & TF_ACCEPTQ) ? &l->acc_head : &l->half;
	mg_tcb *prev = NULL;
	for (mg_tcb **pp = head; *pp; prev = *pp, pp = &(*pp)->qnext) {
		if (*pp != c)
			continue;
		*pp = c->qnext;
		if ((c->fl & TF_ACCEPTQ) && l->acc_tail == c)
			l->acc_tail = prev;
		break;
	}
	if (c->fl & TF_ACCEPTQ)
		l->n_acc--;
	if (c->fl & TF_HALFOPEN)
		l->n_half--;
	c->fl &= ~(uint32_t)(TF_ACCEPTQ | TF_HALFOPEN);
	c->qnext = NULL;
	c->lsn = NULL;
}

mg_tcb *mg_tcpcore_accept(mg_tcp_lsn *l)
{
	mg_tcb *c = l->acc_head;
	if (!c)
		return NULL;
	mg__lsn_unlink(c);
	c->fl |= TF_USER;
	return c;
}

void mg_tcpcore_unlisten(mg_tcp_lsn *l)
{
	mg_tcpcore *t = l->t;
	t->now = t->cfg.now_ns(t->cfg.ctx);
	while (l->acc_head || l->half) {
		mg_tcb *c = l->acc_head ? l->acc_head : l->half;
		if (c->state != MG_TCP_CLOSED)
			mg__tcp_send_rst(t, c->laddr, c->lport, c->raddr,
			                 c->rport, c->snd_nxt, c->rcv_nxt,
			                 true);
		mg__tcb_drop(c, MG_ECONNRESET); /* unlinks it */
	}
	for (mg_tcp_lsn **pp = &t->listeners; *pp; pp = &(*pp)->next) {
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	}
	t->cfg.free(t->cfg.ctx, l, sizeof(*l));
	mg__tcb_reap(t);
}

void *mg_tcp_lsn_user(const mg_tcp_lsn *l)
{
	return l->user;
}

uint16_t mg_tcp_lsn_port(const mg_tcp_lsn *l)
{
	return l->port;
}

/* The handshake is done (RFC 9293 section 3.10.7.4, SYN-RECEIVED, or
 * section 3.10.7.3). (c) is reset and closed instead when there is no
 * memory for its buffers, or no room in its listener's accept queue
 * (half-open connections completing while the application does not
 * accept: the backlog is a bound on both queues). */
void mg__tcb_established(mg_tcb *c)
{
	mg_tcpcore *t = c->t;
	mg_tcp_lsn *ln = (c->fl & TF_PASSIVE) ? c->lsn : NULL;
	bool full = ln && ln->n_acc >= ln->backlog;
	if (full || mg__tcb_bufs(c) < 0) {
		if (full)
			MG__DROP(t, drop_listen_overflow);
		else
			MG__DROP(t, drop_nomem);
		mg__tcp_send_rst(t, c->laddr, c->lport, c->raddr, c->rport,
		                 c->snd_nxt, c->rcv_nxt, true);
		mg__tcb_drop(c, full ? MG_ECONNRESET : MG_ENOMEM);
		return;
	}
	/* A shutdown during the handshake sends its FIN now. */
	mg__tcb_set_state(c, (c->fl & TF_SHUT_WR) ? MG_TCP_FIN_WAIT_1
	                                          : MG_TCP_ESTABLISHED);
	t->ctr.established++;
	/* RFC 6298 section 5.7: a retransmitted SYN without an RTT sample
	 * leaves a 3 s RTO for the data. */
	if (c->backoff && !c->srtt_us && c->rto_ms < 3000)
		c->rto_ms = 3000;
	c->backoff = 0;
	c->retries = 0;
	c->rtt_seq = c->snd_nxt;
	mg__tcp_cc_init(c);
	mg__tcp_rexmt_stop(c);
	mg__tcp_keep_arm(c);
	mg_tcp_lsn *l = c->lsn;
	if (l && (c->fl & TF_PASSIVE)) {
		mg__lsn_unlink(c);
		c->lsn = l;
		c->fl |= TF_ACCEPTQ;
		if (l->acc_tail)
			l->acc_tail->qnext = c;
		else
			l->acc_head = c;
		l->acc_tail = c;
		l->n_acc++;
		t->cfg.event(t->cfg.ctx, c, MG_TCB_EV_ACCEPT);
	} else {
		mg__tcb_event(c, MG_TCB_EV_CONNECTED);
	}
}

/* RFC 9293 section 3.10.7.2: a segment for a listener. */
void mg__tcp_listen_input(mg_tcp_lsn *l, mg__tcp_seg *s)
{
	mg_tcpcore *t = l->t;
	unsigned f = t->cfg.flags;
	if (s->flags & TH_RST) {
		MG__DROP(t, drop_listen_rst);
		return;
	}
	if (s->flags & TH_ACK) {
		int idx = -1;
		if (!(s->flags & TH_SYN) && !(f & MG_TCPCORE_NO_SYNCOOKIES) &&
		    l->n_acc < l->backlog)
			idx = mg__tcp_cookie_check(t, s);
		if (idx >= 0) {
			mg__tcp_cookie_ack(l, s, idx);
			return;
		}
		MG__DROP(t, drop_listen_ack);
		mg__tcp_reply_rst(t, s);
		return;
	}
	if (!(s->flags & TH_SYN)) {
		MG__DROP(t, drop_listen_flags);
		return;
	}
	if (l->n_acc >= l->backlog) {
		MG__DROP(t, drop_listen_overflow);
		return;
	}
	if ((f & MG_TCPCORE_SYNCOOKIES_ALWAYS) || l->n_half >= l->backlog) {
		if (f & MG_TCPCORE_NO_SYNCOOKIES) {
			MG__DROP(t, drop_syn_queue_full);
			return;
		}
		mg__tcp_cookie_send(l, s);
		return;
	}
	mg_tcb *c = mg__tcb_new(t, s->dst, s->dport, s->src, s->sport);
	if (!c) {
		MG__DROP(t, drop_nomem);
		return;
	}
	t->ctr.passive_opens++;
	mg__tcp_offer(c);
	mg__tcp_negotiate(c, s);
	c->irs = s->seq;
	c->rcv_nxt = s->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	c->fl |= TF_PASSIVE | TF_HALFOPEN;
	c->lsn = l;
	c->qnext = l->half;
	l->half = c;
	l->n_half++;
	mg__tcb_set_state(c, MG_TCP_SYN_RECEIVED);
	mg__tcb_hash_insert(c);
	/* Data on the SYN is not taken: the peer sends it again once our
	 * SYN-ACK acknowledges only the SYN. */
	mg__tcp_send_syn(c);
	c->rtt_start = t->now;
	mg__tcp_rexmt_arm(c);
}

/* RFC 9293 section 3.10.7.3. */
void mg__tcp_synsent_input(mg_tcb *c, mg__tcp_seg *s)
{
	mg_tcpcore *t = c->t;
	bool ack_ok = false;
	if (s->flags & TH_ACK) {
		if (SEQ_LEQ(s->ack, c->iss) || SEQ_GT(s->ack, c->snd_max)) {
			MG__DROP(t, drop_synsent_ack);
			mg__tcp_reply_rst(t, s);
			return;
		}
		ack_ok = true;
	}
	if (s->flags & TH_RST) {
		/* RFC 5961 section 3.2: in SYN-SENT a RST counts only if
		 * it acknowledges our SYN. */
		if (!ack_ok) {
			MG__DROP(t, drop_synsent_rst);
			return;
		}
		t->ctr.resets_in++;
		mg__tcb_drop(c, MG_ECONNREFUSED);
		return;
	}
	if (!(s->flags & TH_SYN)) {
		MG__DROP(t, drop_synsent_flags);
		return;
	}
	c->irs = s->seq;
	c->rcv_nxt = s->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	mg__tcp_negotiate(c, s);
	if (!ack_ok) {
		/* Simultaneous open (RFC 9293 section 3.5, figure 7). */
		mg__tcb_set_state(c, MG_TCP_SYN_RECEIVED);
		mg__tcp_send_syn(c);
		mg__tcp_rexmt_arm(c);
		return;
	}
	c->snd_una = s->ack;
	if (c->fl & TF_TS) {
		if (s->tsecr)
			mg__tcp_rtt_sample(
			    c, (mg__tcp_tsval(c) - s->tsecr) * 1000 + 500);
	} else if (!c->backoff) {
		mg__tcp_rtt_sample(c,
		                   (uint32_t)((t->now - c->rtt_start) / 1000));
	}
	mg__tcb_established(c);
	if (c->state == MG_TCP_CLOSED)
		return;
	c->fl |= TF_ACK_NOW;
	/* Text or a FIN on the SYN-ACK (RFC 9293 3.10.7.3, "continue
	 * processing at the sixth step"). */
	s->seq++;
	s->flags &= (uint8_t)~TH_SYN;
	if (s->len || (s->flags & TH_FIN))
		mg__tcp_rcv_data(c, s);
	mg__tcp_output(c);
}

int mg_tcpcore_connect(mg_tcpcore *t, mg_ipv4_endpoint src,
                       mg_ipv4_endpoint dst, mg_tcb **out)
{
	if (dst.port == 0 || dst.addr.v == 0)
		return MG_EINVAL;
	t->now = t->cfg.now_ns(t->cfg.ctx);
	uint16_t port = src.port;
	if (!port) {
		for (uint32_t i = 0; i < 16384 && !port; i++) {
			uint16_t p = t->next_port;
			t->next_port = (uint16_t)(p == 65535 ? 49152 : p + 1);
			if (!mg__tcb_lookup(t, src.addr.v, p, dst.addr.v,
			                    dst.port) &&
			    !mg__tcp_lsn_lookup(t, src.addr.v, p))
				port = p;
		}
	} else if (mg__tcb_lookup(t, src.addr.v, port, dst.addr.v, dst.port)) {
		port = 0;
	}
	if (!port)
		return MG_EADDRINUSE;
	mg_tcb *c = mg__tcb_new(t, src.addr.v, port, dst.addr.v, dst.port);
	if (!c)
		return MG_ENOMEM;
	t->ctr.active_opens++;
	mg__tcp_offer(c);
	c->fl |= TF_USER;
	mg__tcb_set_state(c, MG_TCP_SYN_SENT);
	mg__tcb_hash_insert(c);
	mg__tcp_send_syn(c);
	c->rtt_start = t->now;
	mg__tcp_rexmt_arm(c);
	*out = c;
	return 0;
}
