/* The socket stack's UDP over loopback. */
#include <mg/error.h>
#include <mg/fiber.h>
#include <mg/stackv4_socket.h>

#include "mgtest.h"

static mg_stackv4 st;

static int run_main(mg_fiber_fn fn)
{
	mg_ipv4_prefix any = {{0}, 0};
	ASSERT_EQ(mg_stackv4_socket_connect(&st, any), 0);
	mg_fiber *m = mg_spawn(fn, NULL, NULL);
	ASSERT_TRUE(m != NULL);
	return mg__run(m);
}

static const mg_ipv4_addr loopback = {0x7f000001};

static int udp_main(void *arg)
{
	(void)arg;
	mg_udp_socket *a, *b;
	ASSERT_EQ(mg_udp_bind(&st, 0, 0, &a), 0);
	ASSERT_EQ(mg_udp_bind(&st, 0, 4, &b), 0);
	uint16_t pa = mg_udp_port(&st, a), pb = mg_udp_port(&st, b);
	ASSERT_NE(pa, 0);
	ASSERT_NE(pb, 0);
	mg_udp_socket *dup;
	ASSERT_EQ(mg_udp_bind(&st, pa, 0, &dup), MG_EADDRINUSE);

	uint8_t buf[64];
	mg_ipv4_endpoint from;
	ASSERT_EQ(mg_udp_recvfrom(&st, b, mg_buf_make(buf, sizeof buf), &from,
	                          mg_deadline_in(10 * MG_NS_PER_MS)),
	          MG_ETIMEDOUT);

	mg_ipv4_endpoint to_b = {loopback, pb};
	ASSERT_EQ(mg_udp_sendto(&st, a, to_b, mg_cbuf_str("datagram")), 0);
	ASSERT_EQ(mg_udp_recvfrom(&st, b, mg_buf_make(buf, sizeof buf), &from,
	                          MG_FOREVER),
	          8);
	ASSERT_MEMEQ(buf, "datagram", 8);
	ASSERT_EQ(from.addr.v, loopback.v);
	ASSERT_EQ(from.port, pa);

	/* A datagram cut to fit says its whole length. */
	ASSERT_EQ(mg_udp_sendto(&st, a, to_b, mg_cbuf_str("0123456789")), 0);
	ASSERT_EQ(
	    mg_udp_recvfrom(&st, b, mg_buf_make(buf, 4), NULL, MG_FOREVER), 10);
	ASSERT_MEMEQ(buf, "0123", 4);
	/* An empty datagram is one too. */
	ASSERT_EQ(mg_udp_sendto(&st, a, to_b, mg_cbuf_make(buf, 0)), 0);
	ASSERT_EQ(mg_udp_recvfrom(&st, b, mg_buf_make(buf, sizeof buf), NULL,
	                          MG_FOREVER),
	          0);

	static uint8_t big[65508];
	ASSERT_EQ(mg_udp_sendto(&st, a, to_b, mg_cbuf_make(big, sizeof big)),
	          MG_EMSGSIZE);
	ASSERT_EQ(mg_udp_sendto(&st, a, to_b, mg_cbuf_make(big, 65507)), 0);
	ASSERT_EQ(mg_udp_recvfrom(&st, b, mg_buf_make(big, sizeof big), NULL,
	                          MG_FOREVER),
	          65507);

	/* The queue is bounded: a flood while nobody reads loses datagrams
	 * instead of growing without limit. */
	for (int i = 0; i < 2000; i++)
		ASSERT_EQ(mg_udp_sendto(&st, a, to_b, mg_cbuf_make(big, 1000)),
		          0);
	int queued = 0;
	while (mg_udp_recvfrom(&st, b, mg_buf_make(buf, sizeof buf), NULL, 0) >
	       0)
		queued++;
	ASSERT_CMP(queued, >, 0);
	ASSERT_CMP(queued, <, 200);

	mg_udp_close(&st, a);
	mg_udp_close(&st, b);
	return 0;
}

MGT_TEST(socket_udp_send_receive_truncate_and_limit)
{
	ASSERT_EQ(run_main(udp_main), 0);
}

/* A receiver waiting in one fiber gets what another fiber sends. */
static int receiver(void *arg)
{
	mg_udp_socket *s = arg;
	uint8_t b[16];
	int n = mg_udp_recvfrom(&st, s, mg_buf_make(b, sizeof b), NULL,
	                        mg_deadline_in(MG_NS_PER_S));
	return n == 3 && b[0] == 'h' ? 0 : -1;
}

static int wait_main(void *arg)
{
	(void)arg;
	mg_udp_socket *a;
	ASSERT_EQ(mg_udp_bind(&st, 0, 0, &a), 0);
	mg_fiber *r = mg_spawn(receiver, a, NULL);
	mg_sleep_ns(5 * MG_NS_PER_MS);
	mg_ipv4_endpoint self = {loopback, mg_udp_port(&st, a)};
	ASSERT_EQ(mg_udp_sendto(&st, a, self, mg_cbuf_str("hey")), 0);
	ASSERT_EQ(mg_join(r), 0);

	/* Cancelled while waiting. */
	r = mg_spawn(receiver, a, NULL);
	mg_sleep_ns(MG_NS_PER_MS);
	mg_fiber_cancel(r);
	ASSERT_EQ(mg_join(r), -1);
	mg_udp_close(&st, a);
	return 0;
}

MGT_TEST(socket_udp_waiting_receiver)
{
	ASSERT_EQ(run_main(wait_main), 0);
}
