/* Module type kv_ro: a read-only store of files in directories. */
#ifndef MG_KV_RO_H
#define MG_KV_RO_H

/*
 * Keys are paths: segments separated by single '/', each 1 to
 * MG_KV_NAME_MAX bytes, none "." or "..", no NUL; one leading '/' is
 * allowed and ignored, so "/a/b" and "a/b" name the same entry. "" and "/"
 * name the root directory. A key longer than MG_KV_KEY_MAX bytes fails with
 * MG_ENAMETOOLONG, any other malformed key (empty segment, trailing '/',
 * "..") with MG_EINVAL: implementations MUST check every key with
 * mg_kv_key_check() before using it, so no key reaches outside the store.
 *
 * An entry is a file (bytes) or a directory (entries). A directory exists
 * when it was stored as such or when any entry lies below it.
 *
 * Every call MAY suspend the calling fiber and MUST be made from a fiber
 * (connect functions excepted, see below). Errors common to all calls:
 * MG_ENOENT (no such entry, or a segment other than the last is a file),
 * MG_EIO (the device below failed), MG_EBADMSG (the store's data is
 * corrupt).
 *
 * kv_rw (mg/kv_rw.h) extends this type: its operation table embeds an
 * mg_kv_ro_ops, so a read-write store can be handed to code that only
 * reads.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mg/block.h>
#include <mg/error.h>

#define MG_KV_NAME_MAX   255  /* bytes in one path segment */
#define MG_KV_KEY_MAX    1024 /* bytes in a key, without the NUL */
#define MG_KV_DIGEST_LEN 64   /* hex characters in a digest */

typedef enum mg_kv_kind {
	MG_KV_FILE = 1,
	MG_KV_DIR = 2,
} mg_kv_kind;

typedef struct mg_kv_stat {
	mg_kv_kind kind;
	uint64_t size;     /* bytes of a file; 0 for a directory */
	uint64_t mtime_ns; /* last modification, ns since the Unix epoch;
	                      0 when the store does not know it */
} mg_kv_stat;

/* One entry of a directory listing. */
typedef struct mg_kv_entry {
	char name[MG_KV_NAME_MAX + 1]; /* the last segment, NUL-terminated */
	mg_kv_kind kind;
} mg_kv_entry;

typedef struct mg_kv_ro_ops {
	/* Kind, size and modification time of (key) into (*st). */
	int (*stat)(void *self, const char *key, mg_kv_stat *st);
	/*
	 * Read up to (len) bytes of file (key) from byte (off) into (buf) and
	 * store the count in (*got): fewer than (len) only when the file ends
	 * first, 0 when (off) equals the size. MG_ERANGE if (off) is past the
	 * size, MG_EISDIR for a directory.
	 */
	int (*get)(void *self, const char *key, uint64_t off, void *buf,
	           size_t len, size_t *got);
	/*
	 * List directory (dir): store in (entries) up to (max) entries whose
	 * names come strictly after (after) in bytewise (memcmp) order, in
	 * that order, and their count in (*n). (after) NULL or "" starts at
	 * the first entry; passing the last name returned continues the
	 * listing, and (*n) 0 means it is complete. MG_ENOTDIR for a file.
	 * In a store that changes meanwhile (kv_rw), an entry present during
	 * the whole listing is returned exactly once; others MAY be missed.
	 */
	int (*list)(void *self, const char *dir, const char *after,
	            mg_kv_entry *entries, size_t max, size_t *n);
	/*
	 * The digest of file (key) into (out): the lowercase hex SHA-256 of
	 * its contents (MG_KV_DIGEST_LEN characters and a NUL), for ETags and
	 * integrity checks. MG_EISDIR for a directory. A store MAY take it
	 * from its own metadata (computed when the store was built) rather
	 * than from the bytes, or read the whole file the first time it is
	 * asked: see each implementation.
	 */
	int (*digest)(void *self, const char *key,
	              char out[MG_KV_DIGEST_LEN + 1]);
	/*
	 * OPTIONAL (NULL when the store cannot): the bytes of file (key)
	 * from byte (off) to its end, in place, as (*data, *len), valid and
	 * unchanging while the store is connected. For stores that hold
	 * their files in memory (crunch): no copy. Errors as get().
	 */
	int (*view)(void *self, const char *key, uint64_t off,
	            const void **data, size_t *len);
} mg_kv_ro_ops;

typedef struct mg_kv_ro {
	const mg_kv_ro_ops *ops;
	void *self;
} mg_kv_ro;

static inline int mg_kv_ro_stat(mg_kv_ro *kv, const char *key, mg_kv_stat *st)
{
	return kv->ops->stat(kv->self, key, st);
}

static inline int mg_kv_ro_get(mg_kv_ro *kv, const char *key, uint64_t off,
                               void *buf, size_t len, size_t *got)
{
	return kv->ops->get(kv->self, key, off, buf, len, got);
}

static inline int mg_kv_ro_list(mg_kv_ro *kv, const char *dir,
                                const char *after, mg_kv_entry *entries,
                                size_t max, size_t *n)
{
	return kv->ops->list(kv->self, dir, after, entries, max, n);
}

static inline int mg_kv_ro_digest(mg_kv_ro *kv, const char *key,
                                  char out[MG_KV_DIGEST_LEN + 1])
{
	return kv->ops->digest(kv->self, key, out);
}

/* The bytes of (key) in place (see view() above), or MG_ENOTSUP when the
 * store has no such access: then copy them with get(). */
static inline int mg_kv_ro_view(mg_kv_ro *kv, const char *key, uint64_t off,
                                const void **data, size_t *len)
{
	if (!kv->ops->view)
		return MG_ENOTSUP;
	return kv->ops->view(kv->self, key, off, data, len);
}

/* Whether (key) exists: 1 with its kind in (*kind) if non-NULL, 0 if it
 * does not, or a negative MG_E code (MG_EINVAL for a malformed key...). */
int mg_kv_ro_exists(mg_kv_ro *kv, const char *key, mg_kv_kind *kind);

/* The size of file (key) into (*size); MG_EISDIR for a directory. */
int mg_kv_ro_size(mg_kv_ro *kv, const char *key, uint64_t *size);

/* The modification time of (key) into (*mtime_ns) (0 if unknown). */
int mg_kv_ro_last_modified(mg_kv_ro *kv, const char *key, uint64_t *mtime_ns);

/*
 * Read the whole of file (key) into a buffer from malloc(), stored in
 * (*data) with its length in (*len); the caller frees it. A NUL is stored
 * after the last byte (not counted), so text can be used as a string.
 * MG_ENOMEM, MG_EOVERFLOW if the file cannot fit in memory, and the errors
 * of get().
 */
int mg_kv_ro_get_all(mg_kv_ro *kv, const char *key, void **data, size_t *len);

/*
 * Call (fn)(arg, entry) for each entry of directory (dir) in order,
 * listing in batches of a few entries on the stack (no allocation). A
 * non-zero return of (fn) stops the walk and is returned; otherwise 0 or
 * the error of list().
 */
int mg_kv_ro_list_each(mg_kv_ro *kv, const char *dir,
                       int (*fn)(void *arg, const mg_kv_entry *e), void *arg);

/*
 * Check (key) against the rules above and store in (*rel) the key without
 * its leading '/' (pointing into key). 0, MG_EINVAL or MG_ENAMETOOLONG.
 */
int mg_kv_key_check(const char *key, const char **rel);

/* --- implementations --- */

struct mg_crunch_image; /* generated by configure, see mg/crunch.h */

/*
 * crunch: files compiled into the image by `morgana configure` from a
 * host folder. Reads are copies from the image; digests and times were
 * computed at configure time. Never fails for a well-formed (image).
 * MAY be called outside a fiber.
 */
int mg_kv_ro_crunch_connect(mg_kv_ro *out, const struct mg_crunch_image *img);

/*
 * fs (unix only): the host folder (root) at run time. Every key is
 * resolved below (root) without following symbolic links that lead out of
 * it: such a link, like any path that would leave the folder, gives
 * MG_EACCES. Entries that are neither files, directories nor links to them
 * inside the folder are not listed. MG_ENOENT if (root) is not a
 * directory. MAY be called outside a fiber.
 */
int mg_kv_ro_fs_connect(mg_kv_ro *out, const char *root);

/*
 * tar: a ustar/pax/GNU tar archive on block device (dev), read from sector
 * 0. Connect reads every header and builds an index in memory (no file
 * data is read), so it MUST be called from a fiber. A corrupt archive
 * (bad checksum, truncated, sizes past the device, malformed pax records,
 * a name that is not a valid key) fails with MG_EBADMSG after logging
 * which header and why (log source "tar"). Hard links, symbolic links and
 * special files are skipped; of two entries with the same name the later
 * wins, as tar extraction does. A file's digest is its pax record
 * MORGANA.sha256 when it has one (archives made by `morgana build`),
 * else the SHA-256 of its bytes, computed once when first asked.
 */
int mg_kv_ro_tar_connect(mg_kv_ro *out, mg_block *dev);

#endif
