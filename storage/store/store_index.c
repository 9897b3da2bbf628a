/* The store's index: a hash table of its files and directories for lookups,
 * threaded by a treap in (parent, name) order for listings. */
#include <stdlib.h>
#include <string.h>

#include <mg/error.h>

#include "store.h"

/*
 * Every node is in both structures. The hash table answers gets in one or
 * two probes; the treap keeps the entries of one directory next to each
 * other in bytewise name order, which kv_ro's paged listings need. Its
 * priorities are the high bits of the key's hash, so it needs no random
 * source and stays balanced in expectation.
 */

static size_t name_start(const char *key, size_t klen)
{
	for (size_t i = klen; i > 0; i--)
		if (key[i - 1] == '/')
			return i;
	return 0;
}

static int bytes_cmp(const char *a, size_t la, const char *b, size_t lb)
{
	size_t n = la < lb ? la : lb;
	int c = n ? memcmp(a, b, n) : 0;
	if (c)
		return c;
	return la < lb ? -1 : la > lb;
}

/* Order of (parent a, name a) against (parent b, name b). */
static int pn_cmp(const char *pa, size_t pla, const char *na, size_t nla,
                  const char *pb, size_t plb, const char *nb, size_t nlb)
{
	int c = bytes_cmp(pa, pla, pb, plb);
	return c ? c : bytes_cmp(na, nla, nb, nlb);
}

static size_t parent_len(const mg__snode *n)
{
	return n->name_off ? n->name_off - 1u : 0;
}

static int node_cmp(const mg__snode *a, const mg__snode *b)
{
	return pn_cmp(a->key, parent_len(a), a->key + a->name_off,
	              a->klen - a->name_off, b->key, parent_len(b),
	              b->key + b->name_off, b->klen - b->name_off);
}

static uint32_t prio(const mg__snode *n)
{
	return (uint32_t)(n->hash >> 32);
}

static void treap_insert(mg__snode **t, mg__snode *n)
{
	while (*t && prio(*t) >= prio(n))
		t = node_cmp(n, *t) < 0 ? &(*t)->left : &(*t)->right;
	/* Split the subtree at *t around n; n takes its place. */
	mg__snode *cur = *t, **l = &n->left, **r = &n->right;
	while (cur) {
		if (node_cmp(cur, n) < 0) {
			*l = cur;
			l = &cur->right;
			cur = cur->right;
		} else {
			*r = cur;
			r = &cur->left;
			cur = cur->left;
		}
	}
	*l = *r = NULL;
	*t = n;
}

static void treap_remove(mg__snode **t, mg__snode *n)
{
	while (*t != n)
		t = node_cmp(n, *t) < 0 ? &(*t)->left : &(*t)->right;
	/* Rotate n down, the child of higher priority up, until n is a
	 * leaf. */
	for (;;) {
		mg__snode *l = n->left, *r = n->right;
		if (!l && !r) {
			*t = NULL;
			return;
		}
		if (!r || (l && prio(l) > prio(r))) {
			n->left = l->right;
			l->right = n;
			*t = l;
			t = &l->right;
		} else {
			n->right = r->left;
			r->left = n;
			*t = r;
			t = &r->left;
		}
	}
}

void mg__sidx_init(mg__sidx *x, uint32_t max)
{
	memset(x, 0, sizeof *x);
	x->max = max;
}

void mg__sidx_free(mg__sidx *x)
{
	for (uint32_t i = 0; x->slots && i <= x->mask; i++)
		free(x->slots[i]);
	free(x->slots);
	memset(x, 0, sizeof *x);
}

mg__snode *mg__sidx_find(const mg__sidx *x, const char *key, size_t klen)
{
	if (!x->slots)
		return NULL;
	uint64_t h = mg__st_hash(key, klen);
	for (uint32_t i = (uint32_t)h & x->mask;; i = (i + 1) & x->mask) {
		mg__snode *n = x->slots[i];
		if (!n)
			return NULL;
		if (n->hash == h && n->klen == klen &&
		    memcmp(n->key, key, klen) == 0)
			return n;
	}
}

static void slot_insert(mg__snode **slots, uint32_t mask, mg__snode *n)
{
	uint32_t i = (uint32_t)n->hash & mask;
	while (slots[i])
		i = (i + 1) & mask;
	slots[i] = n;
}

/* Make room for (extra) more nodes at a load of at most 3/4. */
static int reserve(mg__sidx *x, uint32_t extra)
{
	uint64_t want = (uint64_t)x->count + extra;
	uint64_t size = x->slots ? (uint64_t)x->mask + 1 : 0;
	if (want * 4 <= size * 3)
		return 0;
	uint64_t ns = size ? size : 64;
	while (want * 4 > ns * 3)
		ns *= 2;
	if (ns > (1ull << 31))
		return MG_ENOMEM;
	mg__snode **slots = calloc(ns, sizeof *slots);
	if (!slots)
		return MG_ENOMEM;
	for (uint64_t i = 0; i < size; i++)
		if (x->slots[i])
			slot_insert(slots, (uint32_t)(ns - 1), x->slots[i]);
	free(x->slots);
	x->slots = slots;
	x->mask = (uint32_t)(ns - 1);
	x->bytes += (ns - size) * sizeof *slots;
	return 0;
}

/* Backward-shift deletion keeps probe chains whole without tombstones. */
static void slot_remove(mg__sidx *x, mg__snode *n)
{
	uint32_t i = (uint32_t)n->hash & x->mask;
	while (x->slots[i] != n)
		i = (i + 1) & x->mask;
	for (uint32_t j = i;;) {
		j = (j + 1) & x->mask;
		mg__snode *m = x->slots[j];
		if (!m)
			break;
		uint32_t k = (uint32_t)m->hash & x->mask;
		/* m may move to i unless its home k lies cyclically in
		 * (i, j]. */
		bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
		if (!stays) {
			x->slots[i] = m;
			i = j;
		}
	}
	x->slots[i] = NULL;
}

static mg__snode *node_new(const char *key, size_t klen, uint8_t kind)
{
	mg__snode *n = malloc(sizeof *n + klen + 1);
	if (!n)
		return NULL;
	memset(n, 0, sizeof *n);
	memcpy(n->key, key, klen);
	n->key[klen] = 0;
	n->klen = (uint16_t)klen;
	n->name_off = (uint16_t)name_start(key, klen);
	n->hash = mg__st_hash(key, klen);
	n->kind = kind;
	return n;
}

static void link_node(mg__sidx *x, mg__snode *n)
{
	slot_insert(x->slots, x->mask, n);
	treap_insert(&x->root, n);
	x->count++;
	x->bytes += sizeof *n + n->klen + 1;
	if (n->kind == MG_KV_FILE)
		x->files++;
}

static void unlink_node(mg__sidx *x, mg__snode *n)
{
	slot_remove(x, n);
	treap_remove(&x->root, n);
	x->count--;
	x->bytes -= sizeof *n + n->klen + 1;
	if (n->kind == MG_KV_FILE)
		x->files--;
	free(n);
}

/* The directory holding (n), or NULL at the root. */
static mg__snode *parent_of(const mg__sidx *x, const char *key, size_t klen)
{
	size_t ns = name_start(key, klen);
	return ns ? mg__sidx_find(x, key, ns - 1) : NULL;
}

int mg__sidx_put(mg__sidx *x, const char *key, size_t klen, uint64_t loc,
                 uint32_t size, uint64_t mtime, mg__sprev *prev)
{
	memset(prev, 0, sizeof *prev);
	/* Parents from the top: files refuse, missing ones are counted. */
	uint32_t missing = 0;
	for (size_t i = 0; i < klen; i++) {
		if (key[i] != '/')
			continue;
		mg__snode *p = missing ? NULL : mg__sidx_find(x, key, i);
		if (p && p->kind == MG_KV_FILE)
			return MG_ENOTDIR;
		if (!p)
			missing++;
	}
	mg__snode *n = missing ? NULL : mg__sidx_find(x, key, klen);
	if (n) {
		if (n->kind == MG_KV_DIR)
			return MG_EISDIR;
		*prev = (mg__sprev){true, n->loc, n->mtime, n->size};
		n->loc = loc;
		n->size = size;
		n->mtime = mtime;
		return 0;
	}
	if ((uint64_t)x->count + missing + 1 > x->max)
		return MG_ENOSPC;
	int rc = reserve(x, missing + 1);
	if (rc < 0)
		return rc;
	/* Allocate everything before linking anything. */
	mg__snode *fresh[missing + 1];
	uint32_t nf = 0;
	for (size_t i = 0; i <= klen && nf < missing; i++) {
		if (i < klen && key[i] != '/')
			continue;
		if (i == klen || mg__sidx_find(x, key, i))
			continue;
		fresh[nf] = node_new(key, i, MG_KV_DIR);
		if (!fresh[nf++])
			goto nomem;
	}
	fresh[nf] = node_new(key, klen, MG_KV_FILE);
	if (!fresh[nf++])
		goto nomem;
	for (uint32_t i = 0; i < nf; i++) {
		mg__snode *c = fresh[i];
		mg__snode *p = parent_of(x, c->key, c->klen);
		if (p)
			p->size++;
		link_node(x, c);
	}
	n = fresh[nf - 1];
	n->loc = loc;
	n->size = size;
	n->mtime = mtime;
	return 0;
nomem:
	for (uint32_t i = 0; i < nf; i++)
		free(fresh[i]);
	return MG_ENOMEM;
}

int mg__sidx_del(mg__sidx *x, const char *key, size_t klen, mg__sprev *prev)
{
	memset(prev, 0, sizeof *prev);
	mg__snode *n = mg__sidx_find(x, key, klen);
	if (!n || n->kind != MG_KV_FILE)
		return MG_ENOENT;
	*prev = (mg__sprev){true, n->loc, n->mtime, n->size};
	unlink_node(x, n);
	/* Directories exist only while something lies below them. */
	while (klen) {
		size_t ns = name_start(key, klen);
		if (!ns)
			break;
		klen = ns - 1;
		mg__snode *p = mg__sidx_find(x, key, klen);
		if (!p || --p->size > 0)
			break;
		unlink_node(x, p);
	}
	return 0;
}

mg__snode *mg__sidx_next_child(const mg__sidx *x, const char *dir, size_t dlen,
                               const char *name, size_t nlen)
{
	if (!name)
		nlen = 0;
	mg__snode *best = NULL;
	for (mg__snode *t = x->root; t;) {
		int c = pn_cmp(t->key, parent_len(t), t->key + t->name_off,
		               t->klen - t->name_off, dir, dlen, name, nlen);
		if (c > 0) {
			best = t;
			t = t->left;
		} else {
			t = t->right;
		}
	}
	if (!best || parent_len(best) != dlen ||
	    memcmp(best->key, dir, dlen) != 0)
		return NULL;
	return best;
}
