/* Module type random: cryptographically strong random bytes. */
#ifndef MG_RANDOM_H
#define MG_RANDOM_H

#include <stddef.h>
#include <stdint.h>

typedef struct mg_random_ops {
	/* Fill (buf, len). Never fails. */
	void (*fill)(void *self, void *buf, size_t len);
} mg_random_ops;

typedef struct mg_random {
	const mg_random_ops *ops;
	void *self;
} mg_random;

static inline void mg_random_fill(mg_random *r, void *buf, size_t len)
{
	r->ops->fill(r->self, buf, len);
}

/* A uniformly distributed 64-bit value. */
uint64_t mg_random_u64(mg_random *r);

/* A uniform value in [0, bound), without modulo bias. bound > 0. */
uint64_t mg_random_uniform(mg_random *r, uint64_t bound);

/*
 * A ChaCha20 generator (RFC 8439 block function as a DRBG, with fast key
 * erasure: each refill overwrites the key with fresh output), seeded from
 * mg_platform_entropy() at connect and reseeded from it every 2^20
 * blocks.
 */
int mg_random_chacha_connect(mg_random *out);

/* The ChaCha20 block function of RFC 8439 section 2.3, exposed for tests:
 * (out) receives the 64-byte block for (key, counter, nonce). */
void mg_chacha20_block(const uint8_t key[static 32], uint32_t counter,
		       const uint8_t nonce[static 12], uint8_t out[static 64]);

/* ChaCha20 encryption of RFC 8439 section 2.4 (xor of the key stream). */
void mg_chacha20_xor(const uint8_t key[static 32], uint32_t counter,
		     const uint8_t nonce[static 12], const uint8_t *in,
		     uint8_t *out, size_t len);

#endif
