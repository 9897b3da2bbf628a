/* kv_rw "store" over an mg_block: the interface as applications see it,
 * persistence across connects, and fibers whose calls interleave. */
#include <stdlib.h>
#include <string.h>

#include <mg/block.h>
#include <mg/error.h>
#include <mg/fiber.h>
#include <mg/kv_rw.h>

#include "mgtest.h"

#define SECTORS 2048 /* 1 MiB */

static uint8_t *disk;

static int in_fiber(mg_fiber_fn fn, void *arg)
{
	mg_fiber_opts o = {.name = "test", .stack_size = 256 * 1024};
	return mg__run(mg_spawn(fn, arg, &o));
}

static int connect_mem(mg_block *b, mg_kv_rw *kv, bool durable)
{
	int rc = mg_block_mem_connect(b, disk, 512, SECTORS, false);
	if (rc < 0)
		return rc;
	return mg_kv_rw_store_connect(kv, b, durable, false, 0, 0);
}

static int collect(void *arg, const mg_kv_entry *e)
{
	char *out = arg;
	strcat(out, e->name);
	strcat(out, e->kind == MG_KV_DIR ? "/ " : " ");
	return 0;
}

static int interface_body(void *arg)
{
	(void)arg;
	mg_block b;
	mg_kv_rw kv;
	ASSERT_EQ(connect_mem(&b, &kv, true), 0);
	ASSERT_EQ(mg_kv_rw_set(&kv, "docs/a.txt", "alpha", 5), 0);
	ASSERT_EQ(mg_kv_rw_set(&kv, "docs/b.txt", "beta", 4), 0);
	ASSERT_EQ(mg_kv_rw_set(&kv, "top", "t", 1), 0);
	mg_kv_op ops[] = {
	    {MG_KV_OP_RENAME, "docs/b.txt", "docs/c.txt", {0}},
	    {MG_KV_OP_REMOVE, "top", NULL, {0}},
	};
	ASSERT_EQ(mg_kv_rw_batch(&kv, ops, 2), 0);
	ASSERT_EQ(mg_kv_rw_sync(&kv), 0);

	/* the same store through the read-only interface */
	mg_kv_ro ro = mg_kv_rw_ro(&kv);
	void *data;
	size_t len;
	ASSERT_EQ(mg_kv_ro_get_all(&ro, "/docs/c.txt", &data, &len), 0);
	ASSERT_EQ(len, 4);
	ASSERT_STREQ((char *)data, "beta");
	free(data);
	mg_kv_kind kind;
	ASSERT_EQ(mg_kv_ro_exists(&ro, "docs", &kind), 1);
	ASSERT_EQ(kind, MG_KV_DIR);
	ASSERT_EQ(mg_kv_ro_exists(&ro, "top", &kind), 0);
	uint64_t size, mtime;
	ASSERT_EQ(mg_kv_ro_size(&ro, "docs/a.txt", &size), 0);
	ASSERT_EQ(size, 5);
	ASSERT_EQ(mg_kv_ro_last_modified(&ro, "docs/a.txt", &mtime), 0);
	ASSERT_CMP(mtime, >, 1500000000ull * 1000000000ull);
	char names[256] = "";
	ASSERT_EQ(mg_kv_ro_list_each(&ro, "", collect, names), 0);
	ASSERT_STREQ(names, "docs/ ");
	names[0] = 0;
	ASSERT_EQ(mg_kv_ro_list_each(&ro, "docs", collect, names), 0);
	ASSERT_STREQ(names, "a.txt c.txt ");
	char hex[MG_KV_DIGEST_LEN + 1];
	ASSERT_EQ(mg_kv_ro_digest(&ro, "docs/c.txt", hex), 0);
	ASSERT_EQ(strlen(hex), 64);
	ASSERT_EQ(mg_kv_rw_set(&kv, "docs", "x", 1), MG_EISDIR);
	ASSERT_EQ(mg_kv_rw_remove(&kv, "nothing"), MG_ENOENT);
	ASSERT_EQ(mg_kv_rw_set(&kv, "../up", "x", 1), MG_EINVAL);
	mg_block_mem_free(&b);

	/* connected again, as after a reboot */
	ASSERT_EQ(connect_mem(&b, &kv, true), 0);
	ro = mg_kv_rw_ro(&kv);
	ASSERT_EQ(mg_kv_ro_get_all(&ro, "docs/a.txt", &data, &len), 0);
	ASSERT_STREQ((char *)data, "alpha");
	free(data);
	ASSERT_EQ(mg_kv_ro_exists(&ro, "docs/b.txt", NULL), 0);
	mg_block_mem_free(&b);
	return 0;
}

MGT_TEST(interface_and_persistence)
{
	disk = calloc(SECTORS, 512);
	ASSERT_EQ(in_fiber(interface_body, NULL), 0);
	free(disk);
}

/* --- fibers --- */

/* A device that lets other fibers run in the middle of every request, as
 * one that waits for the host would. */
static mg_block mem;

static void y_info(void *self, mg_block_info *out)
{
	(void)self;
	mg_block_info_get(&mem, out);
}

static int y_read(void *self, uint64_t sector, void *buf, size_t len)
{
	(void)self;
	mg_yield();
	return mg_block_read(&mem, sector, buf, len);
}

static int y_write(void *self, uint64_t sector, const void *buf, size_t len)
{
	(void)self;
	mg_yield();
	int rc = mg_block_write(&mem, sector, buf, len);
	mg_yield();
	return rc;
}

static int y_flush(void *self)
{
	(void)self;
	mg_yield();
	return 0;
}

static const mg_block_ops yield_ops = {y_info, y_read, y_write, y_flush};

typedef struct worker {
	mg_kv_rw *kv;
	char prefix;
} worker;

static int work(void *arg)
{
	worker *w = arg;
	char key[16], val[64];
	for (int i = 0; i < 60; i++) {
		snprintf(key, sizeof key, "%c/%d", w->prefix, i % 20);
		snprintf(val, sizeof val, "%c round %d", w->prefix, i);
		int rc = mg_kv_rw_set(w->kv, key, val, strlen(val));
		if (rc < 0)
			return rc;
		char got[64];
		size_t n;
		rc = mg_kv_rw_get(w->kv, key, 0, got, sizeof got, &n);
		if (rc < 0 || n != strlen(val) || memcmp(got, val, n) != 0)
			return MG_EBADMSG;
	}
	return 0;
}

static int check_final(mg_kv_rw *kv)
{
	for (char p = 'a'; p <= 'c'; p++)
		for (int k = 0; k < 20; k++) {
			char key[16], want[64], got[64];
			size_t n;
			snprintf(key, sizeof key, "%c/%d", p, k);
			snprintf(want, sizeof want, "%c round %d", p, 40 + k);
			if (mg_kv_rw_get(kv, key, 0, got, sizeof got, &n) < 0 ||
			    n != strlen(want) || memcmp(got, want, n) != 0)
				return 1;
		}
	return 0;
}

static int fibers_body(void *arg)
{
	(void)arg;
	ASSERT_EQ(mg_block_mem_connect(&mem, disk, 512, SECTORS, false), 0);
	mg_block dev = {&yield_ops, NULL};
	mg_kv_rw kv;
	ASSERT_EQ(mg_kv_rw_store_connect(&kv, &dev, true, false, 0, 0), 0);
	worker w[3] = {{&kv, 'a'}, {&kv, 'b'}, {&kv, 'c'}};
	mg_fiber *f[3];
	for (int i = 0; i < 3; i++)
		f[i] = mg_spawn(work, &w[i], NULL);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(mg_join(f[i]), 0);
	ASSERT_EQ(check_final(&kv), 0);
	ASSERT_EQ(mg_kv_rw_store_connect(&kv, &dev, true, false, 0, 0), 0);
	ASSERT_EQ(check_final(&kv), 0);
	mg_block_mem_free(&mem);
	return 0;
}

MGT_TEST(fibers_are_served_one_at_a_time)
{
	disk = calloc(SECTORS, 512);
	ASSERT_EQ(in_fiber(fibers_body, NULL), 0);
	free(disk);
}

MGT_TEST(bad_arguments_and_devices)
{
	disk = calloc(SECTORS, 512);
	mg_block b;
	mg_kv_rw kv;
	ASSERT_EQ(mg_block_mem_connect(&b, disk, 512, SECTORS, false), 0);
	ASSERT_EQ(mg_kv_rw_store_connect(&kv, &b, true, false, -1, 0),
	          MG_EINVAL);
	ASSERT_EQ(mg_kv_rw_store_connect(&kv, &b, true, false, 0, -5),
	          MG_EINVAL);
	memset(disk, 0xee, 1024); /* not a store, not blank */
	ASSERT_EQ(mg_kv_rw_store_connect(&kv, &b, true, false, 0, 0),
	          MG_EBADMSG);
	ASSERT_EQ(mg_kv_rw_store_connect(&kv, &b, true, true, 0, 0), 0);
	mg_block_mem_free(&b);
	free(disk);
}
