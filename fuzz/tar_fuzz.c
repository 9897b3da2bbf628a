/* libFuzzer target: tar archives into the tar store, then every read. */
// fuzz-link: storage/block.c storage/kv_*.c storage/sha256.c storage/tar*.c
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mg/block.h>
#include <mg/error.h>
#include <mg/kv_ro.h>
#include <mg/log.h>

#include "../storage/sha256.h"
#include "../storage/tar.h"

/*
 * The input, padded to whole sectors, is the device. The parser alone
 * MUST accept it or refuse it with MG_EBADMSG and a message naming a
 * header; the store MUST agree with it. An accepted archive is walked
 * from the root: every entry listed has a kind that stat agrees with,
 * each file reads back exactly its size (from inside the device) in one
 * piece and in ranges that agree, its digest is the SHA-256 of those
 * bytes (or only well formed when the archive records digests), and the walk
 * reaches every node of the index once.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

MG_LOG_SOURCE_DECL(tar);

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "tar_fuzz: %s\n", what);
		abort();
	}
}

static int mem_rd(void *ctx, uint64_t off, void *buf, size_t len)
{
	memcpy(buf, (const uint8_t *)ctx + off, len);
	return 0;
}

typedef struct walk {
	mg_kv_ro *kv;
	char key[MG_KV_KEY_MAX + 1];
	size_t nodes;
	uint64_t cap;
	int depth;
	bool recorded; /* the input holds a MORGANA.sha256 record */
} walk;

static int visit(void *arg, const mg_kv_entry *e);

static void file(walk *w, const mg_kv_stat *st)
{
	check(st->size <= w->cap, "a file larger than the device");
	uint8_t *all = malloc((size_t)st->size + 1);
	size_t got = 0;
	check(mg_kv_ro_get(w->kv, w->key, 0, all, (size_t)st->size + 1, &got) ==
	          0,
	      "get of a listed file fails");
	check(got == st->size, "get returns other than the size");
	/* A range from the middle agrees with the whole. */
	if (st->size > 2) {
		uint8_t part[700];
		size_t off = (size_t)st->size / 3, n;
		check(mg_kv_ro_get(w->kv, w->key, off, part, sizeof part, &n) ==
		          0,
		      "ranged get fails");
		size_t want = st->size - off < sizeof part
		                  ? (size_t)st->size - off
		                  : sizeof part;
		check(n == want && memcmp(part, all + off, n) == 0,
		      "ranged get disagrees");
	}
	check(mg_kv_ro_get(w->kv, w->key, st->size + 1, all, 1, &got) ==
	          MG_ERANGE,
	      "get past the end is not MG_ERANGE");
	char d[MG_KV_DIGEST_LEN + 1], hex[65];
	check(mg_kv_ro_digest(w->kv, w->key, d) == 0, "digest fails");
	mg__sha256 s;
	mg__sha256_init(&s);
	mg__sha256_update(&s, all, (size_t)st->size);
	mg__sha256_final_hex(&s, hex);
	/* An archive MAY record digests (MORGANA.sha256): then only the
	 * form is checked, as the store does not read the bytes for it. */
	bool hex_only = strspn(d, "0123456789abcdef") == 64 && !d[64];
	check(w->recorded ? hex_only : strcmp(d, hex) == 0,
	      "digest is not the SHA-256 of the bytes");
	free(all);
}

static int visit(void *arg, const mg_kv_entry *e)
{
	walk *w = arg;
	size_t len = strlen(w->key);
	check(strlen(e->name) > 0 && !strchr(e->name, '/'), "bad entry name");
	check(len + 1 + strlen(e->name) <= MG_KV_KEY_MAX, "key too long");
	snprintf(w->key + len, sizeof w->key - len, "%s%s", len ? "/" : "",
	         e->name);
	mg_kv_stat st;
	check(mg_kv_ro_stat(w->kv, w->key, &st) == 0, "stat of a listed entry");
	check(st.kind == e->kind, "stat and list disagree on the kind");
	w->nodes++;
	if (e->kind == MG_KV_DIR) {
		w->depth++;
		check(mg_kv_ro_list_each(w->kv, w->key, visit, w) == 0,
		      "listing a listed directory fails");
		w->depth--;
	} else {
		file(w, &st);
	}
	w->key[len] = '\0';
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mg__log_src_tar.level = -1; /* refusals are expected: no lines */
	size_t cap = (size + 511) / 512 * 512;
	if (cap == 0 || cap > (1u << 20))
		return 0;
	uint8_t *disk = calloc(1, cap);
	memcpy(disk, data, size);

	char err[256];
	mg__kv_index x = {0};
	int prc = mg__tar_parse(mem_rd, disk, cap, &x, err, sizeof err);
	check(prc == 0 || prc == MG_EBADMSG || prc == MG_ENOMEM,
	      "parser returned an unexpected code");
	if (prc == MG_EBADMSG)
		check(strncmp(err, "header at byte ", 15) == 0 ||
		          strstr(err, "is a file with entries below it"),
		      "a refusal without a reason");
	size_t nodes = x.n;
	mg__kv_index_free(&x);

	mg_block dev;
	check(mg_block_mem_connect(&dev, disk, 512, cap / 512, true) == 0,
	      "memory device");
	mg_kv_ro kv;
	int rc = mg_kv_ro_tar_connect(&kv, &dev);
	check(rc == prc, "the store and its parser disagree");
	if (rc == 0) {
		walk w = {.kv = &kv,
		          .cap = cap,
		          .recorded = memmem(data, size, "MORGANA.sha256", 14)};
		check(mg_kv_ro_list_each(&kv, "", visit, &w) == 0,
		      "listing the root fails");
		check(w.nodes + 1 == nodes, "the walk misses index nodes");
		mg_kv_stat st;
		check(mg_kv_ro_stat(&kv, "/", &st) == 0 && st.kind == MG_KV_DIR,
		      "no root directory");
		mg__tar_store_free(&kv);
	}
	mg_block_mem_free(&dev);
	free(disk);
	return 0;
}
