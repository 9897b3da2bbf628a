/* ICMP over a fake wire: echo of any size, errors, rate limits. */
#include "net_testlib.h"

static void echo_request(tstack *t, uint64_t now, uint32_t dst, uint16_t seq,
                         size_t len)
{
	static uint8_t icmp[2000], f[2100];
	size_t n = build_echo(icmp, 0x1234, seq, len);
	n = build_ip_frame(f, PEER_IP, dst, 1, seq, 0, icmp, n);
	inject(&t->eth, now, f, n);
}

MGT_TEST(echo_reply_mirrors_the_request)
{
	tstack t;
	ts_up(&t, 1500, true);
	echo_request(&t, 0, OUR_IP, 7, 56);
	size_t len;
	const uint8_t *r = fw_next(&t.w, &len);
	ASSERT_TRUE(r != NULL);
	ASSERT_EQ(len, 14 + 20 + 8 + 56);
	ASSERT_MEMEQ(r, PEER_MAC, 6);
	ASSERT_EQ(g32(r + 14 + 12), OUR_IP);
	ASSERT_EQ(g32(r + 14 + 16), PEER_IP);
	ASSERT_EQ(r[34], 0);
	ASSERT_EQ(g16(r + 38), 0x1234);
	ASSERT_EQ(g16(r + 40), 7);
	uint8_t want[100];
	build_echo(want, 0x1234, 7, 56);
	ASSERT_MEMEQ(r + 42, want + 8, 56);
	ASSERT_EQ(mg_inet_finish(mg_inet_sum(r + 34, len - 34, 0)), 0);
	ASSERT_EQ(COUNTER(&t.icmp, "icmp", "tx_echo_replies"), 1);
	/* Bad checksum, short: dropped and counted. */
	uint8_t icmp[64], f[128];
	size_t n = build_echo(icmp, 1, 1, 8);
	icmp[9] ^= 0xff;
	n = build_ip_frame(f, PEER_IP, OUR_IP, 1, 1, 0, icmp, n);
	inject(&t.eth, 0, f, n);
	n = build_ip_frame(f, PEER_IP, OUR_IP, 1, 1, 0, icmp, 4);
	inject(&t.eth, 0, f, n);
	ASSERT_EQ(COUNTER(&t.icmp, "icmp", "drop_checksum"), 1);
	ASSERT_EQ(COUNTER(&t.icmp, "icmp", "drop_short"), 1);
	ASSERT_EQ(fw_pending(&t.w), 0);
	ts_down(&t);
}

/* Identifier, sequence and data all zero: the reply's words sum to +0, so
 * its checksum is 0xffff, never the 0x0000 an incremental update gives. */
MGT_TEST(echo_reply_of_zeros_has_checksum_ffff)
{
	tstack t;
	ts_up(&t, 1500, true);
	uint8_t icmp[64] = {8, 0}, f[128];
	p16(icmp + 2, mg_inet_finish(mg_inet_sum(icmp, 64, 0)));
	size_t n = build_ip_frame(f, PEER_IP, OUR_IP, 1, 1, 0, icmp, 64);
	inject(&t.eth, 0, f, n);
	size_t len;
	const uint8_t *r = fw_next(&t.w, &len);
	ASSERT_TRUE(r != NULL);
	ASSERT_EQ(g16(r + 34 + 2), 0xffff);
	ASSERT_EQ(mg_inet_finish(mg_inet_sum(r + 34, len - 34, 0)), 0);
	/* And a reply whose other words sum to 0xffff keeps 0x0000. */
	uint8_t b[64] = {8, 0, 0, 0, 0xff, 0xff};
	p16(b + 2, mg_inet_finish(mg_inet_sum(b, 64, 0)));
	n = build_ip_frame(f, PEER_IP, OUR_IP, 1, 2, 0, b, 64);
	inject(&t.eth, 0, f, n);
	r = fw_next(&t.w, &len);
	ASSERT_TRUE(r != NULL);
	ASSERT_EQ(g16(r + 34 + 2), 0);
	ASSERT_EQ(mg_inet_finish(mg_inet_sum(r + 34, len - 34, 0)), 0);
	ts_down(&t);
}

MGT_TEST(echo_of_20000_bytes_fragmented_both_ways)
{
	tstack t;
	ts_up(&t, 1500, true);
	static uint8_t icmp[20100], f[1600], back[20100];
	size_t n = build_echo(icmp, 0x4242, 1, 20000);
	ASSERT_EQ(n, 20008);
	for (size_t off = 0; off < n; off += 1480) {
		size_t len = n - off < 1480 ? n - off : 1480;
		bool more = off + len < n;
		size_t fl = build_ip_frame(
		    f, PEER_IP, OUR_IP, 1, 555,
		    (uint16_t)((more ? 0x2000 : 0) | off / 8), icmp + off, len);
		inject(&t.eth, 0, f, fl);
	}
	size_t len, total = 0;
	int frags = 0;
	const uint8_t *r;
	while ((r = fw_next(&t.w, &len)) != NULL) {
		size_t off = (size_t)(g16(r + 14 + 6) & 0x1fff) * 8;
		size_t pl = g16(r + 14 + 2) - 20u;
		memcpy(back + off, r + 34, pl);
		total += pl;
		frags++;
	}
	ASSERT_EQ(frags, 14);
	ASSERT_EQ(total, 20008);
	ASSERT_EQ(back[0], 0);
	ASSERT_MEMEQ(back + 4, icmp + 4, 20004);
	ASSERT_EQ(mg_inet_finish(mg_inet_sum(back, 20008, 0)), 0);
	ts_down(&t);
}

MGT_TEST(no_echo_to_broadcast)
{
	tstack t;
	ts_up(&t, 1500, true);
	echo_request(&t, 0, 0x0a0000ffu, 1, 8);
	ASSERT_EQ(fw_pending(&t.w), 0);
	ASSERT_EQ(COUNTER(&t.icmp, "icmp", "drop_broadcast_echo"), 1);
	ts_down(&t);
}

MGT_TEST(echo_replies_are_rate_limited)
{
	tstack t;
	ts_up(&t, 1500, true);
	for (int i = 0; i < MG_ICMP_ECHO_BURST + 10; i++)
		echo_request(&t, 0, OUR_IP, (uint16_t)i, 8);
	ASSERT_EQ(fw_pending(&t.w), MG_ICMP_ECHO_BURST);
	ASSERT_EQ(COUNTER(&t.icmp, "icmp", "drop_echo_rate"), 10);
	fw_clear(&t.w);
	/* The bucket refills at the rate: 1 ms buys rate/1000 replies. */
	for (int i = 0; i < 30; i++)
		echo_request(&t, MS, OUR_IP, (uint16_t)i, 8);
	ASSERT_EQ(fw_pending(&t.w), MG_ICMP_ECHO_RATE / 1000);
	/* A steady 1000 per second is always answered. */
	fw_clear(&t.w);
	for (int i = 0; i < 5000; i++)
		echo_request(&t, 10 * SEC + (uint64_t)i * MS, OUR_IP,
		             (uint16_t)i, 8);
	ASSERT_EQ(fw_pending(&t.w), 5000);
	ts_down(&t);
}

MGT_TEST(errors_follow_rfc1122_and_are_rate_limited)
{
	tstack t;
	ts_up(&t, 1500, true);
	uint8_t udp[64], f[128];
	/* To a closed UDP port: port unreachable, quoting the datagram. */
	size_t n = build_udp(udp, PEER_IP, OUR_IP, 5000, 9, "hi", 2);
	n = build_ip_frame(f, PEER_IP, OUR_IP, 17, 1, 0, udp, n);
	for (int i = 0; i < MG_ICMP_ERROR_BURST + 5; i++)
		inject(&t.eth, 0, f, n);
	ASSERT_EQ(fw_pending(&t.w), MG_ICMP_ERROR_BURST);
	ASSERT_EQ(COUNTER(&t.icmp, "icmp", "drop_error_rate"), 5);
	size_t len;
	const uint8_t *r = fw_next(&t.w, &len);
	ASSERT_EQ(r[34], 3);
	ASSERT_EQ(r[35], 3);
	ASSERT_MEMEQ(r + 42, f + 14, 28);
	fw_clear(&t.w);
	/* Never about a broadcast... */
	n = build_udp(udp, PEER_IP, 0xffffffffu, 5000, 9, "hi", 2);
	n = build_ip_frame(f, PEER_IP, 0xffffffffu, 17, 1, 0, udp, n);
	inject(&t.eth, SEC, f, n);
	/* ...nor about an ICMP error (an unknown protocol inside it). */
	uint8_t err[64];
	memset(err, 0, sizeof err);
	err[0] = 3;
	p16(err + 2, mg_inet_finish(mg_inet_sum(err, 36, 0)));
	n = build_ip_frame(f, PEER_IP, OUR_IP, 1, 1, 0, err, 36);
	inject(&t.eth, SEC, f, n);
	ASSERT_EQ(fw_pending(&t.w), 0);
	ASSERT_EQ(COUNTER(&t.icmp, "icmp", "rx_unreach"), 1);
	ts_down(&t);
}
