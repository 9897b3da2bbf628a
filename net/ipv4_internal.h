/* IPv4's state, shared by its input/output file and its reassembly. */
#ifndef MG_NET_IPV4_INTERNAL_H
#define MG_NET_IPV4_INTERNAL_H

#include <mg/ipv4.h>

#include "net_internal.h"

#define LISTENERS_MAX 8

#define IPV4_COUNTERS(X)                                                       \
	X(rx_datagrams, "datagrams received")                                  \
	X(rx_delivered, "datagrams delivered to a protocol")                   \
	X(rx_options, "datagrams with options (skipped)")                      \
	X(rx_fragments, "fragments received")                                  \
	X(reassembled, "datagrams reassembled")                                \
	X(tx_datagrams, "datagrams sent")                                      \
	X(tx_fragments, "fragments sent")                                      \
	X(drop_short, "dropped: shorter than a header")                        \
	X(drop_version, "dropped: not version 4")                              \
	X(drop_header_len, "dropped: bad header length")                       \
	X(drop_total_len, "dropped: total length beyond the frame")            \
	X(drop_checksum, "dropped: bad header checksum")                       \
	X(drop_bad_src, "dropped: broadcast or multicast source")              \
	X(drop_not_for_us, "dropped: another destination")                     \
	X(drop_no_proto, "dropped: no listener for the protocol")              \
	X(drop_frag_bad, "fragments dropped: inconsistent offset or length")   \
	X(drop_frag_dup, "fragments dropped: exact duplicate")                 \
	X(drop_frag_overlap, "datagrams dropped: overlapping fragments")       \
	X(drop_frag_too_many, "datagrams dropped: too many fragments")         \
	X(drop_frag_too_big, "datagrams dropped: over 65535 bytes")            \
	X(drop_frag_timeout, "datagrams dropped: reassembly timed out")        \
	X(drop_frag_evicted, "datagrams dropped: reassembly memory needed")    \
	X(drop_frag_no_buffer, "datagrams dropped: no buffer to reassemble")   \
	X(tx_no_route, "not sent: no route")                                   \
	X(tx_too_big, "not sent: too big, or over the MTU with DF")            \
	X(tx_no_buffer, "not sent: no buffer for a fragment")

typedef struct ipv4_counters {
	IPV4_COUNTERS(MG__NET_COUNTER_FIELD)
} ipv4_counters;

/* One datagram being reassembled. */
typedef struct reass {
	struct reass *next; /* oldest first */
	uint32_t src, dst;
	uint16_t id;
	uint8_t proto;
	bool have_last;
	bool broadcast;
	uint64_t started;
	mg_pkt *frags; /* sorted by offset; data: payload, user[0]: offset */
	unsigned nfrags;
	size_t bytes;   /* buffer storage held */
	uint32_t total; /* payload length, once the last fragment came */
	size_t hdr_len; /* 0 until the first fragment came */
	uint8_t hdr[60];
} reass;

typedef struct ipv4 {
	mg_ethernet *eth;
	mg_arp *arp;
	mg_ipv4_config cfg;
	uint32_t mask, bcast;
	struct {
		uint8_t proto;
		mg_ipv4_input_fn fn;
		void *ctx;
	} listeners[LISTENERS_MAX];
	int nlisteners;
	mg_ipv4_error_fn err_fn;
	void *err_ctx;
	uint16_t next_id;
	reass *reass; /* oldest first */
	unsigned nreass;
	size_t reass_bytes;
	ipv4_counters c;
} ipv4;

/* ipv4.c: deliver the whole datagram (p) (data: its header, checked). */
void mg__ipv4_deliver(ipv4 *ip, uint64_t now, mg_pkt *p, bool broadcast);

/* ipv4_reass.c: take fragment (p) (data: its header, checked); delivers
 * the datagram when complete. Consumes (p). */
void mg__ipv4_reass_input(ipv4 *ip, uint64_t now, mg_pkt *p, bool broadcast);
void mg__ipv4_reass_tick(ipv4 *ip, uint64_t now);
uint64_t mg__ipv4_reass_deadline(const ipv4 *ip);
void mg__ipv4_reass_free_all(ipv4 *ip);

/* Fill (m) from the header (h) (checked) of a received datagram. */
void mg__ipv4_meta(const uint8_t *h, size_t hl, bool broadcast,
                   mg_ipv4_meta *m);

#endif
