/* TCP engine set-up, connection records, the connection hash, counters. */
#include <stdlib.h>
#include <string.h>

#include <mg/error.h>
#include <mg/random.h>

#include "tcp_int.h"

static const char *const state_names[] = {
    "CLOSED",      "LISTEN",     "SYN-SENT",   "SYN-RECEIVED",
    "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT",
    "CLOSING",     "LAST-ACK",   "TIME-WAIT",
};

const char *mg_tcp_state_name(int state)
{
	if (state < 0 || state > MG_TCP_TIME_WAIT)
		return "?";
	return state_names[state];
}

static const char *const counter_names[] = {
#define NAME(name, doc) #name,
    MG_TCP_COUNTERS(NAME)
#undef NAME
};

static const char *const counter_docs[] = {
#define DOC(name, doc) doc,
    MG_TCP_COUNTERS(DOC)
#undef DOC
};

const char *mg_tcp_counter_name(int i)
{
	return i >= 0 && i < MG_TCP_COUNTER_COUNT ? counter_names[i] : NULL;
}

const char *mg_tcp_counter_doc(int i)
{
	return i >= 0 && i < MG_TCP_COUNTER_COUNT ? counter_docs[i] : NULL;
}

uint64_t mg_tcp_counter_get(const mg_tcp_counters *c, int i)
{
	if (i < 0 || i >= MG_TCP_COUNTER_COUNT)
		return 0;
	/* The struct is the X-macro's fields in order, all uint64_t. */
	const uint64_t *v = (const uint64_t *)(const void *)c;
	return v[i];
}

void mg__tcp_drop(mg_tcpcore *t, uint64_t *reason)
{
	t->ctr.drops++;
	(*reason)++;
}

static void *default_alloc(void *ctx, size_t n)
{
	(void)ctx;
	return malloc(n);
}

static void default_free(void *ctx, void *p, size_t n)
{
	(void)ctx;
	(void)n;
	free(p);
}

static uint32_t pow2_at_least(uint32_t v)
{
	uint32_t p = 1;
	while (p < v && p < (1u << 30))
		p <<= 1;
	return p;
}

int mg_tcpcore_init(mg_tcpcore *t, const mg_tcpcore_cfg *cfg)
{
	memset(t, 0, sizeof(*t));
	if (!cfg->now_ns || !cfg->output || !cfg->event)
		return MG_EINVAL;
	if (cfg->mss && cfg->mss < MG__TCP_DEFAULT_MSS)
		return MG_EINVAL;
	if (!cfg->alloc != !cfg->free)
		return MG_EINVAL;
	mg_tcpcore_cfg c = *cfg;
	if (!c.alloc) {
		c.alloc = default_alloc;
		c.free = default_free;
	}
#define DEF(f, v)                                                              \
	if (!c.f)                                                              \
	c.f = (v)
	DEF(mss, 1460);
	DEF(buf_init, 8192);
	DEF(buf_max, 1u << 20);
	DEF(rto_min_ms, 200);
	DEF(rto_max_ms, 60000);
	DEF(rto_init_ms, 1000);
	DEF(delack_ms, 40);
	DEF(msl_ms, 30000);
	DEF(fin_wait_2_ms, 60000);
	DEF(syn_retries, 6);
	DEF(data_retries, 15);
	DEF(challenge_ack_limit, 1000);
	DEF(max_conns, 65536);
	DEF(hash_buckets, 1024);
#undef DEF
	c.buf_init = pow2_at_least(c.buf_init < 1024 ? 1024 : c.buf_init);
	c.buf_max = pow2_at_least(c.buf_max);
	if (c.buf_max < c.buf_init)
		c.buf_max = c.buf_init;
	c.hash_buckets = pow2_at_least(c.hash_buckets);
	/* A device that cuts segments completes their checksums too. */
	if (!(c.flags & MG_TCPCORE_CSUM_OFFLOAD) || c.tso_max > 65535 - 40)
		c.tso_max = c.flags & MG_TCPCORE_CSUM_OFFLOAD ? 65535 - 40 : 0;
	t->cfg = c;
	t->hash = c.alloc(c.ctx, c.hash_buckets * sizeof(mg_tcb *));
	if (!t->hash)
		return MG_ENOMEM;
	memset(t->hash, 0, c.hash_buckets * sizeof(mg_tcb *));
	t->hash_mask = c.hash_buckets - 1;
	/* A hash seed and the first ephemeral port from the secret, so
	 * neither is guessable from outside. */
	uint8_t nonce[12] = {'h', 'a', 's', 'h'}, blk[64];
	mg_chacha20_block(c.secret, 0, nonce, blk);
	memcpy(&t->hash_seed, blk, 4);
	uint16_t p;
	memcpy(&p, blk + 4, 2);
	t->next_port = (uint16_t)(49152 + p % 16384);
	/* RFC 7323 section 2.3: the smallest shift that covers buf_max. */
	if (!(c.flags & MG_TCPCORE_NO_WSCALE))
		while (t->wscale < MG__TCP_MAX_WSCALE &&
		       (c.buf_max >> t->wscale) > MG__TCP_MAX_WINDOW)
			t->wscale++;
	t->now = c.now_ns(c.ctx);
	t->chack_window = t->now;
	return 0;
}

static void tcb_free(mg_tcb *c)
{
	mg_tcpcore *t = c->t;
	if (c->aprev)
		c->aprev->anext = c->anext;
	else
		t->all = c->anext;
	if (c->anext)
		c->anext->aprev = c->aprev;
	mg__ring_free(t, &c->rx);
	mg__ring_free(t, &c->tx);
	t->nconns--;
	t->cfg.free(t->cfg.ctx, c, sizeof(*c));
}

void mg_tcpcore_fini(mg_tcpcore *t)
{
	if (!t->hash)
		return;
	mg__tcb_reap(t);
	while (t->all)
		tcb_free(t->all);
	memset(t->hash, 0, (t->hash_mask + 1) * sizeof(mg_tcb *));
	t->heap_len = 0;
	while (t->listeners) {
		mg_tcp_lsn *l = t->listeners;
		t->listeners = l->next;
		t->cfg.free(t->cfg.ctx, l, sizeof(*l));
	}
	if (t->heap)
		t->cfg.free(t->cfg.ctx, t->heap,
		            t->heap_cap * sizeof(mg_tcb *));
	t->cfg.free(t->cfg.ctx, t->hash, (t->hash_mask + 1) * sizeof(mg_tcb *));
	t->hash = NULL;
}

uint32_t mg__tcp_now_ms(const mg_tcpcore *t)
{
	return (uint32_t)(t->now / MG__NS_PER_MS);
}

static uint32_t hash_of(const mg_tcpcore *t, uint32_t laddr, uint16_t lport,
                        uint32_t raddr, uint16_t rport)
{
	uint32_t h = t->hash_seed;
	h ^= raddr * 0x9e3779b1u;
	h = (h ^ (h >> 15)) * 0x85ebca77u;
	h ^= laddr + ((uint32_t)lport << 16 | rport);
	h = (h ^ (h >> 13)) * 0xc2b2ae3du;
	h ^= h >> 16;
	return h & t->hash_mask;
}

void mg__tcb_hash_insert(mg_tcb *c)
{
	mg_tcpcore *t = c->t;
	uint32_t b = hash_of(t, c->laddr, c->lport, c->raddr, c->rport);
	c->hnext = t->hash[b];
	t->hash[b] = c;
	c->fl |= TF_HASHED;
}

static void hash_remove(mg_tcb *c)
{
	mg_tcpcore *t = c->t;
	if (!(c->fl & TF_HASHED))
		return;
	c->fl &= ~(uint32_t)TF_HASHED;
	uint32_t b = hash_of(t, c->laddr, c->lport, c->raddr, c->rport);
	for (mg_tcb **pp = &t->hash[b]; *pp; pp = &(*pp)->hnext) {
		if (*pp == c) {
			*pp = c->hnext;
			break;
		}
	}
	c->hnext = NULL;
}

mg_tcb *mg__tcb_lookup(mg_tcpcore *t, uint32_t laddr, uint16_t lport,
                       uint32_t raddr, uint16_t rport)
{
	uint32_t b = hash_of(t, laddr, lport, raddr, rport);
	for (mg_tcb *c = t->hash[b]; c; c = c->hnext)
		if (c->lport == lport && c->rport == rport &&
		    c->raddr == raddr && c->laddr == laddr)
			return c;
	return NULL;
}

mg_tcb *mg__tcb_new(mg_tcpcore *t, uint32_t laddr, uint16_t lport,
                    uint32_t raddr, uint16_t rport)
{
	if (t->nconns >= t->cfg.max_conns)
		return NULL;
	if (mg__tcp_heap_reserve(t, (uint32_t)t->nconns + 1) < 0)
		return NULL;
	mg_tcb *c = t->cfg.alloc(t->cfg.ctx, sizeof(*c));
	if (!c)
		return NULL;
	memset(c, 0, sizeof(*c));
	t->nconns++;
	c->t = t;
	c->anext = t->all;
	if (t->all)
		t->all->aprev = c;
	t->all = c;
	c->laddr = laddr;
	c->lport = lport;
	c->raddr = raddr;
	c->rport = rport;
	c->heap_idx = UINT32_MAX;
	c->deadline = c->t_rexmt = c->t_delack = c->t_keep = c->t_2msl =
	    MG__NEVER;
	c->last_rcv = c->last_snd = t->now;
	c->rto_ms = t->cfg.rto_init_ms;
	c->peer_mss = MG__TCP_DEFAULT_MSS;
	c->smss = MG__TCP_DEFAULT_MSS;
	c->iss = mg__tcp_isn(t, laddr, lport, raddr, rport, &c->ts_offset);
	c->snd_una = c->snd_nxt = c->snd_max = c->iss;
	c->tx_seq = c->iss + 1;
	mg__tcp_cc_init(c);
	return c;
}

int mg__tcb_bufs(mg_tcb *c)
{
	mg_tcpcore *t = c->t;
	if (!c->rx.buf && mg__ring_alloc(t, &c->rx, t->cfg.buf_init) < 0)
		return MG_ENOMEM;
	if (!c->tx.buf && mg__ring_alloc(t, &c->tx, t->cfg.buf_init) < 0)
		return MG_ENOMEM;
	return 0;
}

void mg__tcb_release_bufs(mg_tcb *c)
{
	mg__ring_free(c->t, &c->rx);
	mg__ring_free(c->t, &c->tx);
	c->nooo = 0;
}

void mg__tcb_set_state(mg_tcb *c, int state)
{
	c->state = (uint8_t)state;
}

void mg__tcb_event(mg_tcb *c, unsigned ev)
{
	if (c->fl & TF_USER)
		c->t->cfg.event(c->t->cfg.ctx, c, ev);
}

/*
 * The connection is over: out of the hash and the timers. A connection
 * the caller holds stays until mg_tcb_close; any other is freed at the
 * end of the current call.
 */
void mg__tcb_closed(mg_tcb *c)
{
	mg_tcpcore *t = c->t;
	if (c->fl & TF_DEAD)
		return;
	bool was_closed = c->state == MG_TCP_CLOSED;
	if (!was_closed)
		t->ctr.closed++;
	c->state = MG_TCP_CLOSED;
	hash_remove(c);
	c->t_rexmt = c->t_delack = c->t_keep = c->t_2msl = MG__NEVER;
	mg__tcp_heap_remove(c);
	mg__lsn_unlink(c);
	if (c->fl & TF_USER) {
		if (!was_closed)
			mg__tcb_event(c, MG_TCB_EV_CLOSED);
		return;
	}
	c->fl |= TF_DEAD;
	c->qnext = t->dead;
	t->dead = c;
}

void mg__tcb_drop(mg_tcb *c, int err)
{
	if (!c->err)
		c->err = err;
	mg__tcb_closed(c);
}

void mg__tcb_reap(mg_tcpcore *t)
{
	while (t->dead) {
		mg_tcb *c = t->dead;
		t->dead = c->qnext;
		tcb_free(c);
	}
}

const mg_tcp_counters *mg_tcpcore_counters(const mg_tcpcore *t)
{
	return &t->ctr;
}

size_t mg_tcpcore_conn_count(const mg_tcpcore *t)
{
	return t->nconns;
}
