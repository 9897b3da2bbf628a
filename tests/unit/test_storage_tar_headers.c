/* The tar parser on hand-made headers: large files, records, refusals. */
#include <mg/block.h>
#include <mg/error.h>
#include <mg/kv_ro.h>

#include "../../storage/tar.h"
#include "mgtest.h"

/* A device of (size) bytes whose first sectors are (head) and the rest
 * zeros, without the memory: for files past 8 GiB. */
typedef struct sparse {
	const uint8_t *head;
	size_t head_len;
	mg_block_info info;
} sparse;

static void sp_info(void *self, mg_block_info *out)
{
	*out = ((sparse *)self)->info;
}

static int sp_read(void *self, uint64_t sector, void *buf, size_t len)
{
	sparse *s = self;
	int rc = mg_block_check(&s->info, sector, len);
	if (rc < 0)
		return rc;
	uint64_t off = sector * 512;
	memset(buf, 0, len);
	if (off < s->head_len) {
		size_t n = s->head_len - off < len ? s->head_len - off : len;
		memcpy(buf, s->head + off, n);
	}
	/* Mark the byte at 9 GiB, to see ranged reads land there. */
	uint64_t mark = 512 + (9ull << 30);
	if (mark >= off && mark < off + len)
		((uint8_t *)buf)[mark - off] = 0x42;
	return 0;
}

static int sp_write(void *self, uint64_t sector, const void *buf, size_t len)
{
	(void)self, (void)sector, (void)buf, (void)len;
	return MG_EROFS;
}

static int sp_flush(void *self)
{
	(void)self;
	return 0;
}

static const mg_block_ops sp_ops = {sp_info, sp_read, sp_write, sp_flush};

/* Recompute the checksum of header (h). */
static void fix_sum(uint8_t *h)
{
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
}

/* A ustar header for (name) of (type), its size field set by (setsize). */
static void header(uint8_t h[512], const char *name, char type,
                   void (*setsize)(uint8_t *field))
{
	memset(h, 0, 512);
	strcpy((char *)h, name);
	memcpy(h + 100, "0000644", 8);
	memcpy(h + 136, "14707054000", 12);
	h[156] = (uint8_t)type;
	memcpy(h + 257,
	       "ustar\0"
	       "00",
	       8);
	setsize(h + 124);
	fix_sum(h);
}

static void size_base256_10g(uint8_t *f)
{
	memset(f, 0, 12);
	f[0] = 0x80;
	uint64_t v = 10ull << 30;
	for (int i = 0; i < 8; i++)
		f[11 - i] = (uint8_t)(v >> (8 * i));
}

static void size_zero(uint8_t *f)
{
	memcpy(f, "00000000000", 12);
}

MGT_TEST(file_larger_than_8gib_in_base256)
{
	static uint8_t head[1024];
	header(head, "big.img", '0', size_base256_10g);
	sparse sp = {
	    head, sizeof head, {512, (512 + (10ull << 30) + 1024) / 512, true}};
	mg_block dev = {&sp_ops, &sp};
	mg_kv_ro kv;
	ASSERT_EQ(mg_kv_ro_tar_connect(&kv, &dev), 0);
	uint64_t size;
	ASSERT_EQ(mg_kv_ro_size(&kv, "big.img", &size), 0);
	ASSERT_EQ(size, 10ull << 30);
	uint8_t b[3];
	size_t got;
	ASSERT_EQ(mg_kv_ro_get(&kv, "big.img", (9ull << 30) - 1, b, 3, &got),
	          0);
	ASSERT_EQ(got, 3);
	ASSERT_EQ(b[0], 0);
	ASSERT_EQ(b[1], 0x42);
	ASSERT_EQ(b[2], 0);
}

MGT_TEST(file_larger_than_8gib_in_pax)
{
	static uint8_t head[2048];
	const char *rec = "20 size=10737418240\n";
	header(head, "PaxHeaders/big.img", 'x', size_zero);
	/* size 20, then the checksum again */
	memcpy(head + 124, "00000000024", 12);
	fix_sum(head);
	memcpy(head + 512, rec, 20);
	header(head + 1024, "big.img", '0', size_zero);
	sparse sp = {head,
	             sizeof head,
	             {512, (1536 + (10ull << 30) + 1024) / 512, true}};
	mg_block dev = {&sp_ops, &sp};
	mg_kv_ro kv;
	ASSERT_EQ(mg_kv_ro_tar_connect(&kv, &dev), 0);
	uint64_t size;
	ASSERT_EQ(mg_kv_ro_size(&kv, "big.img", &size), 0);
	ASSERT_EQ(size, 10ull << 30);
}

/* Parse (mem, len) with the parser itself, for its message. */
static int parse_mem(const uint8_t *mem, size_t len, char *err, size_t n);

static int mem_rd(void *ctx, uint64_t off, void *buf, size_t len)
{
	memcpy(buf, (const uint8_t *)ctx + off, len);
	return 0;
}

static int parse_mem(const uint8_t *mem, size_t len, char *err, size_t n)
{
	mg__kv_index x = {0};
	int rc = mg__tar_parse(mem_rd, (void *)mem, len, &x, err, n);
	mg__kv_index_free(&x);
	return rc;
}

MGT_TEST(malformed_fields_and_records_are_refused)
{
	static uint8_t t[512 * 6];
	char err[256];

	header(t, "f", '0', size_zero);
	memcpy(t + 124, "0000000x000", 12);
	fix_sum(t);
	ASSERT_EQ(parse_mem(t, sizeof t, err, sizeof err), MG_EBADMSG);
	ASSERT_CONTAINS(err, "size field is not an octal number");

	header(t, "../escape", '0', size_zero);
	ASSERT_EQ(parse_mem(t, sizeof t, err, sizeof err), MG_EBADMSG);
	ASSERT_CONTAINS(err, "name '../escape' is not a valid key");

	header(t, "a", '0', size_zero);
	header(t + 512, "a/b", '0', size_zero);
	memset(t + 1024, 0, 1024);
	ASSERT_EQ(parse_mem(t, sizeof t, err, sizeof err), MG_EBADMSG);
	ASSERT_CONTAINS(err, "'a' is a file with entries below it");

	header(t, "a", 'S', size_zero);
	ASSERT_EQ(parse_mem(t, sizeof t, err, sizeof err), MG_EBADMSG);
	ASSERT_CONTAINS(err, "sparse files are not supported");

	const char *bad_records[] = {
	    "8 path=x\n",    /* length too short for the record */
	    "30 path=x\n",   /* length past the data */
	    "10 pathx=\nx",  /* no newline at the end */
	    "6 =ab\n",       /* no key */
	    "x path=abc\n",  /* no length */
	    "12 size=12a\n", /* not a number */
	};
	for (size_t i = 0; i < sizeof bad_records / sizeof *bad_records; i++) {
		memset(t, 0, sizeof t);
		header(t, "PaxHeaders/f", 'x', size_zero);
		size_t n = strlen(bad_records[i]);
		snprintf((char *)t + 124, 12, "%011o", (unsigned)n & 0xff);
		fix_sum(t);
		memcpy(t + 512, bad_records[i], n);
		header(t + 1024, "f", '0', size_zero);
		ASSERT_EQ(parse_mem(t, sizeof t, err, sizeof err), MG_EBADMSG);
		ASSERT_CONTAINS(err, "header at byte 0: ");
	}
}

/* A pax header (x) with (records), then a file "f" of (body). */
static size_t pax_file(uint8_t *t, const char *records, const char *body)
{
	memset(t, 0, 512 * 6);
	header(t, "PaxHeaders/f", 'x', size_zero);
	size_t n = strlen(records);
	snprintf((char *)t + 124, 12, "%011o", (unsigned)n & 0xff);
	fix_sum(t);
	memcpy(t + 512, records, n);
	header(t + 1024, "f", '0', size_zero);
	snprintf((char *)t + 1024 + 124, 12, "%011o",
	         (unsigned)strlen(body) & 0xff);
	fix_sum(t + 1024);
	memcpy(t + 1536, body, strlen(body));
	return 512 * 6;
}

MGT_TEST(recorded_digest_is_used_and_checked)
{
	static uint8_t t[512 * 6];
	const char *rec = "83 MORGANA.sha256="
	                  "00112233445566778899aabbccddeeff"
	                  "00112233445566778899aabbccddeeff\n";
	size_t len = pax_file(t, rec, "data");
	mg_block dev;
	mg_kv_ro kv;
	ASSERT_EQ(mg_block_mem_connect(&dev, t, 512, len / 512, true), 0);
	ASSERT_EQ(mg_kv_ro_tar_connect(&kv, &dev), 0);
	char d[MG_KV_DIGEST_LEN + 1];
	ASSERT_EQ(mg_kv_ro_digest(&kv, "f", d), 0);
	/* Taken from the record, not computed from the bytes. */
	ASSERT_STREQ(d, "00112233445566778899aabbccddeeff"
	                "00112233445566778899aabbccddeeff");
	mg__tar_store_free(&kv);
	mg_block_mem_free(&dev);

	char err[256];
	len = pax_file(t,
	               "83 MORGANA.sha256="
	               "00112233445566778899AABBCCDDEEFF"
	               "00112233445566778899aabbccddeeff\n",
	               "data");
	ASSERT_EQ(parse_mem(t, len, err, sizeof err), MG_EBADMSG);
	ASSERT_CONTAINS(err, "MORGANA.sha256 is not 64 lowercase hex digits");
	len = pax_file(t, "22 MORGANA.sha256=abc\n", "data");
	ASSERT_EQ(parse_mem(t, len, err, sizeof err), MG_EBADMSG);

	/* Without a record the digest is computed. */
	len = pax_file(t, "13 mtime=1.5\n", "abc");
	ASSERT_EQ(mg_block_mem_connect(&dev, t, 512, len / 512, true), 0);
	ASSERT_EQ(mg_kv_ro_tar_connect(&kv, &dev), 0);
	ASSERT_EQ(mg_kv_ro_digest(&kv, "f", d), 0);
	ASSERT_STREQ(d, "ba7816bf8f01cfea414140de5dae2223"
	                "b00361a396177a9cb410ff61f20015ad");
	uint64_t mt;
	ASSERT_EQ(mg_kv_ro_last_modified(&kv, "f", &mt), 0);
	ASSERT_EQ(mt, 1500000000);
	mg__tar_store_free(&kv);
	mg_block_mem_free(&dev);
}

MGT_TEST(old_signed_checksums_are_accepted)
{
	static uint8_t t[512 * 4];
	header(t, "caf\xe9", '0', size_zero);
	/* The sum of the bytes read as signed chars. */
	memset(t + 148, ' ', 8);
	int sum = 0;
	for (int i = 0; i < 512; i++)
		sum += (int8_t)t[i];
	snprintf((char *)t + 148, 8, "%06o", sum);
	char err[256];
	ASSERT_EQ(parse_mem(t, sizeof t, err, sizeof err), 0);
}
