/* The direct stackv4 on a fake wire, with its fiber: UDP, ping, DHCP. */
#include <mg/dhcp.h>
#include <mg/random.h>
#include <mg/stackv4_direct.h>

#include "../../net/dhcp_internal.h"
#include "net_testlib.h"

static fakewire w;
static mg_random rnd;

static int run_main(mg_fiber_fn fn)
{
	fw_init(&w, 1500);
	ASSERT_EQ(mg_random_chacha_connect(&rnd), 0);
	mg_fiber_opts o = {.name = "main", .stack_size = 256 * 1024};
	mg_fiber *m = mg_spawn(fn, NULL, &o);
	int rc = mg__run(m);
	fw_free(&w);
	return rc;
}

/* The next frame the stack sends, waiting up to a second for it. */
static const uint8_t *next_frame(size_t *len)
{
	for (int i = 0; i < 1000; i++) {
		const uint8_t *f = fw_next(&w, len);
		if (f)
			return f;
		mg_sleep_ns(MS);
	}
	return NULL;
}

/* The next IPv4 frame, answering ARP requests for the peer on the way. */
static const uint8_t *next_ip(size_t *len)
{
	const uint8_t *f;
	while ((f = next_frame(len)) != NULL) {
		if (g16(f + 12) == 0x0800)
			return f;
		if (g16(f + 20) == 1 && g32(f + 38) != g32(f + 28)) {
			uint8_t a[64];
			size_t n = build_arp(a, OUR_MAC, 2, PEER_MAC,
			                     g32(f + 38), OUR_MAC, g32(f + 28));
			fw_push(&w, a, n);
		}
	}
	return NULL;
}

static void count_visit(void *ctx, const char *layer, const char *name,
                        uint64_t value)
{
	ctr_query *q = ctx;
	if (!strcmp(layer, q->layer) && !strcmp(name, q->name))
		q->value = (long long)value;
}

static long long stack_counter(mg_stackv4 *s, const char *layer,
                               const char *name)
{
	ctr_query q = {layer, name, -1};
	ASSERT_EQ(mg_stackv4_direct_counters(s, count_visit, &q), 0);
	return q.value;
}

static int udp_and_ping(void *arg)
{
	(void)arg;
	mg_stackv4 s;
	ASSERT_EQ(mg_stackv4_direct_connect(&s, &w.netif, &rnd,
	                                    (mg_ipv4_prefix){{OUR_IP}, 24},
	                                    (mg_ipv4_addr){0}, false),
	          0);
	mg_stackv4_config c;
	ASSERT_EQ(mg_stackv4_ipv4_config(&s, &c), 0);
	ASSERT_EQ(c.addr.addr.v, OUR_IP);
	/* Announced at once. */
	size_t len;
	const uint8_t *f = next_frame(&len);
	ASSERT_TRUE(f && g16(f + 12) == 0x0806 && g32(f + 38) == OUR_IP);

	mg_udp_socket *u;
	ASSERT_EQ(mg_udp_bind(&s, 7, 0, &u), 0);
	ASSERT_EQ(mg_udp_port(&s, u), 7);
	char buf[64];
	mg_ipv4_endpoint from;
	ASSERT_EQ(mg_udp_recvfrom(&s, u, mg_buf_make(buf, sizeof buf), &from,
	                          mg_deadline_in(5 * MS)),
	          MG_ETIMEDOUT);
	uint8_t udp[128], frame[256];
	size_t n = build_udp(udp, PEER_IP, OUR_IP, 5555, 7, "ping!", 5);
	n = build_ip_frame(frame, PEER_IP, OUR_IP, 17, 1, 0, udp, n);
	fw_push(&w, frame, n);
	int got = mg_udp_recvfrom(&s, u, mg_buf_make(buf, 3), &from,
	                          mg_deadline_in(SEC));
	ASSERT_EQ(got, 5); /* the whole length, though cut to 3 */
	ASSERT_MEMEQ(buf, "pin", 3);
	ASSERT_EQ(from.addr.v, PEER_IP);
	ASSERT_EQ(from.port, 5555);

	ASSERT_EQ(mg_udp_sendto(&s, u, from, mg_cbuf_str("pong")), 0);
	f = next_ip(&len);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(f[23], 17);
	ASSERT_MEMEQ(f + 42, "pong", 4);
	mg_udp_close(&s, u);

	/* Ping, answered by the stack's own fiber. */
	uint8_t icmp[128];
	n = build_echo(icmp, 9, 1, 32);
	n = build_ip_frame(frame, PEER_IP, OUR_IP, 1, 2, 0, icmp, n);
	fw_push(&w, frame, n);
	f = next_ip(&len);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(f[34], 0);
	ASSERT_EQ(stack_counter(&s, "icmp", "tx_echo_replies"), 1);
	ASSERT_EQ(stack_counter(&s, "udp", "rx_delivered"), 1);
	ASSERT_EQ(stack_counter(&s, "pool", "in_use"), 0);
	/* TCP is whatever the TCP layer says: never a crash. */
	mg_tcp_listener *l = NULL;
	mg_tcp_listen_opts lo = {.port = 80};
	int rc = mg_tcp_listen(&s, &lo, &l);
	if (rc == 0)
		mg_tcp_unlisten(&s, l);
	ASSERT_EQ(mg_stackv4_direct_disconnect(&s), 0);
	return 0;
}

MGT_TEST(udp_and_ping_through_the_fiber)
{
	ASSERT_EQ(run_main(udp_and_ping), 0);
}

static int kick_main(void *arg)
{
	(void)arg;
	mg_stackv4 s;
	ASSERT_EQ(mg_stackv4_direct_connect(&s, &w.netif, &rnd,
	                                    (mg_ipv4_prefix){{OUR_IP}, 24},
	                                    (mg_ipv4_addr){0}, false),
	          0);
	mg_sleep_ns(10 * MS); /* the fiber now waits without a deadline */
	fw_clear(&w);
	mg_udp_socket *u;
	ASSERT_EQ(mg_udp_bind(&s, 0, 0, &u), 0);
	ASSERT_CMP(mg_udp_port(&s, u), >=, MG_UDP_EPHEMERAL_MIN);
	mg_ipv4_endpoint to = {{0x0a000009u}, 9};
	ASSERT_EQ(mg_udp_sendto(&s, u, to, mg_cbuf_str("x")), 0);
	/* The ARP request, then its retry a second later: the send woke
	 * the fiber to arm the timer. */
	uint64_t t0 = mg_now_ns();
	int requests = 0;
	while (requests < 2 && mg_now_ns() - t0 < 3 * SEC) {
		size_t len;
		const uint8_t *f = fw_next(&w, &len);
		if (f && g16(f + 12) == 0x0806 && g32(f + 38) == 0x0a000009u)
			requests++;
		else
			mg_sleep_ns(10 * MS);
	}
	ASSERT_EQ(requests, 2);
	ASSERT_CMP(mg_now_ns() - t0, >=, 900 * MS);
	/* Unroutable: said at once. */
	to.addr.v = 0x0b000001u;
	ASSERT_EQ(mg_udp_sendto(&s, u, to, mg_cbuf_str("x")), MG_ENETUNREACH);
	mg_udp_close(&s, u);
	ASSERT_EQ(mg_stackv4_direct_disconnect(&s), 0);
	return 0;
}

MGT_TEST(sends_wake_the_fiber_for_timers)
{
	ASSERT_EQ(run_main(kick_main), 0);
}

static int releases;

/* A DHCP server on the fake wire, in its own fiber. */
static int server_fiber(void *arg)
{
	(void)arg;
	for (;;) {
		size_t len;
		const uint8_t *f = fw_next(&w, &len);
		if (!f) {
			if (mg_sleep_ns(MS) < 0)
				return 0;
			continue;
		}
		if (g16(f + 12) == 0x0806 && g16(f + 20) == 1 &&
		    g32(f + 38) == PEER_IP) {
			uint8_t a[64];
			size_t n = build_arp(a, OUR_MAC, 2, PEER_MAC, PEER_IP,
			                     OUR_MAC, g32(f + 28));
			fw_push(&w, a, n);
			continue;
		}
		if (g16(f + 12) != 0x0800 || f[23] != 17 || g16(f + 36) != 67)
			continue;
		mg__dhcp_msg m;
		ASSERT_EQ(mg__dhcp_parse(f + 42, g16(f + 38) - 8u, &m), 0);
		if (m.type == DHCPRELEASE && g32(f + 30) == PEER_IP)
			releases++;
		uint8_t b[400] = {0};
		b[0] = 2, b[1] = 1, b[2] = 6;
		p32(b + 4, m.xid);
		p32(b + 16, 0x0a000033u);
		memcpy(b + 28, m.chaddr, 6);
		p32(b + 236, DHCP_COOKIE);
		uint8_t *o = b + 240;
		uint8_t type = m.type == DHCPDISCOVER  ? DHCPOFFER
		               : m.type == DHCPREQUEST ? DHCPACK
		                                       : 0;
		if (!type)
			continue;
		*o++ = 53, *o++ = 1, *o++ = type;
		*o++ = 54, *o++ = 4, p32(o, PEER_IP), o += 4;
		*o++ = 51, *o++ = 4, p32(o, 3600), o += 4;
		*o++ = 1, *o++ = 4, p32(o, 0xffff0000u), o += 4;
		*o++ = 255;
		uint8_t udp[500], frame[600];
		size_t n = build_udp(udp, PEER_IP, 0xffffffffu, 67, 68, b,
		                     (size_t)(o - b));
		n = build_ip_frame(frame, PEER_IP, 0xffffffffu, 17, 1, 0, udp,
		                   n);
		memcpy(frame, mg_eth_broadcast, 6);
		fw_push(&w, frame, n);
	}
}

static int dhcp_main(void *arg)
{
	(void)arg;
	mg_fiber *srv = mg_spawn(server_fiber, NULL, NULL);
	mg_stackv4 s;
	ASSERT_EQ(mg_stackv4_direct_connect(&s, &w.netif, &rnd,
	                                    (mg_ipv4_prefix){{OUR_IP}, 24},
	                                    (mg_ipv4_addr){0}, true),
	          0);
	mg_stackv4_config c;
	ASSERT_EQ(mg_stackv4_ipv4_config(&s, &c), 0);
	ASSERT_EQ(c.addr.addr.v, 0x0a000033u);
	ASSERT_EQ(c.addr.len, 16);
	ASSERT_EQ(stack_counter(&s, "dhcp", "leases"), 1);
	/* Disconnecting releases the lease to the server (after ARP). */
	uint64_t t0 = mg_now_ns();
	ASSERT_EQ(mg_stackv4_direct_disconnect(&s), 0);
	ASSERT_CMP(mg_now_ns() - t0, <, 500 * MS);
	mg_sleep_ns(5 * MS);
	ASSERT_EQ(releases, 1);
	mg_fiber_cancel(srv);
	mg_join(srv);
	return 0;
}

MGT_TEST(dhcp_lease_before_connect_returns)
{
	ASSERT_EQ(run_main(dhcp_main), 0);
}
