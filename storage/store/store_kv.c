/* kv_rw "store": the log-structured store bound to an mg_block device. */
#include <stdlib.h>

#include <mg/error.h>
#include <mg/fiber.h>
#include <mg/kv_rw.h>
#include <mg/log.h>

#include "store.h"

MG_LOG_SOURCE(store, "store", "the block-backed read-write store");

typedef struct store_kv {
	mg_store *st;
	mg_block *dev;
	uint32_t sector;
	/* Calls MAY suspend in the device: one at a time, the others wait. */
	bool busy;
	mg_cond idle;
} store_kv;

static int dev_read(void *self, uint64_t off, void *buf, size_t len)
{
	store_kv *k = self;
	return mg_block_read(k->dev, off / k->sector, buf, len);
}

static int dev_write(void *self, uint64_t off, const void *buf, size_t len)
{
	store_kv *k = self;
	return mg_block_write(k->dev, off / k->sector, buf, len);
}

static int dev_flush(void *self)
{
	store_kv *k = self;
	return mg_block_flush(k->dev);
}

static int lock(store_kv *k)
{
	while (k->busy) {
		int rc = mg_cond_wait(&k->idle);
		if (rc < 0)
			return rc;
	}
	k->busy = true;
	return 0;
}

static int unlock(store_kv *k, int rc)
{
	k->busy = false;
	mg_cond_signal(&k->idle);
	return rc;
}

#define LOCKED(self, call)                                                     \
	do {                                                                   \
		store_kv *k_ = (self);                                         \
		int rc_ = lock(k_);                                            \
		if (rc_ < 0)                                                   \
			return rc_;                                            \
		mg_store *st_ = k_->st;                                        \
		return unlock(k_, (call));                                     \
	} while (0)

static int kv_stat(void *self, const char *key, mg_kv_stat *st)
{
	LOCKED(self, mg__store_stat(st_, key, st));
}

static int kv_get(void *self, const char *key, uint64_t off, void *buf,
                  size_t len, size_t *got)
{
	LOCKED(self, mg__store_get(st_, key, off, buf, len, got));
}

static int kv_list(void *self, const char *dir, const char *after,
                   mg_kv_entry *entries, size_t max, size_t *n)
{
	LOCKED(self, mg__store_list(st_, dir, after, entries, max, n));
}

static int kv_digest(void *self, const char *key,
                     char out[MG_KV_DIGEST_LEN + 1])
{
	LOCKED(self, mg__store_digest(st_, key, out));
}

static int kv_set(void *self, const char *key, const void *data, size_t len)
{
	LOCKED(self, mg__store_set(st_, key, data, len));
}

static int kv_remove(void *self, const char *key)
{
	LOCKED(self, mg__store_remove(st_, key));
}

static int kv_rename(void *self, const char *from, const char *to)
{
	LOCKED(self, mg__store_rename(st_, from, to));
}

static int kv_batch(void *self, const mg_kv_op *ops, size_t n)
{
	LOCKED(self, mg__store_batch(st_, ops, n));
}

static int kv_sync(void *self)
{
	LOCKED(self, mg__store_sync(st_));
}

static const mg_kv_rw_ops store_ops = {
    .ro = {kv_stat, kv_get, kv_list, kv_digest},
    .set = kv_set,
    .remove = kv_remove,
    .rename = kv_rename,
    .batch = kv_batch,
    .sync = kv_sync,
};

/* see mg/kv_rw.h */
int mg_kv_rw_store_connect(mg_kv_rw *out, mg_block *dev, bool durable,
                           bool format, int64_t max_entries, int64_t cache_kib)
{
	if (max_entries < 0 || max_entries > (1ll << 30) || cache_kib < 0 ||
	    cache_kib > (1ll << 20))
		return MG_EINVAL;
	mg_block_info info;
	mg_block_info_get(dev, &info);
	if (info.sector_size < 512 ||
	    info.sector_count > UINT64_MAX / info.sector_size)
		return MG_EINVAL;
	store_kv *k = calloc(1, sizeof *k);
	if (!k)
		return MG_ENOMEM;
	k->dev = dev;
	k->sector = info.sector_size;
	mg_cond_init(&k->idle);
	mg__store_dev d = {
	    .self = k,
	    .read = dev_read,
	    .write = dev_write,
	    .flush = dev_flush,
	    .capacity = info.sector_count * info.sector_size,
	    .sector_size = info.sector_size,
	    .read_only = info.read_only,
	};
	char err[256];
	mg__store_opts o = {
	    .durable = durable,
	    .format = format,
	    .create = true,
	    .max_entries = (uint32_t)max_entries,
	    .cache_bytes = (uint32_t)(cache_kib * 1024),
	    .err = err,
	    .errlen = sizeof err,
	};
	int rc = mg__store_open(&k->st, &d, &o);
	if (rc < 0) {
		MG_LOG(store, ERROR, "cannot open the store: %s", err);
		free(k);
		return rc;
	}
	mg__store_stats s;
	mg__store_stats_get(k->st, &s);
	MG_LOG(store, DEBUG,
	       "%llu files in %llu directories, %llu of %llu bytes live, "
	       "%u of %u segments free",
	       (unsigned long long)s.files, (unsigned long long)s.dirs,
	       (unsigned long long)s.live_bytes,
	       (unsigned long long)s.limit_bytes, s.free_segments, s.segments);
	out->ops = &store_ops;
	out->self = k;
	return 0;
}
