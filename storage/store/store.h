/* The log-structured store behind kv_rw "store": internal interfaces. */
#ifndef MG_STORAGE_STORE_H
#define MG_STORAGE_STORE_H

/*
 * The engine is written against mg__store_dev (byte offsets, whole
 * sectors), so that tests can run it over devices that fail, drop or tear
 * writes, and the fuzzer over arbitrary images; store_kv.c binds it to an
 * mg_block. docs/storage.md describes the on-disk format; store_format.h
 * holds its constants and codecs.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mg/kv_rw.h>

#include "store_format.h"

/* The device below the engine. Offsets and lengths are multiples of
 * (sector_size) and lie inside (capacity); as mg/block.h says otherwise. */
typedef struct mg__store_dev {
	void *self;
	int (*read)(void *self, uint64_t off, void *buf, size_t len);
	int (*write)(void *self, uint64_t off, const void *buf, size_t len);
	int (*flush)(void *self);
	uint64_t capacity;
	uint32_t sector_size;
	bool read_only;
} mg__store_dev;

typedef struct mg__store_opts {
	bool durable;         /* every change flushed before it returns */
	bool format;          /* format whatever the device holds */
	bool create;          /* format a device whose superblocks are blank */
	uint32_t max_entries; /* files + directories; 0: 65536 */
	uint32_t cache_bytes; /* read cache; 0: 256 KiB */
	uint32_t seg_bytes;   /* when formatting; 0: from the capacity */
	uint64_t uuid;        /* when formatting; 0: random */
	/* Wall clock for modification times; NULL: the platform's. */
	uint64_t (*now)(void *ctx);
	void *now_ctx;
	char *err; /* a message on failure, if (errlen) > 0 */
	size_t errlen;
} mg__store_opts;

/* Counters for tests, benchmarks and the docs' figures. */
typedef struct mg__store_stats {
	uint64_t files, dirs; /* entries of the index */
	uint64_t live_bytes;  /* records the log must keep */
	uint64_t limit_bytes; /* live bytes past which changes fail */
	uint32_t segments, free_segments, seg_bytes;
	uint64_t writes, write_bytes, flushes, reads;
	uint64_t frames, gc_steps, gc_copied_bytes;
	uint64_t recovered_frames, recovered_records;
	uint64_t index_bytes; /* memory held by the index */
} mg__store_stats;

/* --- the index: files and directories in memory --- */

typedef struct mg__snode {
	uint64_t hash;
	uint64_t loc;   /* file: device offset of the contents */
	uint64_t mtime; /* file: ns since the epoch */
	uint32_t size;  /* file: bytes; directory: entries directly inside */
	uint16_t klen;
	uint16_t name_off; /* where the last segment starts in key */
	uint8_t kind;      /* MG_KV_FILE or MG_KV_DIR */
	struct mg__snode *left, *right; /* treap ordered by (parent, name) */
	char key[];                     /* klen bytes and a NUL */
} mg__snode;

typedef struct mg__sidx {
	mg__snode **slots; /* open addressing, linear probing */
	uint32_t mask;     /* slots - 1; 0 before the first insert */
	uint32_t count;    /* files + directories */
	uint32_t max;
	uint32_t files;
	uint64_t bytes; /* nodes and slots */
	mg__snode *root;
} mg__sidx;

/* What a file was before a change (for undo and accounting). */
typedef struct mg__sprev {
	bool existed;
	uint64_t loc, mtime;
	uint32_t size;
} mg__sprev;

void mg__sidx_init(mg__sidx *x, uint32_t max);
void mg__sidx_free(mg__sidx *x);
/* The node of (key, klen) (relative, non-empty), or NULL. */
mg__snode *mg__sidx_find(const mg__sidx *x, const char *key, size_t klen);
/*
 * Create or replace file (key): MG_EISDIR if it is a directory,
 * MG_ENOTDIR if a parent is a file, MG_ENOSPC past (max) entries,
 * MG_ENOMEM. Missing parent directories are created. Nothing changes on
 * failure. (*prev) receives what the file was.
 */
int mg__sidx_put(mg__sidx *x, const char *key, size_t klen, uint64_t loc,
                 uint32_t size, uint64_t mtime, mg__sprev *prev);
/* Remove file (key) and the directories it leaves empty: MG_ENOENT if it
 * is not a file. (*prev) receives what it was. */
int mg__sidx_del(mg__sidx *x, const char *key, size_t klen, mg__sprev *prev);
/* The first entry of directory (dir, dlen) whose name is after (name,
 * nlen) in bytewise order (NULL name: the first), or NULL. */
mg__snode *mg__sidx_next_child(const mg__sidx *x, const char *dir, size_t dlen,
                               const char *name, size_t nlen);

/* --- the store --- */

#define MG__STORE_RESERVE 2 /* free segments kept for the cleaner */

typedef struct mg_store {
	mg__store_dev dev;
	/* geometry, from the superblock */
	uint32_t blk, line, seg_bytes, nseg;
	uint64_t data_start, uuid, sb_gen, log_start;
	/* segments: sequence number if in the log, 0 if free */
	uint64_t *seg_seq;
	uint32_t
	    *ring; /* the log, oldest first: ring[(ring_first + i) % nseg] */
	uint32_t ring_first, ring_len;
	uint32_t *free_segs;
	uint32_t nfree;
	uint64_t max_seq;
	uint32_t head;     /* segment written to */
	uint32_t head_off; /* where its next frame goes */
	uint32_t head_end; /* end of its valid frames, for the next header */
	/* the open frame, built in wbuf for device offset fbase */
	uint8_t *wbuf;
	uint32_t flen; /* header and records so far; 0: no open frame */
	uint32_t fnrec;
	uint64_t fbase;
	uint8_t *iobuf; /* one segment: recovery and the cleaner */
	uint8_t *sbbuf; /* one sector: superblocks and segment headers */
	/* read cache: direct-mapped lines of (line) bytes */
	uint8_t *cache;
	uint64_t *ctag; /* line number + 1, 0 if empty */
	uint32_t cmask;
	mg__sidx idx;
	uint64_t live, limit;
	uint32_t max_rec; /* largest single record */
	uint32_t
	    buffer_max; /* buffered mode: open frame size that is written */
	bool durable, in_gc;
	int failed; /* the error that stopped changes, 0 if none */
	/* undo log of a batch */
	struct mg__sundo *undo;
	size_t nundo, undo_cap;
	uint64_t (*now)(void *ctx);
	void *now_ctx;
	mg__store_stats st;
	char err[192];
} mg_store;

/* Open the store on (dev) (copied): format or recover. 0, or MG_EBADMSG
 * (corrupt: why in opts->err), MG_EINVAL (unusable device), MG_EIO,
 * MG_ENOMEM, MG_ENOSPC (more entries than max_entries). */
int mg__store_open(mg_store **out, const mg__store_dev *dev,
                   const mg__store_opts *opts);
/* Write what is buffered (not flushed) and free everything. */
void mg__store_close(mg_store *s);
void mg__store_stats_get(mg_store *s, mg__store_stats *out);

/* Reads and changes, as mg/kv_ro.h and mg/kv_rw.h say. */
int mg__store_stat(mg_store *s, const char *key, mg_kv_stat *st);
int mg__store_get(mg_store *s, const char *key, uint64_t off, void *buf,
                  size_t len, size_t *got);
int mg__store_list(mg_store *s, const char *dir, const char *after,
                   mg_kv_entry *entries, size_t max, size_t *n);
int mg__store_digest(mg_store *s, const char *key,
                     char out[MG_KV_DIGEST_LEN + 1]);
int mg__store_set(mg_store *s, const char *key, const void *data, size_t len);
int mg__store_remove(mg_store *s, const char *key);
int mg__store_rename(mg_store *s, const char *from, const char *to);
int mg__store_batch(mg_store *s, const mg_kv_op *ops, size_t n);
int mg__store_sync(mg_store *s);
/* Run the cleaner once on the oldest segment (tests). */
int mg__store_gc(mg_store *s);

/* --- between the engine's files --- */

int mg__store_err(mg_store *s, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
uint64_t mg__store_seg_off(const mg_store *s, uint32_t seg);
/* Read (len) bytes at device offset (off) through the open frame and the
 * cache. */
int mg__store_read(mg_store *s, uint64_t off, void *buf, size_t len);
/* Make room for (need) bytes of records in one frame of the head. */
int mg__store_room(mg_store *s, size_t need);
/* Append a record (its encoded bytes are written by the caller into the
 * returned pointer, (len) bytes) to the open frame; make_room first. */
uint8_t *mg__store_append(mg_store *s, size_t len);
/* Write the open frame (not flushed). */
int mg__store_seal(mg_store *s);
int mg__store_flush(mg_store *s);
int mg__store_write_super(mg_store *s);
/* The index changes of files, keeping (live) up to date. */
int mg__store_idx_put(mg_store *s, const char *key, size_t klen, uint64_t loc,
                      uint32_t size, uint64_t mtime, mg__sprev *prev);
int mg__store_idx_del(mg_store *s, const char *key, size_t klen,
                      mg__sprev *prev);

#endif
