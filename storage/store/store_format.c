/* The store's on-disk codecs, CRC32C and the index hash, in portable C. */
#include <string.h>

#include <mg/error.h>
#include <mg/kv_ro.h>

#include "store_format.h"

/*
 * CRC32C by slicing-by-8 over general registers only (the hvt guest runs
 * without SSE, so no crc32 instruction or vector folding). The tables are
 * built on first use: 8 KiB of BSS rather than 2048 literals.
 */
#define CRC32C_POLY 0x82F63B78u

static uint32_t crc_tab[8][256];
static bool crc_ready;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (CRC32C_POLY & (0u - (c & 1u)));
		crc_tab[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_tab[t][i] = (crc_tab[t - 1][i] >> 8) ^
			                crc_tab[0][crc_tab[t - 1][i] & 0xff];
	crc_ready = true;
}

uint32_t mg__crc32c(uint32_t crc, const void *data, size_t n)
{
	const uint8_t *p = data;
	if (!crc_ready)
		crc_init();
	crc = ~crc;
	while (n >= 8) {
		uint32_t lo = mg__st_get32(p) ^ crc;
		uint32_t hi = mg__st_get32(p + 4);
		crc = crc_tab[7][lo & 0xff] ^ crc_tab[6][(lo >> 8) & 0xff] ^
		      crc_tab[5][(lo >> 16) & 0xff] ^ crc_tab[4][lo >> 24] ^
		      crc_tab[3][hi & 0xff] ^ crc_tab[2][(hi >> 8) & 0xff] ^
		      crc_tab[1][(hi >> 16) & 0xff] ^ crc_tab[0][hi >> 24];
		p += 8;
		n -= 8;
	}
	while (n--)
		crc = (crc >> 8) ^ crc_tab[0][(crc ^ *p++) & 0xff];
	return ~crc;
}

/*
 * The index hash: 8 bytes per multiply, then a final avalanche. Keys are
 * short; the hash is never stored, so it can change between versions.
 */
#define HK1 0x9fb21c651e98df25ull
#define HK2 0xd6e8feb86659fd93ull

uint64_t mg__st_hash(const void *data, size_t n)
{
	const uint8_t *p = data;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ ((uint64_t)n * HK2);
	while (n >= 8) {
		h = (h ^ mg__st_get64(p)) * HK1;
		h ^= h >> 29;
		p += 8;
		n -= 8;
	}
	uint64_t t = 0;
	for (size_t i = 0; i < n; i++)
		t |= (uint64_t)p[i] << (8 * i);
	h = (h ^ t ^ ((uint64_t)n << 59)) * HK1;
	h ^= h >> 32;
	h *= HK2;
	h ^= h >> 29;
	h *= HK1;
	h ^= h >> 32;
	return h ? h : 1;
}

static const uint8_t sb_magic[8] = {'M', 'G', 'S', 'T', 'O', 'R', 'E', '1'};
#define SEG_MAGIC   0x4753474du /* "MGSG" */
#define FRAME_MAGIC 0x5246474du /* "MGFR" */

void mg__st_super_encode(const mg__st_super *sb, uint8_t out[MG__ST_SB_SIZE])
{
	memset(out, 0, MG__ST_SB_SIZE);
	memcpy(out, sb_magic, 8);
	mg__st_put32(out + 8, MG__ST_VERSION);
	mg__st_put32(out + 12, sb->blk);
	mg__st_put32(out + 16, sb->seg_bytes);
	mg__st_put32(out + 20, sb->nseg);
	mg__st_put64(out + 24, sb->uuid);
	mg__st_put64(out + 32, sb->gen);
	mg__st_put64(out + 40, sb->log_start);
	mg__st_put64(out + 48, sb->data_start);
	mg__st_put32(out + 60, mg__crc32c(0, out, 60));
}

int mg__st_super_decode(const uint8_t in[MG__ST_SB_SIZE], mg__st_super *sb)
{
	if (memcmp(in, sb_magic, 8) != 0 ||
	    mg__st_get32(in + 8) != MG__ST_VERSION ||
	    mg__st_get32(in + 60) != mg__crc32c(0, in, 60))
		return MG_EBADMSG;
	sb->blk = mg__st_get32(in + 12);
	sb->seg_bytes = mg__st_get32(in + 16);
	sb->nseg = mg__st_get32(in + 20);
	sb->uuid = mg__st_get64(in + 24);
	sb->gen = mg__st_get64(in + 32);
	sb->log_start = mg__st_get64(in + 40);
	sb->data_start = mg__st_get64(in + 48);
	return 0;
}

void mg__st_seghdr_encode(const mg__st_seghdr *h,
                          uint8_t out[MG__ST_SEGHDR_SIZE])
{
	memset(out, 0, MG__ST_SEGHDR_SIZE);
	mg__st_put32(out, SEG_MAGIC);
	mg__st_put32(out + 4, MG__ST_VERSION);
	mg__st_put64(out + 8, h->uuid);
	mg__st_put64(out + 16, h->seq);
	mg__st_put64(out + 24, h->prev_seq);
	mg__st_put32(out + 32, h->prev_end);
	mg__st_put32(out + 36, h->index);
	mg__st_put32(out + 60, mg__crc32c(0, out, 60));
}

int mg__st_seghdr_decode(const uint8_t in[MG__ST_SEGHDR_SIZE], mg__st_seghdr *h)
{
	if (mg__st_get32(in) != SEG_MAGIC ||
	    mg__st_get32(in + 4) != MG__ST_VERSION ||
	    mg__st_get32(in + 60) != mg__crc32c(0, in, 60))
		return MG_EBADMSG;
	h->uuid = mg__st_get64(in + 8);
	h->seq = mg__st_get64(in + 16);
	h->prev_seq = mg__st_get64(in + 24);
	h->prev_end = mg__st_get32(in + 32);
	h->index = mg__st_get32(in + 36);
	return 0;
}

/* The checksum covers the header up to its own field and every record. */
static uint32_t frame_crc(const uint8_t *frame, uint32_t len)
{
	uint32_t c = mg__crc32c(0, frame, 36);
	return mg__crc32c(c, frame + MG__ST_FRAME_HDR, len - MG__ST_FRAME_HDR);
}

void mg__st_frame_seal(uint8_t *frame, const mg__st_frame *f)
{
	mg__st_put32(frame, FRAME_MAGIC);
	mg__st_put32(frame + 4, f->len);
	mg__st_put64(frame + 8, f->uuid);
	mg__st_put64(frame + 16, f->seq);
	mg__st_put32(frame + 24, f->off);
	mg__st_put32(frame + 28, f->nrec);
	mg__st_put32(frame + 32, f->flags);
	mg__st_put32(frame + 36, frame_crc(frame, f->len));
}

int mg__st_frame_peek(const uint8_t *frame, mg__st_frame *f)
{
	if (mg__st_get32(frame) != FRAME_MAGIC)
		return MG_EBADMSG;
	f->len = mg__st_get32(frame + 4);
	f->uuid = mg__st_get64(frame + 8);
	f->seq = mg__st_get64(frame + 16);
	f->off = mg__st_get32(frame + 24);
	f->nrec = mg__st_get32(frame + 28);
	f->flags = mg__st_get32(frame + 32);
	return f->len < MG__ST_FRAME_HDR ? MG_EBADMSG : 0;
}

bool mg__st_frame_crc_ok(const uint8_t *frame, const mg__st_frame *f)
{
	return mg__st_get32(frame + 36) == frame_crc(frame, f->len);
}

static void put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static size_t get16(const uint8_t *p)
{
	return (size_t)p[0] | (size_t)p[1] << 8;
}

void mg__st_rec_set(uint8_t *p, const char *key, size_t klen, uint64_t mtime,
                    const void *val, uint32_t vlen)
{
	p[0] = MG__ST_REC_SET;
	put16(p + 1, klen);
	mg__st_put32(p + 3, vlen);
	memcpy(p + 7, key, klen);
	mg__st_put64(p + 7 + klen, mtime);
	if (vlen)
		memcpy(p + MG__ST_SET_FIXED + klen, val, vlen);
}

void mg__st_rec_del(uint8_t *p, const char *key, size_t klen)
{
	p[0] = MG__ST_REC_DEL;
	put16(p + 1, klen);
	memcpy(p + 3, key, klen);
}

void mg__st_rec_rename(uint8_t *p, const char *from, size_t flen,
                       const char *to, size_t tlen)
{
	p[0] = MG__ST_REC_RENAME;
	put16(p + 1, flen);
	put16(p + 3, tlen);
	memcpy(p + 5, from, flen);
	memcpy(p + 5 + flen, to, tlen);
}

static bool klen_ok(size_t k)
{
	return k >= 1 && k <= MG_KV_KEY_MAX;
}

int mg__st_rec_decode(const uint8_t *p, size_t avail, mg__st_rec *r)
{
	memset(r, 0, sizeof *r);
	if (avail < MG__ST_DEL_FIXED)
		return MG_EBADMSG;
	r->type = p[0];
	r->klen = get16(p + 1);
	if (!klen_ok(r->klen))
		return MG_EBADMSG;
	switch (r->type) {
	case MG__ST_REC_SET:
		if (avail < MG__ST_SET_FIXED ||
		    avail - MG__ST_SET_FIXED < r->klen)
			return MG_EBADMSG;
		r->vlen = mg__st_get32(p + 3);
		if (avail - MG__ST_SET_FIXED - r->klen < r->vlen)
			return MG_EBADMSG;
		r->key = (const char *)p + 7;
		r->mtime = mg__st_get64(p + 7 + r->klen);
		r->val_off = MG__ST_SET_FIXED + r->klen;
		r->len = r->val_off + r->vlen;
		return 0;
	case MG__ST_REC_DEL:
		if (avail - MG__ST_DEL_FIXED < r->klen)
			return MG_EBADMSG;
		r->key = (const char *)p + 3;
		r->len = MG__ST_DEL_FIXED + r->klen;
		return 0;
	case MG__ST_REC_RENAME:
		if (avail < MG__ST_RENAME_FIXED)
			return MG_EBADMSG;
		r->klen2 = get16(p + 3);
		if (!klen_ok(r->klen2) ||
		    avail - MG__ST_RENAME_FIXED < r->klen + r->klen2)
			return MG_EBADMSG;
		r->key = (const char *)p + 5;
		r->key2 = r->key + r->klen;
		r->len = MG__ST_RENAME_FIXED + r->klen + r->klen2;
		return 0;
	default:
		return MG_EBADMSG;
	}
}
