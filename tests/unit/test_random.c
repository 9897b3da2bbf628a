/* The ChaCha20 DRBG: construction, key erasure, reseeding, distribution. */
#include <mg/platform.h>
#include <mg/random.h>

#include "mgtest.h"

/*
 * Linked with --wrap=mg_platform_entropy (tests/module.mk): every seed the
 * generator takes passes here, counted, and is fixed when a test asks.
 */
void __real_mg_platform_entropy(void *buf, size_t len);
void __wrap_mg_platform_entropy(void *buf, size_t len);

static int entropy_calls;
static int fixed_seed = -1;

void __wrap_mg_platform_entropy(void *buf, size_t len)
{
	entropy_calls++;
	if (fixed_seed >= 0)
		memset(buf, fixed_seed, len);
	else
		__real_mg_platform_entropy(buf, len);
}

static mg_random connect(void)
{
	mg_random r;
	ASSERT_EQ(mg_random_chacha_connect(&r), 0);
	return r;
}

/* 16 blocks of key (k), counters 0..15, zero nonce, into (out). */
static void blocks(const uint8_t k[32], uint8_t out[1024])
{
	static const uint8_t nonce[12];
	for (uint32_t i = 0; i < 16; i++)
		mg_chacha20_block(k, i, nonce, out + 64 * i);
}

MGT_TEST(construction_with_fast_key_erasure)
{
	fixed_seed = 0x42;
	mg_random r = connect();
	ASSERT_EQ(entropy_calls, 1);
	static uint8_t got[992 + 100], b0[1024], b1[1024];
	/* Unaligned pieces, to cross the refill inside one call. */
	mg_random_fill(&r, got, 5);
	mg_random_fill(&r, got + 5, 1000);
	mg_random_fill(&r, got + 1005, sizeof got - 1005);

	uint8_t k0[32];
	memset(k0, 0x42, sizeof k0);
	blocks(k0, b0);
	/* The first 32 bytes of each refill are the next key, never output. */
	ASSERT_MEMEQ(got, b0 + 32, 992);
	blocks(b0, b1);
	ASSERT_MEMEQ(got + 992, b1 + 32, 100);
	ASSERT_EQ(entropy_calls, 1);
}

MGT_TEST(reseeds_every_2_pow_20_blocks)
{
	fixed_seed = 7;
	mg_random r = connect();
	ASSERT_EQ(entropy_calls, 1);
	/* Each refill is 16 blocks and gives 992 bytes: 2^16 refills make
	 * 2^20 blocks. */
	static uint8_t chunk[992 * 64];
	for (int i = 0; i < 1024; i++)
		mg_random_fill(&r, chunk, sizeof chunk);
	ASSERT_EQ(entropy_calls, 1);
	uint8_t one;
	mg_random_fill(&r, &one, 1);
	ASSERT_EQ(entropy_calls, 2);
}

MGT_TEST(two_generators_differ)
{
	mg_random a = connect(), b = connect();
	uint8_t x[64], y[64];
	mg_random_fill(&a, x, sizeof x);
	mg_random_fill(&b, y, sizeof y);
	ASSERT_TRUE(memcmp(x, y, sizeof x) != 0);
	/* And a generator does not repeat itself. */
	mg_random_fill(&a, y, sizeof y);
	ASSERT_TRUE(memcmp(x, y, sizeof x) != 0);
	ASSERT_EQ(entropy_calls, 2);
}

MGT_TEST(u64_bits_are_balanced)
{
	mg_random r = connect();
	enum { N = 100000 };
	static int ones[64];
	uint64_t prev = 0;
	for (int i = 0; i < N; i++) {
		uint64_t v = mg_random_u64(&r);
		ASSERT_NE(v, prev);
		prev = v;
		for (int b = 0; b < 64; b++)
			ones[b] += (int)(v >> b & 1);
	}
	/* Each bit is a Binomial(1e5, 1/2): sd 158. Six sd either side
	 * fails a good generator with odds about 1e-7 over all 64 bits. */
	for (int b = 0; b < 64; b++) {
		ASSERT_CMP(ones[b], >, N / 2 - 950);
		ASSERT_CMP(ones[b], <, N / 2 + 950);
	}
}

MGT_TEST(uniform_stays_in_bounds)
{
	mg_random r = connect();
	static const uint64_t bounds[] = {1,
	                                  2,
	                                  3,
	                                  7,
	                                  10,
	                                  1000,
	                                  1u << 31,
	                                  1ull << 32,
	                                  (1ull << 63) + 1,
	                                  UINT64_MAX - 1,
	                                  UINT64_MAX};
	for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++) {
		for (int j = 0; j < 2000; j++) {
			uint64_t v = mg_random_uniform(&r, bounds[i]);
			if (v >= bounds[i])
				mgt_fail(__FILE__, __LINE__, "%llu >= %llu",
				         (unsigned long long)v,
				         (unsigned long long)bounds[i]);
		}
	}
	ASSERT_EQ(mg_random_uniform(&r, 1), 0);
	ASSERT_EQ(mg_random_uniform(&r, 0), 0);
	/* A bound just above 2^63 rejects almost half the draws; what is
	 * kept still spreads over the whole range: half of it at or above
	 * 2^62 (sd 16 over 1000 draws). */
	int high = 0;
	for (int j = 0; j < 1000; j++)
		high += mg_random_uniform(&r, (1ull << 63) + 1) >= 1ull << 62;
	ASSERT_CMP(high, >, 400);
	ASSERT_CMP(high, <, 600);
}

MGT_TEST(uniform_hits_every_value_evenly)
{
	mg_random r = connect();
	enum { N = 60000, K = 6 };
	int counts[K] = {0};
	for (int i = 0; i < N; i++)
		counts[mg_random_uniform(&r, K)]++;
	/* Each count is Binomial(6e4, 1/6): mean 1e4, sd 91. */
	for (int k = 0; k < K; k++) {
		ASSERT_CMP(counts[k], >, 10000 - 600);
		ASSERT_CMP(counts[k], <, 10000 + 600);
	}
}

MGT_TEST(uniform_has_no_modulo_bias)
{
	/*
	 * With bound 3 * 2^62, a plain v % bound maps the top quarter of the
	 * u64 range onto [0, 2^62) again, giving it half of all draws
	 * instead of a third. 3000 draws: a third is 1000, sd 26.
	 */
	mg_random r = connect();
	const uint64_t bound = 3ull << 62;
	int low = 0;
	for (int i = 0; i < 3000; i++)
		low += mg_random_uniform(&r, bound) < 1ull << 62;
	ASSERT_CMP(low, >, 850);
	ASSERT_CMP(low, <, 1150);
}
