/* ARP over a fake wire and clock: replies, learning, queues, retries. */
#include "net_testlib.h"

#define OTHER_IP 0x0a000003u
static const uint8_t OTHER_MAC[6] = {0x02, 0, 0, 0, 0, 0x03};

/* An IPv4-ish payload to send through arp: 20 bytes marked with (tag). */
static void send_dgram(tstack *t, uint64_t now, uint32_t hop, uint8_t tag,
                       int expect)
{
	mg_pkt *p = mg_ethernet_alloc(&t->eth, 20);
	memset(mg_pkt_put(p, 20), tag, 20);
	ASSERT_EQ(mg_arp_output(&t->arp, now, (mg_ipv4_addr){hop}, p), expect);
}

static void expect_request(fakewire *w, uint32_t tpa, const uint8_t *dst)
{
	size_t len;
	const uint8_t *f = fw_next(w, &len);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(len, 42);
	ASSERT_MEMEQ(f, dst ? dst : mg_eth_broadcast, 6);
	ASSERT_EQ(g16(f + 12), 0x0806);
	ASSERT_EQ(g16(f + 20), 1);
	ASSERT_MEMEQ(f + 22, OUR_MAC, 6);
	ASSERT_EQ(g32(f + 28), OUR_IP);
	ASSERT_EQ(g32(f + 38), tpa);
}

MGT_TEST(answers_requests_for_its_address_only)
{
	tstack t;
	ts_up(&t, 1500, false);
	uint8_t f[64];
	size_t n = build_arp(f, mg_eth_broadcast, 1, OTHER_MAC, OTHER_IP, NULL,
	                     OUR_IP);
	inject(&t.eth, 0, f, n);
	size_t len;
	const uint8_t *r = fw_next(&t.w, &len);
	ASSERT_TRUE(r != NULL);
	ASSERT_EQ(len, 42);
	ASSERT_MEMEQ(r, OTHER_MAC, 6);
	ASSERT_MEMEQ(r + 6, OUR_MAC, 6);
	ASSERT_EQ(g16(r + 20), 2);
	ASSERT_MEMEQ(r + 22, OUR_MAC, 6);
	ASSERT_EQ(g32(r + 28), OUR_IP);
	ASSERT_MEMEQ(r + 32, OTHER_MAC, 6);
	ASSERT_EQ(g32(r + 38), OTHER_IP);
	/* The requester was learned (it asked for us). */
	uint8_t mac[6];
	ASSERT_EQ(mg_arp_lookup(&t.arp, (mg_ipv4_addr){OTHER_IP}, mac), 0);
	ASSERT_MEMEQ(mac, OTHER_MAC, 6);

	/* For someone else: no answer, nothing learned (RFC 826). */
	n = build_arp(f, mg_eth_broadcast, 1, PEER_MAC, PEER_IP, NULL,
	              0x0a000009u);
	inject(&t.eth, 0, f, n);
	ASSERT_EQ(fw_pending(&t.w), 0);
	ASSERT_EQ(mg_arp_lookup(&t.arp, (mg_ipv4_addr){PEER_IP}, mac),
	          MG_ENOENT);
	ASSERT_EQ(COUNTER(&t.arp, "arp", "rx_requests"), 2);
	ASSERT_EQ(COUNTER(&t.arp, "arp", "tx_replies"), 1);
	ts_down(&t);
}

MGT_TEST(merges_known_senders_from_any_packet)
{
	tstack t;
	ts_up(&t, 1500, true);
	static const uint8_t moved[6] = {0x02, 0, 0, 0, 0, 0x42};
	uint8_t f[64];
	/* A request between two others still updates a cached sender. */
	size_t n =
	    build_arp(f, mg_eth_broadcast, 1, moved, PEER_IP, NULL, OTHER_IP);
	inject(&t.eth, 0, f, n);
	uint8_t mac[6];
	ASSERT_EQ(mg_arp_lookup(&t.arp, (mg_ipv4_addr){PEER_IP}, mac), 0);
	ASSERT_MEMEQ(mac, moved, 6);
	ts_down(&t);
}

MGT_TEST(malformed_packets_counted)
{
	tstack t;
	ts_up(&t, 1500, false);
	uint8_t f[64];
	size_t n = build_arp(f, mg_eth_broadcast, 1, OTHER_MAC, OTHER_IP, NULL,
	                     OUR_IP);
	inject(&t.eth, 0, f, 30); /* cut */
	f[14 + 5] = 16;           /* not IPv4-sized */
	inject(&t.eth, 0, f, n);
	f[14 + 5] = 4;
	f[14 + 7] = 9; /* op 9 */
	inject(&t.eth, 0, f, n);
	f[14 + 7] = 1;
	f[14 + 8] = 0x01; /* multicast sender */
	inject(&t.eth, 0, f, n);
	ASSERT_EQ(COUNTER(&t.arp, "arp", "drop_short"), 1);
	ASSERT_EQ(COUNTER(&t.arp, "arp", "drop_format"), 1);
	ASSERT_EQ(COUNTER(&t.arp, "arp", "drop_op"), 1);
	ASSERT_EQ(COUNTER(&t.arp, "arp", "drop_bad_sender"), 1);
	ASSERT_EQ(fw_pending(&t.w), 0);
	/* Someone else using our address is reported, never answered. */
	n = build_arp(f, mg_eth_broadcast, 1, OTHER_MAC, OUR_IP, NULL, OUR_IP);
	inject(&t.eth, 0, f, n);
	ASSERT_EQ(COUNTER(&t.arp, "arp", "conflicts"), 1);
	ASSERT_EQ(fw_pending(&t.w), 0);
	ts_down(&t);
}

MGT_TEST(queues_until_resolved_then_sends_in_order)
{
	tstack t;
	ts_up(&t, 1500, false);
	send_dgram(&t, 0, PEER_IP, 1, 0);
	send_dgram(&t, 0, PEER_IP, 2, 0);
	send_dgram(&t, 0, PEER_IP, 3, 0);
	expect_request(&t.w, PEER_IP, NULL);
	ASSERT_EQ(fw_pending(&t.w), 0); /* one request for the three */
	ASSERT_EQ(mg_arp_deadline(&t.arp), 1 * SEC);
	uint8_t f[64];
	size_t n = build_arp(f, OUR_MAC, 2, PEER_MAC, PEER_IP, OUR_MAC, OUR_IP);
	inject(&t.eth, 500 * MS, f, n);
	for (uint8_t tag = 1; tag <= 3; tag++) {
		size_t len;
		const uint8_t *d = fw_next(&t.w, &len);
		ASSERT_TRUE(d != NULL);
		ASSERT_MEMEQ(d, PEER_MAC, 6);
		ASSERT_EQ(g16(d + 12), 0x0800);
		ASSERT_EQ(d[14], tag);
	}
	ASSERT_EQ(mg_arp_deadline(&t.arp), UINT64_MAX);
	/* Resolved now: straight out. */
	send_dgram(&t, SEC, PEER_IP, 4, 0);
	ASSERT_EQ(fw_pending(&t.w), 1);
	ts_down(&t);
}

MGT_TEST(retries_then_drops_and_holds_failure)
{
	tstack t;
	ts_up(&t, 1500, false);
	send_dgram(&t, 0, PEER_IP, 1, 0);
	expect_request(&t.w, PEER_IP, NULL);
	for (int i = 1; i < MG_ARP_TRIES; i++) {
		mg_arp_tick(&t.arp, i * SEC - 1);
		ASSERT_EQ(fw_pending(&t.w), 0);
		mg_arp_tick(&t.arp, i * SEC);
		expect_request(&t.w, PEER_IP, NULL);
	}
	mg_arp_tick(&t.arp, MG_ARP_TRIES * SEC);
	ASSERT_EQ(fw_pending(&t.w), 0);
	ASSERT_EQ(COUNTER(&t.arp, "arp", "drop_unresolved"), 1);
	/* Failed lately: dropped at once, no new request. */
	send_dgram(&t, MG_ARP_TRIES * SEC + 1, PEER_IP, 2, MG_EHOSTUNREACH);
	ASSERT_EQ(fw_pending(&t.w), 0);
	ASSERT_EQ(COUNTER(&t.arp, "arp", "drop_failed"), 1);
	/* After the hold, asked again. */
	send_dgram(&t, (MG_ARP_TRIES + 1) * SEC, PEER_IP, 3, 0);
	expect_request(&t.w, PEER_IP, NULL);
	ts_down(&t); /* the queued datagram is freed */
}

MGT_TEST(pending_queue_limits)
{
	tstack t;
	ts_up(&t, 1500, false);
	for (int i = 0; i < MG_ARP_QUEUE_PER_ENTRY + 2; i++)
		send_dgram(&t, 0, PEER_IP, (uint8_t)i, 0);
	ASSERT_EQ(COUNTER(&t.arp, "arp", "drop_queue_full"), 2);
	fw_clear(&t.w);
	uint8_t f[64];
	size_t n = build_arp(f, OUR_MAC, 2, PEER_MAC, PEER_IP, OUR_MAC, OUR_IP);
	inject(&t.eth, 0, f, n);
	/* The oldest two went for the newest. */
	size_t len;
	const uint8_t *d = fw_next(&t.w, &len);
	ASSERT_EQ(d[14], 2);
	ASSERT_EQ(fw_pending(&t.w), MG_ARP_QUEUE_PER_ENTRY - 1);
	fw_clear(&t.w);
	/* The total bound across addresses. */
	int refused = 0;
	for (uint32_t h = 0; h < 16; h++)
		for (int i = 0; i < MG_ARP_QUEUE_PER_ENTRY; i++) {
			mg_pkt *p = mg_ethernet_alloc(&t.eth, 20);
			mg_pkt_put(p, 20);
			if (mg_arp_output(&t.arp, 0,
			                  (mg_ipv4_addr){0x0a000010u + h},
			                  p) == MG_ENOSPC)
				refused++;
		}
	ASSERT_EQ(refused, 16 * MG_ARP_QUEUE_PER_ENTRY - MG_ARP_QUEUE_MAX);
	ts_down(&t);
}

MGT_TEST(announces_its_address)
{
	tstack t;
	fw_init(&t.w, 1500);
	ASSERT_EQ(mg_ethernet_connect(&t.eth, &t.w.netif), 0);
	ASSERT_EQ(mg_arp_connect(&t.arp, &t.eth), 0);
	mg_arp_set_addr(&t.arp, 5 * SEC, (mg_ipv4_prefix){{OUR_IP}, 24});
	size_t len;
	const uint8_t *f = fw_next(&t.w, &len);
	ASSERT_TRUE(f != NULL);
	ASSERT_MEMEQ(f, mg_eth_broadcast, 6);
	ASSERT_EQ(g32(f + 28), OUR_IP); /* sender */
	ASSERT_EQ(g32(f + 38), OUR_IP); /* target */
	ASSERT_EQ(mg_arp_deadline(&t.arp), 6 * SEC);
	mg_arp_tick(&t.arp, 6 * SEC);
	ASSERT_EQ(fw_pending(&t.w), 1);
	ASSERT_EQ(mg_arp_deadline(&t.arp), UINT64_MAX);
	ASSERT_EQ(COUNTER(&t.arp, "arp", "tx_announce"), MG_ARP_ANNOUNCE);
	/* The same address again: not announced again. */
	mg_arp_set_addr(&t.arp, 7 * SEC, (mg_ipv4_prefix){{OUR_IP}, 24});
	ASSERT_EQ(fw_pending(&t.w), 1);
	mg_arp_disconnect(&t.arp);
	ASSERT_EQ(mg_ethernet_disconnect(&t.eth), 0);
	fw_free(&t.w);
}

MGT_TEST(refreshes_a_used_entry_before_it_expires)
{
	tstack t;
	ts_up(&t, 1500, true); /* learned at time 0 */
	uint64_t soon = MG_ARP_REACHABLE_NS - 2 * SEC;
	send_dgram(&t, soon, PEER_IP, 1, 0);
	/* Unicast request to the cached MAC, and the datagram went out. */
	expect_request(&t.w, PEER_IP, PEER_MAC);
	size_t len;
	ASSERT_TRUE(fw_next(&t.w, &len) != NULL);
	send_dgram(&t, soon + 1, PEER_IP, 2, 0);
	ASSERT_EQ(fw_pending(&t.w), 1); /* no second refresh request */
	fw_next(&t.w, &len);
	uint8_t f[64];
	size_t n = build_arp(f, OUR_MAC, 2, PEER_MAC, PEER_IP, OUR_MAC, OUR_IP);
	inject(&t.eth, soon + 10, f, n);
	/* Renewed: still direct well past the first expiry. */
	send_dgram(&t, MG_ARP_REACHABLE_NS + SEC, PEER_IP, 3, 0);
	const uint8_t *d = fw_next(&t.w, &len);
	ASSERT_EQ(g16(d + 12), 0x0800);
	ts_down(&t);
}

MGT_TEST(expired_entry_is_resolved_again)
{
	tstack t;
	ts_up(&t, 1500, true);
	send_dgram(&t, MG_ARP_REACHABLE_NS + 1, PEER_IP, 1, 0);
	expect_request(&t.w, PEER_IP, NULL);
	ASSERT_EQ(fw_pending(&t.w), 0);
	ts_down(&t);
}

MGT_TEST(broadcasts_go_without_asking)
{
	tstack t;
	ts_up(&t, 1500, false);
	send_dgram(&t, 0, 0xffffffffu, 1, 0);
	send_dgram(&t, 0, 0x0a0000ffu, 2, 0); /* 10.0.0.255 of the /24 */
	for (int i = 0; i < 2; i++) {
		size_t len;
		const uint8_t *d = fw_next(&t.w, &len);
		ASSERT_MEMEQ(d, mg_eth_broadcast, 6);
		ASSERT_EQ(g16(d + 12), 0x0800);
	}
	ts_down(&t);
}

MGT_TEST(cache_evicts_least_recently_used)
{
	tstack t;
	ts_up(&t, 1500, false);
	uint8_t f[64], mac[6] = {0x02, 0, 0, 0, 1, 0};
	for (uint32_t i = 0; i < MG_ARP_CACHE_SIZE; i++) {
		mac[5] = (uint8_t)i;
		size_t n = build_arp(f, OUR_MAC, 2, mac, 0x0a000100u + i,
		                     OUR_MAC, OUR_IP);
		inject(&t.eth, i, f, n);
	}
	/* Use the first so that the second is the oldest. */
	send_dgram(&t, 1000, 0x0a000100u, 0, 0);
	mac[5] = 0xee;
	size_t n = build_arp(f, OUR_MAC, 2, mac, 0x0a000200u, OUR_MAC, OUR_IP);
	inject(&t.eth, 2000, f, n);
	uint8_t got[6];
	ASSERT_EQ(mg_arp_lookup(&t.arp, (mg_ipv4_addr){0x0a000200u}, got), 0);
	ASSERT_EQ(mg_arp_lookup(&t.arp, (mg_ipv4_addr){0x0a000100u}, got), 0);
	ASSERT_EQ(mg_arp_lookup(&t.arp, (mg_ipv4_addr){0x0a000101u}, got),
	          MG_ENOENT);
	ts_down(&t);
}
