/* The tar store over archives made by GNU tar, whole, cut and damaged. */
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

/* Recompute the checksum of header (h). */
static void fix_sum(uint8_t *h)
{
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
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
