/* Entropy: the tender's getrandom() seed, stretched by ChaCha20, xor RDRAND. */
#include <string.h>

#include "hvt_internal.h"

int mg__hvt_has_rdrand;

uint64_t mg__hvt_rdrand(int *ok)
{
	uint64_t v;
	unsigned char c = 0;

	if (!mg__hvt_has_rdrand) {
		*ok = 0;
		return 0;
	}
	/* RDRAND may transiently fail; Intel advises ten tries. */
	for (int i = 0; i < 10 && !c; i++)
		__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(c));
	*ok = c;
	return c ? v : 0;
}

#define ROTL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))
#define QR(a, b, c, d)                                                         \
	(a += b, d ^= a, d = ROTL(d, 16), c += d, b ^= c, b = ROTL(b, 12),     \
	 a += b, d ^= a, d = ROTL(d, 8), c += d, b ^= c, b = ROTL(b, 7))

/* RFC 8439 section 2.3: one block of keystream for (key, counter). */
static void chacha20_block(const uint32_t key[8], uint64_t counter,
                           uint32_t out[16])
{
	uint32_t s[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
	memcpy(s + 4, key, 32);
	s[12] = (uint32_t)counter;
	s[13] = (uint32_t)(counter >> 32);
	uint32_t x[16];
	memcpy(x, s, sizeof x);
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++)
		out[i] = x[i] + s[i];
}

/*
 * The key starts as the tender's seed and is replaced after every call
 * by fresh keystream, so that a later memory disclosure does not reveal
 * what earlier calls returned. RDRAND, where present, is mixed into each
 * block: either source alone suffices.
 */
void mg_platform_entropy(void *buf, size_t len)
{
	static uint32_t key[8];
	static uint64_t counter;
	static int keyed;
	uint8_t *out = buf;
	uint32_t block[16];

	if (!keyed) {
		uint8_t any = 0;
		memcpy(key, mg__hvt_boot->seed, sizeof key);
		for (size_t i = 0; i < sizeof key; i++)
			any |= mg__hvt_boot->seed[i];
		if (!any)
			mg_platform_abort(
			    "hvt: the tender gave no entropy seed");
		keyed = 1;
	}
	while (len > 0) {
		chacha20_block(key, counter++, block);
		for (int i = 0; i < 16; i += 2) {
			int ok;
			uint64_t r = mg__hvt_rdrand(&ok);
			block[i] ^= (uint32_t)r;
			block[i + 1] ^= (uint32_t)(r >> 32);
		}
		size_t n = len < sizeof block ? len : sizeof block;
		memcpy(out, block, n);
		out += n;
		len -= n;
	}
	chacha20_block(key, counter++, block);
	memcpy(key, block, sizeof key);
	memset(block, 0, sizeof block);
}
