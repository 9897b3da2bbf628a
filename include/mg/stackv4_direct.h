/* The direct stack: mg/stackv4.h over our own TCP/IP on a netif. */
#ifndef MG_STACKV4_DIRECT_H
#define MG_STACKV4_DIRECT_H

/*
 * mg_stackv4_direct_connect() builds, over one netif, the layers of
 * net/: ethernet (mg/ethernet.h), arp, ipv4 with fragmentation and
 * reassembly, icmp (echo replies, errors), udp, tcp, and a dhcp client
 * when asked, each taking the one below at its connect. One fiber, "net",
 * reads the frames, hands them up and runs every layer's timers; the
 * application's calls run on its own fibers and wake that one when they
 * arm a timer.
 *
 * Differences from the socket stack that an application can see: the
 * unikernel has its own address on the wire (a tap), answers ping and
 * ARP, and has no loopback (sending to its own address is
 * MG_ENETUNREACH).
 *
 * What it does not do: IPv6, multicast, IP options on output, path MTU
 * discovery, more than one address or interface per stack.
 */

#include <stdbool.h>

#include <mg/ipaddr.h>
#include <mg/netif.h>
#include <mg/pkt.h>
#include <mg/random.h>
#include <mg/stackv4.h>

/*
 * Fill (out) with a direct stack over (netif) (which MUST outlive it).
 * Without (dhcp) the address is (ipv4) (0.0.0.0/0: none) with (gateway)
 * (0.0.0.0: none), announced by gratuitous ARP. With (dhcp) they are
 * ignored: a DHCP client takes a lease and connect returns once it is
 * bound, or fails with MG_ETIMEDOUT after MG_STACKV4_DIRECT_DHCP_WAIT_NS.
 * (random) seeds DHCP transaction ids and TCP's secrets. MUST be called
 * from a fiber (it spawns the stack's own). 0; MG_EINVAL (a gateway
 * outside the subnet); MG_ENOMEM; a layer's error.
 */
int mg_stackv4_direct_connect(mg_stackv4 *out, mg_netif *netif,
                              mg_random *random, mg_ipv4_prefix ipv4,
                              mg_ipv4_addr gateway, bool dhcp);

#define MG_STACKV4_DIRECT_DHCP_WAIT_NS (30 * 1000000000ull)

/*
 * Visit every counter of every layer of the direct stack (s) (ethernet,
 * pool, netif, arp, ipv4, icmp, udp, tcp, dhcp). MG_ENOTSUP if (s) is not
 * a direct stack.
 */
int mg_stackv4_direct_counters(mg_stackv4 *s, mg_net_counter_fn fn, void *ctx);

/*
 * Stop the direct stack (s) before the unikernel exits: release the DHCP
 * lease if there is one (RFC 2131 section 4.4.6: DHCPRELEASE), stop the
 * stack's fiber and free every layer. Open sockets, listeners and flows
 * MUST have been closed. (s) is unusable afterwards; disconnecting it again
 * does nothing and returns 0. MG_ENOTSUP if (s) is not a direct stack.
 * The generated main.c calls it when the unikernel exits cleanly
 * (mg/exit.h), so an application need not.
 */
int mg_stackv4_direct_disconnect(mg_stackv4 *s);

#endif
