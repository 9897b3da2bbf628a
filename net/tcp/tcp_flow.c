/* TCP connections as flows (mg/flow.h): blocking reads and writes on the
 * engine's connections, woken by its events. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mg/error.h>

#include "tcp_stack_int.h"

/* see mg/tcp.h */

/* ---- Flows ---- */

/* Errors of a failed connection as mg/flow.h names them. */
static int flow_err(int e)
{
	return e == MG_EPIPE || e == MG_ENOMEM ? e : MG_ECONNRESET;
}

static int f_read(void *self, mg_buf buf, uint64_t deadline_ns)
{
	mg__tcp_flow *f = self;
	if (!buf.len)
		return MG_EINVAL;
	if (f->reading)
		return MG_EBUSY;
	if (buf.len > INT32_MAX)
		buf.len = INT32_MAX;
	f->reading = true;
	int rc;
	for (;;) {
		rc = mg_tcb_recv(f->c, buf);
		if (rc != MG_EAGAIN) {
			/* The connection's own error (a reset, or lost to
			 * retransmission or keep-alive timeouts), not this
			 * call's deadline. */
			if (rc < 0)
				rc = flow_err(rc);
			break;
		}
		rc = mg_cond_wait_until(&f->rcond, deadline_ns);
		if (rc < 0)
			break;
	}
	f->reading = false;
	if (rc > 0)
		mg__tcpl_kick(f->L); /* a window update may have been sent */
	return rc;
}

static int write_one(mg__tcp_flow *f, mg_cbuf d, unsigned more,
                     uint64_t deadline)
{
	while (d.len) {
		int n = mg_tcb_send(f->c, d, more);
		if (n < 0)
			return flow_err(n);
		mg_cbuf_shift(&d, (size_t)n);
		if (!d.len)
			break;
		int rc = mg_cond_wait_until(&f->wcond, deadline);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int f_writev(void *self, const mg_cbuf *iov, size_t n,
                    uint64_t deadline_ns)
{
	mg__tcp_flow *f = self;
	if (f->writing)
		return MG_EBUSY;
	f->writing = true;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = write_one(f, iov[i], i + 1 < n ? MG_TCB_SEND_MORE : 0,
		               deadline_ns);
	f->writing = false;
	mg__tcpl_kick(f->L);
	return rc;
}

static int f_write(void *self, mg_cbuf data, uint64_t deadline_ns)
{
	return f_writev(self, &data, 1, deadline_ns);
}

static int f_shutdown(void *self)
{
	mg__tcp_flow *f = self;
	int rc = mg_tcb_shutdown(f->c);
	mg__tcpl_kick(f->L);
	return rc;
}

/* With --logs=tcp:debug, a closing flow reports itself and the counters
 * that are not zero: enough to see what a transfer went through. */
static void log_close(mg__tcp_flow *f)
{
	mg_ipv4_endpoint l, r;
	mg_tcb_endpoints(f->c, &l, &r);
	char a[MG_IPV4_ADDR_STRLEN];
	MG_LOG(tcpl, DEBUG, "close %u-%s:%u %s srtt %u us rto %u ms", l.port,
	       mg_ipv4_format(r.addr, a), r.port,
	       mg_tcp_state_name(mg_tcb_state(f->c)), mg_tcb_srtt_us(f->c),
	       mg_tcb_rto_ms(f->c));
	const mg_tcp_counters *k = mg_tcpcore_counters(&f->L->core);
	char line[400];
	size_t n = 0;
	for (int i = 0; i < MG_TCP_COUNTER_COUNT; i++) {
		uint64_t v = mg_tcp_counter_get(k, i);
		if (!v)
			continue;
		int w = snprintf(line + n, sizeof line - n, " %s=%llu",
		                 mg_tcp_counter_name(i), (unsigned long long)v);
		if (w < 0 || (size_t)w >= sizeof line - n) {
			MG_LOG(tcpl, DEBUG, "counters:%s", line);
			n = 0;
			i--;
			continue;
		}
		n += (size_t)w;
	}
	if (n)
		MG_LOG(tcpl, DEBUG, "counters:%s", line);
}

static void f_close(void *self)
{
	mg__tcp_flow *f = self;
	if (MG_LOG_DEBUG <= mg__log_src_tcpl.level)
		log_close(f);
	mg_tcb_set_user(f->c, NULL);
	mg_tcb_close(f->c);
	mg__tcpl_kick(f->L);
	free(f);
}

static int f_addrs(void *self, mg_ipv4_endpoint *local, mg_ipv4_endpoint *peer)
{
	mg__tcp_flow *f = self;
	mg_tcb_endpoints(f->c, local, peer);
	return 0;
}

static const mg_flow_ops flow_ops = {
    .read = f_read,
    .write = f_write,
    .writev = f_writev,
    .shutdown = f_shutdown,
    .close = f_close,
    .addrs = f_addrs,
};

mg__tcp_flow *mg__tcp_flow_new(mg__tcp_layer *L, mg_tcb *c, unsigned flags)
{
	mg__tcp_flow *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->flow.ops = &flow_ops;
	f->flow.self = f;
	f->L = L;
	f->c = c;
	mg_cond_init(&f->rcond);
	mg_cond_init(&f->wcond);
	mg_tcb_set_user(c, f);
	if (flags & MG_TCP_NODELAY)
		mg_tcb_set_nodelay(c, true);
	if (flags & MG_TCP_KEEPALIVE)
		mg_tcb_set_keepalive(c, MG_TCP_KEEPALIVE_IDLE_S * 1000u,
		                     MG_TCP_KEEPALIVE_INTVL_S * 1000u,
		                     MG_TCP_KEEPALIVE_COUNT);
	return f;
}
