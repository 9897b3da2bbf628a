/* The lower layers with a device's offloads: long frames read into
 * buffers their size, checksums the device vouches for not summed again,
 * and segments for the device to cut sent whole. */
#include "net_testlib.h"

static void up(tstack *t, unsigned offloads)
{
	ts_up_offloads(t, 1500, true, offloads);
}

/* A UDP datagram of (len) bytes to port 7, its checksum broken. */
static size_t bad_udp_frame(uint8_t *f, size_t len)
{
	static uint8_t data[40000], udp[40008];
	for (size_t i = 0; i < len; i++)
		data[i] = (uint8_t)(i * 7);
	size_t n = build_udp(udp, PEER_IP, OUR_IP, 4000, 7, data, len);
	udp[6] ^= 0x55;
	return build_ip_frame(f, PEER_IP, OUR_IP, 17, 1, 0, udp, n);
}

MGT_TEST(checksums_the_device_vouches_for_are_not_summed)
{
	tstack t;
	up(&t, MG_NET_OFFLOAD_CSUM);
	mg_udpv4_sock s;
	ASSERT_EQ(mg_udpv4_bind(&t.udp, &s, 7, 8), 0);
	static uint8_t f[2000];
	size_t n = bad_udp_frame(f, 100);
	/* Read from the device with no flag: summed, dropped. */
	fw_push(&t.w, f, n);
	ASSERT_EQ(mg_ethernet_poll(&t.eth, 0, 8), 1);
	ASSERT_EQ(COUNTER(&t.udp, "udp", "drop_checksum"), 1);
	/* Never computed (from this host), or checked by the device. */
	t.w.in_off.flags = MG_NET_CSUM_PARTIAL;
	fw_push(&t.w, f, n);
	ASSERT_EQ(mg_ethernet_poll(&t.eth, 0, 8), 1);
	t.w.in_off.flags = MG_NET_CSUM_VALID;
	fw_push(&t.w, f, n);
	ASSERT_EQ(mg_ethernet_poll(&t.eth, 0, 8), 1);
	ASSERT_EQ(COUNTER(&t.udp, "udp", "drop_checksum"), 1);
	mg_pkt *p;
	ASSERT_EQ(mg_udpv4_recv(&t.udp, &s, &p, NULL), 0);
	ASSERT_EQ(p->len, 100);
	mg_pkt_free(p);
	ASSERT_EQ(mg_udpv4_recv(&t.udp, &s, &p, NULL), 0);
	mg_pkt_free(p);
	ASSERT_EQ(mg_udpv4_recv(&t.udp, &s, &p, NULL), MG_EAGAIN);
	mg_udpv4_close(&t.udp, &s);
	ts_down(&t);
}

MGT_TEST(a_frame_longer_than_a_buffer_is_read_into_one_its_size)
{
	tstack t;
	up(&t, MG_NET_OFFLOAD_CSUM | MG_NET_OFFLOAD_TSO4);
	mg_udpv4_sock s;
	ASSERT_EQ(mg_udpv4_bind(&t.udp, &s, 7, 8), 0);
	static uint8_t f[41000];
	/* A datagram past the MTU in one frame: only a device with
	 * offloads delivers such frames (a coalesced TCP segment, here a
	 * UDP one the layers treat alike). */
	size_t n = bad_udp_frame(f, 30000);
	t.w.in_off.flags = MG_NET_CSUM_PARTIAL;
	t.w.in_off.gso = MG_NET_GSO_TCPV4;
	fw_push(&t.w, f, n);
	fw_push(&t.w, f, 200); /* then a short (truncated) one */
	ASSERT_EQ(mg_ethernet_poll(&t.eth, 0, 8), 2);
	mg_pkt *p;
	ASSERT_EQ(mg_udpv4_recv(&t.udp, &s, &p, NULL), 0);
	ASSERT_EQ(p->len, 30000);
	ASSERT_EQ(p->data[29999], (uint8_t)(29999 * 7));
	mg_pkt_free(p);
	ASSERT_EQ(COUNTER(&t.eth, "ethernet", "drop_too_long"), 0);
	mg_udpv4_close(&t.udp, &s);
	ts_down(&t);
}

MGT_TEST(a_long_frame_without_offloads_is_dropped)
{
	tstack t;
	up(&t, 0);
	static uint8_t f[41000];
	size_t n = bad_udp_frame(f, 3000);
	fw_push(&t.w, f, n);
	ASSERT_EQ(mg_ethernet_poll(&t.eth, 0, 8), 1);
	ASSERT_EQ(COUNTER(&t.eth, "ethernet", "drop_too_long"), 1);
	ts_down(&t);
}

MGT_TEST(a_segment_to_cut_goes_out_whole_with_its_offsets)
{
	tstack t;
	up(&t, MG_NET_OFFLOAD_CSUM | MG_NET_OFFLOAD_TSO4);
	/* What TCP hands IPv4: a 20-byte header and 10,000 bytes. */
	mg_pkt *p = mg_ipv4_alloc(&t.ip, 10020);
	memset(mg_pkt_put(p, 10020), 0x5a, 10020);
	mg_ipv4_out o = {.dst = {PEER_IP}, .proto = MG_IP_PROTO_TCP};
	o.off.flags = MG_NET_CSUM_PARTIAL;
	o.off.csum_offset = 16;
	o.off.hdr_len = 20;
	o.off.gso = MG_NET_GSO_TCPV4;
	o.off.gso_size = 1000;
	ASSERT_EQ(mg_ipv4_output(&t.ip, 0, &o, p), 0);
	size_t len;
	const uint8_t *f = fw_next(&t.w, &len);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(len, 14 + 20 + 10020);
	ASSERT_EQ(g16(f + 14 + 2), 20 + 10020); /* one datagram */
	ASSERT_TRUE(g16(f + 14 + 6) & 0x4000);  /* DF */
	ASSERT_EQ(t.w.last_off.gso, MG_NET_GSO_TCPV4);
	ASSERT_EQ(t.w.last_off.gso_size, 1000);
	ASSERT_EQ(t.w.last_off.csum_start, 14 + 20);
	ASSERT_EQ(t.w.last_off.csum_offset, 16);
	ASSERT_EQ(t.w.last_off.hdr_len, 14 + 20 + 20);
	/* Without offloads such a datagram is fragmented, and a plain one
	 * asks for nothing. */
	ts_down(&t);
	up(&t, 0);
	p = mg_ipv4_alloc(&t.ip, 3000);
	memset(mg_pkt_put(p, 3000), 0x5a, 3000);
	mg_ipv4_out plain = {.dst = {PEER_IP}, .proto = 17};
	ASSERT_EQ(mg_ipv4_output(&t.ip, 0, &plain, p), 0);
	ASSERT_TRUE(fw_next(&t.w, &len) != NULL);
	ASSERT_EQ(len, 1514);
	ASSERT_EQ(t.w.last_off.flags, 0);
	ASSERT_EQ(t.w.last_off.gso, 0);
	ts_down(&t);
}
