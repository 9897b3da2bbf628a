/* The store's recovery: damaged images give clear errors, torn tails are
 * dropped, stale frames stay dead, superblocks and formats. */
#include "mgtest.h"
#include "store_model.h"

#define CAP  (64u << 10) /* 512-byte sectors: 15 segments of 4 KiB */
#define SEG0 4096u       /* data start */
#define SEG  4096u

static uint64_t clock_ns = 1;

static int try_open(tdev *d, mg_store **s, bool durable, bool create,
                    bool format, char *err, size_t errlen)
{
	mg__store_dev dev = td_dev(d);
	mg__store_opts o = {.durable = durable,
	                    .create = create,
	                    .format = format,
	                    .now = td_clock,
	                    .now_ctx = &clock_ns,
	                    .err = err,
	                    .errlen = errlen};
	return mg__store_open(s, &dev, &o);
}

static mg_store *open_ok(tdev *d, bool durable)
{
	char err[200] = "";
	mg_store *s;
	int rc = try_open(d, &s, durable, true, false, err, sizeof err);
	if (rc < 0)
		mgt_fail(__FILE__, __LINE__, "open: %s", err);
	return s;
}

static const char *get_str(mg_store *s, const char *key)
{
	static char buf[2048];
	size_t got;
	int rc = mg__store_get(s, key, 0, buf, sizeof buf - 1, &got);
	if (rc < 0)
		return mg_strerror_name(rc);
	buf[got] = 0;
	return buf;
}

static void fill(char *v, size_t n, char c)
{
	memset(v, c, n - 1);
	v[n - 1] = 0;
}

MGT_TEST(blank_device_is_formatted_and_garbage_refused)
{
	tdev d;
	td_init(&d, 512, CAP);
	char err[200] = "";
	mg_store *s;
	/* blank, but not asked to create */
	ASSERT_EQ(try_open(&d, &s, true, false, false, err, sizeof err),
	          MG_EBADMSG);
	ASSERT_CONTAINS(err, "no valid superblock");
	s = open_ok(&d, true);
	ASSERT_EQ(mg__store_set(s, "a", "1", 1), 0);
	mg__store_close(s);
	/* garbage where the superblocks are: never formatted over */
	tdev g;
	td_init(&g, 512, CAP);
	memset(g.cur, 0x5a, 1024);
	ASSERT_EQ(try_open(&g, &s, true, true, false, err, sizeof err),
	          MG_EBADMSG);
	ASSERT_CONTAINS(err, "no valid superblock");
	/* unless asked */
	ASSERT_EQ(try_open(&g, &s, true, true, true, err, sizeof err), 0);
	ASSERT_STREQ(get_str(s, "a"), "MG_ENOENT");
	mg__store_close(s);
	/* format over a store: empty, and its old segments are ignored */
	ASSERT_EQ(try_open(&d, &s, true, true, true, err, sizeof err), 0);
	ASSERT_STREQ(get_str(s, "a"), "MG_ENOENT");
	mg__store_close(s);
	s = open_ok(&d, true);
	ASSERT_STREQ(get_str(s, "a"), "MG_ENOENT");
	mg__store_close(s);
	td_free(&d);
	td_free(&g);
}

/* The pair of superblocks covers a torn write of the newer one: until a
 * later flush, the segment it frees is not reused, so the older one
 * still describes a whole log. */
MGT_TEST(torn_newest_superblock_falls_back_to_the_other)
{
	tdev d;
	td_init(&d, 512, CAP);
	mg_store *s = open_ok(&d, true);
	char v[300];
	fill(v, sizeof v, 'x');
	for (int i = 0; i < 100; i++)
		ASSERT_EQ(mg__store_set(s, i % 2 ? "a" : "b", v, sizeof v), 0);
	ASSERT_EQ(mg__store_gc(s), 0);
	uint64_t gen = s->sb_gen;
	ASSERT_CMP(gen, >=, 3);
	mg__store_close(s);
	d.cur[(gen & 1) * 512 + 20] ^= 1;
	s = open_ok(&d, true);
	ASSERT_EQ(s->sb_gen, gen - 1);
	ASSERT_STREQ(get_str(s, "a"), v);
	ASSERT_STREQ(get_str(s, "b"), v);
	mg__store_close(s);
	d.cur[((gen - 1) & 1) * 512 + 20] ^= 1; /* both now */
	char err[200];
	ASSERT_EQ(try_open(&d, &s, true, true, false, err, sizeof err),
	          MG_EBADMSG);
	ASSERT_CONTAINS(err, "both copies");
	td_free(&d);
}

MGT_TEST(damage_inside_the_log_is_reported)
{
	tdev d;
	td_init(&d, 512, CAP);
	mg_store *s = open_ok(&d, true);
	for (int i = 0; i < 12; i++)
		ASSERT_EQ(mg__store_set(s, "k", "value", 5), 0);
	ASSERT_CMP(s->ring_len, >=, 2);
	uint32_t first = s->ring[s->ring_first];
	mg__store_close(s);
	/* a bit flip in the first frame of the oldest segment */
	d.cur[SEG0 + first * SEG + 512 + 45] ^= 0x10;
	char err[200];
	ASSERT_EQ(try_open(&d, &s, true, true, false, err, sizeof err),
	          MG_EBADMSG);
	ASSERT_CONTAINS(err, "frame at byte 512 is damaged");
	d.cur[SEG0 + first * SEG + 512 + 45] ^= 0x10;
	/* a segment header */
	d.cur[SEG0 + first * SEG + 17] ^= 1;
	ASSERT_EQ(try_open(&d, &s, true, true, false, err, sizeof err),
	          MG_EBADMSG);
	ASSERT_CONTAINS(err, "is missing");
	td_free(&d);
}

MGT_TEST(torn_last_frame_loses_only_the_last_change)
{
	tdev d;
	td_init(&d, 512, CAP);
	mg_store *s = open_ok(&d, true);
	ASSERT_EQ(mg__store_set(s, "k", "one", 3), 0);
	ASSERT_EQ(mg__store_set(s, "k", "two", 3), 0);
	uint64_t last = mg__store_seg_off(s, s->head) + s->head_off - 512;
	mg__store_close(s);
	d.cur[last + 50] ^= 0xff; /* in the record, not the padding */
	s = open_ok(&d, true);
	ASSERT_STREQ(get_str(s, "k"), "one");
	/* and the store goes on from there */
	ASSERT_EQ(mg__store_set(s, "k", "three", 5), 0);
	mg__store_close(s);
	s = open_ok(&d, true);
	ASSERT_STREQ(get_str(s, "k"), "three");
	mg__store_close(s);
	td_free(&d);
}

/*
 * Frames cached by the disk can land out of order: here the second of two
 * unsynced frames lands and the first does not. Recovery ends the log at
 * the hole; the frame behind it is stale and must stay so, even when a
 * frame of the same size is later written where the hole was.
 */
MGT_TEST(stale_frame_behind_a_hole_stays_dead)
{
	tdev d;
	td_init(&d, 512, CAP);
	mg_store *s = open_ok(&d, false);
	/* frames are written at 1 KiB in buffered mode here: two sets of
	 * 800 and 300 bytes make one of 3 sectors */
	char b[800], c[800], v[800], small[300];
	fill(b, sizeof b, 'b');
	fill(c, sizeof c, 'c');
	fill(v, sizeof v, 'v');
	fill(small, sizeof small, 's');
	ASSERT_EQ(mg__store_set(s, "k", "a", 1), 0);
	ASSERT_EQ(mg__store_sync(s), 0);
	long w = d.writes;
	ASSERT_EQ(mg__store_set(s, "k", b, sizeof b), 0);
	ASSERT_EQ(mg__store_set(s, "j", small, sizeof small), 0);
	ASSERT_EQ(mg__store_set(s, "k", c, sizeof c), 0);
	ASSERT_EQ(mg__store_set(s, "j", small, sizeof small), 0);
	ASSERT_EQ(d.writes, w + 2); /* two frames, not flushed */
	ASSERT_EQ(d.npending, 2);
	d.mode = TD_REORDER;
	uint8_t *img = td_crash_image(&d, 1); /* only the second lands */
	mg__store_close(s);
	td_free(&d);

	td_init(&d, 512, CAP);
	td_load(&d, img);
	free(img);
	s = open_ok(&d, false);
	ASSERT_STREQ(get_str(s, "k"), "a");
	ASSERT_EQ(mg__store_set(s, "k", v, sizeof v), 0);
	ASSERT_EQ(mg__store_set(s, "j", small, sizeof small), 0);
	ASSERT_EQ(mg__store_sync(s), 0);
	mg__store_close(s);
	s = open_ok(&d, false);
	ASSERT_STREQ(get_str(s, "k"), v);
	mg__store_close(s);
	td_free(&d);
}

/* A frame whose checksum is right but whose records are not: written by
 * something else, or by a bug; never accepted. */
MGT_TEST(well_sealed_but_malformed_records_are_refused)
{
	static const struct {
		const char *key;
		const char *why;
	} bad[] = {
	    {"../x", "malformed record"},
	    {"a//b", "malformed record"},
	    {"/a", "malformed record"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		tdev d;
		td_init(&d, 512, CAP);
		mg_store *s = open_ok(&d, true);
		ASSERT_EQ(mg__store_set(s, "ok", "1", 1), 0);
		/* forge a frame after the last one, as the store would */
		uint8_t *f = s->wbuf;
		size_t kl = strlen(bad[i].key);
		memset(f, 0, 512);
		mg__st_rec_set(f + MG__ST_FRAME_HDR, bad[i].key, kl, 0, "v", 1);
		mg__st_frame h = {.len = (uint32_t)(MG__ST_FRAME_HDR +
		                                    mg__st_set_size(kl, 1)),
		                  .uuid = s->uuid,
		                  .seq = s->seg_seq[s->head],
		                  .off = s->head_off,
		                  .nrec = 1};
		mg__st_frame_seal(f, &h);
		uint64_t at = mg__store_seg_off(s, s->head) + s->head_off;
		memcpy(d.cur + at, f, 512);
		mg__store_close(s);
		char err[200];
		ASSERT_EQ(try_open(&d, &s, true, true, false, err, sizeof err),
		          MG_EBADMSG);
		ASSERT_CONTAINS(err, bad[i].why);
		td_free(&d);
	}
}

MGT_TEST(read_only_device)
{
	tdev d;
	td_init(&d, 512, CAP);
	mg_store *s = open_ok(&d, true);
	ASSERT_EQ(mg__store_set(s, "a", "1", 1), 0);
	mg__store_close(s);
	mg__store_dev dev = td_dev(&d);
	dev.read_only = true;
	mg__store_opts o = {.durable = true, .create = true};
	long w = d.writes;
	ASSERT_EQ(mg__store_open(&s, &dev, &o), 0);
	ASSERT_STREQ(get_str(s, "a"), "1");
	ASSERT_EQ(mg__store_set(s, "a", "2", 1), MG_EROFS);
	ASSERT_EQ(mg__store_remove(s, "a"), MG_EROFS);
	ASSERT_EQ(mg__store_sync(s), 0);
	mg__store_close(s);
	ASSERT_EQ(d.writes, w);
	/* a blank read-only device cannot be formatted */
	tdev b;
	td_init(&b, 512, CAP);
	dev = td_dev(&b);
	dev.read_only = true;
	ASSERT_EQ(mg__store_open(&s, &dev, &o), MG_EROFS);
	td_free(&b);
	td_free(&d);
}

MGT_TEST(geometry_is_checked)
{
	tdev d;
	mg_store *s;
	char err[200];
	td_init(&d, 512, 16 << 10); /* fewer than 8 segments */
	ASSERT_EQ(try_open(&d, &s, true, true, false, err, sizeof err),
	          MG_EINVAL);
	ASSERT_CONTAINS(err, "too small");
	td_free(&d);
	/* a store made with 512-byte sectors seen with 4096-byte ones */
	td_init(&d, 512, CAP);
	s = open_ok(&d, true);
	mg__store_close(s);
	tdev e;
	td_init(&e, 4096, CAP);
	td_load(&e, d.cur);
	memcpy(e.cur + 4096, d.cur + 512, 512); /* slot 1 where 4 KiB expects */
	ASSERT_EQ(try_open(&e, &s, true, true, false, err, sizeof err),
	          MG_EBADMSG);
	ASSERT_CONTAINS(err, "sector size");
	td_free(&e);
	td_free(&d);
}

/* A device that fails stops changes until the store is opened again;
 * what was there stays readable. */
MGT_TEST(device_failure_stops_changes)
{
	tdev d;
	td_init(&d, 512, CAP);
	mg_store *s = open_ok(&d, true);
	ASSERT_EQ(mg__store_set(s, "a", "1", 1), 0);
	d.mode = TD_FAIL;
	d.crash_after = d.writes;
	ASSERT_EQ(mg__store_set(s, "a", "2", 1), MG_EIO);
	ASSERT_STREQ(get_str(s, "a"), "1");
	ASSERT_EQ(mg__store_set(s, "b", "3", 1), MG_EIO);
	ASSERT_EQ(mg__store_sync(s), MG_EIO);
	mg__store_close(s);
	td_free(&d);
}
