/* The ChaCha20 block function and cipher of RFC 8439, in portable C. */
#include <string.h>

#include <mg/random.h>

/*
 * Only 32-bit integer operations on general registers: the hvt guest runs
 * without SSE state set up, so nothing here may be vectorised by hand.
 */

static uint32_t rotl(uint32_t v, int n)
{
	return v << n | v >> (32 - n);
}

static uint32_t load32_le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void store32_le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* RFC 8439 section 2.1. */
#define QR(a, b, c, d)                                                         \
	do {                                                                   \
		a += b;                                                        \
		d = rotl(d ^ a, 16);                                           \
		c += d;                                                        \
		b = rotl(b ^ c, 12);                                           \
		a += b;                                                        \
		d = rotl(d ^ a, 8);                                            \
		c += d;                                                        \
		b = rotl(b ^ c, 7);                                            \
	} while (0)

void mg_chacha20_block(const uint8_t key[static 32], uint32_t counter,
                       const uint8_t nonce[static 12], uint8_t out[static 64])
{
	/* Section 2.3: the constant "expand 32-byte k", key, counter, nonce. */
	uint32_t s[16], x[16];
	s[0] = 0x61707865;
	s[1] = 0x3320646e;
	s[2] = 0x79622d32;
	s[3] = 0x6b206574;
	for (int i = 0; i < 8; i++)
		s[4 + i] = load32_le(key + 4 * i);
	s[12] = counter;
	for (int i = 0; i < 3; i++)
		s[13 + i] = load32_le(nonce + 4 * i);

	memcpy(x, s, sizeof x);
	/* 20 rounds: 10 iterations of a column round and a diagonal round. */
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
		store32_le(out + 4 * i, x[i] + s[i]);
}

void mg_chacha20_xor(const uint8_t key[static 32], uint32_t counter,
                     const uint8_t nonce[static 12], const uint8_t *in,
                     uint8_t *out, size_t len)
{
	uint8_t ks[64];
	while (len > 0) {
		mg_chacha20_block(key, counter++, nonce, ks);
		size_t n = len < 64 ? len : 64;
		for (size_t i = 0; i < n; i++)
			out[i] = in[i] ^ ks[i];
		in += n;
		out += n;
		len -= n;
	}
	/* The key stream of a secret key is as sensitive as the key. */
	memset(ks, 0, sizeof ks);
	__asm__ volatile("" : : "r"(ks) : "memory");
}
