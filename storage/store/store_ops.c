/* The store's reads and changes: every change is a batch applied with an
 * undo log, so that a failing one leaves nothing behind. */
#include <stdlib.h>
#include <string.h>

#include <mg/error.h>

#include "../sha256.h"
#include "store.h"

typedef struct mg__sundo {
	const char *key; /* owned when (owned) */
	uint16_t klen;
	bool owned;
	mg__sprev prev;
} mg__sundo;

/* Returned by an op whose records do not fit in the open frame. */
#define NO_ROOM 1

static size_t set_len(size_t klen, size_t vlen)
{
	return mg__st_set_size(klen, vlen);
}

int mg__store_idx_put(mg_store *s, const char *key, size_t klen, uint64_t loc,
                      uint32_t size, uint64_t mtime, mg__sprev *prev)
{
	int rc = mg__sidx_put(&s->idx, key, klen, loc, size, mtime, prev);
	if (rc < 0)
		return rc;
	s->live += set_len(klen, size);
	if (prev->existed)
		s->live -= set_len(klen, prev->size);
	return 0;
}

int mg__store_idx_del(mg_store *s, const char *key, size_t klen,
                      mg__sprev *prev)
{
	int rc = mg__sidx_del(&s->idx, key, klen, prev);
	if (rc == 0)
		s->live -= set_len(klen, prev->size);
	return rc;
}

/* --- reads --- */

static int lookup(mg_store *s, const char *key, const char **rel, mg__snode **n)
{
	int rc = mg_kv_key_check(key, rel);
	if (rc < 0)
		return rc;
	*n = **rel ? mg__sidx_find(&s->idx, *rel, strlen(*rel)) : NULL;
	return **rel && !*n ? MG_ENOENT : 0;
}

/* (key)'s node when it is a file; MG_EISDIR for a directory or the root. */
static int lookup_file(mg_store *s, const char *key, mg__snode **n)
{
	const char *rel;
	int rc = lookup(s, key, &rel, n);
	if (rc < 0)
		return rc;
	return *n && (*n)->kind == MG_KV_FILE ? 0 : MG_EISDIR;
}

int mg__store_stat(mg_store *s, const char *key, mg_kv_stat *st)
{
	const char *rel;
	mg__snode *n;
	int rc = lookup(s, key, &rel, &n);
	if (rc < 0)
		return rc;
	memset(st, 0, sizeof *st);
	st->kind = n ? (mg_kv_kind)n->kind : MG_KV_DIR;
	if (n && n->kind == MG_KV_FILE) {
		st->size = n->size;
		st->mtime_ns = n->mtime;
	}
	return 0;
}

int mg__store_get(mg_store *s, const char *key, uint64_t off, void *buf,
                  size_t len, size_t *got)
{
	mg__snode *n;
	*got = 0;
	int rc = lookup_file(s, key, &n);
	if (rc < 0)
		return rc;
	if (off > n->size)
		return MG_ERANGE;
	size_t want = n->size - off < len ? (size_t)(n->size - off) : len;
	rc = mg__store_read(s, n->loc + off, buf, want);
	if (rc < 0)
		return rc;
	*got = want;
	return 0;
}

int mg__store_list(mg_store *s, const char *dir, const char *after,
                   mg_kv_entry *entries, size_t max, size_t *count)
{
	const char *rel;
	mg__snode *n;
	*count = 0;
	int rc = lookup(s, dir, &rel, &n);
	if (rc < 0)
		return rc;
	if (n && n->kind != MG_KV_DIR)
		return MG_ENOTDIR;
	size_t dlen = strlen(rel);
	const char *name = after && *after ? after : NULL;
	size_t nlen = name ? strlen(name) : 0;
	while (*count < max) {
		mg__snode *c =
		    mg__sidx_next_child(&s->idx, rel, dlen, name, nlen);
		if (!c)
			break;
		mg_kv_entry *e = &entries[(*count)++];
		name = c->key + c->name_off;
		nlen = c->klen - c->name_off;
		memcpy(e->name, name, nlen);
		e->name[nlen] = 0;
		e->kind = (mg_kv_kind)c->kind;
	}
	return 0;
}

int mg__store_digest(mg_store *s, const char *key,
                     char out[MG_KV_DIGEST_LEN + 1])
{
	mg__snode *n;
	int rc = lookup_file(s, key, &n);
	if (rc < 0)
		return rc;
	mg__sha256 h;
	mg__sha256_init(&h);
	uint8_t chunk[1024];
	for (uint32_t off = 0; off < n->size;) {
		uint32_t k = n->size - off < sizeof chunk
		                 ? n->size - off
		                 : (uint32_t)sizeof chunk;
		if ((rc = mg__store_read(s, n->loc + off, chunk, k)) < 0)
			return rc;
		mg__sha256_update(&h, chunk, k);
		off += k;
	}
	mg__sha256_final_hex(&h, out);
	return 0;
}

/* --- the files below a directory --- */

typedef struct keylist {
	char *buf;
	size_t len, cap, n;
	size_t klen_sum;
} keylist;

static int keylist_add(keylist *l, const char *k, size_t klen)
{
	if (l->len + klen + 1 > l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		while (cap < l->len + klen + 1)
			cap *= 2;
		char *b = realloc(l->buf, cap);
		if (!b)
			return MG_ENOMEM;
		l->buf = b;
		l->cap = cap;
	}
	memcpy(l->buf + l->len, k, klen);
	l->buf[l->len + klen] = 0;
	l->len += klen + 1;
	l->n++;
	l->klen_sum += klen;
	return 0;
}

/* Every file below (dir) into (files) (directories are walked through
 * (dirs), used as a queue). */
static int below(mg_store *s, const char *dir, keylist *files)
{
	keylist dirs = {0};
	int rc = keylist_add(&dirs, dir, strlen(dir));
	for (size_t at = 0; rc == 0 && at < dirs.len;) {
		const char *d = dirs.buf + at;
		size_t dlen = strlen(d);
		const char *name = NULL;
		size_t nlen = 0;
		mg__snode *c;
		while (rc == 0 && (c = mg__sidx_next_child(&s->idx, d, dlen,
		                                           name, nlen))) {
			rc = keylist_add(c->kind == MG_KV_DIR ? &dirs : files,
			                 c->key, c->klen);
			d = dirs.buf + at; /* the queue may have moved */
			name = c->key + c->name_off;
			nlen = c->klen - c->name_off;
		}
		at += dlen + 1;
	}
	free(dirs.buf);
	return rc;
}

/* --- changes --- */

static int undo_push(mg_store *s, const char *key, size_t klen, bool owned,
                     const mg__sprev *prev)
{
	if (s->nundo == s->undo_cap) {
		size_t cap = s->undo_cap ? s->undo_cap * 2 : 16;
		mg__sundo *u = realloc(s->undo, cap * sizeof *u);
		if (!u)
			return MG_ENOMEM;
		s->undo = u;
		s->undo_cap = cap;
	}
	char *copy = NULL;
	if (owned) {
		if (!(copy = malloc(klen + 1)))
			return MG_ENOMEM;
		memcpy(copy, key, klen);
		copy[klen] = 0;
		key = copy;
	}
	s->undo[s->nundo++] = (mg__sundo){key, (uint16_t)klen, owned, *prev};
	return 0;
}

/* Put the index back as it was before the batch, newest change first:
 * each step returns to a state the index was in, so none can fail but
 * for memory. */
static void undo_all(mg_store *s, bool apply)
{
	while (s->nundo) {
		mg__sundo *u = &s->undo[--s->nundo];
		mg__sprev ignored;
		int rc = 0;
		if (apply && u->prev.existed)
			rc = mg__store_idx_put(s, u->key, u->klen, u->prev.loc,
			                       u->prev.size, u->prev.mtime,
			                       &ignored);
		else if (apply)
			rc = mg__store_idx_del(s, u->key, u->klen, &ignored);
		if (rc < 0 && !s->failed)
			s->failed = rc;
		if (u->owned)
			free((char *)u->key);
	}
}

static bool fits(const mg_store *s, size_t len)
{
	size_t used = s->flen ? s->flen : MG__ST_FRAME_HDR;
	return (uint64_t)s->head_off + used + len <= s->seg_bytes;
}

/* Device offset where the next record appended will start. */
static uint64_t next_rec(const mg_store *s)
{
	return s->flen ? s->fbase + s->flen
	               : mg__store_seg_off(s, s->head) + s->head_off +
	                     MG__ST_FRAME_HDR;
}

static int do_set(mg_store *s, const char *key, size_t klen, bool owned,
                  const void *data, uint32_t size, uint64_t mtime,
                  const mg__sprev *moved)
{
	size_t len = set_len(klen, size);
	if (!moved && !fits(s, len))
		return NO_ROOM;
	mg__sprev prev;
	uint64_t loc =
	    moved ? moved->loc : next_rec(s) + MG__ST_SET_FIXED + klen;
	int rc = mg__store_idx_put(s, key, klen, loc, size, mtime, &prev);
	if (rc < 0)
		return rc;
	if ((rc = undo_push(s, key, klen, owned, &prev)) < 0)
		return rc;
	if (!moved)
		mg__st_rec_set(mg__store_append(s, len), key, klen, mtime, data,
		               size);
	return 0;
}

static int do_del(mg_store *s, const char *key, size_t klen, bool owned,
                  mg__sprev *prev)
{
	if (!fits(s, MG__ST_DEL_FIXED + klen))
		return NO_ROOM;
	int rc = mg__store_idx_del(s, key, klen, prev);
	if (rc == 0)
		rc = undo_push(s, key, klen, owned, prev);
	if (rc == 0)
		mg__st_rec_del(mg__store_append(s, MG__ST_DEL_FIXED + klen),
		               key, klen);
	return rc;
}

/* Move file (from) to (to): one RENAME record; the contents stay where
 * they are. */
static int do_move(mg_store *s, const char *from, size_t fl, const char *to,
                   size_t tl, bool owned)
{
	size_t len = MG__ST_RENAME_FIXED + fl + tl;
	if (!fits(s, len))
		return NO_ROOM;
	mg__sprev p;
	int rc = mg__store_idx_del(s, from, fl, &p);
	if (rc == 0)
		rc = undo_push(s, from, fl, owned, &p);
	if (rc == 0)
		rc = do_set(s, to, tl, owned, NULL, p.size, p.mtime, &p);
	if (rc == 0)
		mg__st_rec_rename(mg__store_append(s, len), from, fl, to, tl);
	return rc;
}

static int op_remove(mg_store *s, const char *rel)
{
	size_t kl = strlen(rel);
	mg__snode *n = mg__sidx_find(&s->idx, rel, kl);
	if (!n)
		return MG_ENOENT;
	mg__sprev p;
	if (n->kind == MG_KV_FILE)
		return do_del(s, rel, kl, false, &p);
	keylist files = {0};
	int rc = below(s, rel, &files);
	for (size_t at = 0; rc == 0 && at < files.len;) {
		size_t l = strlen(files.buf + at);
		rc = do_del(s, files.buf + at, l, true, &p);
		at += l + 1;
	}
	free(files.buf);
	return rc;
}

static int op_rename(mg_store *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to);
	if (!fl || !tl)
		return MG_EINVAL;
	mg__snode *n = mg__sidx_find(&s->idx, from, fl);
	if (!n)
		return MG_ENOENT;
	if (fl == tl && memcmp(from, to, fl) == 0)
		return 0;
	bool inside = tl > fl && to[fl] == '/' && memcmp(from, to, fl) == 0;
	mg__snode *t = mg__sidx_find(&s->idx, to, tl);
	if (n->kind == MG_KV_FILE) {
		if (inside)
			return MG_ENOTDIR;
		if (t && t->kind == MG_KV_DIR)
			return MG_EISDIR;
		return do_move(s, from, fl, to, tl, false);
	}
	if (inside)
		return MG_EINVAL;
	if (t)
		return MG_EEXIST;
	keylist files = {0};
	int rc = below(s, from, &files);
	char nk[MG_KV_KEY_MAX + 1];
	for (size_t at = 0; rc == 0 && at < files.len;) {
		const char *k = files.buf + at;
		size_t l = strlen(k);
		if (tl + l - fl > MG_KV_KEY_MAX) {
			rc = MG_ENAMETOOLONG;
			break;
		}
		memcpy(nk, to, tl);
		memcpy(nk + tl, k + fl, l - fl);
		rc = do_move(s, k, l, nk, tl + l - fl, true);
		at += l + 1;
	}
	free(files.buf);
	return rc;
}

/* Record bytes an op will take, from the index as it is now. */
static size_t estimate(mg_store *s, const mg_kv_op *op, const char *rel,
                       const char *rel_to)
{
	size_t kl = strlen(rel);
	if (op->kind == MG_KV_OP_SET)
		return set_len(kl, op->value.len);
	mg__snode *n = mg__sidx_find(&s->idx, rel, kl);
	if (!n)
		return 0;
	bool rm = op->kind == MG_KV_OP_REMOVE;
	/* A rename record holds both keys; (to) replaces (rel) in each. */
	size_t per =
	    rm ? MG__ST_DEL_FIXED : MG__ST_RENAME_FIXED + strlen(rel_to) - kl;
	if (n->kind == MG_KV_FILE)
		return per + kl * (rm ? 1 : 2);
	keylist files = {0};
	size_t est = 0;
	if (below(s, rel, &files) == 0)
		est = files.n * per + files.klen_sum * (rm ? 1 : 2);
	free(files.buf);
	return est;
}

static int check_op(mg_store *s, const mg_kv_op *op, const char **rel,
                    const char **rel_to)
{
	int rc = mg_kv_key_check(op->key, rel);
	if (rc < 0)
		return rc;
	*rel_to = NULL;
	switch (op->kind) {
	case MG_KV_OP_SET:
		if (!**rel)
			return MG_EISDIR;
		if (set_len(strlen(*rel), op->value.len) > s->max_rec)
			return MG_EMSGSIZE;
		return 0;
	case MG_KV_OP_REMOVE:
		return **rel ? 0 : MG_EINVAL;
	case MG_KV_OP_RENAME:
		return mg_kv_key_check(op->to, rel_to);
	default:
		return MG_EINVAL;
	}
}

static int apply(mg_store *s, const mg_kv_op *op, const char *rel,
                 const char *rel_to, uint64_t now)
{
	switch (op->kind) {
	case MG_KV_OP_SET:
		return do_set(s, rel, strlen(rel), false, op->value.p,
		              (uint32_t)op->value.len, now, NULL);
	case MG_KV_OP_REMOVE:
		return op_remove(s, rel);
	default:
		return op_rename(s, rel, rel_to);
	}
}

static int run_batch(mg_store *s, const mg_kv_op *ops, size_t n, bool sync)
{
	if (s->failed)
		return MG_EIO;
	if (s->dev.read_only)
		return MG_EROFS;
	size_t need = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rel, *rel_to;
		int rc = check_op(s, &ops[i], &rel, &rel_to);
		if (rc < 0)
			return rc;
		need += estimate(s, &ops[i], rel, rel_to);
	}
	uint64_t now = s->now(s->now_ctx);
	for (int attempt = 0;; attempt++) {
		/* A second attempt starts on an empty segment, where a frame
		 * can take the most. */
		int rc = mg__store_room(s, attempt ? s->seg_bytes - s->blk -
		                                         MG__ST_FRAME_HDR
		                                   : need);
		if (rc < 0)
			return rc;
		uint32_t mark = s->flen, mark_nrec = s->fnrec;
		uint64_t live0 = s->live;
		for (size_t i = 0; rc == 0 && i < n; i++) {
			const char *rel, *rel_to;
			check_op(s, &ops[i], &rel, &rel_to);
			rc = apply(s, &ops[i], rel, rel_to, now);
		}
		if (rc == 0 && s->live > s->limit && s->live > live0)
			rc = MG_ENOSPC;
		if (rc == 0 && (sync || s->durable)) {
			rc = mg__store_seal(s);
			if (rc == 0)
				rc = mg__store_flush(s);
		} else if (rc == 0 && s->flen >= s->buffer_max) {
			rc = mg__store_seal(s);
		}
		if (rc == 0) {
			undo_all(s, false);
			return 0;
		}
		undo_all(s, true);
		if (s->flen) { /* still open: drop this batch's records */
			s->flen = mark;
			s->fnrec = mark_nrec;
		}
		if (rc != NO_ROOM)
			return rc;
		if (attempt)
			return MG_EMSGSIZE;
	}
}

int mg__store_batch(mg_store *s, const mg_kv_op *ops, size_t n)
{
	return run_batch(s, ops, n, true);
}

int mg__store_set(mg_store *s, const char *key, const void *data, size_t len)
{
	mg_kv_op op = {MG_KV_OP_SET, key, NULL, mg_cbuf_make(data, len)};
	return run_batch(s, &op, 1, false);
}

int mg__store_remove(mg_store *s, const char *key)
{
	mg_kv_op op = {MG_KV_OP_REMOVE, key, NULL, {NULL, 0}};
	return run_batch(s, &op, 1, false);
}

int mg__store_rename(mg_store *s, const char *from, const char *to)
{
	mg_kv_op op = {MG_KV_OP_RENAME, from, to, {NULL, 0}};
	return run_batch(s, &op, 1, false);
}

int mg__store_sync(mg_store *s)
{
	if (s->failed)
		return MG_EIO;
	if (s->dev.read_only)
		return 0;
	int rc = mg__store_seal(s);
	return rc < 0 ? rc : mg__store_flush(s);
}
