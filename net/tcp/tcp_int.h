/* TCP engine internals shared by the files of net/tcp (see mg/tcp.h). */
#ifndef MG_TCP_INT_H
#define MG_TCP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mg/tcp.h>

/* Sequence number arithmetic modulo 2^32 (RFC 9293 section 3.4). */
#define SEQ_LT(a, b)  ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b)  SEQ_LT(b, a)
#define SEQ_GEQ(a, b) SEQ_LEQ(b, a)
#define SEQ_MAX(a, b) (SEQ_GT(a, b) ? (a) : (b))
#define SEQ_MIN(a, b) (SEQ_LT(a, b) ? (a) : (b))

/* Header flags. */
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20

#define MG__TCP_HDR_LEN     20
#define MG__TCP_OPT_MAX     40
#define MG__TCP_MAX_WINDOW  65535u
#define MG__TCP_MAX_WSCALE  14  /* RFC 7323 section 2.3 */
#define MG__TCP_DEFAULT_MSS 536 /* RFC 9293 section 3.7.1 */
#define MG__TCP_OOO_MAX     8   /* out-of-order ranges kept by a receiver */
#define MG__TCP_SACK_MAX    8   /* SACKed ranges kept by a sender */
#define MG__NS_PER_MS       1000000ull
#define MG__NEVER           UINT64_MAX

/* A parsed segment. */
typedef struct mg__tcp_seg {
	uint32_t src, dst; /* addresses, host order */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint16_t wnd; /* unscaled */
	uint8_t flags;
	const uint8_t *data;
	uint32_t len; /* data bytes */
	/* Options (RFC 9293 section 3.2, RFC 7323, RFC 2018). */
	bool has_mss, has_ws, sack_ok, has_ts;
	uint16_t mss;
	uint8_t ws;
	uint32_t tsval, tsecr;
	uint8_t nsack;
	uint32_t sack[4][2];
} mg__tcp_seg;

/* SEG.LEN of RFC 9293: data plus one for each of SYN and FIN. */
static inline uint32_t mg__seg_seqlen(const mg__tcp_seg *s)
{
	return s->len + !!(s->flags & TH_SYN) + !!(s->flags & TH_FIN);
}

/* A byte ring of power-of-two capacity; (head) and (len) grow freely and
 * are masked on use. */
typedef struct mg__ring {
	uint8_t *buf;
	uint32_t cap;
	uint32_t head;
	uint32_t len;
} mg__ring;

/* A range of sequence numbers [start, end). */
typedef struct mg__tcp_range {
	uint32_t start, end;
	uint32_t stamp; /* arrival order, for SACK block order */
} mg__tcp_range;

/* mg_tcb.fl bits. */
enum {
	TF_USER = 1u << 0,        /* held by the caller */
	TF_PASSIVE = 1u << 1,     /* opened by a listener */
	TF_ACCEPTQ = 1u << 2,     /* in its listener's accept queue */
	TF_SHUT_WR = 1u << 3,     /* FIN queued after the data */
	TF_RCV_FIN = 1u << 4,     /* FIN received (in order) */
	TF_NODELAY = 1u << 5,     /* Nagle off */
	TF_SACK = 1u << 6,        /* SACK permitted both ways */
	TF_TS = 1u << 7,          /* timestamps in use */
	TF_WS = 1u << 8,          /* window scaling in use */
	TF_ACK_NOW = 1u << 9,     /* send an ACK at the end of this call */
	TF_RECOVERY = 1u << 10,   /* in fast recovery */
	TF_RTT_TIMING = 1u << 11, /* rtt_seq is being timed (no TS) */
	TF_PERSIST = 1u << 12,    /* the rexmt timer is the persist timer */
	TF_OOO_FIN = 1u << 13,    /* a FIN arrived out of order at ooo_fin */
	TF_HALFOPEN = 1u << 14,   /* counted in its listener's half-open */
	TF_DEAD = 1u << 15,       /* on the engine's free list */
	TF_KEEPALIVE = 1u << 16,
	TF_WND_UPDATE = 1u << 17, /* window opened since the last ACK */
	TF_HASHED = 1u << 18,
	TF_CORK = 1u << 19,     /* during a send with MG_TCB_SEND_MORE */
	TF_RESCUE = 1u << 20,   /* the rescue retransmission was sent */
	TF_DSACK = 1u << 21,    /* dsack[] to report on the next ACK */
	TF_EIFEL = 1u << 22,    /* the fast retransmit may prove spurious */
	TF_TLP = 1u << 23,      /* the rexmt timer is a tail loss probe */
	TF_TLP_DONE = 1u << 24, /* probed; again once new data is acked */
};

struct mg_tcb {
	mg_tcpcore *t;
	mg_tcb *hnext;         /* hash chain */
	mg_tcb *anext, *aprev; /* the engine's list of all */
	mg_tcb *qnext;         /* listener queue or the engine's dead list */
	mg_tcp_lsn *lsn;
	void *user;
	uint32_t fl;
	uint8_t state;
	int err;

	uint32_t laddr, raddr;
	uint16_t lport, rport;

	/* Send sequence space (RFC 9293 section 3.3.1). snd_max is the
	 * highest sequence number sent; snd_nxt goes back to snd_una on a
	 * retransmission timeout. */
	uint32_t iss, snd_una, snd_nxt, snd_max;
	uint32_t snd_wl1, snd_wl2;
	uint32_t snd_wnd, max_snd_wnd;
	uint32_t tx_seq;   /* sequence number of the first byte in tx */
	uint16_t peer_mss; /* from the peer's MSS option */
	uint16_t smss;     /* payload of a full segment, options deducted */
	uint8_t snd_ws, rcv_ws;

	/* Congestion control (RFC 5681, 6582, 6675). */
	uint32_t cwnd, ssthresh, acked_acc;
	uint32_t recover;     /* RFC 6582 "recover" / RFC 6675 RecoveryPoint */
	uint32_t rexmit_high; /* RFC 6675 HighRxt */
	uint32_t dupacks;
	uint8_t dupthresh; /* 3, raised by reordering seen (RFC 4015) */
	uint32_t prior_cwnd, prior_ssthresh; /* before the fast retransmit */
	uint32_t rexmit_ts;                  /* its TSval (RFC 3522) */
	mg__tcp_range sack[MG__TCP_SACK_MAX];
	uint8_t nsack;

	/* RTT and RTO (RFC 6298), in microseconds; rto in ms. */
	uint32_t srtt_us, rttvar_us, rto_ms;
	uint8_t backoff;  /* RTO doublings since the last valid sample */
	uint8_t retries;  /* consecutive retransmissions of snd_una */
	uint32_t rtt_seq; /* Karn: the segment being timed ends here */
	uint64_t rtt_start;

	/* Timestamps (RFC 7323). */
	uint32_t ts_offset, ts_recent, last_ack_sent;
	uint64_t ts_recent_age;

	/* Receive sequence space. rcv_adv is the right edge advertised. */
	uint32_t irs, rcv_nxt, rcv_adv;
	mg__ring rx, tx;
	mg__tcp_range ooo[MG__TCP_OOO_MAX];
	uint8_t nooo;
	uint32_t ooo_stamp, ooo_fin;
	uint32_t dsack[2];    /* a duplicate received, for RFC 2883 */
	uint8_t segs_unacked; /* full segments since the last ACK sent */

	/* Receive buffer growth: bytes received since rcv_mark_time. */
	uint32_t rcv_mark_seq;
	uint64_t rcv_mark_time;
	uint32_t rcv_rtt_us; /* receiver's RTT estimate from TSecr */

	/* Timers: absolute deadlines in ns, MG__NEVER when off. */
	uint64_t deadline; /* the earliest of them: the heap key */
	uint32_t heap_idx;
	uint64_t t_rexmt, t_delack, t_keep, t_2msl;
	uint64_t last_rcv, last_snd;
	uint8_t probes;    /* keep-alive probes unanswered */
	uint8_t persist_n; /* zero window probes sent in a row */
	uint32_t ka_idle_ms, ka_intvl_ms, ka_count;
};

struct mg_tcp_lsn {
	mg_tcpcore *t;
	mg_tcp_lsn *next;
	uint32_t addr;
	uint16_t port;
	uint32_t backlog;
	uint32_t n_half, n_acc;
	mg_tcb *half;                /* half-open connections (qnext) */
	mg_tcb *acc_head, *acc_tail; /* established, waiting for accept */
	void *user;
};

/* tcp_wire.c */
int mg__tcp_parse(mg__tcp_seg *s, uint32_t src, uint32_t dst, const uint8_t *p,
                  size_t len);
uint16_t mg__tcp_csum(uint32_t src, uint32_t dst, const uint8_t *hdr,
                      size_t hlen, const mg_cbuf data[2]);

/* tcp_conn.c */
uint32_t mg__tcp_now_ms(const mg_tcpcore *t);
mg_tcb *mg__tcb_new(mg_tcpcore *t, uint32_t laddr, uint16_t lport,
                    uint32_t raddr, uint16_t rport);
void mg__tcb_hash_insert(mg_tcb *c);
mg_tcb *mg__tcb_lookup(mg_tcpcore *t, uint32_t laddr, uint16_t lport,
                       uint32_t raddr, uint16_t rport);
void mg__tcb_set_state(mg_tcb *c, int state);
void mg__tcb_drop(mg_tcb *c, int err);
void mg__tcb_closed(mg_tcb *c);
void mg__tcb_event(mg_tcb *c, unsigned ev);
void mg__tcb_reap(mg_tcpcore *t);
int mg__tcb_bufs(mg_tcb *c);
void mg__tcb_release_bufs(mg_tcb *c);
void mg__tcp_drop(mg_tcpcore *t, uint64_t *reason);
#define MG__DROP(t, reason) mg__tcp_drop((t), &(t)->ctr.reason)

/* tcp_ring.c */
int mg__ring_alloc(mg_tcpcore *t, mg__ring *r, uint32_t cap);
void mg__ring_free(mg_tcpcore *t, mg__ring *r);
int mg__ring_grow(mg_tcpcore *t, mg__ring *r, uint32_t cap, uint32_t keep);
void mg__ring_write_at(mg__ring *r, uint32_t off, const uint8_t *p, uint32_t n);
void mg__ring_read_at(const mg__ring *r, uint32_t off, uint8_t *p, uint32_t n);
void mg__ring_views(const mg__ring *r, uint32_t off, uint32_t n,
                    mg_cbuf out[2]);
uint32_t mg__ranges_add(mg__tcp_range *r, uint8_t *n, uint8_t max,
                        uint32_t start, uint32_t end, uint32_t stamp);

/* tcp_syn.c */
void mg__tcp_listen_input(mg_tcp_lsn *l, mg__tcp_seg *s);
void mg__tcp_synsent_input(mg_tcb *c, mg__tcp_seg *s);
uint32_t mg__tcp_isn(mg_tcpcore *t, uint32_t laddr, uint16_t lport,
                     uint32_t raddr, uint16_t rport, uint32_t *ts_offset);
void mg__tcp_negotiate(mg_tcb *c, const mg__tcp_seg *s);
void mg__tcb_established(mg_tcb *c);
mg_tcp_lsn *mg__tcp_lsn_lookup(mg_tcpcore *t, uint32_t addr, uint16_t port);
void mg__tcp_tuple_nonce(uint8_t n[12], uint32_t laddr, uint16_t lport,
                         uint32_t raddr, uint16_t rport);
void mg__tcp_offer(mg_tcb *c);

/* tcp_cookie.c */
int mg__tcp_cookie_check(const mg_tcpcore *t, const mg__tcp_seg *s);
void mg__tcp_cookie_send(mg_tcp_lsn *l, const mg__tcp_seg *s);
void mg__tcp_cookie_ack(mg_tcp_lsn *l, mg__tcp_seg *s, int idx);
void mg__lsn_unlink(mg_tcb *c);

/* tcp_in.c */
void mg__tcp_sync_input(mg_tcb *c, mg__tcp_seg *s);

/* tcp_rcv.c */
void mg__tcp_rcv_data(mg_tcb *c, mg__tcp_seg *s);
uint32_t mg__tcp_rcv_space(const mg_tcb *c);
uint16_t mg__tcp_rcv_wnd_field(mg_tcb *c);
int mg__tcp_sack_blocks(const mg_tcb *c, uint32_t out[][2], int max);
void mg__tcp_rcv_consumed(mg_tcb *c);
void mg__tcp_dsack(mg_tcb *c, uint32_t start, uint32_t end);

/* tcp_out.c */
void mg__tcp_output(mg_tcb *c);
void mg__tcp_send_ack(mg_tcb *c);
void mg__tcp_send_syn(mg_tcb *c);
uint32_t mg__tcp_send_seg(mg_tcb *c, uint32_t seq, uint32_t len, bool rexmt);
void mg__tcp_send_rst(mg_tcpcore *t, uint32_t laddr, uint16_t lport,
                      uint32_t raddr, uint16_t rport, uint32_t seq,
                      uint32_t ack, bool with_ack);
void mg__tcp_reply_rst(mg_tcpcore *t, const mg__tcp_seg *s);
void mg__tcp_send_raw(mg_tcpcore *t, uint32_t laddr, uint16_t lport,
                      uint32_t raddr, uint16_t rport, uint32_t seq,
                      uint32_t ack, uint8_t flags, uint16_t wnd,
                      const uint8_t *opt, size_t optlen, const mg_cbuf data[2],
                      uint16_t gso);
/* The most payload one segment given to output carries: one SMSS, or
 * with segmentation offload as many whole SMSS as tso_max holds. */
uint32_t mg__tcp_burst_max(const mg_tcb *c);
void mg__tcp_flush(mg_tcb *c);
bool mg__tcp_challenge_ack(mg_tcb *c);
size_t mg__tcp_build_opts(mg_tcb *c, uint8_t flags, uint8_t *o);
uint32_t mg__tcp_tsval(const mg_tcb *c);

/* tcp_cc.c */
void mg__tcp_cc_init(mg_tcb *c);
void mg__tcp_rtt_sample(mg_tcb *c, uint32_t rtt_us);
void mg__tcp_ack_received(mg_tcb *c, const mg__tcp_seg *s, uint32_t acked,
                          bool dup);
uint32_t mg__tcp_sack_update(mg_tcb *c, const mg__tcp_seg *s);
uint32_t mg__tcp_skip_sacked(const mg_tcb *c, uint32_t seq);
void mg__tcp_cc_timeout(mg_tcb *c);
uint32_t mg__tcp_send_allowance(const mg_tcb *c);
bool mg__tcp_next_hole(mg_tcb *c, uint32_t *seq, uint32_t *len);
bool mg__tcp_rescue(mg_tcb *c, uint32_t *seq, uint32_t *len);
uint32_t mg__tcp_flight(const mg_tcb *c);

/* tcp_timer.c */
void mg__tcp_timer_update(mg_tcb *c);
void mg__tcp_heap_remove(mg_tcb *c);
int mg__tcp_heap_reserve(mg_tcpcore *t, uint32_t n);
void mg__tcp_rexmt_arm(mg_tcb *c);
void mg__tcp_rexmt_stop(mg_tcb *c);
void mg__tcp_persist_arm(mg_tcb *c);
void mg__tcp_keep_arm(mg_tcb *c);
void mg__tcp_timewait(mg_tcb *c);
uint32_t mg__tcp_rto_cur(const mg_tcb *c);

static inline uint64_t mg__ms(uint32_t ms)
{
	return (uint64_t)ms * MG__NS_PER_MS;
}

#endif
