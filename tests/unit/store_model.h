/* A model of kv_rw semantics for the store's tests: a few files in memory,
 * and a workload of sets, removes, renames and batches drawn from a seed. */
#ifndef STORE_MODEL_H
#define STORE_MODEL_H

#include <stdio.h>

#include "store_testdev.h"

#define M_FILES 24
#define M_KEY   24
#define M_VAL   160

typedef struct mfile {
	char key[M_KEY];
	uint16_t len;
	uint8_t val[M_VAL];
} mfile;

typedef struct model {
	int n;
	mfile f[M_FILES];
} model;

/* Keys chosen to collide: "d" and "f" are files or directories in turn. */
static const char *const m_keys[] = {
    "a",  "b",  "d/x",   "d/y", "d/e/z", "f/g", "f/h",
    "k1", "k2", "m/n/o", "m/p", "d",     "f",   "q/r",
};
static const char *const m_dirs[] = {"d", "f", "m", "q", "m/n", "d/e", "s"};
#define M_NKEYS (sizeof m_keys / sizeof m_keys[0])
#define M_NDIRS (sizeof m_dirs / sizeof m_dirs[0])

static TD_UNUSED int m_find(const model *m, const char *k)
{
	for (int i = 0; i < m->n; i++)
		if (strcmp(m->f[i].key, k) == 0)
			return i;
	return -1;
}

static TD_UNUSED bool m_under(const char *k, const char *dir)
{
	size_t dl = strlen(dir);
	return strncmp(k, dir, dl) == 0 && k[dl] == '/';
}

static TD_UNUSED bool m_isdir(const model *m, const char *k)
{
	for (int i = 0; i < m->n; i++)
		if (m_under(m->f[i].key, k))
			return true;
	return false;
}

/* Is a proper prefix of (k), ending before a '/', a file? */
static TD_UNUSED bool m_parent_file(const model *m, const char *k)
{
	char p[M_KEY * 2];
	for (size_t i = 0; k[i]; i++) {
		if (k[i] != '/')
			continue;
		memcpy(p, k, i);
		p[i] = 0;
		if (m_find(m, p) >= 0)
			return true;
	}
	return false;
}

static TD_UNUSED void m_drop(model *m, int i)
{
	m->f[i] = m->f[--m->n];
}

static TD_UNUSED int m_set(model *m, const char *k, const void *v, size_t len)
{
	if (m_isdir(m, k))
		return MG_EISDIR;
	if (m_parent_file(m, k))
		return MG_ENOTDIR;
	int i = m_find(m, k);
	if (i < 0) {
		if (m->n == M_FILES)
			abort();
		i = m->n++;
		snprintf(m->f[i].key, M_KEY, "%s", k);
	}
	memcpy(m->f[i].val, v, len);
	m->f[i].len = (uint16_t)len;
	return 0;
}

static TD_UNUSED int m_remove(model *m, const char *k)
{
	int i = m_find(m, k);
	if (i >= 0) {
		m_drop(m, i);
		return 0;
	}
	if (!m_isdir(m, k))
		return MG_ENOENT;
	for (int j = m->n - 1; j >= 0; j--)
		if (m_under(m->f[j].key, k))
			m_drop(m, j);
	return 0;
}

static TD_UNUSED int m_rename(model *m, const char *f, const char *t)
{
	int fi = m_find(m, f);
	if (fi < 0 && !m_isdir(m, f))
		return MG_ENOENT;
	if (strcmp(f, t) == 0)
		return 0;
	bool inside = m_under(t, f);
	if (fi >= 0) {
		if (inside)
			return MG_ENOTDIR;
		if (m_isdir(m, t))
			return MG_EISDIR;
		if (m_parent_file(m, t))
			return MG_ENOTDIR;
		int ti = m_find(m, t);
		if (ti >= 0) {
			m_drop(m, ti);
			fi = m_find(m, f);
		}
		snprintf(m->f[fi].key, M_KEY, "%s", t);
		return 0;
	}
	if (inside)
		return MG_EINVAL;
	if (m_find(m, t) >= 0 || m_isdir(m, t))
		return MG_EEXIST;
	if (m_parent_file(m, t))
		return MG_ENOTDIR;
	size_t fl = strlen(f);
	for (int i = 0; i < m->n; i++) {
		if (!m_under(m->f[i].key, f))
			continue;
		char nk[M_KEY * 2];
		snprintf(nk, sizeof nk, "%s%s", t, m->f[i].key + fl);
		if (strlen(nk) >= M_KEY)
			abort();
		memcpy(m->f[i].key, nk, strlen(nk) + 1);
	}
	return 0;
}

static TD_UNUSED int m_apply(model *m, const mg_kv_op *op)
{
	switch (op->kind) {
	case MG_KV_OP_SET:
		return m_set(m, op->key, op->value.p, op->value.len);
	case MG_KV_OP_REMOVE:
		return m_remove(m, op->key);
	default:
		return m_rename(m, op->key, op->to);
	}
}

static TD_UNUSED int m_batch(model *m, const mg_kv_op *ops, size_t n)
{
	model t = *m;
	for (size_t i = 0; i < n; i++) {
		int rc = m_apply(&t, &ops[i]);
		if (rc < 0)
			return rc;
	}
	*m = t;
	return 0;
}

/* One step of the workload, drawn from (seed, i) alone so that a rerun
 * up to a crash makes the same calls. */
enum { W_SET, W_REMOVE, W_RENAME, W_BATCH, W_SYNC };

typedef struct wstep {
	int kind;
	size_t n; /* ops (1, or a batch's) */
	mg_kv_op ops[4];
	uint8_t vals[4][M_VAL];
} wstep;

static TD_UNUSED void w_draw(wstep *w, uint64_t seed, long i, bool with_sync)
{
	uint64_t r = seed ^ ((uint64_t)i * 0x9e3779b97f4a7c15ull) ^ 1;
	for (int k = 0; k < 4; k++)
		td_rand(&r);
	unsigned pick = (unsigned)(td_rand(&r) % 100);
	w->kind = pick < 45   ? W_SET
	          : pick < 55 ? W_REMOVE
	          : pick < 70 ? W_RENAME
	          : pick < 90 ? W_BATCH
	                      : (with_sync ? W_SYNC : W_SET);
	w->n = w->kind == W_BATCH ? 2 + td_rand(&r) % 3 : 1;
	for (size_t k = 0; k < w->n; k++) {
		mg_kv_op *op = &w->ops[k];
		int kind =
		    w->kind == W_BATCH ? (int)(td_rand(&r) % 3) : w->kind;
		if (kind == W_SYNC)
			kind = W_SET;
		memset(op, 0, sizeof *op);
		op->key = m_keys[td_rand(&r) % M_NKEYS];
		if (kind == W_SET) {
			op->kind = MG_KV_OP_SET;
			size_t len = td_rand(&r) % M_VAL;
			for (size_t b = 0; b < len; b++)
				w->vals[k][b] = (uint8_t)td_rand(&r);
			op->value = mg_cbuf_make(w->vals[k], len);
		} else if (kind == W_REMOVE) {
			op->kind = MG_KV_OP_REMOVE;
			if (td_rand(&r) % 4 == 0)
				op->key = m_dirs[td_rand(&r) % M_NDIRS];
		} else {
			op->kind = MG_KV_OP_RENAME;
			if (td_rand(&r) % 3 == 0) {
				op->key = m_dirs[td_rand(&r) % M_NDIRS];
				op->to = m_dirs[td_rand(&r) % M_NDIRS];
			} else {
				op->to = m_keys[td_rand(&r) % M_NKEYS];
			}
		}
	}
}

/* Apply step (w) to the model. */
static TD_UNUSED int w_model(model *m, const wstep *w)
{
	if (w->kind == W_SYNC)
		return 0;
	if (w->kind == W_BATCH)
		return m_batch(m, w->ops, w->n);
	return m_apply(m, &w->ops[0]);
}

/* Apply step (w) to the store. */
static TD_UNUSED int w_store(mg_store *s, const wstep *w)
{
	const mg_kv_op *op = &w->ops[0];
	switch (w->kind) {
	case W_SYNC:
		return mg__store_sync(s);
	case W_BATCH:
		return mg__store_batch(s, w->ops, w->n);
	case W_SET:
		return mg__store_set(s, op->key, op->value.p, op->value.len);
	case W_REMOVE:
		return mg__store_remove(s, op->key);
	default:
		return mg__store_rename(s, op->key, op->to);
	}
}

/* Does the store hold exactly the model's files? */
static TD_UNUSED bool m_matches(mg_store *s, const model *m)
{
	mg__store_stats st;
	mg__store_stats_get(s, &st);
	if (st.files != (uint64_t)m->n)
		return false;
	for (int i = 0; i < m->n; i++) {
		uint8_t buf[M_VAL + 1];
		size_t got;
		if (mg__store_get(s, m->f[i].key, 0, buf, sizeof buf, &got) <
		        0 ||
		    got != m->f[i].len || memcmp(buf, m->f[i].val, got) != 0)
			return false;
	}
	return true;
}

#endif
