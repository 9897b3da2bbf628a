/* Packet buffers: pool bounds, headroom, large packets, leak accounting. */
#include <mg/error.h>
#include <mg/pkt.h>

#include "mgtest.h"

MGT_TEST(pool_bounds_and_reuse)
{
	mg_pkt_pool pool;
	ASSERT_EQ(mg_pkt_pool_init(&pool, 256, 2, 0), 0);
	mg_pkt *a = mg_pkt_alloc(&pool, 32, 100);
	mg_pkt *b = mg_pkt_alloc(&pool, 32, 100);
	ASSERT_TRUE(a && b);
	ASSERT_TRUE(mg_pkt_alloc(&pool, 32, 100) == NULL);
	ASSERT_EQ(pool.exhausted, 1);
	ASSERT_EQ(pool.in_use, 2);
	mg_pkt_free(a);
	mg_pkt *c = mg_pkt_alloc(&pool, 32, 100);
	ASSERT_TRUE(c == a); /* recycled, not a new allocation */
	ASSERT_EQ(pool.count, 2);
	mg_pkt_free(b);
	mg_pkt_free(c);
	mg_pkt_free(NULL);
	ASSERT_EQ(mg_pkt_pool_fini(&pool), 0);
}

MGT_TEST(push_pull_put_trim)
{
	mg_pkt_pool pool;
	ASSERT_EQ(mg_pkt_pool_init(&pool, 128, 4, 0), 0);
	mg_pkt *p = mg_pkt_alloc(&pool, 16, 0);
	ASSERT_EQ(mg_pkt_headroom(p), 16);
	ASSERT_EQ(mg_pkt_tailroom(p), 112);
	uint8_t *d = mg_pkt_put(p, 10);
	ASSERT_TRUE(d == p->data);
	ASSERT_EQ(p->len, 10);
	ASSERT_TRUE(mg_pkt_put(p, 103) == NULL);
	ASSERT_EQ(p->len, 10);
	uint8_t *h = mg_pkt_push(p, 16);
	ASSERT_TRUE(h == p->base);
	ASSERT_EQ(p->len, 26);
	ASSERT_TRUE(mg_pkt_push(p, 1) == NULL);
	ASSERT_TRUE(mg_pkt_pull(p, 27) == NULL);
	ASSERT_TRUE(mg_pkt_pull(p, 6) == p->base + 6);
	ASSERT_EQ(p->len, 20);
	mg_pkt_trim(p, 30);
	ASSERT_EQ(p->len, 20);
	mg_pkt_trim(p, 5);
	ASSERT_EQ(p->len, 5);
	mg_pkt_free(p);
	ASSERT_EQ(mg_pkt_pool_fini(&pool), 0);
}

MGT_TEST(large_packets_bounded_in_bytes)
{
	mg_pkt_pool pool;
	ASSERT_EQ(mg_pkt_pool_init(&pool, 128, 4, 10000), 0);
	mg_pkt *a = mg_pkt_alloc(&pool, 16, 6000);
	ASSERT_TRUE(a && a->large);
	ASSERT_EQ(mg_pkt_tailroom(a), 6000);
	ASSERT_TRUE(mg_pkt_alloc(&pool, 16, 6000) == NULL);
	ASSERT_EQ(pool.exhausted, 1);
	mg_pkt *b = mg_pkt_alloc(&pool, 16, 3000);
	ASSERT_TRUE(b != NULL);
	ASSERT_EQ(pool.in_use, 0);
	/* Alive packets are what fini reports: a leak shows. */
	ASSERT_EQ(mg_pkt_pool_fini(&pool), 2);
	mg_pkt_free(a);
	mg_pkt_free(b);
	ASSERT_EQ(pool.large_bytes, 0);
	ASSERT_EQ(mg_pkt_pool_fini(&pool), 0);
	/* A size that wraps is refused, not allocated small. */
	ASSERT_TRUE(mg_pkt_alloc(&pool, 16, SIZE_MAX - 8) == NULL);
}

MGT_TEST(free_list)
{
	mg_pkt_pool pool;
	ASSERT_EQ(mg_pkt_pool_init(&pool, 64, 8, 0), 0);
	mg_pkt *head = NULL;
	for (int i = 0; i < 5; i++) {
		mg_pkt *p = mg_pkt_alloc(&pool, 0, 0);
		p->next = head;
		head = p;
	}
	ASSERT_EQ(pool.in_use, 5);
	mg_pkt_free_list(head);
	ASSERT_EQ(pool.in_use, 0);
	ASSERT_EQ(mg_pkt_pool_fini(&pool), 0);
	ASSERT_EQ(mg_pkt_pool_init(&pool, 0, 8, 0), MG_EINVAL);
}
