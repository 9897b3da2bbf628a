/* libFuzzer target: the store's recovery on damaged and forged images. */
// fuzz-link: storage/store/*.c storage/kv_ro.c storage/sha256.c
#include <stdio.h>

#include "../tests/unit/store_model.h"

/*
 * Each input damages a valid image that the target makes once, by running
 * a workload with renames, batches and many laps of the cleaner over a
 * small device. The first byte picks how:
 *   0  patches: (offset u16, length u8, bytes) XORed into the image, so
 *      checksums fail anywhere;
 *   1  records: the rest becomes a frame after the last one, sealed with
 *      a right checksum (its record count is the second byte), so the
 *      record parser and replay see anything;
 *   2  superblock: the rest gives its fields, written with a right
 *      checksum into the slot the store reads first;
 *   3  segment headers: (index, seq, prev_seq, prev_end) tuples written
 *      with right checksums.
 * Recovery MUST then fail with MG_EBADMSG, MG_EINVAL or MG_ENOSPC and a
 * message, or open a store that holds together: every file listed reads
 * back whole, the counts agree, it takes changes, and opening it again
 * finds the same files with those changes. Anything else aborts.
 */

#define CAP    (4096u + 10u * 4096u)
#define SECTOR 512u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *base;
static uint64_t base_head_off; /* the base log's next frame */
static uint64_t base_seq, base_uuid;
static uint32_t base_head_rel;

static uint64_t fz_clock;

static int open_image(tdev *d, mg_store **s, char *err, size_t errlen)
{
	mg__store_dev dev = td_dev(d);
	mg__store_opts o = {.durable = true,
	                    .max_entries = 256,
	                    .cache_bytes = 8192,
	                    .now = td_clock,
	                    .now_ctx = &fz_clock,
	                    .err = err,
	                    .errlen = errlen};
	return mg__store_open(s, &dev, &o);
}

static void make_base(void)
{
	tdev d;
	td_init(&d, SECTOR, CAP);
	mg_store *s;
	mg__store_dev dev = td_dev(&d);
	mg__store_opts o = {.durable = true, .create = true, .uuid = 7};
	if (mg__store_open(&s, &dev, &o) < 0)
		abort();
	model m = {0};
	for (long i = 0; i < 120; i++) {
		wstep w;
		w_draw(&w, 99, i, false);
		if (w_store(s, &w) != w_model(&m, &w))
			abort();
	}
	base_head_off = mg__store_seg_off(s, s->head) + s->head_off;
	base_head_rel = s->head_off;
	base_seq = s->seg_seq[s->head];
	base_uuid = s->uuid;
	mg__store_close(s);
	base = malloc(CAP);
	memcpy(base, d.cur, CAP);
	td_free(&d);
}

static uint32_t get32(const uint8_t **p, const uint8_t *end)
{
	uint32_t v = 0;
	for (int i = 0; i < 4 && *p < end; i++)
		v |= (uint32_t) * (*p)++ << (8 * i);
	return v;
}

static void damage(uint8_t *img, const uint8_t *p, const uint8_t *end, int mode)
{
	if (mode == 0) {
		while (end - p >= 3) {
			size_t off = ((size_t)p[0] | (size_t)p[1] << 8) % CAP;
			size_t len = p[2];
			p += 3;
			for (size_t i = 0; i < len && p < end; i++, p++)
				img[(off + i) % CAP] ^= *p;
		}
	} else if (mode == 1) {
		uint32_t nrec = p < end ? *p++ : 0;
		size_t len = (size_t)(end - p);
		size_t room = 4096 - base_head_rel - MG__ST_FRAME_HDR;
		if (base_head_rel >= 4096)
			return; /* the base head is full: nothing to append to
			         */
		len = len < room ? len : room;
		uint8_t *f = img + base_head_off;
		memset(f, 0, 4096 - base_head_rel);
		memcpy(f + MG__ST_FRAME_HDR, p, len);
		mg__st_frame h = {.len = (uint32_t)(MG__ST_FRAME_HDR + len),
		                  .uuid = base_uuid,
		                  .seq = base_seq,
		                  .off = base_head_rel,
		                  .nrec = nrec};
		mg__st_frame_seal(f, &h);
	} else if (mode == 2) {
		mg__st_super sb = {
		    .blk = get32(&p, end) ^ SECTOR,
		    .seg_bytes = get32(&p, end) ^ 4096,
		    .nseg = get32(&p, end) ^ 10,
		    .uuid = base_uuid,
		    .gen = 1000,
		    .log_start = get32(&p, end),
		    .data_start = get32(&p, end) ^ 4096,
		};
		mg__st_super_encode(&sb, img);
	} else {
		while (end - p >= 13) {
			mg__st_seghdr h = {.uuid = base_uuid};
			uint32_t idx = *p++ % 10;
			h.index = idx;
			h.seq = get32(&p, end);
			h.prev_seq = get32(&p, end);
			h.prev_end = get32(&p, end);
			mg__st_seghdr_encode(&h, img + 4096 + idx * 4096);
		}
	}
}

/* Walk the tree: every file reads back whole. Returns the file count. */
static uint64_t walk(mg_store *s, const char *dir, int depth)
{
	if (depth > 600)
		abort();
	uint64_t files = 0;
	char after[MG_KV_NAME_MAX + 1] = "";
	mg_kv_entry e[4];
	size_t n;
	do {
		if (mg__store_list(s, dir, after, e, 4, &n) < 0)
			abort();
		for (size_t i = 0; i < n; i++) {
			char key[MG_KV_KEY_MAX + MG_KV_NAME_MAX + 2];
			snprintf(key, sizeof key, "%s%s%s", dir,
			         *dir ? "/" : "", e[i].name);
			mg_kv_stat st;
			if (mg__store_stat(s, key, &st) < 0 ||
			    st.kind != e[i].kind)
				abort();
			if (e[i].kind == MG_KV_DIR) {
				files += walk(s, key, depth + 1);
				continue;
			}
			uint8_t buf[512];
			uint64_t total = 0;
			size_t got;
			do {
				if (mg__store_get(s, key, total, buf,
				                  sizeof buf, &got) < 0)
					abort();
				total += got;
			} while (got);
			if (total != st.size)
				abort();
			files++;
		}
		if (n)
			snprintf(after, sizeof after, "%s", e[n - 1].name);
	} while (n);
	return files;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!base)
		make_base();
	if (size < 1 || size > 8192)
		return 0;
	tdev d;
	td_init(&d, SECTOR, CAP);
	memcpy(d.cur, base, CAP);
	damage(d.cur, data + 1, data + size, data[0] % 4);
	memcpy(d.flushed, d.cur, CAP);

	mg_store *s = NULL;
	char err[256] = "";
	int rc = open_image(&d, &s, err, sizeof err);
	if (rc < 0) {
		if ((rc != MG_EBADMSG && rc != MG_EINVAL && rc != MG_ENOSPC) ||
		    !err[0])
			abort();
		td_free(&d);
		return 0;
	}
	mg__store_stats st;
	mg__store_stats_get(s, &st);
	if (walk(s, "", 0) != st.files)
		abort();
	/* It takes changes, and finds them again. */
	int a = mg__store_set(s, "fz/new", "x", 1);
	int b = mg__store_remove(s, "k1");
	int c = mg__store_rename(s, "a", "fz/renamed");
	if ((a && a != MG_ENOSPC && a != MG_ENOTDIR) ||
	    (b && b != MG_ENOENT && b != MG_ENOSPC) ||
	    (c && c != MG_ENOENT && c != MG_ENOSPC && c != MG_EISDIR &&
	     c != MG_ENOTDIR))
		abort();
	mg__store_stats_get(s, &st);
	uint64_t files = st.files;
	mg__store_close(s);
	rc = open_image(&d, &s, err, sizeof err);
	if (rc < 0)
		abort();
	mg__store_stats_get(s, &st);
	if (st.files != files || walk(s, "", 0) != files)
		abort();
	char v[2];
	size_t got;
	if (a == 0 && (mg__store_get(s, "fz/new", 0, v, 2, &got) < 0 ||
	               got != 1 || v[0] != 'x'))
		abort();
	mg__store_close(s);
	td_free(&d);
	return 0;
}
