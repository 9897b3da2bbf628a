/* The store's on-disk format: constants, checksums and codecs (no I/O). */
#ifndef MG_STORAGE_STORE_FORMAT_H
#define MG_STORAGE_STORE_FORMAT_H

/*
 * All integers are little-endian. The device holds two superblock slots
 * (sectors 0 and 1), then from (data_start) (a multiple of 4 KiB) an array
 * of segments of (seg_bytes). Each segment in use starts with a header
 * sector; frames follow, each starting on a sector boundary. A frame is a
 * header and records, checked as a whole by one CRC32C. docs/storage.md
 * explains why each field is there.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MG__ST_VERSION 1

#define MG__ST_SB_SIZE     64
#define MG__ST_SEGHDR_SIZE 64
#define MG__ST_FRAME_HDR   40

#define MG__ST_REC_SET    1
#define MG__ST_REC_DEL    2
#define MG__ST_REC_RENAME 3

/* Record sizes: SET type, klen u16, vlen u32, key, mtime u64, value. */
#define MG__ST_SET_FIXED    15
#define MG__ST_DEL_FIXED    3
#define MG__ST_RENAME_FIXED 5

typedef struct mg__st_super {
	uint32_t blk, seg_bytes, nseg;
	uint64_t uuid, gen, log_start, data_start;
} mg__st_super;

typedef struct mg__st_seghdr {
	uint64_t uuid, seq, prev_seq;
	uint32_t prev_end, index;
} mg__st_seghdr;

typedef struct mg__st_frame {
	uint32_t len; /* header and records, unpadded */
	uint64_t uuid, seq;
	uint32_t off; /* byte offset of the frame in its segment */
	uint32_t nrec, flags;
} mg__st_frame;

typedef struct mg__st_rec {
	int type;
	const char *key, *key2; /* not NUL-terminated */
	size_t klen, klen2;
	uint64_t mtime;
	uint32_t vlen;
	size_t val_off; /* offset of the value from the record's start */
	size_t len;     /* bytes of the whole record */
} mg__st_rec;

/* CRC32C (Castagnoli) of (n) bytes, continuing from (crc) (0 to start). */
uint32_t mg__crc32c(uint32_t crc, const void *data, size_t n);
/* A 64-bit hash of (n) bytes, for the index; never 0. */
uint64_t mg__st_hash(const void *data, size_t n);

static inline uint32_t mg__st_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t mg__st_get64(const uint8_t *p)
{
	return (uint64_t)mg__st_get32(p) | (uint64_t)mg__st_get32(p + 4) << 32;
}

static inline void mg__st_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void mg__st_put64(uint8_t *p, uint64_t v)
{
	mg__st_put32(p, (uint32_t)v);
	mg__st_put32(p + 4, (uint32_t)(v >> 32));
}

/* Encoders write the whole fixed size, checksum included. Decoders return
 * 0 or MG_EBADMSG (bad magic, version or checksum). */
void mg__st_super_encode(const mg__st_super *sb, uint8_t out[MG__ST_SB_SIZE]);
int mg__st_super_decode(const uint8_t in[MG__ST_SB_SIZE], mg__st_super *sb);
void mg__st_seghdr_encode(const mg__st_seghdr *h,
                          uint8_t out[MG__ST_SEGHDR_SIZE]);
int mg__st_seghdr_decode(const uint8_t in[MG__ST_SEGHDR_SIZE],
                         mg__st_seghdr *h);

/* Fill the header of the frame (frame) (len bytes) and its checksum. */
void mg__st_frame_seal(uint8_t *frame, const mg__st_frame *f);
/* Decode the fixed header only (magic and sizes, not the checksum). */
int mg__st_frame_peek(const uint8_t *frame, mg__st_frame *f);
/* Check the checksum of a frame of (f->len) bytes. */
bool mg__st_frame_crc_ok(const uint8_t *frame, const mg__st_frame *f);

/* Encoded sizes of records. */
static inline size_t mg__st_set_size(size_t klen, size_t vlen)
{
	return MG__ST_SET_FIXED + klen + vlen;
}

void mg__st_rec_set(uint8_t *p, const char *key, size_t klen, uint64_t mtime,
                    const void *val, uint32_t vlen);
void mg__st_rec_del(uint8_t *p, const char *key, size_t klen);
void mg__st_rec_rename(uint8_t *p, const char *from, size_t flen,
                       const char *to, size_t tlen);
/*
 * Decode the record at (p), of at most (avail) bytes: 0, or MG_EBADMSG if
 * its type is unknown, a key is empty or longer than MG_KV_KEY_MAX, or it
 * runs past (avail). Keys are not checked against the key rules here.
 */
int mg__st_rec_decode(const uint8_t *p, size_t avail, mg__st_rec *r);

#endif
