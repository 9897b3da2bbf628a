/* UDP over a fake wire: ports, queues, checksums, sending. */
#include "net_testlib.h"

static void recv_udp(tstack *t, uint16_t dport, const char *data, uint32_t dst)
{
	uint8_t udp[2000], f[2100];
	size_t n =
	    build_udp(udp, PEER_IP, dst, 4000, dport, data, strlen(data));
	n = build_ip_frame(f, PEER_IP, dst, 17, 1, 0, udp, n);
	inject(&t->eth, 0, f, n);
}

MGT_TEST(bind_ports)
{
	tstack t;
	ts_up(&t, 1500, true);
	mg_udpv4_sock a, b, c;
	ASSERT_EQ(mg_udpv4_bind(&t.udp, &a, 53, 4), 0);
	ASSERT_EQ(mg_udpv4_bind(&t.udp, &b, 53, 4), MG_EADDRINUSE);
	ASSERT_EQ(mg_udpv4_bind(&t.udp, &b, 0, 4), 0);
	ASSERT_EQ(b.port, MG_UDP_EPHEMERAL_MIN);
	ASSERT_EQ(mg_udpv4_bind(&t.udp, &c, 0, 4), 0);
	ASSERT_EQ(c.port, MG_UDP_EPHEMERAL_MIN + 1);
	ASSERT_EQ(mg_udpv4_bind(&t.udp, &c, 7, 0), MG_EINVAL);
	mg_udpv4_close(&t.udp, &a);
	ASSERT_EQ(mg_udpv4_bind(&t.udp, &a, 53, 4), 0);
	mg_udpv4_close(&t.udp, &a);
	mg_udpv4_close(&t.udp, &b);
	mg_udpv4_close(&t.udp, &c);
	ts_down(&t);
}

MGT_TEST(receive_queue_is_bounded)
{
	tstack t;
	ts_up(&t, 1500, true);
	mg_udpv4_sock s;
	ASSERT_EQ(mg_udpv4_bind(&t.udp, &s, 7, 2), 0);
	recv_udp(&t, 7, "one", OUR_IP);
	recv_udp(&t, 7, "two", OUR_IP);
	recv_udp(&t, 7, "three", OUR_IP);
	ASSERT_EQ(COUNTER(&t.udp, "udp", "drop_queue_full"), 1);
	mg_pkt *p;
	mg_udpv4_meta m;
	ASSERT_EQ(mg_udpv4_recv(&t.udp, &s, &p, &m), 0);
	ASSERT_EQ(p->len, 3);
	ASSERT_MEMEQ(p->data, "one", 3);
	ASSERT_EQ(m.src.addr.v, PEER_IP);
	ASSERT_EQ(m.src.port, 4000);
	ASSERT_EQ(m.dst.addr.v, OUR_IP);
	ASSERT_EQ(m.dst.port, 7);
	mg_pkt_free(p);
	ASSERT_EQ(mg_udpv4_recv(&t.udp, &s, &p, NULL), 0);
	ASSERT_MEMEQ(p->data, "two", 3);
	mg_pkt_free(p);
	ASSERT_EQ(mg_udpv4_recv(&t.udp, &s, &p, NULL), MG_EAGAIN);
	/* Closing frees what waits. */
	recv_udp(&t, 7, "left", OUR_IP);
	mg_udpv4_close(&t.udp, &s);
	ts_down(&t);
}

MGT_TEST(checksums_and_lengths)
{
	tstack t;
	ts_up(&t, 1500, true);
	mg_udpv4_sock s;
	ASSERT_EQ(mg_udpv4_bind(&t.udp, &s, 7, 8), 0);
	uint8_t udp[64], f[128];
	size_t n = build_udp(udp, PEER_IP, OUR_IP, 1, 7, "abcd", 4);
	udp[9] ^= 1;
	size_t fl = build_ip_frame(f, PEER_IP, OUR_IP, 17, 1, 0, udp, n);
	inject(&t.eth, 0, f, fl);
	ASSERT_EQ(COUNTER(&t.udp, "udp", "drop_checksum"), 1);
	p16(udp + 6, 0); /* no checksum: accepted */
	fl = build_ip_frame(f, PEER_IP, OUR_IP, 17, 1, 0, udp, n);
	inject(&t.eth, 0, f, fl);
	p16(udp + 4, 40); /* length past the datagram */
	fl = build_ip_frame(f, PEER_IP, OUR_IP, 17, 1, 0, udp, n);
	inject(&t.eth, 0, f, fl);
	fl = build_ip_frame(f, PEER_IP, OUR_IP, 17, 1, 0, udp, 5);
	inject(&t.eth, 0, f, fl);
	ASSERT_EQ(COUNTER(&t.udp, "udp", "drop_length"), 1);
	ASSERT_EQ(COUNTER(&t.udp, "udp", "drop_short"), 1);
	ASSERT_EQ(COUNTER(&t.udp, "udp", "rx_delivered"), 1);
	mg_udpv4_close(&t.udp, &s);
	ts_down(&t);
}

static struct {
	int n;
	mg_udpv4_meta m;
	char data[32];
} seen;

static void direct_input(void *ctx, uint64_t now, const mg_udpv4_meta *m,
                         mg_pkt *p)
{
	(void)ctx;
	(void)now;
	seen.n++;
	seen.m = *m;
	memcpy(seen.data, p->data, p->len < 31 ? p->len : 31);
	mg_pkt_free(p);
}

MGT_TEST(input_function_and_broadcast)
{
	tstack t;
	ts_up(&t, 1500, true);
	mg_udpv4_sock s;
	ASSERT_EQ(mg_udpv4_bind(&t.udp, &s, 68, 1), 0);
	t.udp.ops->set_input(t.udp.self, &s, direct_input, NULL);
	memset(&seen, 0, sizeof seen);
	recv_udp(&t, 68, "x", 0xffffffffu);
	recv_udp(&t, 68, "y", OUR_IP);
	ASSERT_EQ(seen.n, 2);
	ASSERT_STREQ(seen.data, "y");
	ASSERT_TRUE(!seen.m.broadcast);
	/* No socket on a port reached by broadcast: silently dropped. */
	recv_udp(&t, 69, "z", 0xffffffffu);
	ASSERT_EQ(fw_pending(&t.w), 0);
	ASSERT_EQ(COUNTER(&t.udp, "udp", "drop_no_port"), 1);
	mg_udpv4_close(&t.udp, &s);
	ts_down(&t);
}

MGT_TEST(send_builds_a_checked_datagram)
{
	tstack t;
	ts_up(&t, 1500, true);
	mg_udpv4_sock s;
	ASSERT_EQ(mg_udpv4_bind(&t.udp, &s, 1234, 1), 0);
	mg_ipv4_endpoint to = {{PEER_IP}, 9999};
	ASSERT_EQ(mg_udpv4_send(&t.udp, 0, &s, to, (mg_ipv4_addr){0},
	                        mg_cbuf_str("hello")),
	          0);
	size_t len;
	const uint8_t *r = fw_next(&t.w, &len);
	ASSERT_EQ(len, 14 + 20 + 8 + 5);
	const uint8_t *u = r + 34;
	ASSERT_EQ(g16(u), 1234);
	ASSERT_EQ(g16(u + 2), 9999);
	ASSERT_EQ(g16(u + 4), 13);
	ASSERT_MEMEQ(u + 8, "hello", 5);
	uint64_t sum = mg_ipv4_pseudo_sum((mg_ipv4_addr){OUR_IP},
	                                  (mg_ipv4_addr){PEER_IP}, 17, 13);
	ASSERT_EQ(mg_inet_finish(mg_inet_sum(u, 13, sum)), 0);
	/* The largest payload goes out in fragments; one more is refused. */
	static uint8_t big[MG_UDP_MAX_PAYLOAD + 1];
	ASSERT_EQ(mg_udpv4_send(&t.udp, 0, &s, to, (mg_ipv4_addr){0},
	                        mg_cbuf_make(big, MG_UDP_MAX_PAYLOAD)),
	          0);
	ASSERT_EQ(fw_pending(&t.w), 45);
	ASSERT_EQ(mg_udpv4_send(&t.udp, 0, &s, to, (mg_ipv4_addr){0},
	                        mg_cbuf_make(big, sizeof big)),
	          MG_EMSGSIZE);
	to.port = 0;
	ASSERT_EQ(mg_udpv4_send(&t.udp, 0, &s, to, (mg_ipv4_addr){0},
	                        mg_cbuf_str("x")),
	          MG_EINVAL);
	mg_udpv4_close(&t.udp, &s);
	ts_down(&t);
}
