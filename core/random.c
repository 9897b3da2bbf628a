/* A ChaCha20 DRBG with fast key erasure, and uniform integers from it. */
#include <stdlib.h>
#include <string.h>

#include <mg/error.h>
#include <mg/platform.h>
#include <mg/random.h>

/* Blocks generated per refill: amortises the key change over 1 KiB. */
#define BLOCKS        16
#define BUF_BYTES     (BLOCKS * 64)
#define RESEED_BLOCKS (1u << 20)

typedef struct drbg {
	uint8_t key[32];
	uint8_t buf[BUF_BYTES];
	size_t pos;      /* next unread byte of buf; BUF_BYTES when empty */
	uint32_t blocks; /* generated since the last (re)seed */
} drbg;

/* A memset the compiler may not drop as a dead store. */
static void wipe(void *p, size_t n)
{
	memset(p, 0, n);
	__asm__ volatile("" : : "r"(p) : "memory");
}

static void reseed(drbg *d)
{
	uint8_t fresh[32];
	mg_platform_entropy(fresh, sizeof fresh);
	/* Mixed in, not replacing: a weak source cannot lower what the key
	 * already holds. */
	for (size_t i = 0; i < sizeof fresh; i++)
		d->key[i] ^= fresh[i];
	wipe(fresh, sizeof fresh);
	d->blocks = 0;
}

/*
 * Fast key erasure (Bernstein, "Fast-key-erasure random-number
 * generators"): the first 32 bytes of each refill become the next key and
 * are never returned, so the state after a refill cannot reproduce any
 * output handed out before it.
 */
static void refill(drbg *d)
{
	static const uint8_t nonce[12];
	if (d->blocks >= RESEED_BLOCKS)
		reseed(d);
	for (uint32_t i = 0; i < BLOCKS; i++)
		mg_chacha20_block(d->key, i, nonce, d->buf + 64 * i);
	d->blocks += BLOCKS;
	memcpy(d->key, d->buf, 32);
	wipe(d->buf, 32);
	d->pos = 32;
}

static void drbg_fill(void *self, void *out, size_t len)
{
	drbg *d = self;
	uint8_t *o = out;
	while (len > 0) {
		if (d->pos == BUF_BYTES)
			refill(d);
		size_t n = BUF_BYTES - d->pos;
		if (n > len)
			n = len;
		memcpy(o, d->buf + d->pos, n);
		/* Returned bytes leave the state at once. */
		wipe(d->buf + d->pos, n);
		d->pos += n;
		o += n;
		len -= n;
	}
}

static const mg_random_ops drbg_ops = {.fill = drbg_fill};

int mg_random_chacha_connect(mg_random *out)
{
	drbg *d = calloc(1, sizeof *d);
	if (!d)
		return MG_ENOMEM;
	mg_platform_entropy(d->key, sizeof d->key);
	d->pos = BUF_BYTES;
	out->ops = &drbg_ops;
	out->self = d;
	return 0;
}

uint64_t mg_random_u64(mg_random *r)
{
	uint8_t b[8];
	mg_random_fill(r, b, sizeof b);
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

uint64_t mg_random_uniform(mg_random *r, uint64_t bound)
{
	if (bound <= 1)
		return 0;
	/*
	 * 2^64 mod bound values at the bottom are rejected, so that what is
	 * left holds each residue equally often.
	 */
	uint64_t threshold = (0 - bound) % bound;
	for (;;) {
		uint64_t v = mg_random_u64(r);
		if (v >= threshold)
			return v % bound;
	}
}
