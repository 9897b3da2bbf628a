/* Entropy: the tender's getrandom() seed, stretched by ChaCha20, xor RDRAND. */
#include <string.h>

#include <mg/random.h>

#include <mg/platform.h>

#include "x86_64.h"

int mg__x86_has_rdrand;
static const uint8_t *tender_seed;
static const char *no_seed_msg;

void mg__x86_entropy_seed(const uint8_t seed[32], const char *no_seed)
{
	tender_seed = seed;
	no_seed_msg = no_seed;
}

uint64_t mg__x86_rdrand(void)
{
	uint64_t v = 0;
	unsigned char c = 0;

	/* RDRAND may transiently fail; Intel advises ten tries. */
	for (int i = 0; mg__x86_has_rdrand && i < 10 && !c; i++)
		__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(c));
	return c ? v : 0;
}

/*
 * The key starts as the tender's seed and is replaced after every call
 * by fresh keystream, so that a later memory disclosure does not reveal
 * what earlier calls returned. RDRAND, where present, is mixed into each
 * block: either source alone suffices.
 */
void mg_platform_entropy(void *buf, size_t len)
{
	static uint8_t key[32];
	static int keyed;
	static const uint8_t nonce[12];
	uint8_t *out = buf;
	union {
		uint8_t b[64];
		uint64_t w[8];
	} block;
	uint32_t counter = 0;

	if (!keyed) {
		uint8_t any = 0;
		if (tender_seed)
			memcpy(key, tender_seed, sizeof key);
		for (size_t i = 0; i < sizeof key; i++)
			any |= key[i];
		if (!any)
			mg_platform_abort(
			    no_seed_msg ? no_seed_msg
			                : "the tender gave no entropy seed");
		keyed = 1;
	}
	/* Block 0 becomes the next key; 1.. are the output. */
	while (len > 0) {
		mg_chacha20_block(key, ++counter, nonce, block.b);
		for (int i = 0; i < 8; i++)
			block.w[i] ^= mg__x86_rdrand();
		size_t n = len < sizeof block ? len : sizeof block;
		memcpy(out, block.b, n);
		out += n;
		len -= n;
	}
	mg_chacha20_block(key, 0, nonce, block.b);
	memcpy(key, block.b, sizeof key);
	memset(block.b, 0, sizeof block);
}
