/* libFuzzer target: arbitrary frames into the direct stack's layers. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mg/arp.h>
#include <mg/dhcp.h>
#include <mg/error.h>
#include <mg/ethernet.h>
#include <mg/icmp.h>
#include <mg/ipv4.h>
#include <mg/log.h>
#include <mg/netif.h>
#include <mg/random.h>
#include <mg/udp.h>

#include "../net/stack_internal.h"

// fuzz-link: net/*.c net/tcp/*.c

/*
 * The input is a sequence of records [flags][dt][len:2][len bytes], each a
 * frame given to the whole direct stack: ethernet, arp, ipv4, icmp, udp (a
 * socket on port 7 with a queue of 4, echoing), a running DHCP client and
 * the TCP layer (a listener on port 80 whose connections wait in its
 * accept queue), at a fake time advanced by dt (ms, or seconds when flags
 * bit 7 is set, so that reassembly, ARP and DHCP timers fire; TCP reads
 * the real clock). Random bytes would all stop at the first check, so
 * flags can fix them: bits 0-1 the destination MAC (ours, broadcast, as
 * is), bit 2 the IPv4 header checksum, bit 3 the IPv4 destination (ours),
 * bit 4 the ICMP, UDP or TCP checksum of an unfragmented datagram.
 *
 * Checked: every frame the stack sends is well formed (length, IPv4
 * header checksum and total length, ICMP, UDP and TCP checksums, ARP
 * layout); reassembly never holds more than its limit; after teardown no
 * packet is left allocated (and LeakSanitizer sees no other allocation).
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MTU    1500
#define OUR_IP 0x0a000002u
static const uint8_t our_mac[6] = {0x02, 0, 0, 0, 0, 1};

static uint16_t g16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* A sent frame must be one a real wire would carry. */
static void check_frame(const uint8_t *f, size_t len)
{
	check(len >= 14 && len <= MTU + 14);
	check(memcmp(f + 6, our_mac, 6) == 0);
	uint16_t type = g16(f + 12);
	const uint8_t *p = f + 14;
	size_t n = len - 14;
	if (type == MG_ETHERTYPE_ARP) {
		check(n == 28 && g16(p) == 1 && g16(p + 2) == 0x0800);
		check(g16(p + 6) == 1 || g16(p + 6) == 2);
		return;
	}
	check(type == MG_ETHERTYPE_IPV4);
	check(n >= 20 && p[0] == 0x45);
	check(g16(p + 2) == n);
	check(mg_inet_finish(mg_inet_sum(p, 20, 0)) == 0);
	bool fragment = g16(p + 6) & 0x3fff;
	if (fragment)
		return;
	const uint8_t *t = p + 20;
	size_t tl = n - 20;
	if (p[9] == MG_IP_PROTO_ICMP) {
		check(tl >= 8 && mg_inet_finish(mg_inet_sum(t, tl, 0)) == 0);
	} else if (p[9] == MG_IP_PROTO_UDP || p[9] == MG_IP_PROTO_TCP) {
		bool udp = p[9] == MG_IP_PROTO_UDP;
		check(udp ? tl >= 8 && g16(t + 4) == tl
		          : tl >= 20 && (t[12] >> 4) * 4u <= tl);
		mg_ipv4_addr s = {(uint32_t)p[12] << 24 | p[13] << 16 |
		                  p[14] << 8 | p[15]};
		mg_ipv4_addr d = {(uint32_t)p[16] << 24 | p[17] << 16 |
		                  p[18] << 8 | p[19]};
		uint64_t sum = mg_ipv4_pseudo_sum(s, d, p[9], (uint16_t)tl);
		check(mg_inet_finish(mg_inet_sum(t, tl, sum)) == 0);
	} else {
		check(false);
	}
}

static int w_write(void *self, const void *frame, size_t len,
                   const mg_net_offload *off)
{
	(void)self;
	/* The wire offers no offloads: none is asked for. */
	check(!off);
	check_frame(frame, len);
	return 0;
}

static int w_read(void *self, mg_pkt *p)
{
	(void)self;
	(void)p;
	return MG_EAGAIN;
}

static int w_wait(void *self, uint64_t deadline)
{
	(void)self;
	(void)deadline;
	return 0;
}

static void w_info(void *self, mg_netif_info *out)
{
	(void)self;
	memcpy(out->mac, our_mac, 6);
	out->mtu = MTU;
	out->offloads = 0;
}

static const mg_netif_ops w_ops = {
    .write = w_write, .read = w_read, .wait = w_wait, .info = w_info};

static void fix_transport(uint8_t *ip, size_t n)
{
	size_t hl = (size_t)(ip[0] & 0xf) * 4;
	if (hl < 20 || hl > n || (g16(ip + 6) & 0x3fff))
		return;
	uint8_t *t = ip + hl;
	size_t tl = n - hl;
	if (ip[9] == MG_IP_PROTO_ICMP && tl >= 8) {
		t[2] = t[3] = 0;
		uint16_t c = mg_inet_finish(mg_inet_sum(t, tl, 0));
		t[2] = (uint8_t)(c >> 8);
		t[3] = (uint8_t)c;
	} else if ((ip[9] == MG_IP_PROTO_UDP && tl >= 8) ||
	           (ip[9] == MG_IP_PROTO_TCP && tl >= 20)) {
		size_t at = ip[9] == MG_IP_PROTO_UDP ? 6 : 16;
		if (ip[9] == MG_IP_PROTO_UDP) {
			t[4] = (uint8_t)(tl >> 8);
			t[5] = (uint8_t)tl;
		}
		t[at] = t[at + 1] = 0;
		mg_ipv4_addr s = {(uint32_t)ip[12] << 24 | ip[13] << 16 |
		                  ip[14] << 8 | ip[15]};
		mg_ipv4_addr d = {(uint32_t)ip[16] << 24 | ip[17] << 16 |
		                  ip[18] << 8 | ip[19]};
		uint64_t sum = mg_ipv4_pseudo_sum(s, d, ip[9], (uint16_t)tl);
		uint16_t c = mg_inet_finish(mg_inet_sum(t, tl, sum));
		t[at] = (uint8_t)(c >> 8);
		t[at + 1] = (uint8_t)c;
	}
}

/* Apply the fixes (flags) to frame (f) of (n) bytes. */
static void fix(uint8_t *f, size_t n, uint8_t flags)
{
	if (n >= 6 && (flags & 3) == 0)
		memcpy(f, our_mac, 6);
	else if (n >= 6 && (flags & 3) == 1)
		memset(f, 0xff, 6);
	if (n < 34 || g16(f + 12) != MG_ETHERTYPE_IPV4)
		return;
	uint8_t *ip = f + 14;
	size_t hl = (size_t)(ip[0] & 0xf) * 4;
	if (flags & 8) {
		ip[16] = OUR_IP >> 24;
		ip[17] = (OUR_IP >> 16) & 0xff;
		ip[18] = (OUR_IP >> 8) & 0xff;
		ip[19] = OUR_IP & 0xff;
	}
	if (flags & 16)
		fix_transport(ip, n - 14 < g16(ip + 2) ? n - 14 : g16(ip + 2));
	if ((flags & 4) && hl >= 20 && hl <= n - 14) {
		ip[10] = ip[11] = 0;
		uint16_t c = mg_inet_finish(mg_inet_sum(ip, hl, 0));
		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
	}
}

/* Deterministic "randomness" for TCP's secrets and ISNs: a counter. */
static void fake_fill(void *self, void *buf, size_t len)
{
	uint8_t *b = buf;
	uint64_t *n = self;
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(++*n * 0x9d);
}

static const mg_random_ops fake_random_ops = {.fill = fake_fill};

static void no_kick(void *stack)
{
	(void)stack;
}

static int quiet_once;

static void counter(void *ctx, const char *layer, const char *name,
                    uint64_t value)
{
	(void)ctx;
	if (!strcmp(layer, "ipv4") && !strcmp(name, "reass_bytes"))
		check(value <= MG_IPV4_REASS_BYTES);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!quiet_once) {
		quiet_once = 1;
		mg_log_configure("*:error", NULL, 0);
	}
	mg_netif netif = {&w_ops, NULL};
	mg_ethernet eth;
	mg_arp arp;
	mg_ipv4 ip;
	mg_icmp icmp;
	mg_udpv4 udp;
	mg_dhcp dhcp;
	check(mg_ethernet_connect(&eth, &netif) == 0);
	check(mg_arp_connect(&arp, &eth) == 0);
	check(mg_ipv4_connect(&ip, &eth, &arp, (mg_ipv4_prefix){{OUR_IP}, 24},
	                      (mg_ipv4_addr){0x0a0000feu}) == 0);
	check(mg_icmp_connect(&icmp, &ip) == 0);
	check(mg_udpv4_connect(&udp, &ip) == 0);
	check(mg_dhcp_connect(&dhcp, &udp, &ip, &eth, 1) == 0);
	uint64_t drawn = 0;
	mg_random rnd = {&fake_random_ops, &drawn};
	mg__stack_env env = {
	    .ipv4 = &ip, .random = &rnd, .kick = no_kick, .stack = NULL};
	const mg__stack_tcp_ops *tcp_ops = NULL;
	void *tcp = NULL;
	check(mg__stack_tcp_create(&env, &tcp_ops, &tcp) == 0);
	mg_tcp_listener *lsn = NULL;
	if (tcp_ops) {
		mg_tcp_listen_opts lo = {.port = 80, .backlog = 8};
		check(tcp_ops->listen(tcp, &lo, &lsn) == 0);
	}
	mg_udpv4_sock sock;
	check(mg_udpv4_bind(&udp, &sock, 7, 4) == 0);
	uint64_t now = 1000000000ull;
	check(mg_dhcp_start(&dhcp, now) == 0);

	static uint8_t frame[65536];
	size_t i = 0;
	while (size - i >= 4) {
		uint8_t flags = data[i], dt = data[i + 1];
		size_t len = g16(data + i + 2);
		i += 4;
		if (len > size - i)
			len = size - i;
		memcpy(frame, data + i, len);
		i += len;
		fix(frame, len, flags);
		now += (uint64_t)dt *
		       ((flags & 0x80) ? 1000000000ull : 1000000ull);
		mg_pkt *p = mg_ethernet_alloc(&eth, len);
		if (p) {
			memcpy(mg_pkt_put(p, len), frame, len);
			/* As a device with offloads hands frames over: the
			 * transport checksum vouched for, a long TCP segment
			 * taken whole. */
			if (flags & 0x20)
				p->off.flags = MG_NET_CSUM_PARTIAL;
			if (flags & 0x40)
				p->off.gso = MG_NET_GSO_TCPV4;
			mg_ethernet_input(&eth, now, p);
		}
		if (now >= mg_arp_deadline(&arp))
			mg_arp_tick(&arp, now);
		if (now >= mg_ipv4_deadline(&ip))
			mg_ipv4_tick(&ip, now);
		if (now >= mg_dhcp_deadline(&dhcp))
			mg_dhcp_tick(&dhcp, now);
		if (tcp_ops && tcp_ops->tick && now >= tcp_ops->deadline(tcp))
			tcp_ops->tick(tcp, now);
		/* Take what the socket received, as an application would. */
		mg_pkt *q;
		mg_udpv4_meta m;
		while (mg_udpv4_recv(&udp, &sock, &q, &m) == 0) {
			check(q->len <= 65507);
			mg_udpv4_send(&udp, now, &sock, m.src,
			              (mg_ipv4_addr){0},
			              mg_cbuf_make(q->data, q->len));
			mg_pkt_free(q);
		}
		ip.ops->counters(ip.self, counter, NULL);
	}
	mg_dhcp_release(&dhcp, now);
	if (tcp_ops) {
		tcp_ops->unlisten(tcp, lsn);
		tcp_ops->destroy(tcp);
	}
	mg_udpv4_close(&udp, &sock);
	mg_dhcp_disconnect(&dhcp);
	mg_udpv4_disconnect(&udp);
	mg_icmp_disconnect(&icmp);
	mg_ipv4_disconnect(&ip);
	mg_arp_disconnect(&arp);
	check(mg_ethernet_disconnect(&eth) == 0);
	return 0;
}
