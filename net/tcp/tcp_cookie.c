/* SYN cookies (RFC 4987 section 3.6): a listener's answer to SYNs once its
 * half-open queue is full, keeping no state until the ACK comes back. */
#include <string.h>

#include <mg/random.h>

#include "tcp_int.h"

/* ---- SYN cookies (RFC 4987 section 3.6) ----
 * The cookie is our ISN minus the peer's: 5 bits of a 64 s time slot,
 * 3 bits of MSS index and 24 bits of a keyed hash of the tuple and the
 * slot. Window scale and SACK, when the peer sent timestamps, ride in the
 * low 5 bits of our TSval and come back in its TSecr. */

static const uint16_t cookie_mss[8] = {536,  1200, 1360, 1400,
                                       1440, 1460, 4312, 8960};

static uint32_t cookie_slot(const mg_tcpcore *t)
{
	return (uint32_t)(t->now / (64 * 1000 * MG__NS_PER_MS));
}

static uint32_t cookie_hash(const mg_tcpcore *t, const mg__tcp_seg *s,
                            uint32_t slot)
{
	uint8_t nonce[12], blk[64];
	mg__tcp_tuple_nonce(nonce, s->dst, s->dport, s->src, s->sport);
	mg_chacha20_block(t->cfg.secret, 0x80000000u | (slot & 0x7fffffffu),
	                  nonce, blk);
	uint32_t h;
	memcpy(&h, blk, 4);
	return h & 0xffffff;
}

static uint32_t cookie_make(const mg_tcpcore *t, const mg__tcp_seg *s,
                            uint32_t mssidx)
{
	uint32_t slot = cookie_slot(t);
	return (slot & 31) << 27 | mssidx << 24 | cookie_hash(t, s, slot);
}

/* The MSS index of a valid cookie from the last two slots, or -1. */
int mg__tcp_cookie_check(const mg_tcpcore *t, const mg__tcp_seg *s)
{
	uint32_t v = s->ack - s->seq;
	uint32_t now = cookie_slot(t);
	for (uint32_t back = 0; back < 2; back++) {
		uint32_t slot = now - back;
		if ((v >> 27) != (slot & 31))
			continue;
		if ((v & 0xffffff) == cookie_hash(t, s, slot))
			return (int)((v >> 24) & 7);
	}
	return -1;
}

/* A SYN-ACK carrying a cookie, from a connection record on the stack that
 * never enters the engine's tables. */
void mg__tcp_cookie_send(mg_tcp_lsn *l, const mg__tcp_seg *s)
{
	mg_tcpcore *t = l->t;
	mg_tcb tmp;
	memset(&tmp, 0, sizeof(tmp));
	tmp.t = t;
	tmp.state = MG_TCP_SYN_RECEIVED;
	tmp.laddr = s->dst;
	tmp.lport = s->dport;
	tmp.raddr = s->src;
	tmp.rport = s->sport;
	mg__tcp_offer(&tmp);
	mg__tcp_negotiate(&tmp, s);
	uint32_t idx = 0;
	for (uint32_t i = 0; i < 8; i++)
		if (cookie_mss[i] <= tmp.peer_mss)
			idx = i;
	if (!(tmp.fl & TF_TS))
		tmp.fl &= ~(uint32_t)(TF_WS | TF_SACK);
	uint32_t real_off;
	tmp.iss = s->seq + cookie_make(t, s, idx);
	(void)mg__tcp_isn(t, tmp.laddr, tmp.lport, tmp.raddr, tmp.rport,
	                  &real_off);
	if (tmp.fl & TF_TS) {
		uint32_t bits = (tmp.fl & TF_WS) ? tmp.snd_ws : 15;
		bits |= (tmp.fl & TF_SACK) ? 16 : 0;
		uint32_t now = mg__tcp_now_ms(t) + real_off;
		tmp.ts_offset = real_off - (now & 31) + bits;
	}
	tmp.rcv_nxt = s->seq + 1;
	t->ctr.syncookies_sent++;
	mg__tcp_send_syn(&tmp);
}

/* The ACK completing a cookie handshake: a connection straight into
 * ESTABLISHED, then the segment is processed as any other. */
void mg__tcp_cookie_ack(mg_tcp_lsn *l, mg__tcp_seg *s, int idx)
{
	mg_tcpcore *t = l->t;
	mg_tcb *c = mg__tcb_new(t, s->dst, s->dport, s->src, s->sport);
	if (!c) {
		MG__DROP(t, drop_nomem);
		return;
	}
	t->ctr.syncookies_ok++;
	t->ctr.passive_opens++;
	mg__tcp_offer(c);
	uint32_t bits = s->has_ts ? (s->tsecr & 31) : 15;
	mg__tcp_seg syn = *s;
	syn.has_mss = true;
	syn.mss = cookie_mss[idx];
	syn.has_ws = s->has_ts && (bits & 15) != 15;
	syn.ws = (uint8_t)(bits & 15);
	syn.sack_ok = s->has_ts && (bits & 16);
	syn.seq = s->seq - 1;
	mg__tcp_negotiate(c, &syn);
	c->snd_wnd = (uint32_t)s->wnd << c->snd_ws;
	c->max_snd_wnd = c->snd_wnd;
	c->iss = s->ack - 1;
	c->snd_una = c->snd_nxt = c->snd_max = s->ack;
	c->tx_seq = s->ack;
	c->irs = s->seq - 1;
	c->rcv_nxt = c->rcv_adv = s->seq;
	c->last_ack_sent = s->seq;
	c->fl |= TF_PASSIVE;
	c->lsn = l;
	mg__tcb_hash_insert(c);
	mg__tcb_established(c);
	if (c->state != MG_TCP_CLOSED)
		mg__tcp_sync_input(c, s);
}
