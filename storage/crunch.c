/* crunch: a kv_ro store over files compiled into the image. */
#include <string.h>

#include <mg/crunch.h>
#include <mg/error.h>
#include <mg/kv_ro.h>

/* see mg/kv_ro.h and mg/crunch.h */

static const char *last_segment(const char *key)
{
	const char *s = strrchr(key, '/');
	return s ? s + 1 : key;
}

static int find(const mg_crunch_image *img, const char *key,
                const mg_crunch_entry **out)
{
	const char *rel;
	int rc = mg_kv_key_check(key, &rel);
	if (rc < 0)
		return rc;
	size_t lo = 0, hi = img->n_entries;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(img->entries[mid].key, rel);
		if (c == 0) {
			*out = &img->entries[mid];
			return 0;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return MG_ENOENT;
}

static int find_file(const mg_crunch_image *img, const char *key,
                     const mg_crunch_entry **out)
{
	int rc = find(img, key, out);
	if (rc < 0)
		return rc;
	return (*out)->is_dir ? MG_EISDIR : 0;
}

static int crunch_stat(void *self, const char *key, mg_kv_stat *st)
{
	const mg_crunch_entry *e;
	int rc = find(self, key, &e);
	if (rc < 0)
		return rc;
	st->kind = e->is_dir ? MG_KV_DIR : MG_KV_FILE;
	st->size = e->size;
	st->mtime_ns = e->mtime_ns;
	return 0;
}

static int crunch_get(void *self, const char *key, uint64_t off, void *buf,
                      size_t len, size_t *got)
{
	const mg_crunch_entry *e;
	int rc = find_file(self, key, &e);
	if (rc < 0)
		return rc;
	if (off > e->size)
		return MG_ERANGE;
	uint64_t left = e->size - off;
	size_t n = left < len ? (size_t)left : len;
	if (n)
		memcpy(buf, e->data + off, n);
	*got = n;
	return 0;
}

static int crunch_list(void *self, const char *dir, const char *after,
                       mg_kv_entry *entries, size_t max, size_t *n)
{
	const mg_crunch_image *img = self;
	const mg_crunch_entry *d;
	int rc = find(img, dir, &d);
	if (rc < 0)
		return rc;
	if (!d->is_dir)
		return MG_ENOTDIR;
	const uint32_t *kids = img->children + d->first_child;
	size_t lo = 0, hi = d->n_children;
	if (after && *after) {
		/* The first child whose name sorts after (after). */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			const char *name =
			    last_segment(img->entries[kids[mid]].key);
			if (strcmp(name, after) <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		hi = d->n_children;
	}
	size_t k = 0;
	for (; lo < hi && k < max; lo++, k++) {
		const mg_crunch_entry *e = &img->entries[kids[lo]];
		const char *name = last_segment(e->key);
		size_t len = strlen(name);
		if (len > MG_KV_NAME_MAX)
			return MG_EBADMSG;
		memcpy(entries[k].name, name, len + 1);
		entries[k].kind = e->is_dir ? MG_KV_DIR : MG_KV_FILE;
	}
	*n = k;
	return 0;
}

static int crunch_digest(void *self, const char *key,
                         char out[MG_KV_DIGEST_LEN + 1])
{
	const mg_crunch_entry *e;
	int rc = find_file(self, key, &e);
	if (rc < 0)
		return rc;
	if (strlen(e->digest) != MG_KV_DIGEST_LEN)
		return MG_EBADMSG;
	memcpy(out, e->digest, MG_KV_DIGEST_LEN + 1);
	return 0;
}

static int crunch_view(void *self, const char *key, uint64_t off,
                       const void **data, size_t *len)
{
	const mg_crunch_entry *e;
	int rc = find_file(self, key, &e);
	if (rc < 0)
		return rc;
	if (off > e->size)
		return MG_ERANGE;
	*data = e->data + off;
	*len = (size_t)(e->size - off);
	return 0;
}

static const mg_kv_ro_ops crunch_ops = {
    .stat = crunch_stat,
    .get = crunch_get,
    .list = crunch_list,
    .digest = crunch_digest,
    .view = crunch_view,
};

int mg_kv_ro_crunch_connect(mg_kv_ro *out, const struct mg_crunch_image *img)
{
	if (!img || img->n_entries == 0 || img->entries[0].key[0] != '\0' ||
	    !img->entries[0].is_dir)
		return MG_EINVAL;
	out->ops = &crunch_ops;
	out->self = (void *)img;
	return 0;
}
