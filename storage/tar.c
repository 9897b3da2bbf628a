/* tar: a kv_ro store over a tar archive on a block device. */
#include <stdlib.h>
#include <string.h>

#include <mg/error.h>
#include <mg/kv_ro.h>
#include <mg/log.h>

#include "sha256.h"
#include "tar.h"

/* see mg/kv_ro.h */

MG_LOG_SOURCE(tar, "tar", "the tar store");

/* Headers are read through a window, so that an archive of small files
 * costs one device read per window rather than one per header. */
#define WINDOW (64 * 1024)
/* Digests read the file in chunks of this size. */
#define CHUNK (256 * 1024)

typedef struct tar_store {
	mg_block *dev;
	mg_block_info info;
	uint64_t capacity;
	mg__kv_index index;
} tar_store;

/*
 * Read (len) bytes at byte (off) of the device, which need not be sector
 * aligned: whole sectors go straight into (buf), partial ones through a
 * bounce sector.
 */
static int read_bytes(tar_store *t, uint64_t off, void *buf, size_t len)
{
	uint32_t ss = t->info.sector_size;
	uint8_t small[4096];
	uint8_t *bounce = ss <= sizeof small ? small : NULL;
	uint8_t *out = buf;
	int rc = 0;
	if (!bounce && (off % ss || len % ss) && !(bounce = malloc(ss)))
		return MG_ENOMEM;
	if (off % ss && len) {
		size_t skip = (size_t)(off % ss);
		size_t n = ss - skip < len ? ss - skip : len;
		if ((rc = mg_block_read(t->dev, off / ss, bounce, ss)) < 0)
			goto out;
		memcpy(out, bounce + skip, n);
		out += n;
		off += n;
		len -= n;
	}
	size_t whole = len / ss * ss;
	if (whole) {
		if ((rc = mg_block_read(t->dev, off / ss, out, whole)) < 0)
			goto out;
		out += whole;
		off += whole;
		len -= whole;
	}
	if (len) {
		if ((rc = mg_block_read(t->dev, off / ss, bounce, ss)) < 0)
			goto out;
		memcpy(out, bounce, len);
	}
out:
	if (bounce != small)
		free(bounce);
	return rc;
}

typedef struct window {
	tar_store *t;
	uint8_t *buf;
	size_t size;
	uint64_t off;
	size_t len;
} window;

static int window_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	window *w = ctx;
	tar_store *t = w->t;
	uint32_t ss = t->info.sector_size;
	if (len + ss > w->size)
		return read_bytes(t, off, buf, len);
	if (off < w->off || off + len > w->off + w->len) {
		uint64_t start = off / ss * ss;
		uint64_t n = t->capacity - start;
		w->len = n < w->size ? (size_t)n : w->size;
		w->off = start;
		int rc = mg_block_read(t->dev, start / ss, w->buf, w->len);
		if (rc < 0) {
			w->len = 0;
			return rc;
		}
	}
	memcpy(buf, w->buf + (off - w->off), len);
	return 0;
}

static int find_file(tar_store *t, const char *key, mg__kv_node **n)
{
	int rc = mg__kv_index_find(&t->index, key, n);
	if (rc < 0)
		return rc;
	return (*n)->is_dir ? MG_EISDIR : 0;
}

static int tar_stat(void *self, const char *key, mg_kv_stat *st)
{
	tar_store *t = self;
	mg__kv_node *n;
	int rc = mg__kv_index_find(&t->index, key, &n);
	if (rc < 0)
		return rc;
	st->kind = n->is_dir ? MG_KV_DIR : MG_KV_FILE;
	st->size = n->size;
	st->mtime_ns = n->mtime_ns;
	return 0;
}

static int tar_get(void *self, const char *key, uint64_t off, void *buf,
                   size_t len, size_t *got)
{
	tar_store *t = self;
	mg__kv_node *n;
	int rc = find_file(t, key, &n);
	if (rc < 0)
		return rc;
	if (off > n->size)
		return MG_ERANGE;
	uint64_t left = n->size - off;
	size_t want = left < len ? (size_t)left : len;
	if (want && (rc = read_bytes(t, n->offset + off, buf, want)) < 0)
		return rc;
	*got = want;
	return 0;
}

static int tar_list(void *self, const char *dir, const char *after,
                    mg_kv_entry *entries, size_t max, size_t *n)
{
	tar_store *t = self;
	mg__kv_node *d;
	int rc = mg__kv_index_find(&t->index, dir, &d);
	if (rc < 0)
		return rc;
	return mg__kv_index_list(&t->index, d, after, entries, max, n);
}

static int tar_digest(void *self, const char *key,
                      char out[MG_KV_DIGEST_LEN + 1])
{
	tar_store *t = self;
	mg__kv_node *n;
	int rc = find_file(t, key, &n);
	if (rc < 0)
		return rc;
	if (!n->digest) {
		size_t chunk = n->size < CHUNK ? (size_t)n->size : CHUNK;
		uint8_t *buf = malloc(chunk ? chunk : 1);
		char *hex = malloc(MG_KV_DIGEST_LEN + 1);
		if (!buf || !hex) {
			free(buf);
			free(hex);
			return MG_ENOMEM;
		}
		mg__sha256 s;
		mg__sha256_init(&s);
		for (uint64_t done = 0; done < n->size;) {
			uint64_t left = n->size - done;
			size_t k = left < chunk ? (size_t)left : chunk;
			rc = read_bytes(t, n->offset + done, buf, k);
			if (rc < 0) {
				free(buf);
				free(hex);
				return rc;
			}
			mg__sha256_update(&s, buf, k);
			done += k;
		}
		free(buf);
		mg__sha256_final_hex(&s, hex);
		if (n->digest) /* another fiber got there first */
			free(hex);
		else
			n->digest = hex;
	}
	memcpy(out, n->digest, MG_KV_DIGEST_LEN + 1);
	return 0;
}

static const mg_kv_ro_ops tar_ops = {
    .stat = tar_stat,
    .get = tar_get,
    .list = tar_list,
    .digest = tar_digest,
};

int mg_kv_ro_tar_connect(mg_kv_ro *out, mg_block *dev)
{
	tar_store *t = calloc(1, sizeof *t);
	if (!t)
		return MG_ENOMEM;
	t->dev = dev;
	mg_block_info_get(dev, &t->info);
	t->capacity = t->info.sector_count * t->info.sector_size;
	window w = {.t = t, .size = WINDOW};
	if (w.size < 2 * (size_t)t->info.sector_size)
		w.size = 2 * (size_t)t->info.sector_size;
	w.buf = malloc(w.size);
	if (!w.buf) {
		free(t);
		return MG_ENOMEM;
	}
	char err[256];
	int rc = mg__tar_parse(window_read, &w, t->capacity, &t->index, err,
	                       sizeof err);
	free(w.buf);
	if (rc < 0) {
		if (rc == MG_EBADMSG)
			MG_LOG(tar, ERROR, "not a usable tar archive: %s", err);
		else
			MG_LOG(tar, ERROR, "reading the archive: %s",
			       mg_strerror(rc));
		mg__kv_index_free(&t->index);
		free(t);
		return rc;
	}
	MG_LOG(tar, DEBUG, "archive of %llu bytes: %zu entries",
	       (unsigned long long)t->capacity, t->index.n);
	out->ops = &tar_ops;
	out->self = t;
	return 0;
}

void mg__tar_store_free(mg_kv_ro *kv)
{
	tar_store *t = kv->self;
	mg__kv_index_free(&t->index);
	free(t);
	kv->self = NULL;
}
