/* The store's semantics: reads, changes and their errors, listings,
 * batches, persistence, the cleaner, and the limits that give MG_ENOSPC. */
#include "mgtest.h"
#include "store_model.h"

static uint64_t clock_ns = 1000;

static mg_store *open_dev(tdev *d, bool durable, uint32_t max_entries)
{
	mg_store *s = NULL;
	char err[200] = "";
	mg__store_dev dev = td_dev(d);
	mg__store_opts o = {.durable = durable,
	                    .create = true,
	                    .max_entries = max_entries,
	                    .now = td_clock,
	                    .now_ctx = &clock_ns,
	                    .err = err,
	                    .errlen = sizeof err};
	int rc = mg__store_open(&s, &dev, &o);
	if (rc < 0)
		mgt_fail(__FILE__, __LINE__, "open: %s", err);
	return s;
}

static mg_store *fresh(tdev *d, uint32_t sector, uint64_t cap)
{
	td_init(d, sector, cap);
	return open_dev(d, true, 0);
}

/* The contents of (key) as a string, or "(error name)". */
static const char *get_str(mg_store *s, const char *key)
{
	static char buf[4096];
	size_t got;
	int rc = mg__store_get(s, key, 0, buf, sizeof buf - 1, &got);
	if (rc < 0)
		return mg_strerror_name(rc);
	buf[got] = 0;
	return buf;
}

static int set_str(mg_store *s, const char *key, const char *v)
{
	return mg__store_set(s, key, v, strlen(v));
}

/* "name/ name2 ..." of directory (dir), directories marked with '/'. */
static const char *list_str(mg_store *s, const char *dir, size_t page)
{
	static char out[1024];
	char after[MG_KV_NAME_MAX + 1] = "";
	mg_kv_entry e[8];
	size_t n, len = 0;
	out[0] = 0;
	do {
		int rc = mg__store_list(s, dir, after, e, page, &n);
		if (rc < 0)
			return mg_strerror_name(rc);
		for (size_t i = 0; i < n; i++)
			len += (size_t)snprintf(
			    out + len, sizeof out - len, "%s%s%s",
			    len ? " " : "", e[i].name,
			    e[i].kind == MG_KV_DIR ? "/" : "");
		if (n)
			snprintf(after, sizeof after, "%s", e[n - 1].name);
	} while (n);
	return out;
}

MGT_TEST(crc32c_and_hash)
{
	ASSERT_EQ(mg__crc32c(0, "123456789", 9), 0xE3069283u);
	/* in pieces, unaligned */
	uint32_t c = mg__crc32c(0, "1234", 4);
	ASSERT_EQ(mg__crc32c(c, "56789", 5), 0xE3069283u);
	ASSERT_EQ(mg__crc32c(0, "", 0), 0);
	ASSERT_NE(mg__st_hash("a", 1), mg__st_hash("b", 1));
	ASSERT_NE(mg__st_hash("abcdefgh1", 9), mg__st_hash("abcdefgh2", 9));
	ASSERT_NE(mg__st_hash("", 0), 0);
}

MGT_TEST(set_get_stat_overwrite)
{
	tdev d;
	mg_store *s = fresh(&d, 512, 1 << 20);
	ASSERT_STREQ(get_str(s, "a"), "MG_ENOENT");
	ASSERT_EQ(set_str(s, "a", "hello"), 0);
	ASSERT_STREQ(get_str(s, "a"), "hello");
	ASSERT_STREQ(get_str(s, "/a"), "hello");
	ASSERT_EQ(set_str(s, "a", "bye"), 0);
	ASSERT_STREQ(get_str(s, "a"), "bye");
	ASSERT_EQ(set_str(s, "e", ""), 0);
	ASSERT_STREQ(get_str(s, "e"), "");

	mg_kv_stat st;
	ASSERT_EQ(mg__store_stat(s, "a", &st), 0);
	ASSERT_EQ(st.kind, MG_KV_FILE);
	ASSERT_EQ(st.size, 3);
	ASSERT_CMP(st.mtime_ns, >=, 1000);
	ASSERT_EQ(mg__store_stat(s, "", &st), 0);
	ASSERT_EQ(st.kind, MG_KV_DIR);
	ASSERT_EQ(mg__store_stat(s, "nope", &st), MG_ENOENT);

	/* ranges */
	char buf[8];
	size_t got;
	ASSERT_EQ(set_str(s, "r", "0123456789"), 0);
	ASSERT_EQ(mg__store_get(s, "r", 3, buf, 4, &got), 0);
	ASSERT_EQ(got, 4);
	ASSERT_MEMEQ(buf, "3456", 4);
	ASSERT_EQ(mg__store_get(s, "r", 8, buf, 8, &got), 0);
	ASSERT_EQ(got, 2);
	ASSERT_EQ(mg__store_get(s, "r", 10, buf, 8, &got), 0);
	ASSERT_EQ(got, 0);
	ASSERT_EQ(mg__store_get(s, "r", 11, buf, 8, &got), MG_ERANGE);
	mg__store_close(s);
	td_free(&d);
}

MGT_TEST(directories_are_implicit)
{
	tdev d;
	mg_store *s = fresh(&d, 512, 1 << 20);
	ASSERT_EQ(set_str(s, "a/b/c", "1"), 0);
	mg_kv_stat st;
	ASSERT_EQ(mg__store_stat(s, "a/b", &st), 0);
	ASSERT_EQ(st.kind, MG_KV_DIR);
	ASSERT_STREQ(get_str(s, "a"), "MG_EISDIR");
	ASSERT_EQ(set_str(s, "a", "x"), MG_EISDIR);
	ASSERT_EQ(set_str(s, "a/b/c/d", "x"), MG_ENOTDIR);
	ASSERT_STREQ(get_str(s, "a/b/c/d"), "MG_ENOENT");
	ASSERT_EQ(set_str(s, "", "x"), MG_EISDIR);
	ASSERT_EQ(set_str(s, "a//b", "x"), MG_EINVAL);
	ASSERT_EQ(set_str(s, "a/../b", "x"), MG_EINVAL);
	ASSERT_EQ(set_str(s, "a/", "x"), MG_EINVAL);
	/* removing the last file removes the directories it leaves empty */
	ASSERT_EQ(set_str(s, "a/z", "2"), 0);
	ASSERT_EQ(mg__store_remove(s, "a/b/c"), 0);
	ASSERT_EQ(mg__store_stat(s, "a/b", &st), MG_ENOENT);
	ASSERT_EQ(mg__store_stat(s, "a", &st), 0);
	ASSERT_EQ(mg__store_remove(s, "a/z"), 0);
	ASSERT_EQ(mg__store_stat(s, "a", &st), MG_ENOENT);
	ASSERT_EQ(mg__store_remove(s, "a"), MG_ENOENT);
	ASSERT_EQ(mg__store_remove(s, ""), MG_EINVAL);
	mg__store_stats sts;
	mg__store_stats_get(s, &sts);
	ASSERT_EQ(sts.files, 0);
	ASSERT_EQ(sts.dirs, 0);
	mg__store_close(s);
	td_free(&d);
}

MGT_TEST(list_in_bytewise_order_by_pages)
{
	tdev d;
	mg_store *s = fresh(&d, 512, 1 << 20);
	const char *keys[] = {"b", "a-b", "a/x", "a0", "c/d/e", "A", "a/y/z"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		ASSERT_EQ(set_str(s, keys[i], "v"), 0);
	for (size_t page = 1; page <= 8; page++) {
		ASSERT_STREQ(list_str(s, "", page), "A a/ a-b a0 b c/");
		ASSERT_STREQ(list_str(s, "/a", page), "x y/");
	}
	ASSERT_STREQ(list_str(s, "c/d", 3), "e");
	ASSERT_STREQ(list_str(s, "b", 3), "MG_ENOTDIR");
	ASSERT_STREQ(list_str(s, "zz", 3), "MG_ENOENT");
	mg__store_close(s);
	td_free(&d);
}

MGT_TEST(rename_files_and_directories)
{
	tdev d;
	mg_store *s = fresh(&d, 512, 1 << 20);
	ASSERT_EQ(set_str(s, "f", "1"), 0);
	ASSERT_EQ(set_str(s, "g", "2"), 0);
	mg_kv_stat st0, st;
	ASSERT_EQ(mg__store_stat(s, "f", &st0), 0);
	ASSERT_EQ(mg__store_rename(s, "f", "g"), 0);
	ASSERT_STREQ(get_str(s, "g"), "1");
	ASSERT_STREQ(get_str(s, "f"), "MG_ENOENT");
	ASSERT_EQ(mg__store_stat(s, "g", &st), 0);
	ASSERT_EQ(st.mtime_ns, st0.mtime_ns); /* moves unchanged */
	ASSERT_EQ(mg__store_rename(s, "g", "g"), 0);
	ASSERT_EQ(mg__store_rename(s, "nope", "x"), MG_ENOENT);
	ASSERT_EQ(mg__store_rename(s, "g", "g/h"), MG_ENOTDIR);
	ASSERT_EQ(set_str(s, "d/a", "3"), 0);
	ASSERT_EQ(set_str(s, "d/e/b", "4"), 0);
	ASSERT_EQ(mg__store_rename(s, "g", "d"), MG_EISDIR);
	ASSERT_EQ(mg__store_rename(s, "d", "d/e/x"), MG_EINVAL);
	ASSERT_EQ(mg__store_rename(s, "d", "g"), MG_EEXIST);
	ASSERT_EQ(mg__store_rename(s, "d", "g/x"), MG_ENOTDIR);
	ASSERT_EQ(mg__store_rename(s, "d", "n/m"), 0);
	ASSERT_STREQ(get_str(s, "n/m/a"), "3");
	ASSERT_STREQ(get_str(s, "n/m/e/b"), "4");
	ASSERT_EQ(mg__store_stat(s, "d", &st), MG_ENOENT);
	ASSERT_STREQ(list_str(s, "", 2), "g n/");
	/* a file moved into a new directory, and out of the last one */
	ASSERT_EQ(mg__store_rename(s, "n/m/e/b", "top"), 0);
	ASSERT_EQ(mg__store_stat(s, "n/m/e", &st), MG_ENOENT);
	ASSERT_STREQ(get_str(s, "top"), "4");
	mg__store_close(s);
	td_free(&d);
}

MGT_TEST(remove_a_directory_removes_below)
{
	tdev d;
	mg_store *s = fresh(&d, 512, 1 << 20);
	ASSERT_EQ(set_str(s, "x/a", "1"), 0);
	ASSERT_EQ(set_str(s, "x/y/b", "2"), 0);
	ASSERT_EQ(set_str(s, "xa", "3"), 0);
	ASSERT_EQ(mg__store_remove(s, "x"), 0);
	ASSERT_STREQ(list_str(s, "", 4), "xa");
	mg__store_close(s);
	s = open_dev(&d, true, 0);
	ASSERT_STREQ(list_str(s, "", 4), "xa");
	mg__store_close(s);
	td_free(&d);
}

MGT_TEST(batch_is_all_or_nothing)
{
	tdev d;
	mg_store *s = fresh(&d, 512, 1 << 20);
	ASSERT_EQ(set_str(s, "keep", "old"), 0);
	mg_kv_op ops[] = {
	    {MG_KV_OP_SET, "keep", NULL, mg_cbuf_str("new")},
	    {MG_KV_OP_SET, "b/c", NULL, mg_cbuf_str("1")},
	    {MG_KV_OP_RENAME, "b/c", "b/d", {0}},
	    {MG_KV_OP_REMOVE, "absent", NULL, {0}},
	};
	long writes = d.writes;
	ASSERT_EQ(mg__store_batch(s, ops, 4), MG_ENOENT);
	ASSERT_EQ(d.writes, writes); /* nothing written either */
	ASSERT_STREQ(get_str(s, "keep"), "old");
	ASSERT_STREQ(get_str(s, "b/c"), "MG_ENOENT");
	ASSERT_STREQ(list_str(s, "", 4), "keep");
	/* each op sees the ones before it */
	ASSERT_EQ(mg__store_batch(s, ops, 3), 0);
	ASSERT_STREQ(get_str(s, "keep"), "new");
	ASSERT_STREQ(get_str(s, "b/d"), "1");
	ASSERT_STREQ(get_str(s, "b/c"), "MG_ENOENT");
	mg__store_close(s);
	s = open_dev(&d, true, 0);
	ASSERT_STREQ(get_str(s, "b/d"), "1");
	ASSERT_STREQ(list_str(s, "", 4), "b/ keep");
	mg__store_close(s);
	td_free(&d);
}

MGT_TEST(durable_and_buffered_flushes)
{
	tdev d;
	mg_store *s = fresh(&d, 512, 1 << 20);
	long f = d.flushes;
	ASSERT_EQ(set_str(s, "a", "1"), 0);
	ASSERT_EQ(d.flushes, f + 1);
	ASSERT_EQ(d.npending, 0); /* durable on return */
	mg__store_close(s);

	s = open_dev(&d, false, 0);
	f = d.flushes;
	long w = d.writes;
	for (int i = 0; i < 20; i++)
		ASSERT_EQ(set_str(s, "b", "22"), 0);
	ASSERT_EQ(d.writes, w + 1); /* the new head's header */
	ASSERT_STREQ(get_str(s, "b"), "22");
	ASSERT_EQ(mg__store_sync(s), 0);
	ASSERT_EQ(d.npending, 0);
	ASSERT_CMP(d.flushes, >, f);
	mg__store_close(s);
	s = open_dev(&d, false, 0);
	ASSERT_STREQ(get_str(s, "b"), "22");
	mg__store_close(s);
	td_free(&d);
}

MGT_TEST(reopen_keeps_everything)
{
	tdev d;
	mg_store *s = fresh(&d, 4096, 4 << 20);
	char key[32], val[600];
	for (int i = 0; i < 300; i++) {
		snprintf(key, sizeof key, "dir%d/key%d", i % 7, i);
		memset(val, 'a' + i % 26, sizeof val);
		ASSERT_EQ(mg__store_set(s, key, val, (size_t)i * 2), 0);
	}
	mg__store_close(s);
	s = open_dev(&d, true, 0);
	mg__store_stats st;
	mg__store_stats_get(s, &st);
	ASSERT_EQ(st.files, 300);
	ASSERT_EQ(st.dirs, 7);
	for (int i = 0; i < 300; i++) {
		snprintf(key, sizeof key, "dir%d/key%d", i % 7, i);
		size_t got;
		ASSERT_EQ(mg__store_get(s, key, 0, val, sizeof val, &got), 0);
		ASSERT_EQ(got, (size_t)i * 2);
		for (size_t b = 0; b < got; b++)
			ASSERT_EQ(val[b], 'a' + i % 26);
	}
	mg__store_close(s);
	td_free(&d);
}

MGT_TEST(cleaner_keeps_live_data_under_churn)
{
	tdev d;
	mg_store *s = fresh(&d, 512, 64 << 10);
	char key[16], val[200];
	for (int round = 0; round < 200; round++) {
		for (int k = 0; k < 10; k++) {
			snprintf(key, sizeof key, "k%d", k);
			snprintf(val, sizeof val, "round %d key %d %*s", round,
			         k, (round * 7 + k) % 100, "");
			ASSERT_EQ(set_str(s, key, val), 0);
		}
	}
	mg__store_stats st;
	mg__store_stats_get(s, &st);
	ASSERT_CMP(st.gc_steps, >, 50);
	mg__store_close(s);
	s = open_dev(&d, true, 0);
	for (int k = 0; k < 10; k++) {
		snprintf(key, sizeof key, "k%d", k);
		snprintf(val, sizeof val, "round %d key %d %*s", 199, k,
		         (199 * 7 + k) % 100, "");
		ASSERT_STREQ(get_str(s, key), val);
	}
	/* an explicit cleaning pass keeps the data too */
	ASSERT_EQ(mg__store_gc(s), 0);
	ASSERT_EQ(mg__store_gc(s), 0);
	snprintf(val, sizeof val, "round %d key %d %*s", 199, 3,
	         (199 * 7 + 3) % 100, "");
	ASSERT_STREQ(get_str(s, "k3"), val);
	mg__store_close(s);
	td_free(&d);
}

MGT_TEST(full_store_says_enospc_and_recovers)
{
	tdev d;
	mg_store *s = fresh(&d, 512, 64 << 10);
	char key[16], val[300];
	memset(val, 'v', sizeof val);
	int n = 0, rc;
	while (
	    (rc = mg__store_set(s, (snprintf(key, sizeof key, "f%d", n), key),
	                        val, sizeof val)) == 0)
		n++;
	ASSERT_EQ(rc, MG_ENOSPC);
	ASSERT_CMP(n, >, 50);
	mg__store_stats st;
	mg__store_stats_get(s, &st);
	ASSERT_CMP(st.live_bytes, <=, st.limit_bytes);
	/* what is there stays readable, and survives a reopen */
	ASSERT_EQ(mg__store_get(s, "f0", 0, val, sizeof val, &(size_t){0}), 0);
	mg__store_close(s);
	s = open_dev(&d, true, 0);
	mg__store_stats_get(s, &st);
	ASSERT_EQ(st.files, (uint64_t)n);
	/* removing makes room again */
	ASSERT_EQ(mg__store_remove(s, "f1"), 0);
	ASSERT_EQ(mg__store_remove(s, "f2"), 0);
	ASSERT_EQ(mg__store_set(s, "again", val, sizeof val), 0);
	mg__store_close(s);
	td_free(&d);
}

MGT_TEST(limits_on_entries_and_sizes)
{
	tdev d;
	td_init(&d, 512, 1 << 20);
	mg_store *s = open_dev(&d, true, 4);
	ASSERT_EQ(set_str(s, "a/b", "1"), 0); /* 2 entries */
	ASSERT_EQ(set_str(s, "a/c", "1"), 0);
	ASSERT_EQ(set_str(s, "d", "1"), 0);
	ASSERT_EQ(set_str(s, "e", "1"), MG_ENOSPC);
	ASSERT_EQ(set_str(s, "a/b", "2"), 0); /* replacing needs none */
	mg__store_close(s);
	/* reopening with a smaller bound says why it cannot */
	char err[200] = "";
	mg__store_dev dev = td_dev(&d);
	mg__store_opts o = {.max_entries = 3, .err = err, .errlen = sizeof err};
	ASSERT_EQ(mg__store_open(&s, &dev, &o), MG_ENOSPC);
	ASSERT_CONTAINS(err, "max_entries");
	s = open_dev(&d, true, 0);
	mg__store_stats st;
	mg__store_stats_get(s, &st);
	size_t big = st.seg_bytes; /* larger than a quarter segment */
	char *v = calloc(1, big);
	ASSERT_EQ(mg__store_set(s, "big", v, big), MG_EMSGSIZE);
	ASSERT_EQ(mg__store_set(s, "big", v, big / 8), 0);
	free(v);
	mg__store_close(s);
	td_free(&d);
}

MGT_TEST(digest_is_sha256_of_contents)
{
	tdev d;
	mg_store *s = fresh(&d, 512, 1 << 20);
	ASSERT_EQ(set_str(s, "abc", "abc"), 0);
	char hex[MG_KV_DIGEST_LEN + 1];
	ASSERT_EQ(mg__store_digest(s, "abc", hex), 0);
	ASSERT_STREQ(hex, "ba7816bf8f01cfea414140de5dae2223"
	                  "b00361a396177a9cb410ff61f20015ad");
	ASSERT_EQ(set_str(s, "d/x", "1"), 0);
	ASSERT_EQ(mg__store_digest(s, "d", hex), MG_EISDIR);
	mg__store_close(s);
	td_free(&d);
}
