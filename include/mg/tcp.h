/* TCP (RFC 9293): the sans-I/O engine and the module type over an ipv4. */
#ifndef MG_TCP_H
#define MG_TCP_H

/*
 * Two layers live here.
 *
 * 1. mg_tcpcore, a TCP engine that never does I/O itself (in the manner of
 *    BearSSL): the caller feeds it received segments with their addresses
 *    (mg_tcpcore_input) and lets it run its timers (mg_tcpcore_timers);
 *    the engine hands segments to send to the caller's output function
 *    and reports what happened to connections through the caller's event
 *    function. The clock is read through the caller's now_ns function, so
 *    a test drives it with a fake clock and a fake wire.
 *
 * 2. mg_tcpv4, the module type: the engine bound to an IPv4 layer and to
 *    fibers, handing out connections as mg_flow (mg/flow.h). The direct
 *    stackv4 (mg/stackv4.h) serves its TCP calls with it.
 *
 * What the engine implements, and where:
 * - the state machine of RFC 9293 section 3.3.2 including simultaneous
 *   open and close; RST validation, challenge ACKs and ACK range checks
 *   of RFC 5961; TIME-WAIT with RFC 1337 protection and SYN reuse (RFC
 *   9293 section 3.6.1 with RFC 6191's timestamp test);
 * - MSS (RFC 9293 section 3.7.1, RFC 6691), window scale and timestamps
 *   (RFC 7323, RTT from TSecr, PAWS), SACK (RFC 2018) both ways;
 * - RTO per RFC 6298 with Karn's rule and exponential backoff;
 * - NewReno (RFC 5681, RFC 6582), SACK-based loss recovery (RFC 6675),
 *   initial window of RFC 6928, restart after idle, Limited Transmit
 *   (RFC 3042), Early Retransmit (RFC 5827), the tail loss probe (RFC
 *   8985 section 7), D-SACK reports (RFC 2883), spurious fast
 *   retransmits undone (RFC 3522, RFC 4015);
 * - delayed ACKs (RFC 9293 section 3.8.6.3), Nagle (section 3.7.4) with
 *   a no-delay switch, sender and receiver silly window avoidance,
 *   zero-window probing (section 3.8.6.1), keep-alive (section 3.8.4);
 * - ISNs per RFC 6528 (ChaCha20 as the keyed function); a bounded
 *   half-open queue per listener and SYN cookies once it is full (RFC
 *   4987 section 3.6); a bounded accept queue;
 * - a counter for every segment dropped, by reason (MG_TCP_COUNTERS).
 *
 * Not implemented: urgent data is delivered inline as ordinary data (RFC
 * 6093 section 4 advises against its use); no path MTU discovery (the IP
 * layer fragments); no ECN; no TCP Fast Open; no RACK; no CUBIC. See
 * docs/tcp.md.
 *
 * Re-entrancy: the output and event functions are called from inside
 * every mg_tcpcore and mg_tcb call. They MUST NOT call back into the
 * engine; they note what happened and act after the call returns.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mg/buf.h>
#include <mg/flow.h>
#include <mg/ipaddr.h>

/* Connection states of RFC 9293 section 3.3.2. */
typedef enum mg_tcp_state {
	MG_TCP_CLOSED = 0,
	MG_TCP_LISTEN,
	MG_TCP_SYN_SENT,
	MG_TCP_SYN_RECEIVED,
	MG_TCP_ESTABLISHED,
	MG_TCP_FIN_WAIT_1,
	MG_TCP_FIN_WAIT_2,
	MG_TCP_CLOSE_WAIT,
	MG_TCP_CLOSING,
	MG_TCP_LAST_ACK,
	MG_TCP_TIME_WAIT,
} mg_tcp_state;

/* "ESTABLISHED", ...; "?" for a value out of range. */
const char *mg_tcp_state_name(int state);

/*
 * Counters. The first group counts events; every name starting with
 * "drop_" counts segments dropped for that reason, and "drops" is their
 * sum, so every received segment that the engine does not use is counted
 * twice: once in drops and once by reason.
 */
#define MG_TCP_COUNTERS(X)                                                     \
	X(segs_in, "segments received")                                        \
	X(segs_out, "segments sent")                                           \
	X(data_segs_out, "segments sent carrying data")                        \
	X(bytes_out, "data bytes sent, retransmissions included")              \
	X(bytes_in, "in-window data bytes received")                           \
	X(active_opens, "connections opened by connect")                       \
	X(passive_opens, "connections opened by a SYN to a listener")          \
	X(established, "connections that reached ESTABLISHED")                 \
	X(closed, "connections closed (any way)")                              \
	X(resets_in, "connections reset by the peer")                          \
	X(resets_out, "RST segments sent")                                     \
	X(timeouts, "connections dropped after too many retransmissions")      \
	X(keepalive_drops, "connections dropped by keep-alive")                \
	X(rto, "retransmission timeouts")                                      \
	X(tlp_probes, "tail loss probes (RFC 8985)")                           \
	X(retrans_segs, "segments retransmitted")                              \
	X(fast_retrans, "fast retransmits (recovery entered)")                 \
	X(sack_retrans, "segments retransmitted to fill SACK holes")           \
	X(partial_acks, "NewReno partial ACKs")                                \
	X(spurious_rexmits, "fast retransmits undone (Eifel, RFC 3522)")       \
	X(dupacks_in, "duplicate ACKs received")                               \
	X(acks_delayed, "ACKs sent by the delayed-ACK timer")                  \
	X(ooo_segs, "segments queued out of order")                            \
	X(rtt_samples, "RTT samples taken")                                    \
	X(zwp_sent, "zero window probes sent")                                 \
	X(keepalive_sent, "keep-alive probes sent")                            \
	X(challenge_acks, "challenge ACKs sent (RFC 5961)")                    \
	X(syncookies_sent, "SYN-ACKs carrying a SYN cookie")                   \
	X(syncookies_ok, "connections opened from a valid SYN cookie")         \
	X(synack_retrans, "SYN or SYN-ACK retransmissions")                    \
	X(timewait_reused, "TIME-WAIT connections reused by a new SYN")        \
	X(rcvbuf_grown, "receive buffers grown")                               \
	X(sndbuf_grown, "send buffers grown")                                  \
	X(drops, "segments dropped, all reasons")                              \
	X(drop_short, "dropped: shorter than its header")                      \
	X(drop_checksum, "dropped: bad checksum")                              \
	X(drop_options, "dropped: malformed options")                          \
	X(drop_bad_addr, "dropped: broadcast, multicast or zero address")      \
	X(drop_no_socket, "dropped: no connection or listener (RST sent)")     \
	X(drop_listen_rst, "dropped: RST to a listener")                       \
	X(drop_listen_ack, "dropped: ACK to a listener, no valid cookie")      \
	X(drop_listen_flags, "dropped: neither SYN nor ACK to a listener")     \
	X(drop_listen_overflow, "dropped: listener's accept queue full")       \
	X(drop_syn_queue_full, "dropped: half-open queue full, no cookies")    \
	X(drop_nomem, "dropped: no memory for a connection")                   \
	X(drop_synsent_ack, "dropped: unacceptable ACK in SYN-SENT")           \
	X(drop_synsent_rst, "dropped: RST not acking our SYN")                 \
	X(drop_synsent_flags, "dropped: neither SYN nor RST in SYN-SENT")      \
	X(drop_dup_syn, "dropped: retransmitted SYN (SYN-ACK resent)")         \
	X(drop_paws, "dropped: old timestamp (PAWS, RFC 7323 5)")              \
	X(drop_out_of_window, "dropped: sequence number outside the window")   \
	X(drop_rst_challenged, "dropped: RST in window but not at RCV.NXT")    \
	X(drop_rst_out_of_window, "dropped: RST outside the window")           \
	X(drop_syn_challenged, "dropped: SYN on a synchronized connection")    \
	X(drop_no_ack, "dropped: no ACK flag after the handshake")             \
	X(drop_ack_too_new, "dropped: ACK of data never sent")                 \
	X(drop_ack_too_old, "dropped: ACK below SND.UNA - MAX.SND.WND")        \
	X(drop_synrcvd_ack, "dropped: bad ACK in SYN-RECEIVED (RST sent)")     \
	X(drop_ooo_full, "dropped: out-of-order data, no range left")          \
	X(drop_after_fin, "dropped: data after the peer's FIN")                \
	X(drop_after_close, "dropped: data after close (RST sent)")            \
	X(drop_challenge_limit, "dropped: challenge ACK over the rate limit")  \
	X(drop_timewait, "dropped: segment to a TIME-WAIT connection")         \
	X(drop_closed, "dropped: segment to a closed connection")

typedef struct mg_tcp_counters {
#define MG__TCP_COUNTER_FIELD(name, doc) uint64_t name;
	MG_TCP_COUNTERS(MG__TCP_COUNTER_FIELD)
#undef MG__TCP_COUNTER_FIELD
} mg_tcp_counters;

enum {
#define MG__TCP_COUNTER_ENUM(name, doc) MG__TCP_CTR_##name,
	MG_TCP_COUNTERS(MG__TCP_COUNTER_ENUM)
#undef MG__TCP_COUNTER_ENUM
	    MG_TCP_COUNTER_COUNT
};

/* The name and description of counter (i), 0 <= i < MG_TCP_COUNTER_COUNT,
 * in the order of the fields of mg_tcp_counters; NULL out of range. */
const char *mg_tcp_counter_name(int i);
const char *mg_tcp_counter_doc(int i);
/* Counter (i) of (c); 0 out of range. */
uint64_t mg_tcp_counter_get(const mg_tcp_counters *c, int i);

/* ------------------------------------------------------------------ */
/* The sans-I/O engine                                                  */
/* ------------------------------------------------------------------ */

typedef struct mg_tcpcore mg_tcpcore;
typedef struct mg_tcb mg_tcb;         /* one connection */
typedef struct mg_tcp_lsn mg_tcp_lsn; /* one listener */

/*
 * A segment to send: (hdr, hdr_len) is the TCP header with its options
 * and a correct checksum over the pseudo-header (src, dst); the payload
 * is (data[0]) followed by (data[1]) (either MAY be empty). The views are
 * valid only during the output call.
 *
 * With MG_TCPCORE_CSUM_OFFLOAD, (csum_partial) is set and the checksum
 * field holds the folded, uncomplemented sum of the pseudo-header only
 * (mg/net_offload.h, MG_NET_CSUM_PARTIAL): the device completes it. With
 * a (tso_max) above one segment, (gso_size) is non-zero when the payload
 * is longer than one segment: the device cuts it into segments of that
 * many bytes (MG_NET_GSO_TCPV4).
 */
typedef struct mg_tcp_segout {
	mg_ipv4_addr src, dst;
	const uint8_t *hdr;
	size_t hdr_len;
	mg_cbuf data[2];
	bool csum_partial;
	uint16_t gso_size;
} mg_tcp_segout;

/* Events reported to the event function, as a bit set. */
#define MG_TCB_EV_CONNECTED 1u /* active open done: ESTABLISHED */
#define MG_TCB_EV_READABLE  2u /* data to read, or the peer's FIN */
#define MG_TCB_EV_WRITABLE  4u /* send space freed */
#define MG_TCB_EV_CLOSED    8u /* gone: reset, refused, timed out, done */
#define MG_TCB_EV_ACCEPT                                                       \
	16u /* a new connection waits in (tcb)'s                               \
	       listener's accept queue */

/* Switches of mg_tcpcore_cfg.flags. */
#define MG_TCPCORE_NO_SACK           1u  /* neither offer nor accept SACK */
#define MG_TCPCORE_NO_TIMESTAMPS     2u  /* neither offer nor accept TS */
#define MG_TCPCORE_NO_WSCALE         4u  /* no window scaling */
#define MG_TCPCORE_NO_SYNCOOKIES     8u  /* drop SYNs when half-open is full */
#define MG_TCPCORE_SYNCOOKIES_ALWAYS 16u /* keep no half-open state */
#define MG_TCPCORE_CSUM_OFFLOAD      64u /* leave payload sums to output */

typedef struct mg_tcpcore_cfg {
	void *ctx; /* passed to every function below */
	/* The monotonic clock, in ns. Required. */
	uint64_t (*now_ns)(void *ctx);
	/* Send (seg). Required. A segment the caller cannot send is lost,
	 * as on a wire; the engine retransmits. */
	void (*output)(void *ctx, const mg_tcp_segout *seg);
	/* Report (events) on (tcb). Required. */
	void (*event)(void *ctx, mg_tcb *tcb, unsigned events);
	/* Memory for connections and their buffers; NULL: malloc and free.
	 * (size) is given back to free. */
	void *(*alloc)(void *ctx, size_t size);
	void (*free)(void *ctx, void *p, size_t size);
	/* Key of the RFC 6528 ISN function, SYN cookies and the connection
	 * hash; MUST be secret and random (mg_random_fill). */
	uint8_t secret[32];
	/* MSS this host can receive (its MTU - 40); 0: 1460. Also the
	 * largest segment sent. At least 536. */
	uint16_t mss;
	/* Per-connection buffer sizes in bytes, each way: a buffer starts
	 * at buf_init and doubles while the connection can use more, up to
	 * buf_max (rounded up to powers of two; 0: 8 KiB and 1 MiB). The
	 * window scale offered is the smallest that covers buf_max. */
	uint32_t buf_init, buf_max;
	/* 0 for each: the default in brackets. */
	uint32_t rto_min_ms;    /* [200] lower bound of the RTO */
	uint32_t rto_max_ms;    /* [60000] upper bound, backoff included */
	uint32_t rto_init_ms;   /* [1000] before any RTT sample */
	uint32_t delack_ms;     /* [40] delayed ACK timeout */
	uint32_t msl_ms;        /* [30000] TIME-WAIT lasts 2 MSL */
	uint32_t fin_wait_2_ms; /* [60000] FIN-WAIT-2 once closed locally */
	uint32_t syn_retries;   /* [6] SYN, SYN-ACK retransmissions */
	uint32_t data_retries;  /* [15] data retransmissions (RFC 9293 R2) */
	uint32_t challenge_ack_limit; /* [1000] challenge ACKs per second */
	uint32_t max_conns;           /* [65536] connections at once */
	/* [0] Payload bytes a segment given to output MAY carry when the
	 * device cuts it (segmentation offload, with
	 * MG_TCPCORE_CSUM_OFFLOAD); 0 or below one segment: none. */
	uint32_t tso_max;
	uint32_t hash_buckets;        /* [1024] rounded up to a power of two */
	unsigned flags;               /* MG_TCPCORE_* */
} mg_tcpcore_cfg;

/*
 * Initialise (t) with a copy of (cfg). 0, MG_EINVAL (a required function
 * missing, mss below 536), MG_ENOMEM (the connection hash table).
 */
int mg_tcpcore_init(mg_tcpcore *t, const mg_tcpcore_cfg *cfg);

/*
 * Free everything (t) holds, every connection and listener included,
 * sending nothing. Handles into it become invalid.
 */
void mg_tcpcore_fini(mg_tcpcore *t);

/* Flags of mg_tcpcore_input. */
#define MG_TCP_IN_CSUM_OK 1u /* the checksum was verified already */

/*
 * Process the TCP segment (seg) (header and payload, as carried in an IP
 * datagram from (src) to (dst)). Never fails: a segment that is not used
 * is counted under its reason. (seg) is not kept.
 */
void mg_tcpcore_input(mg_tcpcore *t, mg_ipv4_addr src, mg_ipv4_addr dst,
                      mg_cbuf seg, unsigned flags);

/*
 * Run the timers due at the current time (retransmission, delayed ACK,
 * zero window probe, keep-alive, TIME-WAIT...). Returns the monotonic
 * time at which to call again (UINT64_MAX: no timer armed). Calling
 * early is harmless; any other call MAY make the deadline earlier, so
 * the caller asks mg_tcpcore_deadline() after each.
 */
uint64_t mg_tcpcore_timers(mg_tcpcore *t);

/* The earliest timer deadline (UINT64_MAX: none). */
uint64_t mg_tcpcore_deadline(const mg_tcpcore *t);

/* The engine's counters, live. */
const mg_tcp_counters *mg_tcpcore_counters(const mg_tcpcore *t);

/* Connections alive (user-held, in the handshake, closing or in
 * TIME-WAIT). */
size_t mg_tcpcore_conn_count(const mg_tcpcore *t);

/*
 * Listen on (addr, port); addr 0.0.0.0 matches every local address.
 * (backlog) bounds the established connections waiting for
 * mg_tcpcore_accept (0: 128): a SYN past it is dropped, a cookie's ACK
 * or a half-open connection completing past it is reset.
 * Half-open connections are bounded by the same number, then SYN
 * cookies (unless MG_TCPCORE_NO_SYNCOOKIES) answer for the listener
 * without keeping state. (user) is returned by
 * mg_tcp_lsn_user. 0, MG_EADDRINUSE, MG_EINVAL (port 0), MG_ENOMEM.
 */
int mg_tcpcore_listen(mg_tcpcore *t, mg_ipv4_addr addr, uint16_t port,
                      int backlog, void *user, mg_tcp_lsn **out);

/* The next connection of (l)'s accept queue (ESTABLISHED or later, or
 * already closed by the peer), now owned by the caller; NULL if none. */
mg_tcb *mg_tcpcore_accept(mg_tcp_lsn *l);

/* Stop listening: queued and half-open connections are reset and freed. */
void mg_tcpcore_unlisten(mg_tcp_lsn *l);

void *mg_tcp_lsn_user(const mg_tcp_lsn *l);
uint16_t mg_tcp_lsn_port(const mg_tcp_lsn *l);

/*
 * Open a connection from (src) (the local address; port 0 picks a free
 * ephemeral port) to (dst): sends a SYN and stores the connection, in
 * SYN-SENT and owned by the caller, in (*out). MG_EADDRINUSE (tuple taken,
 * no free port), MG_ENOMEM, MG_EINVAL (port 0 in dst).
 */
int mg_tcpcore_connect(mg_tcpcore *t, mg_ipv4_endpoint src,
                       mg_ipv4_endpoint dst, mg_tcb **out);

/* ---- A connection, owned by the caller until mg_tcb_close/abort ---- */

mg_tcp_state mg_tcb_state(const mg_tcb *c);

/* Why it closed: 0 (a clean close, or not closed), MG_ECONNREFUSED,
 * MG_ECONNRESET, MG_ETIMEDOUT. */
int mg_tcb_error(const mg_tcb *c);

void mg_tcb_set_user(mg_tcb *c, void *user);
void *mg_tcb_user(const mg_tcb *c);

/* The listener that made (c), until it is accepted; else NULL. */
mg_tcp_lsn *mg_tcb_listener(const mg_tcb *c);

void mg_tcb_endpoints(const mg_tcb *c, mg_ipv4_endpoint *local,
                      mg_ipv4_endpoint *remote);

/* Flags of mg_tcb_send. */
#define MG_TCB_SEND_MORE                                                       \
	1u /* more follows at once: hold a short last                          \
	      segment, whatever Nagle says */

/*
 * Queue up to (data.len) bytes for sending; returns the count accepted
 * (0 when the send buffer is full: wait for MG_TCB_EV_WRITABLE), or an
 * error once the connection cannot send: MG_EPIPE after mg_tcb_shutdown
 * or a close, the mg_tcb_error() of a connection that failed
 * (MG_ECONNRESET, MG_ETIMEDOUT, MG_ECONNREFUSED), MG_ENOMEM for a first
 * buffer. SYN-SENT and SYN-RECEIVED queue. Sends what the windows, Nagle
 * and the congestion window allow at once.
 */
int mg_tcb_send(mg_tcb *c, mg_cbuf data, unsigned flags);

/* Bytes mg_tcb_send would accept now. */
size_t mg_tcb_send_space(const mg_tcb *c);

/* Bytes queued and not yet acknowledged by the peer. */
size_t mg_tcb_send_queued(const mg_tcb *c);

/*
 * Copy up to (buf.len) received bytes into (buf) and consume them.
 * Returns the count (> 0); 0 at the end of the stream (the peer's FIN
 * and every byte before it read); MG_EAGAIN when nothing is there yet;
 * MG_ECONNRESET (or the mg_tcb_error) once the connection failed.
 * Reading may send a window update.
 */
int mg_tcb_recv(mg_tcb *c, mg_buf buf);

/*
 * Zero-copy reading: the received bytes in order as up to two views
 * (the second empty unless the data wraps in the ring). The views are
 * valid until the next call on (c) or into the engine. Returns the total.
 */
size_t mg_tcb_recv_peek(const mg_tcb *c, mg_cbuf parts[2]);

/* Consume (n) bytes seen with mg_tcb_recv_peek (clamped). */
void mg_tcb_recv_consume(mg_tcb *c, size_t n);

/* Bytes ready to read. */
size_t mg_tcb_recv_avail(const mg_tcb *c);

/* True once the peer's FIN has been received (data before it may still
 * wait to be read). */
bool mg_tcb_recv_eof(const mg_tcb *c);

/*
 * Send a FIN once every queued byte is sent (RFC 9293 section 3.10.4).
 * 0; again: 0; MG_ENOTCONN if the connection is closed.
 */
int mg_tcb_shutdown(mg_tcb *c);

/*
 * Give (c) back to the engine: shut it down, let it deliver queued data
 * and finish the close on its own, then free it. If received data was
 * never read, reset instead (RFC 1122 section 4.2.2.13); data arriving
 * later is answered with a RST too. (c) MUST NOT be used afterwards.
 */
void mg_tcb_close(mg_tcb *c);

/* Send a RST (in synchronized states) and free (c) at once. */
void mg_tcb_abort(mg_tcb *c);

/* Nagle's algorithm (RFC 9293 section 3.7.4) off when (on). */
void mg_tcb_set_nodelay(mg_tcb *c, bool on);

/*
 * Keep-alive (RFC 9293 section 3.8.4): after (idle_ms) without receiving
 * anything, probe every (intvl_ms); after (count) unanswered probes the
 * connection closes with MG_ETIMEDOUT. idle_ms 0 turns it off (the
 * default). Values of 0 for intvl_ms, count: 75000 and 9.
 */
void mg_tcb_set_keepalive(mg_tcb *c, uint32_t idle_ms, uint32_t intvl_ms,
                          uint32_t count);

/* The smoothed RTT in microseconds (0 before any sample) and the RTO. */
uint32_t mg_tcb_srtt_us(const mg_tcb *c);
uint32_t mg_tcb_rto_ms(const mg_tcb *c);

/* ------------------------------------------------------------------ */
/* The module type: the engine over an ipv4, for fibers                 */
/* ------------------------------------------------------------------ */

/*
 * mg_tcpv4 serves the TCP calls of mg/stackv4.h (listen, accept, connect:
 * same contracts, connections as mg_flow) with one engine whose segments
 * go through (and come from, as protocol 6) an mg_ipv4. Its timers run
 * on the fiber of whoever calls tick(): the direct stack's input fiber.
 * A call from another fiber that may bring the next deadline earlier
 * calls (kick)(kick_ctx), which MUST wake that fiber (cheaply when
 * nothing changed).
 */

#include <mg/ipv4.h>
#include <mg/random.h>
#include <mg/stackv4.h>

typedef struct mg_tcpv4_ops {
	int (*listen)(void *self, const mg_tcp_listen_opts *opts,
	              mg_tcp_listener **out);
	int (*accept)(void *self, mg_tcp_listener *l, mg_flow **out,
	              uint64_t deadline_ns);
	uint16_t (*listener_port)(void *self, mg_tcp_listener *l);
	void (*unlisten)(void *self, mg_tcp_listener *l);
	int (*connect)(void *self, mg_ipv4_endpoint dst, unsigned flags,
	               uint64_t deadline_ns, mg_flow **out);
	/* The next timer deadline (UINT64_MAX: none); run what is due. */
	uint64_t (*deadline)(void *self);
	void (*tick)(void *self, uint64_t now_ns);
	/* Visit the engine's counters, layer "tcp" (mg/pkt.h). */
	void (*counters)(void *self, mg_net_counter_fn fn, void *ctx);
	/* The engine itself, for tests and tools that read its state. */
	mg_tcpcore *(*core)(void *self);
} mg_tcpv4_ops;

typedef struct mg_tcpv4 {
	const mg_tcpv4_ops *ops;
	void *self;
} mg_tcpv4;

/* Options of mg_tcpv4_connect; zero fields take the engine's defaults. */
typedef struct mg_tcpv4_opts {
	void (*kick)(void *ctx);
	void *kick_ctx;
	/* Per-connection buffer sizes (mg_tcpcore_cfg.buf_init, buf_max). */
	uint32_t buf_init, buf_max;
	unsigned flags; /* MG_TCPCORE_* */
} mg_tcpv4_opts;

/*
 * TCP over (ip), keyed from (random), listening to protocol 6 on it.
 * (opts) MAY be NULL (then nothing is kicked: the caller polls
 * deadline). 0, MG_EEXIST (protocol 6 taken), MG_ENOMEM.
 * mg_tcpv4_disconnect() frees it, sending nothing; listeners and flows
 * MUST have been closed (a flow still open is reset without a word).
 */
int mg_tcpv4_connect(mg_tcpv4 *out, mg_ipv4 *ip, mg_random *random,
                     const mg_tcpv4_opts *opts);
void mg_tcpv4_disconnect(mg_tcpv4 *t);

/* ------------------------------------------------------------------ */
/* The engine's private state: callers allocate mg_tcpcore, never read  */
/* it.                                                                  */
/* ------------------------------------------------------------------ */

struct mg_tcpcore {
	mg_tcpcore_cfg cfg;
	mg_tcp_counters ctr;
	mg_tcb **hash;
	uint32_t hash_mask;
	uint32_t hash_seed;
	mg_tcp_lsn *listeners;
	mg_tcb *all;   /* every connection, for fini */
	mg_tcb **heap; /* connections by timer deadline */
	uint32_t heap_len, heap_cap;
	size_t nconns;
	uint64_t now;
	uint64_t chack_window; /* start of the challenge ACK second */
	uint32_t chack_count;
	uint16_t next_port;
	uint8_t wscale;   /* offered */
	uint8_t in_input; /* nesting guard for deferred frees */
	mg_tcb *dead;     /* freed at the end of the call */
};

#endif
