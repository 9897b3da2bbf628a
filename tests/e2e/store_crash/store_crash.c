/* store_crash: a workload of sets, removes, renames and batches that says
 * "step N" once step N returned; after a kill, it checks that the store
 * holds the state after the last step it said, or the one after. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mg/kv_rw.h>
#include <mg/mg.h>

#include "mg_app.h"

#define NKEYS 12
#define VMAX  300

static const char *const keys[NKEYS] = {
    "a", "b", "c/x", "c/y", "c/d/z", "e/f", "e/g", "h", "i/j", "k", "l/m", "n"};

/* The model: contents of each key, -1 when absent. */
typedef struct model {
	int len[NKEYS];
	unsigned char val[NKEYS][VMAX];
} model;

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* Step (i) as up to three ops on keys that never clash as file and
 * directory, so that every op succeeds and the model stays simple. */
typedef struct step {
	size_t n;
	mg_kv_op ops[3];
	int key[3], to[3];
	unsigned char val[3][VMAX];
} step;

static void draw(step *s, const model *m, long i)
{
	uint64_t r = (uint64_t)mg_keys.seed * 0x9e3779b97f4a7c15ull ^
	             ((uint64_t)i << 20) ^ 77;
	for (int k = 0; k < 3; k++)
		rnd(&r);
	unsigned kind = (unsigned)(rnd(&r) % 10);
	s->n = kind >= 8 ? 3 : 1;
	model t = *m;
	for (size_t j = 0; j < s->n; j++) {
		int k = (int)(rnd(&r) % NKEYS);
		int to = (int)(rnd(&r) % NKEYS);
		mg_kv_op *op = &s->ops[j];
		s->key[j] = k;
		s->to[j] = to;
		op->key = keys[k];
		op->to = NULL;
		unsigned what = s->n == 3 ? (unsigned)(rnd(&r) % 8) : kind;
		if (t.len[k] >= 0 && what == 5 && to != k) {
			op->kind = MG_KV_OP_RENAME;
			op->to = keys[to];
			t.len[to] = t.len[k];
			memcpy(t.val[to], t.val[k], VMAX);
			t.len[k] = -1;
		} else if (t.len[k] >= 0 && what >= 6) {
			op->kind = MG_KV_OP_REMOVE;
			t.len[k] = -1;
		} else {
			op->kind = MG_KV_OP_SET;
			size_t len = rnd(&r) % VMAX;
			for (size_t b = 0; b < len; b++)
				s->val[j][b] = (unsigned char)rnd(&r);
			op->value = mg_cbuf_make(s->val[j], len);
			t.len[k] = (int)len;
			memcpy(t.val[k], s->val[j], len);
		}
	}
}

static void apply_model(model *m, const step *s)
{
	for (size_t j = 0; j < s->n; j++) {
		int k = s->key[j], to = s->to[j];
		if (s->ops[j].kind == MG_KV_OP_SET) {
			m->len[k] = (int)s->ops[j].value.len;
			memcpy(m->val[k], s->ops[j].value.p,
			       s->ops[j].value.len);
		} else if (s->ops[j].kind == MG_KV_OP_REMOVE) {
			m->len[k] = -1;
		} else {
			m->len[to] = m->len[k];
			memcpy(m->val[to], m->val[k], VMAX);
			m->len[k] = -1;
		}
	}
}

static int run_step(mg_kv_rw *kv, const step *s)
{
	const mg_kv_op *op = &s->ops[0];
	if (s->n > 1)
		return mg_kv_rw_batch(kv, s->ops, s->n);
	if (op->kind == MG_KV_OP_SET)
		return mg_kv_rw_set(kv, op->key, op->value.p, op->value.len);
	if (op->kind == MG_KV_OP_REMOVE)
		return mg_kv_rw_remove(kv, op->key);
	return mg_kv_rw_rename(kv, op->key, op->to);
}

static bool matches(mg_kv_rw *kv, const model *m)
{
	for (int k = 0; k < NKEYS; k++) {
		unsigned char buf[VMAX + 1];
		size_t got;
		int rc = mg_kv_rw_get(kv, keys[k], 0, buf, sizeof buf, &got);
		if (m->len[k] < 0 ? rc != MG_ENOENT
		                  : rc < 0 || got != (size_t)m->len[k] ||
		                        memcmp(buf, m->val[k], got) != 0)
			return false;
	}
	return true;
}

int store_crash_start(mg_console *console, mg_kv_rw *kv)
{
	static model m, next;
	for (int k = 0; k < NKEYS; k++)
		m.len[k] = -1;
	step s;
	long at = 0;
	/* The state after step (acked), then the one after it. */
	for (; at < mg_keys.acked; at++) {
		draw(&s, &m, at);
		apply_model(&m, &s);
	}
	if (mg_keys.acked >= 0) {
		next = m;
		draw(&s, &m, at);
		apply_model(&next, &s);
		if (matches(kv, &next)) {
			m = next;
			at++;
		} else if (!matches(kv, &m)) {
			mg_console_printf(
			    console,
			    "MISMATCH: the store holds neither step "
			    "%ld nor %ld\n",
			    at, at + 1);
			return 1;
		}
		mg_console_printf(console, "recovered at step %ld\n", at);
	}
	for (; at < mg_keys.steps; at++) {
		draw(&s, &m, at);
		int rc = run_step(kv, &s);
		if (rc < 0) {
			mg_console_printf(console, "step %ld failed: %s\n",
			                  at + 1, mg_strerror(rc));
			return 1;
		}
		apply_model(&m, &s);
		mg_console_printf(console, "step %ld\n", at + 1);
	}
	if (!matches(kv, &m)) {
		mg_console_printf(console, "MISMATCH at the end\n");
		return 1;
	}
	mg_console_printf(console, "done at step %ld\n", at);
	return 0;
}
