/* IPv4 over a fake wire: checks, delivery, routing, fragments both ways. */
#include "net_testlib.h"

#define PROTO_TEST 253

/* What the test protocol's listener received. */
static struct {
	int count;
	mg_ipv4_meta m;
	uint8_t data[70000];
	size_t len;
} got;

static void test_input(void *ctx, uint64_t now, const mg_ipv4_meta *m,
                       mg_pkt *p)
{
	(void)ctx;
	(void)now;
	got.count++;
	got.m = *m;
	got.len = p->len;
	memcpy(got.data, p->data, p->len);
	mg_pkt_free(p);
}

static void up(tstack *t, uint16_t mtu)
{
	memset(&got, 0, sizeof got);
	ts_up(t, mtu, true);
	ASSERT_EQ(mg_ipv4_listen(&t->ip, PROTO_TEST, test_input, NULL), 0);
}

static void pattern(uint8_t *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 31 + seed);
}

MGT_TEST(delivers_good_datagrams_and_counts_bad_ones)
{
	tstack t;
	up(&t, 1500);
	uint8_t f[256], pl[40];
	pattern(pl, sizeof pl, 1);
	size_t n = build_ip_frame(f, PEER_IP, OUR_IP, PROTO_TEST, 1, 0, pl, 40);
	inject(&t.eth, 0, f, n);
	ASSERT_EQ(got.count, 1);
	ASSERT_EQ(got.len, 40);
	ASSERT_MEMEQ(got.data, pl, 40);
	ASSERT_EQ(got.m.src.v, PEER_IP);
	ASSERT_EQ(got.m.dst.v, OUR_IP);
	ASSERT_EQ(got.m.ttl, 64);
	ASSERT_EQ(got.m.hdr_len, 20);
	ASSERT_TRUE(!got.m.broadcast);

	/* Ethernet padding after the datagram is not payload. */
	memset(f + n, 0xaa, 20);
	inject(&t.eth, 0, f, n + 20);
	ASSERT_EQ(got.count, 2);
	ASSERT_EQ(got.len, 40);

	uint8_t bad[256];
	memcpy(bad, f, n);
	bad[14 + 10] ^= 1; /* checksum */
	inject(&t.eth, 0, bad, n);
	memcpy(bad, f, n);
	bad[14] = 0x65; /* version 6 */
	inject(&t.eth, 0, bad, n);
	memcpy(bad, f, n);
	bad[14] = 0x44; /* header length 16 */
	inject(&t.eth, 0, bad, n);
	memcpy(bad, f, n);
	p16(bad + 14 + 2, 200); /* total length past the frame */
	inject(&t.eth, 0, bad, n);
	inject(&t.eth, 0, f, 14 + 19);
	n = build_ip_frame(bad, PEER_IP, 0x0a000009u, PROTO_TEST, 1, 0, pl, 4);
	inject(&t.eth, 0, bad, n);
	n = build_ip_frame(bad, 0xe0000001u, OUR_IP, PROTO_TEST, 1, 0, pl, 4);
	inject(&t.eth, 0, bad, n);
	ASSERT_EQ(got.count, 2);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "drop_checksum"), 1);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "drop_version"), 1);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "drop_header_len"), 1);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "drop_total_len"), 1);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "drop_short"), 1);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "drop_not_for_us"), 1);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "drop_bad_src"), 1);
	ts_down(&t);
}

MGT_TEST(options_are_skipped)
{
	tstack t;
	up(&t, 1500);
	uint8_t f[256], pl[16];
	pattern(pl, sizeof pl, 2);
	size_t n = build_eth(f, OUR_MAC, PEER_MAC, 0x0800);
	n += build_ip_hdr(f + n, PEER_IP, OUR_IP, PROTO_TEST, 9, 0, 16, 40);
	memcpy(f + n, pl, 16);
	inject(&t.eth, 0, f, n + 16);
	ASSERT_EQ(got.count, 1);
	ASSERT_EQ(got.m.hdr_len, 60);
	ASSERT_MEMEQ(got.data, pl, 16);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "rx_options"), 1);
	ts_down(&t);
}

MGT_TEST(broadcasts_are_delivered_flagged)
{
	tstack t;
	up(&t, 1500);
	uint8_t f[256], pl[8] = {0};
	size_t n =
	    build_ip_frame(f, PEER_IP, 0xffffffffu, PROTO_TEST, 1, 0, pl, 8);
	memcpy(f, mg_eth_broadcast, 6);
	inject(&t.eth, 0, f, n);
	n = build_ip_frame(f, PEER_IP, 0x0a0000ffu, PROTO_TEST, 2, 0, pl, 8);
	inject(&t.eth, 0, f, n);
	ASSERT_EQ(got.count, 2);
	ASSERT_TRUE(got.m.broadcast);
	ts_down(&t);
}

MGT_TEST(unknown_protocol_gets_icmp_unreachable)
{
	tstack t;
	up(&t, 1500);
	uint8_t f[256], pl[12];
	pattern(pl, sizeof pl, 3);
	size_t n = build_ip_frame(f, PEER_IP, OUR_IP, 99, 77, 0, pl, 12);
	inject(&t.eth, 0, f, n);
	size_t len;
	const uint8_t *r = fw_next(&t.w, &len);
	ASSERT_TRUE(r != NULL);
	ASSERT_EQ(len, 14 + 20 + 8 + 20 + 8);
	ASSERT_EQ(r[14 + 9], 1);              /* ICMP */
	ASSERT_EQ(r[34], 3);                  /* unreachable */
	ASSERT_EQ(r[35], 2);                  /* protocol */
	ASSERT_MEMEQ(r + 42, f + 14, 20 + 8); /* quoted header + 8 bytes */
	ASSERT_EQ(mg_inet_finish(mg_inet_sum(r + 34, len - 34, 0)), 0);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "drop_no_proto"), 1);
	ts_down(&t);
}

static int send_test(tstack *t, uint32_t dst, size_t len, bool df)
{
	mg_pkt *p = mg_ipv4_alloc(&t->ip, len);
	if (!p)
		return MG_ENOMEM;
	pattern(mg_pkt_put(p, len), len, 5);
	mg_ipv4_out o = {.dst = {dst}, .proto = PROTO_TEST, .df = df};
	return mg_ipv4_output(&t->ip, 0, &o, p);
}

MGT_TEST(routes_to_subnet_gateway_or_nowhere)
{
	tstack t;
	up(&t, 1500);
	size_t len;
	ASSERT_EQ(send_test(&t, PEER_IP, 10, false), 0);
	const uint8_t *r = fw_next(&t.w, &len);
	ASSERT_MEMEQ(r, PEER_MAC, 6);
	ASSERT_EQ(g32(r + 14 + 16), PEER_IP);
	ASSERT_EQ(mg_inet_finish(mg_inet_sum(r + 14, 20, 0)), 0);
	ASSERT_EQ(r[14 + 8], 64);
	ASSERT_EQ(send_test(&t, 0x08080808u, 10, false), 0);
	r = fw_next(&t.w, &len);
	ASSERT_MEMEQ(r, PEER_MAC, 6); /* the gateway's MAC: learned as such */
	ASSERT_EQ(g32(r + 14 + 16), 0x08080808u);
	ASSERT_EQ(send_test(&t, OUR_IP, 10, false), MG_ENETUNREACH);
	ASSERT_EQ(send_test(&t, 0xe0000001u, 10, false), MG_ENETUNREACH);
	mg_ipv4_config c = {.addr = {{OUR_IP}, 24}};
	ASSERT_EQ(mg_ipv4_configure(&t.ip, 0, &c), 0);
	fw_clear(&t.w);
	ASSERT_EQ(send_test(&t, 0x08080808u, 10, false), MG_ENETUNREACH);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "tx_no_route"), 3);
	c.gateway.v = 0x0b000001u; /* outside the subnet */
	ASSERT_EQ(mg_ipv4_configure(&t.ip, 0, &c), MG_EINVAL);
	ts_down(&t);
}

/* Reassemble what the stack sent from the frames on the wire. */
static size_t collect(tstack *t, uint8_t *out, int *nfrag, size_t *maxlen)
{
	size_t len, total = 0;
	const uint8_t *r;
	uint16_t id = 0;
	*nfrag = 0;
	*maxlen = 0;
	while ((r = fw_next(&t->w, &len)) != NULL) {
		const uint8_t *h = r + 14;
		ASSERT_EQ(mg_inet_finish(mg_inet_sum(h, 20, 0)), 0);
		uint16_t frag = g16(h + 6);
		size_t off = (size_t)(frag & 0x1fff) * 8;
		size_t n = g16(h + 2) - 20u;
		if (*nfrag == 0)
			id = g16(h + 4);
		ASSERT_EQ(g16(h + 4), id);
		ASSERT_TRUE((frag & 0x2000) || off + n >= total);
		memcpy(out + off, h + 20, n);
		if (off + n > total)
			total = off + n;
		if (len > *maxlen)
			*maxlen = len;
		(*nfrag)++;
	}
	return total;
}

MGT_TEST(fragments_above_the_mtu)
{
	tstack t;
	up(&t, 1500);
	static uint8_t out[70000], want[70000];
	ASSERT_EQ(send_test(&t, PEER_IP, 20008, false), 0);
	int nfrag;
	size_t maxlen;
	ASSERT_EQ(collect(&t, out, &nfrag, &maxlen), 20008);
	pattern(want, 20008, 5);
	ASSERT_MEMEQ(out, want, 20008);
	ASSERT_EQ(nfrag, 14); /* 1480 bytes each */
	ASSERT_EQ(maxlen, 1514);
	/* The largest datagram, and one byte more. */
	ASSERT_EQ(send_test(&t, PEER_IP, 65515, false), 0);
	ASSERT_EQ(collect(&t, out, &nfrag, &maxlen), 65515);
	ASSERT_EQ(send_test(&t, PEER_IP, 65516, false), MG_EMSGSIZE);
	ASSERT_EQ(send_test(&t, PEER_IP, 1481, true), MG_EMSGSIZE);
	ASSERT_EQ(send_test(&t, PEER_IP, 1480, true), 0);
	size_t len;
	const uint8_t *r = fw_next(&t.w, &len);
	ASSERT_EQ(g16(r + 14 + 6), 0x4000);
	ts_down(&t);
}

MGT_TEST(fragments_with_a_small_mtu)
{
	tstack t;
	up(&t, 68); /* the smallest IPv4 allows: 48 bytes per fragment */
	static uint8_t out[2000], want[2000];
	ASSERT_EQ(send_test(&t, PEER_IP, 1000, false), 0);
	int nfrag;
	size_t maxlen;
	ASSERT_EQ(collect(&t, out, &nfrag, &maxlen), 1000);
	pattern(want, 1000, 5);
	ASSERT_MEMEQ(out, want, 1000);
	ASSERT_EQ(nfrag, 21);
	ts_down(&t);
}

/* Inject fragment [off, off+len) of a datagram of (total) bytes. */
static void frag(tstack *t, uint64_t now, uint16_t id, const uint8_t *data,
                 size_t off, size_t len, size_t total)
{
	uint8_t f[1600];
	bool more = off + len < total;
	size_t n = build_ip_frame(f, PEER_IP, OUR_IP, PROTO_TEST, id,
	                          (uint16_t)((more ? 0x2000 : 0) | off / 8),
	                          data + off, len);
	inject(&t->eth, now, f, n);
}

MGT_TEST(reassembles_in_any_order)
{
	tstack t;
	up(&t, 1500);
	static uint8_t data[20008];
	pattern(data, sizeof data, 7);
	/* In order. */
	for (size_t off = 0; off < sizeof data; off += 1480)
		frag(&t, 0, 1, data, off,
		     sizeof data - off < 1480 ? sizeof data - off : 1480,
		     sizeof data);
	ASSERT_EQ(got.count, 1);
	ASSERT_EQ(got.len, sizeof data);
	ASSERT_MEMEQ(got.data, data, sizeof data);
	ASSERT_EQ(got.m.hdr_len, 20);
	/* Backwards, with a duplicate in the middle. */
	for (size_t i = 14; i-- > 0;) {
		size_t off = i * 1480;
		size_t len =
		    sizeof data - off < 1480 ? sizeof data - off : 1480;
		frag(&t, 0, 2, data, off, len, sizeof data);
		if (i == 7)
			frag(&t, 0, 2, data, off, len, sizeof data);
	}
	ASSERT_EQ(got.count, 2);
	ASSERT_MEMEQ(got.data, data, sizeof data);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "drop_frag_dup"), 1);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "reassembled"), 2);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "reass_datagrams"), 0);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "reass_bytes"), 0);
	ts_down(&t);
}

MGT_TEST(overlapping_fragments_drop_the_datagram)
{
	tstack t;
	up(&t, 1500);
	uint8_t data[4000];
	pattern(data, sizeof data, 9);
	frag(&t, 0, 3, data, 0, 1480, 4000);
	frag(&t, 0, 3, data, 1480 - 8, 1480, 4000); /* overlaps by 8 */
	frag(&t, 0, 3, data, 2960 - 8, 1048, 4000);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "drop_frag_overlap"), 1);
	/* The rest started a new datagram, which never completes. */
	ASSERT_EQ(got.count, 0);
	/* A last fragment that disagrees with the one before. */
	frag(&t, 0, 4, data, 1480, 800, 2280);
	frag(&t, 0, 4, data, 2960, 1040, 4000);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "drop_frag_bad"), 1);
	/* A fragment past the end that the last one set. */
	frag(&t, 0, 5, data, 1480, 520, 2000);
	frag(&t, 0, 5, data, 2000, 1480, 4000);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "drop_frag_bad"), 2);
	ASSERT_EQ(got.count, 0);
	ts_down(&t);
}

MGT_TEST(fragment_limits)
{
	tstack t;
	up(&t, 1500);
	static uint8_t data[70000];
	pattern(data, sizeof data, 11);
	/* Over 65535 in total: the "ping of death". */
	frag(&t, 0, 5, data, 65528, 16, 65544);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "drop_frag_too_big"), 1);
	/* Not a multiple of 8 before the end. */
	uint8_t f[1600];
	size_t n = build_ip_frame(f, PEER_IP, OUR_IP, PROTO_TEST, 6, 0x2000,
	                          data, 100);
	inject(&t.eth, 0, f, n);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "drop_frag_bad"), 1);
	/* Too many fragments: 8-byte pieces. */
	for (size_t i = 0; i <= MG_IPV4_REASS_FRAGS; i++)
		frag(&t, 0, 7, data, i * 8, 8, 8000);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "drop_frag_too_many"), 1);
	/* Too many datagrams at once: the oldest goes. */
	for (uint16_t id = 100; id < 100 + MG_IPV4_REASS_DATAGRAMS + 1; id++)
		frag(&t, 0, id, data, 0, 1480, 3000);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "reass_datagrams"),
	          MG_IPV4_REASS_DATAGRAMS);
	ASSERT_CMP(COUNTER(&t.ip, "ipv4", "drop_frag_evicted"), >=, 1);
	ASSERT_CMP(COUNTER(&t.ip, "ipv4", "reass_bytes"), <=,
	           MG_IPV4_REASS_BYTES);
	ts_down(&t); /* what is held is freed */
}

MGT_TEST(reassembly_memory_is_bounded)
{
	tstack t;
	up(&t, 1500);
	static uint8_t data[65000];
	pattern(data, sizeof data, 13);
	/* Several big incomplete datagrams: held bytes stay bounded. */
	for (uint16_t id = 1; id <= 12; id++)
		for (size_t off = 0; off + 1480 < sizeof data; off += 1480)
			frag(&t, 0, id, data, off, 1480, sizeof data);
	ASSERT_CMP(COUNTER(&t.ip, "ipv4", "reass_bytes"), <=,
	           MG_IPV4_REASS_BYTES);
	ASSERT_CMP(COUNTER(&t.ip, "ipv4", "drop_frag_evicted"), >, 0);
	/* A whole 65000-byte datagram still gets through. */
	for (size_t off = 0; off < sizeof data; off += 1480)
		frag(&t, 1, 999, data, off,
		     sizeof data - off < 1480 ? sizeof data - off : 1480,
		     sizeof data);
	ASSERT_EQ(got.count, 1);
	ASSERT_MEMEQ(got.data, data, sizeof data);
	ts_down(&t);
}

MGT_TEST(reassembly_times_out_with_time_exceeded)
{
	tstack t;
	up(&t, 1500);
	uint8_t data[3000];
	pattern(data, sizeof data, 15);
	frag(&t, 10 * SEC, 8, data, 0, 1480, 3000);
	frag(&t, 11 * SEC, 9, data, 1480, 1480, 3000); /* no first fragment */
	ASSERT_EQ(mg_ipv4_deadline(&t.ip), 10 * SEC + MG_IPV4_REASS_TIMEOUT_NS);
	mg_ipv4_tick(&t.ip, 10 * SEC + MG_IPV4_REASS_TIMEOUT_NS - 1);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "drop_frag_timeout"), 0);
	mg_ipv4_tick(&t.ip, 10 * SEC + MG_IPV4_REASS_TIMEOUT_NS);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "drop_frag_timeout"), 1);
	size_t len;
	const uint8_t *r = fw_next(&t.w, &len);
	ASSERT_TRUE(r != NULL);
	ASSERT_EQ(r[34], 11);          /* time exceeded */
	ASSERT_EQ(r[35], 1);           /* reassembly */
	ASSERT_EQ(g16(r + 42 + 4), 8); /* quotes the datagram's id */
	mg_ipv4_tick(&t.ip, 11 * SEC + MG_IPV4_REASS_TIMEOUT_NS);
	ASSERT_EQ(COUNTER(&t.ip, "ipv4", "drop_frag_timeout"), 2);
	ASSERT_EQ(fw_pending(&t.w), 0); /* no error without fragment zero */
	ASSERT_EQ(mg_ipv4_deadline(&t.ip), UINT64_MAX);
	ts_down(&t);
}

MGT_TEST(checksum_of_odd_lengths_and_pieces)
{
	/* RFC 1071's example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2. */
	static const uint8_t b[] = {0x00, 0x01, 0xf2, 0x03,
	                            0xf4, 0xf5, 0xf6, 0xf7};
	ASSERT_EQ(mg_inet_finish(mg_inet_sum(b, 8, 0)), (uint16_t)~0xddf2);
	ASSERT_EQ(mg_inet_finish(mg_inet_sum(b + 4, 4, mg_inet_sum(b, 4, 0))),
	          (uint16_t)~0xddf2);
	uint8_t odd[3] = {0x12, 0x34, 0x56};
	ASSERT_EQ(mg_inet_finish(mg_inet_sum(odd, 3, 0)),
	          (uint16_t) ~(0x1234 + 0x5600));
	static uint8_t big[1001];
	uint32_t ref = 0;
	for (size_t i = 0; i < sizeof big; i++) {
		big[i] = (uint8_t)(i * 13 + 1);
		ref += i % 2 ? big[i] : (uint32_t)big[i] << 8;
	}
	while (ref >> 16)
		ref = (ref & 0xffff) + (ref >> 16);
	ASSERT_EQ(mg_inet_finish(mg_inet_sum(big, sizeof big, 0)),
	          (uint16_t)~ref);
}

/* The plain definition: big-endian 16-bit words, end-around carry. */
static uint16_t reference(const uint8_t *b, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += i % 2 ? b[i] : (uint32_t)b[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

MGT_TEST(checksum_matches_the_definition)
{
	static uint8_t buf[2100];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof buf; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
	/* Every length to past two 256-byte runs, at every alignment. */
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; n < 600; n++)
			ASSERT_EQ(mg_inet_finish(mg_inet_sum(buf + off, n, 0)),
			          reference(buf + off, n));
	ASSERT_EQ(mg_inet_finish(mg_inet_sum(buf, 2048, 0)),
	          reference(buf, 2048));
	/* All ones: every add carries. */
	static uint8_t ff[1500];
	memset(ff, 0xff, sizeof ff);
	ASSERT_EQ(mg_inet_finish(mg_inet_sum(ff, sizeof ff, 0)),
	          reference(ff, sizeof ff));
	/* Pieces of even length chain, whatever the running sum holds. */
	uint64_t acc = mg_inet_sum(ff, 1000, 0);
	acc = mg_inet_sum(ff + 1000, 500, acc);
	ASSERT_EQ(mg_inet_finish(acc), reference(ff, 1500));
	acc = mg_inet_sum(buf, 64, UINT64_MAX - 3);
	ASSERT_EQ(mg_inet_finish(acc),
	          mg_inet_finish(mg_inet_sum(buf, 64, 0xfffc)));
	acc = mg_inet_sum(ff, 1024, UINT64_MAX - 3);
	ASSERT_EQ(mg_inet_finish(acc),
	          mg_inet_finish(mg_inet_sum(ff, 1024, 0xfffc)));
	/* The pseudo-header sum equals the sum of its bytes. */
	uint8_t ph[12] = {10, 0, 0, 2, 192, 168, 255, 254, 0, 17, 0x05, 0xdc};
	uint64_t s = mg_ipv4_pseudo_sum((mg_ipv4_addr){0x0a000002u},
	                                (mg_ipv4_addr){0xc0a8fffeu}, 17, 1500);
	ASSERT_EQ(mg_inet_finish(s), reference(ph, 12));
}

MGT_TEST(checksum_sums_add_with_plus)
{
	static uint8_t ff[4096];
	memset(ff, 0xff, sizeof ff);
	uint64_t a = mg_inet_sum(ff, 2048, 0);
	uint64_t b = mg_inet_sum(ff + 2048, 2048, 0);
	ASSERT_CMP(a, <, 1ull << 33);
	ASSERT_EQ(mg_inet_finish(a + b), reference(ff, 4096));
	ASSERT_EQ(
	    mg_inet_finish(a + b +
	                   mg_ipv4_pseudo_sum((mg_ipv4_addr){1},
	                                      (mg_ipv4_addr){2}, 6, 4096)),
	    mg_inet_finish(
	        mg_inet_sum(ff, 4096,
	                    mg_ipv4_pseudo_sum((mg_ipv4_addr){1},
	                                       (mg_ipv4_addr){2}, 6, 4096))));
}
