/* The tar store over archives made by GNU tar, and refusals of bad ones. */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mg/block.h>
#include <mg/error.h>
#include <mg/kv_ro.h>

#include "../../storage/tar.h"
#include "mgtest.h"

static char tmpdir[64];

/* Together past ustar's 100-byte name field, each within it. */
#define LONG_D                                                                 \
	"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd" \
	"dddddddddddd"
#define LONG_F                                                                 \
	"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff" \
	"ffffffffffff"

/* Run a shell command built like printf; the test fails if it does. */
__attribute__((format(printf, 1, 2))) static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		mgt_fail(__FILE__, __LINE__, "command failed: %s", cmd);
}

static void make_tree(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/mg-test-tar-XXXXXX");
	ASSERT_TRUE(mkdtemp(tmpdir) != NULL);
	sh("cd %s && mkdir -p t/a/b/c t/emptydir && printf hello > t/a/x.txt"
	   " && : > t/empty"
	   " && head -c 300000 /dev/urandom > t/a/b/c/random.bin"
	   " && mkdir t/a/b/c/%s && printf deep > t/a/b/c/%s/%s.txt"
	   " && touch -d @1700000000.5 t/a/x.txt",
	   tmpdir, LONG_D, LONG_D, LONG_F);
}

static void cleanup(void)
{
	sh("rm -rf %s", tmpdir);
}

/* Read (path) into a buffer of whole sectors. */
static uint8_t *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	ASSERT_TRUE(fd >= 0);
	struct stat st;
	ASSERT_EQ(fstat(fd, &st), 0);
	size_t n = ((size_t)st.st_size + 511) / 512 * 512;
	uint8_t *p = calloc(1, n ? n : 512);
	ASSERT_EQ(read(fd, p, (size_t)st.st_size), st.st_size);
	close(fd);
	*len = n;
	return p;
}

typedef struct store {
	uint8_t *mem;
	mg_block dev;
	mg_kv_ro kv;
} store;

static int open_archive(store *s, const char *tar_args)
{
	sh("cd %s/t && tar %s -cf ../a.tar .", tmpdir, tar_args);
	char path[128];
	snprintf(path, sizeof path, "%s/a.tar", tmpdir);
	size_t len;
	s->mem = slurp(path, &len);
	ASSERT_EQ(mg_block_mem_connect(&s->dev, s->mem, 512, len / 512, true),
	          0);
	return mg_kv_ro_tar_connect(&s->kv, &s->dev);
}

static void expect_file(mg_kv_ro *kv, const char *key, const char *host)
{
	char path[512];
	snprintf(path, sizeof path, "%s/t/%s", tmpdir, host);
	size_t want_len;
	uint8_t *want = slurp(path, &want_len);
	struct stat st;
	ASSERT_EQ(stat(path, &st), 0);
	void *got;
	size_t got_len;
	ASSERT_EQ(mg_kv_ro_get_all(kv, key, &got, &got_len), 0);
	ASSERT_EQ(got_len, st.st_size);
	ASSERT_MEMEQ(got, want, got_len);
	free(got);
	free(want);

	/* The digest is sha256sum's. */
	char cmd[600], line[128] = "";
	snprintf(cmd, sizeof cmd, "sha256sum '%s'", path);
	FILE *f = popen(cmd, "r");
	ASSERT_TRUE(fgets(line, sizeof line, f) != NULL);
	pclose(f);
	line[64] = '\0';
	char digest[MG_KV_DIGEST_LEN + 1];
	ASSERT_EQ(mg_kv_ro_digest(kv, key, digest), 0);
	ASSERT_STREQ(digest, line);
}

static void check_tree(mg_kv_ro *kv)
{
	const char *name_long = "a/b/c/" LONG_D "/" LONG_F ".txt";
	const char *key_long = "/a/b/c/" LONG_D "/" LONG_F ".txt";

	expect_file(kv, "a/x.txt", "a/x.txt");
	expect_file(kv, "/empty", "empty");
	expect_file(kv, "a/b/c/random.bin", "a/b/c/random.bin");
	expect_file(kv, key_long, name_long);

	mg_kv_kind kind;
	ASSERT_EQ(mg_kv_ro_exists(kv, "a/b", &kind), 1);
	ASSERT_EQ(kind, MG_KV_DIR);
	ASSERT_EQ(mg_kv_ro_exists(kv, "emptydir", &kind), 1);
	ASSERT_EQ(kind, MG_KV_DIR);
	ASSERT_EQ(mg_kv_ro_exists(kv, "", &kind), 1);
	ASSERT_EQ(kind, MG_KV_DIR);
	ASSERT_EQ(mg_kv_ro_exists(kv, "a/nope", NULL), 0);
	ASSERT_EQ(mg_kv_ro_exists(kv, "a/x.txt/y", NULL), 0);
	ASSERT_EQ(mg_kv_ro_exists(kv, "a/../a", NULL), MG_EINVAL);

	uint64_t v;
	ASSERT_EQ(mg_kv_ro_size(kv, "a/b/c/random.bin", &v), 0);
	ASSERT_EQ(v, 300000);
	ASSERT_EQ(mg_kv_ro_size(kv, "a", &v), MG_EISDIR);
	ASSERT_EQ(mg_kv_ro_last_modified(kv, "a/x.txt", &v), 0);
	/* pax keeps the fraction; ustar and GNU whole seconds. */
	ASSERT_TRUE(v == 1700000000500000000ull || v == 1700000000000000000ull);

	char buf[16];
	size_t got;
	ASSERT_EQ(mg_kv_ro_get(kv, "a/x.txt", 1, buf, 3, &got), 0);
	ASSERT_EQ(got, 3);
	ASSERT_MEMEQ(buf, "ell", 3);
	ASSERT_EQ(mg_kv_ro_get(kv, "a/x.txt", 3, buf, 16, &got), 0);
	ASSERT_EQ(got, 2);
	ASSERT_EQ(mg_kv_ro_get(kv, "a/x.txt", 5, buf, 16, &got), 0);
	ASSERT_EQ(got, 0);
	ASSERT_EQ(mg_kv_ro_get(kv, "a/x.txt", 6, buf, 16, &got), MG_ERANGE);
	ASSERT_EQ(mg_kv_ro_get(kv, "a", 0, buf, 16, &got), MG_EISDIR);

	mg_kv_entry e[8];
	size_t n;
	ASSERT_EQ(mg_kv_ro_list(kv, "/", NULL, e, 8, &n), 0);
	ASSERT_EQ(n, 3);
	ASSERT_STREQ(e[0].name, "a");
	ASSERT_EQ(e[0].kind, MG_KV_DIR);
	ASSERT_STREQ(e[1].name, "empty");
	ASSERT_EQ(e[1].kind, MG_KV_FILE);
	ASSERT_STREQ(e[2].name, "emptydir");
	ASSERT_EQ(mg_kv_ro_list(kv, "a", NULL, e, 1, &n), 0);
	ASSERT_EQ(n, 1);
	ASSERT_STREQ(e[0].name, "b");
	ASSERT_EQ(mg_kv_ro_list(kv, "a", "b", e, 8, &n), 0);
	ASSERT_EQ(n, 1);
	ASSERT_STREQ(e[0].name, "x.txt");
	ASSERT_EQ(mg_kv_ro_list(kv, "a", "x.txt", e, 8, &n), 0);
	ASSERT_EQ(n, 0);
	ASSERT_EQ(mg_kv_ro_list(kv, "emptydir", NULL, e, 8, &n), 0);
	ASSERT_EQ(n, 0);
	ASSERT_EQ(mg_kv_ro_list(kv, "a/x.txt", NULL, e, 8, &n), MG_ENOTDIR);
	ASSERT_EQ(mg_kv_ro_list(kv, "zz", NULL, e, 8, &n), MG_ENOENT);
}

MGT_TEST(gnu_format_with_long_names)
{
	make_tree();
	store s;
	ASSERT_EQ(open_archive(&s, "--format=gnu"), 0);
	check_tree(&s.kv);
	cleanup();
}

MGT_TEST(pax_format_with_long_names_and_fractional_times)
{
	make_tree();
	store s;
	ASSERT_EQ(open_archive(&s, "--format=pax"), 0);
	check_tree(&s.kv);
	uint64_t v;
	ASSERT_EQ(mg_kv_ro_last_modified(&s.kv, "a/x.txt", &v), 0);
	ASSERT_EQ(v, 1700000000500000000ull);
	cleanup();
}

MGT_TEST(ustar_format_with_prefix_field)
{
	make_tree();
	store s;
	ASSERT_EQ(open_archive(&s, "--format=ustar"), 0);
	check_tree(&s.kv);
	cleanup();
}

MGT_TEST(later_member_of_the_same_name_wins)
{
	make_tree();
	sh("cd %s/t && tar --format=gnu -cf ../a.tar ./a/x.txt && "
	   "printf changed > a/x.txt && ln -s x.txt a/link && "
	   "ln a/x.txt a/hard && tar --format=gnu -rf ../a.tar ./a/link "
	   "./a/x.txt ./a/hard",
	   tmpdir);
	char path[128];
	snprintf(path, sizeof path, "%s/a.tar", tmpdir);
	size_t len;
	store s;
	s.mem = slurp(path, &len);
	ASSERT_EQ(mg_block_mem_connect(&s.dev, s.mem, 512, len / 512, true), 0);
	ASSERT_EQ(mg_kv_ro_tar_connect(&s.kv, &s.dev), 0);
	void *d;
	size_t n;
	ASSERT_EQ(mg_kv_ro_get_all(&s.kv, "a/x.txt", &d, &n), 0);
	ASSERT_STREQ(d, "changed");
	free(d);
	/* Links are not part of the store. */
	ASSERT_EQ(mg_kv_ro_exists(&s.kv, "a/link", NULL), 0);
	ASSERT_EQ(mg_kv_ro_exists(&s.kv, "a/hard", NULL), 0);
	cleanup();
}

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

static uint8_t *good_archive(size_t *len)
{
	make_tree();
	sh("cd %s/t && tar --format=pax -cf ../a.tar .", tmpdir);
	char path[128];
	snprintf(path, sizeof path, "%s/a.tar", tmpdir);
	uint8_t *p = slurp(path, len);
	cleanup();
	return p;
}

MGT_TEST(corrupt_headers_are_refused_with_a_reason)
{
	size_t len;
	uint8_t *a = good_archive(&len);
	char err[256];
	ASSERT_EQ(parse_mem(a, len, err, sizeof err), 0);

	uint8_t *c = malloc(len);
	memcpy(c, a, len);
	c[10] ^= 1; /* a byte of the first name */
	ASSERT_EQ(parse_mem(c, len, err, sizeof err), MG_EBADMSG);
	ASSERT_CONTAINS(err, "header at byte 0: checksum mismatch");

	memcpy(c, a, len);
	memcpy(c + 257, "tsuru", 5);
	ASSERT_EQ(parse_mem(c, len, err, sizeof err), MG_EBADMSG);
	ASSERT_CONTAINS(err, "checksum mismatch");
	fix_sum(c);
	ASSERT_EQ(parse_mem(c, len, err, sizeof err), MG_EBADMSG);
	ASSERT_CONTAINS(err, "not a ustar, pax or GNU tar header");

	/* Truncated in the middle of the random file's data. */
	mg__kv_index x = {0};
	ASSERT_EQ(mg__tar_parse(mem_rd, a, len, &x, err, sizeof err), 0);
	mg__kv_node *node;
	ASSERT_EQ(mg__kv_index_find(&x, "a/b/c/random.bin", &node), 0);
	uint64_t cut = node->offset + 512;
	mg__kv_index_free(&x);
	ASSERT_EQ(parse_mem(a, cut, err, sizeof err), MG_EBADMSG);
	ASSERT_CONTAINS(err, "run past the end");

	/* Only the first header and nothing after: ends at a boundary. */
	ASSERT_EQ(parse_mem(a, 0, err, sizeof err), 0);
	free(c);
	free(a);
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

MGT_TEST(fifty_megabytes_read_back_byte_identical)
{
	make_tree();
	sh("cd %s && rm -rf t && mkdir t && head -c 52428800 /dev/urandom "
	   "> t/big.bin",
	   tmpdir);
	store s;
	ASSERT_EQ(open_archive(&s, "--format=gnu"), 0);
	expect_file(&s.kv, "big.bin", "big.bin");
	cleanup();
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
