/* TCP user calls (RFC 9293 section 3.10): send, receive, shutdown, close,
 * abort, options, and what a connection reports about itself. */
#include <string.h>

#include <mg/error.h>

#include "tcp_int.h"

static void enter(mg_tcpcore *t)
{
	t->now = t->cfg.now_ns(t->cfg.ctx);
}

/* Work owed after a user call: output, the ACK it asked for, frees. */
static void leave(mg_tcb *c)
{
	mg_tcpcore *t = c->t;
	mg__tcp_flush(c);
	mg__tcb_reap(t);
}

mg_tcp_state mg_tcb_state(const mg_tcb *c)
{
	return (mg_tcp_state)c->state;
}

int mg_tcb_error(const mg_tcb *c)
{
	return c->err;
}

void mg_tcb_set_user(mg_tcb *c, void *user)
{
	c->user = user;
}

void *mg_tcb_user(const mg_tcb *c)
{
	return c->user;
}

mg_tcp_lsn *mg_tcb_listener(const mg_tcb *c)
{
	return c->lsn;
}

void mg_tcb_endpoints(const mg_tcb *c, mg_ipv4_endpoint *local,
                      mg_ipv4_endpoint *remote)
{
	if (local)
		*local = (mg_ipv4_endpoint){{c->laddr}, c->lport};
	if (remote)
		*remote = (mg_ipv4_endpoint){{c->raddr}, c->rport};
}

static bool can_send(const mg_tcb *c)
{
	switch (c->state) {
	case MG_TCP_SYN_SENT:
	case MG_TCP_SYN_RECEIVED:
	case MG_TCP_ESTABLISHED:
	case MG_TCP_CLOSE_WAIT:
		return !(c->fl & TF_SHUT_WR);
	default:
		return false;
	}
}

size_t mg_tcb_send_space(const mg_tcb *c)
{
	if (!can_send(c))
		return 0;
	if (!c->tx.buf)
		return c->t->cfg.buf_init;
	return c->tx.cap - c->tx.len;
}

size_t mg_tcb_send_queued(const mg_tcb *c)
{
	return c->tx.len;
}

/* Grow the send buffer when what is in flight fills half of it: the
 * buffer, not the network, would limit the sender. */
static void maybe_grow_tx(mg_tcb *c, size_t want)
{
	mg_tcpcore *t = c->t;
	if (c->tx.cap - c->tx.len >= want || c->tx.cap >= t->cfg.buf_max)
		return;
	if (mg__tcp_flight(c) < c->tx.cap / 2)
		return;
	if (mg__ring_grow(t, &c->tx, c->tx.cap * 2, c->tx.len) == 0)
		t->ctr.sndbuf_grown++;
}

int mg_tcb_send(mg_tcb *c, mg_cbuf data, unsigned flags)
{
	mg_tcpcore *t = c->t;
	if (!can_send(c)) {
		if (c->state == MG_TCP_CLOSED && c->err)
			return c->err;
		return MG_EPIPE;
	}
	enter(t);
	if (mg__tcb_bufs(c) < 0)
		return MG_ENOMEM;
	maybe_grow_tx(c, data.len);
	uint32_t room = c->tx.cap - c->tx.len;
	uint32_t n = data.len < room ? (uint32_t)data.len : room;
	if (n) {
		mg__ring_write_at(&c->tx, c->tx.len, data.p, n);
		c->tx.len += n;
		if (flags & MG_TCB_SEND_MORE)
			c->fl |= TF_CORK;
		mg__tcp_output(c);
		c->fl &= ~(uint32_t)TF_CORK;
	}
	leave(c);
	return (int)n;
}

int mg_tcb_recv(mg_tcb *c, mg_buf buf)
{
	mg_cbuf parts[2];
	size_t have = mg_tcb_recv_peek(c, parts);
	if (!have) {
		if (c->fl & TF_RCV_FIN)
			return 0;
		if (c->state == MG_TCP_CLOSED)
			return c->err ? c->err : 0;
		return MG_EAGAIN;
	}
	size_t n = buf.len < have ? buf.len : have;
	if (n > INT32_MAX)
		n = INT32_MAX;
	mg__ring_read_at(&c->rx, 0, buf.p, (uint32_t)n);
	mg_tcb_recv_consume(c, n);
	return (int)n;
}

size_t mg_tcb_recv_peek(const mg_tcb *c, mg_cbuf parts[2])
{
	mg__ring_views(&c->rx, 0, c->rx.len, parts);
	return c->rx.len;
}

void mg_tcb_recv_consume(mg_tcb *c, size_t n)
{
	if (n > c->rx.len)
		n = c->rx.len;
	if (!n)
		return;
	enter(c->t);
	c->rx.head += (uint32_t)n;
	c->rx.len -= (uint32_t)n;
	if (c->state != MG_TCP_CLOSED) {
		mg__tcp_rcv_consumed(c);
		leave(c);
	}
}

size_t mg_tcb_recv_avail(const mg_tcb *c)
{
	return c->rx.len;
}

bool mg_tcb_recv_eof(const mg_tcb *c)
{
	return c->fl & TF_RCV_FIN;
}

/* RFC 9293 section 3.10.4, CLOSE, for the sending side only. */
static void shut(mg_tcb *c)
{
	if (c->fl & TF_SHUT_WR)
		return;
	c->fl |= TF_SHUT_WR;
	switch (c->state) {
	case MG_TCP_ESTABLISHED:
		mg__tcb_set_state(c, MG_TCP_FIN_WAIT_1);
		break;
	case MG_TCP_CLOSE_WAIT:
		mg__tcb_set_state(c, MG_TCP_LAST_ACK);
		break;
	default:
		/* SYN-SENT and SYN-RECEIVED send the FIN once established
		 * (mg__tcb_established moves on to FIN-WAIT-1). */
		break;
	}
	mg__tcp_output(c);
}

int mg_tcb_shutdown(mg_tcb *c)
{
	if (c->state == MG_TCP_CLOSED)
		return MG_ENOTCONN;
	enter(c->t);
	shut(c);
	leave(c);
	return 0;
}

static void free_now(mg_tcb *c)
{
	mg_tcpcore *t = c->t;
	c->fl &= ~(uint32_t)TF_USER;
	if (!(c->fl & TF_DEAD)) {
		c->fl |= TF_DEAD;
		c->qnext = t->dead;
		t->dead = c;
	}
	mg__tcb_reap(t);
}

void mg_tcb_abort(mg_tcb *c)
{
	mg_tcpcore *t = c->t;
	enter(t);
	c->fl &= ~(uint32_t)TF_USER;
	if (c->state == MG_TCP_CLOSED) {
		free_now(c);
		return;
	}
	/* RFC 9293 section 3.10.5: <SEQ=SND.NXT><CTL=RST> in synchronized
	 * states; nothing in SYN-SENT. */
	if (c->state != MG_TCP_SYN_SENT)
		mg__tcp_send_rst(t, c->laddr, c->lport, c->raddr, c->rport,
		                 c->snd_nxt, c->rcv_nxt, true);
	mg__tcb_drop(c, MG_ECONNRESET);
	mg__tcb_reap(t);
}

void mg_tcb_close(mg_tcb *c)
{
	mg_tcpcore *t = c->t;
	if (c->state == MG_TCP_CLOSED || c->state == MG_TCP_SYN_SENT) {
		enter(t);
		c->fl &= ~(uint32_t)TF_USER;
		if (c->state == MG_TCP_CLOSED)
			free_now(c);
		else
			mg__tcb_drop(c, 0);
		mg__tcb_reap(t);
		return;
	}
	/* RFC 1122 section 4.2.2.13: closing with data unread loses it;
	 * the peer learns so from a RST. */
	if (c->rx.len) {
		mg_tcb_abort(c);
		return;
	}
	enter(t);
	c->fl &= ~(uint32_t)TF_USER;
	shut(c);
	if (c->state == MG_TCP_FIN_WAIT_2 && c->t_2msl == MG__NEVER) {
		c->t_2msl = t->now + mg__ms(t->cfg.fin_wait_2_ms);
		mg__tcp_timer_update(c);
	}
	if (c->state == MG_TCP_TIME_WAIT)
		mg__tcb_release_bufs(c);
	leave(c);
}

void mg_tcb_set_nodelay(mg_tcb *c, bool on)
{
	if (on)
		c->fl |= TF_NODELAY;
	else
		c->fl &= ~(uint32_t)TF_NODELAY;
	if (on && c->state != MG_TCP_CLOSED) {
		enter(c->t);
		mg__tcp_output(c);
		leave(c);
	}
}

void mg_tcb_set_keepalive(mg_tcb *c, uint32_t idle_ms, uint32_t intvl_ms,
                          uint32_t count)
{
	if (c->state == MG_TCP_CLOSED)
		return;
	enter(c->t);
	c->ka_idle_ms = idle_ms;
	c->ka_intvl_ms = intvl_ms ? intvl_ms : 75000;
	c->ka_count = count ? count : 9;
	if (idle_ms)
		c->fl |= TF_KEEPALIVE;
	else
		c->fl &= ~(uint32_t)TF_KEEPALIVE;
	if (c->state >= MG_TCP_ESTABLISHED)
		mg__tcp_keep_arm(c);
}

uint32_t mg_tcb_srtt_us(const mg_tcb *c)
{
	return c->srtt_us;
}

uint32_t mg_tcb_rto_ms(const mg_tcb *c)
{
	return mg__tcp_rto_cur(c);
}
