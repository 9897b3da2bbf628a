/* kv_ro: key rules, helpers, the crunch layout and the fs store. */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mg/crunch.h>
#include <mg/error.h>
#include <mg/kv_ro.h>

#include "mgtest.h"

MGT_TEST(key_rules)
{
	const char *rel;
	ASSERT_EQ(mg_kv_key_check("a/b.txt", &rel), 0);
	ASSERT_STREQ(rel, "a/b.txt");
	ASSERT_EQ(mg_kv_key_check("/a/b.txt", &rel), 0);
	ASSERT_STREQ(rel, "a/b.txt");
	ASSERT_EQ(mg_kv_key_check("", &rel), 0);
	ASSERT_STREQ(rel, "");
	ASSERT_EQ(mg_kv_key_check("/", &rel), 0);
	ASSERT_STREQ(rel, "");
	ASSERT_EQ(mg_kv_key_check("...", &rel), 0); /* a name, not ".." */
	ASSERT_EQ(mg_kv_key_check(".hidden/x", &rel), 0);

	const char *bad[] = {"//a",  "a//b",  "a/", "/a/", "..", "a/..",
	                     "../a", "a/./b", ".",  "/.",  NULL};
	for (int i = 0; bad[i]; i++)
		ASSERT_EQ(mg_kv_key_check(bad[i], &rel), MG_EINVAL);
	ASSERT_EQ(mg_kv_key_check(NULL, &rel), MG_EINVAL);

	char seg[300];
	memset(seg, 'x', sizeof seg);
	seg[255] = '\0';
	ASSERT_EQ(mg_kv_key_check(seg, &rel), 0);
	seg[255] = 'x';
	seg[256] = '\0';
	ASSERT_EQ(mg_kv_key_check(seg, &rel), MG_ENAMETOOLONG);

	char key[MG_KV_KEY_MAX + 2];
	for (int i = 0; i < MG_KV_KEY_MAX + 1; i++)
		key[i] = i % 10 == 9 ? '/' : 'k';
	key[MG_KV_KEY_MAX - 1] = 'k';
	key[MG_KV_KEY_MAX] = '\0';
	ASSERT_EQ(mg_kv_key_check(key, &rel), 0);
	key[MG_KV_KEY_MAX] = 'k';
	key[MG_KV_KEY_MAX + 1] = '\0';
	ASSERT_EQ(mg_kv_key_check(key, &rel), MG_ENAMETOOLONG);
}

/* A crunch image as the generator lays it out: root, a/, a/x, b, z. */
static const uint8_t x_data[] = "hello";
static const mg_crunch_entry entries[] = {
    {"", NULL, 0, 0, "", 1, 0, 3},
    {"a", NULL, 0, 5, "", 1, 3, 1},
    {"a/x", x_data, 5, 1700000000000000000ull,
     "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", 0, 0,
     0},
    {"b", NULL, 0, 0, "", 1, 4, 0},
    {"z", x_data, 0, 0,
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 0, 0,
     0},
};
static const uint32_t children[] = {1, 3, 4, 2};
static const mg_crunch_image image = {entries, 5, children, 4};

MGT_TEST(crunch_serves_its_image)
{
	mg_kv_ro kv;
	ASSERT_EQ(mg_kv_ro_crunch_connect(&kv, &image), 0);
	mg_kv_stat st;
	ASSERT_EQ(mg_kv_ro_stat(&kv, "/a/x", &st), 0);
	ASSERT_EQ(st.kind, MG_KV_FILE);
	ASSERT_EQ(st.size, 5);
	ASSERT_EQ(st.mtime_ns, 1700000000000000000ull);
	ASSERT_EQ(mg_kv_ro_stat(&kv, "a", &st), 0);
	ASSERT_EQ(st.kind, MG_KV_DIR);
	ASSERT_EQ(mg_kv_ro_stat(&kv, "a/y", &st), MG_ENOENT);
	ASSERT_EQ(mg_kv_ro_stat(&kv, "a/../a", &st), MG_EINVAL);

	char buf[8];
	size_t got;
	ASSERT_EQ(mg_kv_ro_get(&kv, "a/x", 2, buf, 8, &got), 0);
	ASSERT_EQ(got, 3);
	ASSERT_MEMEQ(buf, "llo", 3);
	ASSERT_EQ(mg_kv_ro_get(&kv, "a/x", 6, buf, 8, &got), MG_ERANGE);
	ASSERT_EQ(mg_kv_ro_get(&kv, "a", 0, buf, 8, &got), MG_EISDIR);
	ASSERT_EQ(mg_kv_ro_get(&kv, "z", 0, buf, 8, &got), 0);
	ASSERT_EQ(got, 0);

	char d[MG_KV_DIGEST_LEN + 1];
	ASSERT_EQ(mg_kv_ro_digest(&kv, "a/x", d), 0);
	ASSERT_STREQ(d, entries[2].digest);
	ASSERT_EQ(mg_kv_ro_digest(&kv, "b", d), MG_EISDIR);

	mg_kv_entry e[4];
	size_t n;
	ASSERT_EQ(mg_kv_ro_list(&kv, "", NULL, e, 4, &n), 0);
	ASSERT_EQ(n, 3);
	ASSERT_STREQ(e[0].name, "a");
	ASSERT_STREQ(e[1].name, "b");
	ASSERT_STREQ(e[2].name, "z");
	ASSERT_EQ(e[2].kind, MG_KV_FILE);
	ASSERT_EQ(mg_kv_ro_list(&kv, "", "a", e, 1, &n), 0);
	ASSERT_EQ(n, 1);
	ASSERT_STREQ(e[0].name, "b");
	ASSERT_EQ(mg_kv_ro_list(&kv, "", "aa", e, 4, &n), 0);
	ASSERT_EQ(n, 2);
	ASSERT_EQ(mg_kv_ro_list(&kv, "a", NULL, e, 4, &n), 0);
	ASSERT_EQ(n, 1);
	ASSERT_STREQ(e[0].name, "x");
	ASSERT_EQ(mg_kv_ro_list(&kv, "a/x", NULL, e, 4, &n), MG_ENOTDIR);

	const void *view;
	size_t vlen;
	ASSERT_EQ(mg_kv_ro_view(&kv, "a/x", 1, &view, &vlen), 0);
	ASSERT_EQ(vlen, 4);
	ASSERT_TRUE(view == x_data + 1);
	ASSERT_EQ(mg_kv_ro_view(&kv, "a/x", 6, &view, &vlen), MG_ERANGE);
	ASSERT_EQ(mg_kv_ro_view(&kv, "a", 0, &view, &vlen), MG_EISDIR);

	void *all;
	size_t len;
	ASSERT_EQ(mg_kv_ro_get_all(&kv, "a/x", &all, &len), 0);
	ASSERT_EQ(len, 5);
	ASSERT_STREQ(all, "hello");
	free(all);
	ASSERT_EQ(mg_kv_ro_get_all(&kv, "a", &all, &len), MG_EISDIR);
}

static int collect(void *arg, const mg_kv_entry *e)
{
	char *out = arg;
	strcat(out, e->name);
	strcat(out, e->kind == MG_KV_DIR ? "/ " : " ");
	return strcmp(e->name, "stop") == 0 ? 42 : 0;
}

MGT_TEST(list_each_walks_in_batches)
{
	mg_kv_ro kv;
	ASSERT_EQ(mg_kv_ro_crunch_connect(&kv, &image), 0);
	char out[256] = "";
	ASSERT_EQ(mg_kv_ro_list_each(&kv, "/", collect, out), 0);
	ASSERT_STREQ(out, "a/ b/ z ");
	ASSERT_EQ(mg_kv_ro_list_each(&kv, "nope", collect, out), MG_ENOENT);
}

/* --- fs --- */

static char root[64];

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

static void fs_tree(mg_kv_ro *kv)
{
	snprintf(root, sizeof root, "/tmp/mg-test-fs-XXXXXX");
	ASSERT_TRUE(mkdtemp(root) != NULL);
	sh("cd %s && mkdir -p in/d in/e && printf secret > out.txt && "
	   "printf abc > in/d/f && ln -s d/f in/inside && "
	   "ln -s ../out.txt in/climb && ln -s /etc/hostname in/abs && "
	   "ln -s d in/dlink && mkfifo in/fifo && printf top > in/top && "
	   "touch -d @1600000000.25 in/top",
	   root);
	char path[128];
	snprintf(path, sizeof path, "%s/in", root);
	ASSERT_EQ(mg_kv_ro_fs_connect(kv, path), 0);
}

MGT_TEST(fs_reads_the_folder)
{
	mg_kv_ro kv;
	fs_tree(&kv);
	void *d;
	size_t n;
	ASSERT_EQ(mg_kv_ro_get_all(&kv, "/d/f", &d, &n), 0);
	ASSERT_STREQ(d, "abc");
	free(d);
	ASSERT_EQ(mg_kv_ro_get_all(&kv, "inside", &d, &n), 0);
	ASSERT_STREQ(d, "abc");
	free(d);
	ASSERT_EQ(mg_kv_ro_get_all(&kv, "dlink/f", &d, &n), 0);
	free(d);

	mg_kv_stat st;
	ASSERT_EQ(mg_kv_ro_stat(&kv, "top", &st), 0);
	ASSERT_EQ(st.kind, MG_KV_FILE);
	ASSERT_EQ(st.size, 3);
	ASSERT_EQ(st.mtime_ns, 1600000000250000000ull);
	ASSERT_EQ(mg_kv_ro_stat(&kv, "", &st), 0);
	ASSERT_EQ(st.kind, MG_KV_DIR);
	ASSERT_EQ(mg_kv_ro_stat(&kv, "d/f/g", &st), MG_ENOENT);
	ASSERT_EQ(mg_kv_ro_stat(&kv, "fifo", &st), MG_ENOENT);

	char buf[4];
	size_t got;
	ASSERT_EQ(mg_kv_ro_get(&kv, "top", 1, buf, 4, &got), 0);
	ASSERT_EQ(got, 2);
	ASSERT_EQ(mg_kv_ro_get(&kv, "top", 4, buf, 4, &got), MG_ERANGE);
	ASSERT_EQ(mg_kv_ro_get(&kv, "d", 0, buf, 4, &got), MG_EISDIR);

	const void *view;
	ASSERT_EQ(mg_kv_ro_view(&kv, "d/f", 0, &view, &n), MG_ENOTSUP);
	char dg[MG_KV_DIGEST_LEN + 1];
	ASSERT_EQ(mg_kv_ro_digest(&kv, "d/f", dg), 0);
	ASSERT_STREQ(
	    dg,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

	char out[256] = "";
	ASSERT_EQ(mg_kv_ro_list_each(&kv, "", collect, out), 0);
	ASSERT_STREQ(out, "d/ dlink/ e/ inside top ");
	mg_kv_entry e[2];
	ASSERT_EQ(mg_kv_ro_list(&kv, "d/f", NULL, e, 2, &n), MG_ENOTDIR);
	ASSERT_EQ(mg_kv_ro_list(&kv, "", "inside", e, 2, &n), 0);
	ASSERT_EQ(n, 1);
	ASSERT_STREQ(e[0].name, "top");
	sh("rm -rf %s", root);
}

MGT_TEST(fs_refuses_what_leaves_the_folder)
{
	mg_kv_ro kv;
	fs_tree(&kv);
	mg_kv_stat st;
	char buf[16];
	size_t got;
	ASSERT_EQ(mg_kv_ro_stat(&kv, "climb", &st), MG_EACCES);
	ASSERT_EQ(mg_kv_ro_get(&kv, "climb", 0, buf, 16, &got), MG_EACCES);
	ASSERT_EQ(mg_kv_ro_get(&kv, "abs", 0, buf, 16, &got), MG_EACCES);
	ASSERT_EQ(mg_kv_ro_get(&kv, "../out.txt", 0, buf, 16, &got), MG_EINVAL);
	ASSERT_EQ(mg_kv_ro_get(&kv, "d/../../out.txt", 0, buf, 16, &got),
	          MG_EINVAL);
	ASSERT_EQ(mg_kv_ro_stat(&kv, "//etc/passwd", &st), MG_EINVAL);
	/* An absolute-looking key is relative to the folder. */
	ASSERT_EQ(mg_kv_ro_stat(&kv, "/etc/passwd", &st), MG_ENOENT);
	sh("rm -rf %s", root);
	ASSERT_EQ(mg_kv_ro_fs_connect(&kv, "/etc/hostname"), MG_ENOENT);
	ASSERT_EQ(mg_kv_ro_fs_connect(&kv, "/nonexistent"), MG_ENOENT);
}
