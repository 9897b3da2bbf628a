/* Module type icmp: ICMP for IPv4 (RFC 792): echo and errors. */
#ifndef MG_ICMP_H
#define MG_ICMP_H

/*
 * The implementation of mg_icmp_connect():
 * - answers echo requests with replies of the same size and data, in the
 *   request's own buffer (any size that IPv4 reassembles: the reply is
 *   fragmented on its way out); requests sent to a broadcast address are
 *   ignored, as Linux does by default;
 * - is IPv4's error sender: destination unreachable (protocol, port) and
 *   time exceeded (reassembly), quoting the offending IP header and the
 *   first 8 bytes of its payload (RFC 792), never about a broadcast, a
 *   non-first fragment or an ICMP error (RFC 1122 section 3.2.2);
 * - rate limits what it sends with two token buckets: errors at
 *   MG_ICMP_ERROR_RATE per second (burst MG_ICMP_ERROR_BURST), echo
 *   replies at MG_ICMP_ECHO_RATE (burst MG_ICMP_ECHO_BURST), as Linux
 *   limits icmp_msgs_per_sec;
 * - counts every message by type and every drop by reason.
 */

#include <stdint.h>

#include <mg/ipv4.h>
#include <mg/pkt.h>

#define MG_ICMP_ECHO_REPLY    0
#define MG_ICMP_UNREACH       3
#define MG_ICMP_ECHO          8
#define MG_ICMP_TIME_EXCEEDED 11

#define MG_ICMP_UNREACH_PROTO    2
#define MG_ICMP_UNREACH_PORT     3
#define MG_ICMP_UNREACH_NEEDFRAG 4
#define MG_ICMP_TIMX_REASS       1

#define MG_ICMP_ERROR_RATE  1000
#define MG_ICMP_ERROR_BURST 50
#define MG_ICMP_ECHO_RATE   20000
#define MG_ICMP_ECHO_BURST  2000

typedef struct mg_icmp_ops {
	/* Counters ("icmp"). */
	void (*counters)(void *self, mg_net_counter_fn fn, void *ctx);
} mg_icmp_ops;

typedef struct mg_icmp {
	const mg_icmp_ops *ops;
	void *self;
} mg_icmp;

/*
 * ICMP over (ipv4): listens to protocol 1 and becomes its error sender.
 * 0, MG_ENOMEM, or listen's error. mg_icmp_disconnect() frees it.
 */
int mg_icmp_connect(mg_icmp *out, mg_ipv4 *ipv4);
void mg_icmp_disconnect(mg_icmp *i);

#endif
