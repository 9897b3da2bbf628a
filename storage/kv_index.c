/* A directory index over a flat list of keys (the tar store's index). */
#include <stdlib.h>
#include <string.h>

#include <mg/error.h>

#include "kv_index.h"

/* see kv_index.h */

static int push(mg__kv_index *x, const char *key, size_t klen, bool is_dir,
                uint64_t offset, uint64_t size, uint64_t mtime_ns, uint32_t seq)
{
	if (x->n == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 64;
		if (cap > UINT32_MAX)
			return MG_ENOMEM;
		mg__kv_node *p = realloc(x->nodes, cap * sizeof *p);
		if (!p)
			return MG_ENOMEM;
		x->nodes = p;
		x->cap = cap;
	}
	char *k = malloc(klen + 1);
	if (!k)
		return MG_ENOMEM;
	memcpy(k, key, klen);
	k[klen] = '\0';
	x->nodes[x->n++] = (mg__kv_node){.key = k,
	                                 .offset = offset,
	                                 .size = size,
	                                 .mtime_ns = mtime_ns,
	                                 .seq = seq,
	                                 .is_dir = is_dir};
	return 0;
}

int mg__kv_index_add(mg__kv_index *x, const char *key, bool is_dir,
                     uint64_t offset, uint64_t size, uint64_t mtime_ns)
{
	const char *rel;
	if (mg_kv_key_check(key, &rel) < 0 || rel != key || x->finished)
		return MG_EINVAL;
	if (x->seq == UINT32_MAX)
		return MG_ENOMEM;
	/* Explicit entries have seq >= 1; implied directories 0, so that
	 * any explicit entry of the same name replaces them. */
	return push(x, key, strlen(key), is_dir, offset, is_dir ? 0 : size,
	            mtime_ns, ++x->seq);
}

static int by_key_seq(const void *a, const void *b)
{
	const mg__kv_node *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int find_rel(const mg__kv_index *x, const char *rel, size_t len,
                    size_t *at)
{
	size_t lo = 0, hi = x->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *k = x->nodes[mid].key;
		int c = strncmp(k, rel, len);
		if (c == 0 && k[len])
			c = 1; /* k is longer: it sorts after */
		if (c == 0) {
			*at = mid;
			return 0;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return MG_ENOENT;
}

/* The length of (key)'s parent key: "a/b/c" -> 3 ("a/b"), "a" -> 0. */
static size_t parent_len(const char *key)
{
	const char *s = strrchr(key, '/');
	return s ? (size_t)(s - key) : 0;
}

int mg__kv_index_finish(mg__kv_index *x, const char **clash)
{
	int rc;
	size_t explicit = x->n;
	if ((rc = push(x, "", 0, true, 0, 0, 0, 0)) < 0)
		return rc;
	for (size_t i = 0; i < explicit; i++) {
		/* The key string stays put when push() moves the nodes. */
		const char *k = x->nodes[i].key;
		for (const char *s = strchr(k, '/'); s; s = strchr(s + 1, '/'))
			if ((rc = push(x, k, (size_t)(s - k), true, 0, 0, 0,
			               0)) < 0)
				return rc;
	}
	qsort(x->nodes, x->n, sizeof *x->nodes, by_key_seq);
	/* Keep the last of each run of equal keys. */
	size_t out = 0;
	for (size_t i = 0; i < x->n; i++) {
		if (i + 1 < x->n &&
		    strcmp(x->nodes[i].key, x->nodes[i + 1].key) == 0) {
			free(x->nodes[i].key);
			free(x->nodes[i].digest);
			continue;
		}
		x->nodes[out++] = x->nodes[i];
	}
	x->n = out;
	x->finished = true;

	/* Children of each directory, in key order, which is name order
	 * among siblings: counting sort by parent, stable. */
	uint32_t *parent = malloc((x->n ? x->n : 1) * sizeof *parent);
	x->children = malloc((x->n ? x->n : 1) * sizeof *x->children);
	if (!parent || !x->children) {
		free(parent);
		return MG_ENOMEM;
	}
	for (size_t i = 1; i < x->n; i++) {
		size_t p = 0;
		const char *k = x->nodes[i].key;
		/* Every parent was pushed above, so it is found. */
		find_rel(x, k, parent_len(k), &p);
		if (!x->nodes[p].is_dir) {
			*clash = x->nodes[p].key;
			free(parent);
			return MG_EEXIST;
		}
		parent[i] = (uint32_t)p;
		x->nodes[p].n_children++;
	}
	uint32_t next = 0;
	for (size_t i = 0; i < x->n; i++) {
		x->nodes[i].first_child = next;
		next += x->nodes[i].n_children;
		x->nodes[i].n_children = 0;
	}
	for (size_t i = 1; i < x->n; i++) {
		mg__kv_node *p = &x->nodes[parent[i]];
		x->children[p->first_child + p->n_children++] = (uint32_t)i;
	}
	free(parent);
	return 0;
}

int mg__kv_index_find(const mg__kv_index *x, const char *key, mg__kv_node **out)
{
	const char *rel;
	int rc = mg_kv_key_check(key, &rel);
	if (rc < 0)
		return rc;
	size_t at;
	if ((rc = find_rel(x, rel, strlen(rel), &at)) < 0)
		return rc;
	*out = &x->nodes[at];
	return 0;
}

static const char *name_of(const mg__kv_node *n)
{
	const char *s = strrchr(n->key, '/');
	return s ? s + 1 : n->key;
}

int mg__kv_index_list(const mg__kv_index *x, const mg__kv_node *d,
                      const char *after, mg_kv_entry *entries, size_t max,
                      size_t *n)
{
	if (!d->is_dir)
		return MG_ENOTDIR;
	const uint32_t *kids = x->children + d->first_child;
	size_t lo = 0, hi = d->n_children;
	if (after && *after) {
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (strcmp(name_of(&x->nodes[kids[mid]]), after) <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		hi = d->n_children;
	}
	size_t k = 0;
	for (; lo < hi && k < max; lo++, k++) {
		const mg__kv_node *c = &x->nodes[kids[lo]];
		const char *name = name_of(c);
		memcpy(entries[k].name, name, strlen(name) + 1);
		entries[k].kind = c->is_dir ? MG_KV_DIR : MG_KV_FILE;
	}
	*n = k;
	return 0;
}

void mg__kv_index_free(mg__kv_index *x)
{
	for (size_t i = 0; i < x->n; i++) {
		free(x->nodes[i].key);
		free(x->nodes[i].digest);
	}
	free(x->nodes);
	free(x->children);
	memset(x, 0, sizeof *x);
}
