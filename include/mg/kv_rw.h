/* Module type kv_rw: a read-write store of files in directories. */
#ifndef MG_KV_RW_H
#define MG_KV_RW_H

/*
 * kv_rw is kv_ro (mg/kv_ro.h: keys, kinds, reads, listings) plus changes.
 * Its operation table begins with an mg_kv_ro_ops, so mg_kv_rw_ro() hands
 * the same store to code that only reads.
 *
 * Directories are implicit: one exists while a file lies below it. Setting
 * "a/b/c" makes "a" and "a/b" appear; removing the last file below them
 * makes them go. Operations and their errors beyond those of kv_ro:
 *   MG_EISDIR    set() on a directory, or the root named where a file is
 *                needed;
 *   MG_ENOTDIR   a segment of the key other than the last is a file;
 *   MG_EEXIST    rename() of a directory onto an existing entry;
 *   MG_ENOSPC    the store is full (the call changed nothing);
 *   MG_EMSGSIZE  one change larger than the store can take at once (a
 *                value, or a batch, past the implementation's limit);
 *   MG_EROFS     the device is read-only;
 *   MG_EIO       the device failed; an implementation MAY then refuse
 *                every later change with MG_EIO until it is connected
 *                again.
 *
 * Atomicity: each call is all or nothing, both for readers and across a
 * crash (power loss, a killed process or VM): afterwards every file holds
 * the whole contents of one set() that was made to it (or it is absent),
 * never a mix of two and never bytes nobody wrote; a batch() or a
 * directory rename() is seen entirely or not at all. A call that fails
 * changed nothing.
 *
 * Durability: a change is durable once its call returned 0, unless the
 * store was connected in a buffered mode (the implementation says how),
 * where changes are durable once a later sync() returned 0; buffered or
 * not, changes survive a crash in the order they were made: what a crash
 * keeps of them is everything up to some point (a prefix).
 *
 * Like kv_ro, every call MAY suspend the calling fiber and MUST be made
 * from a fiber; calls from several fibers are serialized by the store.
 */

#include <stddef.h>

#include <mg/buf.h>
#include <mg/kv_ro.h>

/* One change of a batch. */
typedef enum mg_kv_op_kind {
	MG_KV_OP_SET = 1,    /* (key) := (value) */
	MG_KV_OP_REMOVE = 2, /* remove (key), file or directory */
	MG_KV_OP_RENAME = 3, /* move (key) to (to) */
} mg_kv_op_kind;

typedef struct mg_kv_op {
	mg_kv_op_kind kind;
	const char *key; /* the entry changed; for a rename, the source */
	const char *to;  /* rename only: the destination */
	mg_cbuf value;   /* set only: the new contents */
} mg_kv_op;

typedef struct mg_kv_rw_ops {
	/* The reads: MUST come first (mg_kv_rw_ro relies on it). */
	mg_kv_ro_ops ro;
	/*
	 * Replace the contents of file (key) with (len) bytes of (data),
	 * creating it and its parent directories if needed.
	 */
	int (*set)(void *self, const char *key, const void *data, size_t len);
	/*
	 * Remove (key): a file, or a directory with everything below it.
	 * MG_ENOENT if it does not exist; MG_EINVAL for the root.
	 */
	int (*remove)(void *self, const char *key);
	/*
	 * Move (from) to (to). A file replaces a file at (to) (MG_EISDIR if
	 * (to) is a directory); a directory moves with everything below it
	 * and (to) MUST NOT exist (MG_EEXIST) nor lie below (from)
	 * (MG_EINVAL). (from) equal to (to) is a no-op. The contents and
	 * modification times move unchanged. MG_ENOENT if (from) does not
	 * exist.
	 */
	int (*rename)(void *self, const char *from, const char *to);
	/*
	 * Apply (n) changes (ops) in order, atomically: when one fails (as it
	 * would alone, seeing the effects of those before it), none applies
	 * and its error is returned. Durable on return even in a buffered
	 * mode: a batch is the way to make many changes with one flush.
	 */
	int (*batch)(void *self, const mg_kv_op *ops, size_t n);
	/* Make every change made so far durable. */
	int (*sync)(void *self);
} mg_kv_rw_ops;

typedef struct mg_kv_rw {
	const mg_kv_rw_ops *ops;
	void *self;
} mg_kv_rw;

/* The same store seen through the read-only interface. */
static inline mg_kv_ro mg_kv_rw_ro(mg_kv_rw *kv)
{
	return (mg_kv_ro){&kv->ops->ro, kv->self};
}

static inline int mg_kv_rw_stat(mg_kv_rw *kv, const char *key, mg_kv_stat *st)
{
	return kv->ops->ro.stat(kv->self, key, st);
}

static inline int mg_kv_rw_get(mg_kv_rw *kv, const char *key, uint64_t off,
                               void *buf, size_t len, size_t *got)
{
	return kv->ops->ro.get(kv->self, key, off, buf, len, got);
}

static inline int mg_kv_rw_list(mg_kv_rw *kv, const char *dir,
                                const char *after, mg_kv_entry *entries,
                                size_t max, size_t *n)
{
	return kv->ops->ro.list(kv->self, dir, after, entries, max, n);
}

static inline int mg_kv_rw_set(mg_kv_rw *kv, const char *key, const void *data,
                               size_t len)
{
	return kv->ops->set(kv->self, key, data, len);
}

static inline int mg_kv_rw_remove(mg_kv_rw *kv, const char *key)
{
	return kv->ops->remove(kv->self, key);
}

static inline int mg_kv_rw_rename(mg_kv_rw *kv, const char *from,
                                  const char *to)
{
	return kv->ops->rename(kv->self, from, to);
}

static inline int mg_kv_rw_batch(mg_kv_rw *kv, const mg_kv_op *ops, size_t n)
{
	return kv->ops->batch(kv->self, ops, n);
}

static inline int mg_kv_rw_sync(mg_kv_rw *kv)
{
	return kv->ops->sync(kv->self);
}

/* --- implementations --- */

/*
 * store: our log-structured store on block device (dev); docs/storage.md
 * describes its format and guarantees. A device whose first sectors are
 * all zero is formatted; (format) true formats any device (its contents
 * are lost). Connect reads and checks every record of the log, so it MUST
 * be called from a fiber; a corrupt log fails with MG_EBADMSG after
 * logging where and why (log source "store"). (durable) false is the
 * buffered mode: changes are written in large frames and durable after
 * sync(), a batch or about 64 KiB of changes. (max_entries) bounds the
 * files and directories held (0: 65536), hence the memory of the index;
 * (cache_kib) is the size of the read cache (0: 256 KiB).
 */
int mg_kv_rw_store_connect(mg_kv_rw *out, mg_block *dev, bool durable,
                           bool format, int64_t max_entries, int64_t cache_kib);

/*
 * fs (unix only): the host folder (root), as mg_kv_ro_fs_connect(). A set
 * writes a temporary file in the same folder, flushes it and renames it
 * over the key, then flushes the folder; every change is durable on
 * return, sync() has nothing to do. Directories are host directories,
 * made for a set and removed when left empty. A batch sets aside (renames
 * to hidden ".mg-tmp." names in the folder) what each change replaces or
 * removes, and puts it all back if a change fails: all or nothing while
 * the image runs, but a host folder has no transaction spanning files, so
 * a crash in the middle of a batch can leave part of it done (and hidden
 * files behind). Use the store where batches must survive crashes whole.
 */
int mg_kv_rw_fs_connect(mg_kv_rw *out, const char *root);

#endif
