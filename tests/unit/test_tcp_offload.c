/* TCP engine with the device's offloads: segments of many MSS for the
 * device to cut, checksums left for it to complete. */
#include "tcp_harness.h"

/* What the device would have sent for the last burst. */
static struct {
	size_t len;      /* TCP header and payload */
	uint16_t gso;    /* payload bytes per segment, 0: one segment */
	bool partial;    /* the checksum was left to the device */
	bool completes;  /* and completing it gives a valid checksum */
	uint32_t seq;
	uint8_t flags;
	bool data_ok;    /* the payload is the stream's bytes at seq */
	int bursts;
} dev;

static harness *cur;

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The device's part: sum from the TCP header to the end, over the
 * pseudo-header's sum left in the checksum field. */
static void device_output(void *ctx, const mg_tcp_segout *so)
{
	size_t n = so->hdr_len + so->data[0].len + so->data[1].len;
	uint8_t *seg = malloc(n);
	memcpy(seg, so->hdr, so->hdr_len);
	if (so->data[0].len)
		memcpy(seg + so->hdr_len, so->data[0].p, so->data[0].len);
	if (so->data[1].len)
		memcpy(seg + so->hdr_len + so->data[0].len, so->data[1].p,
		       so->data[1].len);
	dev.len = n;
	dev.gso = so->gso_size;
	dev.partial = so->csum_partial;
	dev.completes = false;
	if (so->csum_partial) {
		uint16_t c = mg_inet_finish(mg_inet_sum(seg, n, 0));
		seg[16] = (uint8_t)(c >> 8);
		seg[17] = (uint8_t)c;
		dev.completes =
		    mg__tcp_csum(so->src.v, so->dst.v, seg, n, NULL) == 0;
	}
	dev.seq = be32(seg + 4);
	dev.flags = seg[13];
	size_t hl = (size_t)(seg[12] >> 4) * 4;
	uint32_t off = dev.seq - (cur->our_iss + 1);
	dev.data_ok =
	    n == hl || memcmp(seg + hl, h_src + off, n - hl) == 0;
	dev.bursts++;
	/* The harness parses what fits one of its records. */
	if (n <= sizeof cur->out[0].bytes) {
		mg_tcp_segout s = *so;
		s.hdr = seg;
		s.data[0] = mg_cbuf_make(seg + so->hdr_len, n - so->hdr_len);
		s.data[1] = mg_cbuf_make(NULL, 0);
		h_output_cb(ctx, &s);
	}
	free(seg);
}

static mg_tcb *open_offloaded(harness *h, uint32_t tso_max)
{
	h_setup(h);
	cur = h;
	memset(&dev, 0, sizeof dev);
	h->cfg.buf_init = 1 << 16;
	h->cfg.buf_max = 1 << 20;
	h->cfg.flags |= MG_TCPCORE_CSUM_OFFLOAD;
	h->cfg.tso_max = tso_max;
	h->cfg.output = device_output;
	h_start(h);
	for (size_t i = 0; i < sizeof h_src; i++)
		h_src[i] = (uint8_t)(i * 13 + (i >> 10));
	h_b o = {.mss = 1000, .wnd = 65535};
	mg_tcb *c = h_passive(h, &o);
	ASSERT_EQ(c->smss, 1000);
	return c;
}

MGT_TEST(a_burst_is_one_segment_for_the_device_to_cut)
{
	harness h;
	mg_tcb *c = open_offloaded(&h, 65535 - 80);
	/* The handshake's own segments leave their checksum to the device
	 * too, and it completes them right. */
	ASSERT_TRUE(dev.partial);
	ASSERT_TRUE(dev.completes);
	h_clear(&h);
	dev.bursts = 0;
	h_send_src(c, 0, 30000);
	/* The initial window, 10 MSS, in one segment of 10 MSS to cut. */
	ASSERT_EQ(dev.bursts, 1);
	ASSERT_EQ(dev.len, 20 + 10000);
	ASSERT_EQ(dev.gso, 1000);
	ASSERT_TRUE(dev.partial);
	ASSERT_TRUE(dev.completes);
	ASSERT_TRUE(dev.data_ok);
	ASSERT_EQ(dev.seq, h.our_iss + 1);
	/* The peer acknowledges the burst at once: slow start counts it
	 * whole (L is a burst), and the next burst is twice as long. */
	h_ack_at(&h, 10000, 0, NULL);
	ASSERT_EQ(c->cwnd, 20000);
	ASSERT_EQ(dev.bursts, 2);
	ASSERT_EQ(dev.len, 20 + 20000);
	ASSERT_EQ(dev.gso, 1000);
	ASSERT_TRUE(dev.completes);
	ASSERT_TRUE(dev.data_ok);
	ASSERT_EQ(dev.seq, h.our_iss + 1 + 10000);
	/* PSH goes on the burst that empties the buffer. */
	ASSERT_TRUE(dev.flags & TH_PSH);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(a_burst_holds_whole_segments_up_to_tso_max)
{
	harness h;
	/* 4.5 segments of room: bursts of 4. */
	mg_tcb *c = open_offloaded(&h, 4500);
	h_clear(&h);
	dev.bursts = 0;
	h_send_src(c, 0, 10000);
	ASSERT_EQ(dev.bursts, 3);
	ASSERT_EQ(dev.len, 20 + 2000); /* 4000, 4000, then the rest */
	ASSERT_EQ(dev.gso, 1000);
	ASSERT_TRUE(dev.data_ok);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(one_segment_is_not_marked_for_cutting)
{
	harness h;
	mg_tcb *c = open_offloaded(&h, 65535 - 80);
	h_clear(&h);
	h_send_src(c, 0, 700);
	ASSERT_EQ(dev.len, 20 + 700);
	ASSERT_EQ(dev.gso, 0);
	ASSERT_TRUE(dev.partial);
	ASSERT_TRUE(dev.completes);
	ASSERT_EQ(h.nout, 1);
	ASSERT_EQ(h_last(&h)->s.len, 700);
	mg_tcb_abort(c);
	h_end(&h);
}

MGT_TEST(without_offloads_segments_are_one_mss_and_summed)
{
	harness h;
	h_setup(&h);
	h.cfg.buf_init = 1 << 16;
	h.cfg.tso_max = 65535 - 80; /* no effect without the checksum */
	h_start(&h);
	for (size_t i = 0; i < sizeof h_src; i++)
		h_src[i] = (uint8_t)(i * 13 + (i >> 10));
	h_b o = {.mss = 1000, .wnd = 65535};
	mg_tcb *c = h_passive(&h, &o);
	h_clear(&h);
	h_send_src(c, 0, 5000);
	ASSERT_EQ(h.nout, 5);
	for (int i = 0; i < 5; i++) {
		ASSERT_EQ(h.out[i].s.len, 1000);
		ASSERT_TRUE(h.out[i].csum_ok);
	}
	mg_tcb_abort(c);
	h_end(&h);
}
