/* Ethernet and the netif: framing, filtering, polling, pool exhaustion. */
#include <mg/platform_unix.h>

#include "net_testlib.h"

static int got;
static mg_pkt *kept; /* packets the listener holds on to, when asked */
static bool keep;

static void count_input(void *ctx, uint64_t now, mg_pkt *p)
{
	(void)ctx;
	(void)now;
	got++;
	ASSERT_EQ(p->len, 46);
	ASSERT_EQ(p->data[0], 0x5a);
	if (keep) {
		p->next = kept;
		kept = p;
		return;
	}
	mg_pkt_free(p);
}

static size_t frame_to(uint8_t *f, const uint8_t *dst, uint16_t type)
{
	size_t n = build_eth(f, dst, PEER_MAC, type);
	memset(f + n, 0x5a, 46);
	return n + 46;
}

MGT_TEST(filters_and_dispatches_by_type)
{
	fakewire w;
	fw_init(&w, 1500);
	mg_ethernet e;
	ASSERT_EQ(mg_ethernet_connect(&e, &w.netif), 0);
	ASSERT_EQ(mg_ethernet_listen(&e, 0x88b5, count_input, NULL), 0);
	ASSERT_EQ(mg_ethernet_listen(&e, 0x88b5, count_input, NULL), MG_EEXIST);
	got = 0;
	uint8_t f[1600];
	static const uint8_t other[6] = {0x02, 9, 9, 9, 9, 9};
	static const uint8_t mcast[6] = {0x01, 0, 0x5e, 0, 0, 1};
	inject(&e, 0, f, frame_to(f, OUR_MAC, 0x88b5));
	inject(&e, 0, f, frame_to(f, mg_eth_broadcast, 0x88b5));
	inject(&e, 0, f, frame_to(f, other, 0x88b5));
	inject(&e, 0, f, frame_to(f, mcast, 0x88b5));
	inject(&e, 0, f, frame_to(f, OUR_MAC, 0x86dd));
	inject(&e, 0, f, 13);
	ASSERT_EQ(got, 2);
	ASSERT_EQ(COUNTER(&e, "ethernet", "drop_not_for_us"), 2);
	ASSERT_EQ(COUNTER(&e, "ethernet", "drop_unknown_type"), 1);
	ASSERT_EQ(COUNTER(&e, "ethernet", "drop_short"), 1);
	ASSERT_EQ(COUNTER(&e, "ethernet", "rx_frames"), 6);
	ASSERT_EQ(mg_ethernet_disconnect(&e), 0);
	fw_free(&w);
}

MGT_TEST(output_prepends_the_header)
{
	fakewire w;
	fw_init(&w, 100);
	mg_ethernet e;
	ASSERT_EQ(mg_ethernet_connect(&e, &w.netif), 0);
	ASSERT_EQ(mg_ethernet_mtu(&e), 100);
	ASSERT_MEMEQ(mg_ethernet_mac(&e), OUR_MAC, 6);
	mg_pkt *p = mg_ethernet_alloc(&e, 100);
	memset(mg_pkt_put(p, 100), 7, 100);
	ASSERT_EQ(mg_ethernet_output(&e, PEER_MAC, 0x0800, p), 0);
	size_t len;
	const uint8_t *f = fw_next(&w, &len);
	ASSERT_EQ(len, 114);
	ASSERT_MEMEQ(f, PEER_MAC, 6);
	ASSERT_MEMEQ(f + 6, OUR_MAC, 6);
	ASSERT_EQ(g16(f + 12), 0x0800);
	ASSERT_EQ(f[113], 7);
	/* Over the MTU: refused and freed. */
	p = mg_ethernet_alloc(&e, 101);
	mg_pkt_put(p, 101);
	ASSERT_EQ(mg_ethernet_output(&e, PEER_MAC, 0x0800, p), MG_EMSGSIZE);
	/* The wire refusing: counted. */
	w.write_rc = MG_EIO;
	p = mg_ethernet_alloc(&e, 10);
	mg_pkt_put(p, 10);
	ASSERT_EQ(mg_ethernet_output(&e, PEER_MAC, 0x0800, p), MG_EIO);
	ASSERT_EQ(COUNTER(&e, "ethernet", "tx_errors"), 1);
	ASSERT_EQ(COUNTER(&e, "ethernet", "tx_drop_too_long"), 1);
	ASSERT_EQ(mg_ethernet_disconnect(&e), 0);
	fw_free(&w);
}

MGT_TEST(poll_reads_within_budget_and_drains_when_exhausted)
{
	fakewire w;
	fw_init(&w, 1500);
	mg_ethernet e;
	ASSERT_EQ(mg_ethernet_connect(&e, &w.netif), 0);
	ASSERT_EQ(mg_ethernet_listen(&e, 0x88b5, count_input, NULL), 0);
	got = 0;
	uint8_t f[1600];
	size_t n = frame_to(f, OUR_MAC, 0x88b5);
	for (int i = 0; i < 10; i++)
		fw_push(&w, f, n);
	ASSERT_EQ(mg_ethernet_poll(&e, 0, 4), 4);
	ASSERT_EQ(mg_ethernet_poll(&e, 0, 100), 6);
	ASSERT_EQ(mg_ethernet_poll(&e, 0, 100), 0);
	ASSERT_EQ(got, 10);
	/* A frame longer than the MTU allows. */
	uint8_t big[1600] = {0};
	memcpy(big, OUR_MAC, 6);
	fw_push(&w, big, 1515);
	ASSERT_EQ(mg_ethernet_poll(&e, 0, 100), 1);
	ASSERT_EQ(COUNTER(&e, "ethernet", "drop_too_long"), 1);
	/* Every buffer held elsewhere: frames are still read off the
	 * device (it would stay ready forever otherwise), and counted. */
	mg_pkt *held[MG_ETHERNET_POOL_MAX];
	int nheld = 0;
	mg_pkt *p;
	while ((p = mg_ethernet_alloc(&e, 100)) != NULL)
		held[nheld++] = p;
	keep = true;
	for (int i = 0; i < 3; i++)
		fw_push(&w, f, n);
	ASSERT_EQ(mg_ethernet_poll(&e, 0, 100), 3);
	/* The buffer kept from the last empty read takes the first. */
	ASSERT_EQ(got, 11);
	ASSERT_EQ(COUNTER(&e, "ethernet", "drop_no_buffer"), 2);
	while (nheld)
		mg_pkt_free(held[--nheld]);
	mg_pkt_free_list(kept);
	ASSERT_EQ(mg_ethernet_disconnect(&e), 0);
	fw_free(&w);
}

MGT_TEST(mac_parse)
{
	uint8_t m[6];
	ASSERT_EQ(mg_mac_parse("02:00:5e:AB:cd:01", m), 0);
	static const uint8_t want[6] = {2, 0, 0x5e, 0xab, 0xcd, 1};
	ASSERT_MEMEQ(m, want, 6);
	ASSERT_EQ(mg_mac_parse("02:00:5e:ab:cd", m), MG_EINVAL);
	ASSERT_EQ(mg_mac_parse("02:00:5e:ab:cd:0g", m), MG_EINVAL);
	ASSERT_EQ(mg_mac_parse("02-00-5e-ab-cd-01", m), MG_EINVAL);
	ASSERT_EQ(mg_mac_parse("02:00:5e:ab:cd:011", m), MG_EINVAL);
	ASSERT_EQ(mg_mac_parse(NULL, m), MG_EINVAL);
}

MGT_TEST(platform_netif_needs_a_binding)
{
	char *argv[] = {"t", "--net:other=tapx", NULL};
	mg_unix_init(2, argv);
	mg_netif n;
	ASSERT_EQ(mg_netif_platform_connect(&n, "service", ""), MG_ENOENT);
	ASSERT_EQ(mg_netif_platform_connect(&n, "other", "01:00:00:00:00:01"),
	          MG_EINVAL); /* a multicast MAC */
	ASSERT_EQ(mg_netif_platform_connect(&n, "other", "nonsense"),
	          MG_EINVAL);
}
