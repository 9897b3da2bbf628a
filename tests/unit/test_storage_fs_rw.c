/* fs as kv_rw: changes to a host folder, implicit directories, batches. */
/* Its static helpers too (parent_of), so first, as it defines _GNU_SOURCE;
 * the library's copy is then left out of the link. */
#include "../../storage/fs_rw.c"

#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mg/error.h>
#include <mg/kv_rw.h>

#include "mgtest.h"

static char root[64];

static void store(mg_kv_rw *kv)
{
	snprintf(root, sizeof root, "/tmp/mg-test-fsrw-XXXXXX");
	ASSERT_TRUE(mkdtemp(root) != NULL);
	ASSERT_EQ(mg_kv_rw_fs_connect(kv, root), 0);
}

static void done(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	ASSERT_EQ(system(cmd), 0);
}

/* The host file (rel) below the folder, read whole, or NULL. */
static char *host(const char *rel)
{
	static char buf[256];
	char path[256];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static bool host_exists(const char *rel)
{
	char path[256];
	struct stat st;
	snprintf(path, sizeof path, "%s/%s", root, rel);
	return lstat(path, &st) == 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in the folder's root, sorted, hidden ones of ours included. */
static char *root_names(void)
{
	static char out[512];
	char *names[64];
	size_t n = 0;
	out[0] = '\0';
	DIR *d = opendir(root);
	struct dirent *e;
	while ((e = readdir(d)) && n < 64)
		if (e->d_name[0] != '.' || strncmp(e->d_name, ".mg-", 4) == 0)
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		strcat(out, names[i]);
		strcat(out, " ");
		free(names[i]);
	}
	return out;
}

static char *get(mg_kv_rw *kv, const char *key)
{
	static char buf[256];
	size_t got;
	if (mg_kv_rw_get(kv, key, 0, buf, sizeof buf - 1, &got) < 0)
		return NULL;
	buf[got] = '\0';
	return buf;
}

MGT_TEST(set_makes_files_and_directories)
{
	mg_kv_rw kv;
	store(&kv);
	ASSERT_EQ(mg_kv_rw_set(&kv, "a/b/c.txt", "one", 3), 0);
	ASSERT_STREQ(host("a/b/c.txt"), "one");
	ASSERT_STREQ(get(&kv, "/a/b/c.txt"), "one");
	ASSERT_EQ(mg_kv_rw_set(&kv, "a/b/c.txt", "two!", 4), 0);
	ASSERT_STREQ(host("a/b/c.txt"), "two!");
	ASSERT_EQ(mg_kv_rw_set(&kv, "empty", "", 0), 0);
	ASSERT_STREQ(host("empty"), "");
	mg_kv_stat st;
	ASSERT_EQ(mg_kv_rw_stat(&kv, "a/b", &st), 0);
	ASSERT_EQ(st.kind, MG_KV_DIR);

	ASSERT_EQ(mg_kv_rw_set(&kv, "a/b", "x", 1), MG_EISDIR);
	ASSERT_EQ(mg_kv_rw_set(&kv, "", "x", 1), MG_EISDIR);
	ASSERT_EQ(mg_kv_rw_set(&kv, "a/b/c.txt/d", "x", 1), MG_ENOTDIR);
	ASSERT_EQ(mg_kv_rw_set(&kv, "../x", "x", 1), MG_EINVAL);
	ASSERT_STREQ(root_names(), "a empty ");

	/* The same store read through kv_ro. */
	mg_kv_ro ro = mg_kv_rw_ro(&kv);
	char d[MG_KV_DIGEST_LEN + 1];
	ASSERT_EQ(mg_kv_ro_digest(&ro, "empty", d), 0);
	ASSERT_STREQ(d, "e3b0c44298fc1c149afbf4c8996fb924"
	                "27ae41e4649b934ca495991b7852b855");
	done();
}

MGT_TEST(remove_takes_empty_directories_with_it)
{
	mg_kv_rw kv;
	store(&kv);
	ASSERT_EQ(mg_kv_rw_set(&kv, "a/b/c", "1", 1), 0);
	ASSERT_EQ(mg_kv_rw_set(&kv, "a/d", "2", 1), 0);
	ASSERT_EQ(mg_kv_rw_remove(&kv, "a/b/c"), 0);
	ASSERT_TRUE(!host_exists("a/b"));
	ASSERT_TRUE(host_exists("a/d"));
	ASSERT_EQ(mg_kv_rw_remove(&kv, "a/b/c"), MG_ENOENT);
	ASSERT_EQ(mg_kv_rw_set(&kv, "a/x/y/z", "3", 1), 0);
	ASSERT_EQ(mg_kv_rw_remove(&kv, "a"), 0);
	ASSERT_TRUE(!host_exists("a"));
	ASSERT_EQ(mg_kv_rw_remove(&kv, "/"), MG_EINVAL);
	ASSERT_STREQ(root_names(), "");
	done();
}

MGT_TEST(rename_files_and_directories)
{
	mg_kv_rw kv;
	store(&kv);
	ASSERT_EQ(mg_kv_rw_set(&kv, "a/f", "f", 1), 0);
	ASSERT_EQ(mg_kv_rw_set(&kv, "a/g", "g", 1), 0);
	ASSERT_EQ(mg_kv_rw_set(&kv, "b/h", "h", 1), 0);
	ASSERT_EQ(mg_kv_rw_rename(&kv, "a/f", "c/d/f2"), 0);
	ASSERT_STREQ(host("c/d/f2"), "f");
	ASSERT_EQ(mg_kv_rw_rename(&kv, "a/g", "b/h"), 0); /* replaces */
	ASSERT_STREQ(host("b/h"), "g");
	ASSERT_TRUE(!host_exists("a")); /* left empty */
	ASSERT_EQ(mg_kv_rw_rename(&kv, "b/h", "c"), MG_EISDIR);
	ASSERT_EQ(mg_kv_rw_rename(&kv, "c", "b"), MG_EEXIST);
	ASSERT_EQ(mg_kv_rw_rename(&kv, "c", "c/d/e"), MG_EINVAL);
	ASSERT_EQ(mg_kv_rw_rename(&kv, "nope", "x"), MG_ENOENT);
	ASSERT_EQ(mg_kv_rw_rename(&kv, "c", "c"), 0);
	ASSERT_EQ(mg_kv_rw_rename(&kv, "c", "z/moved"), 0);
	ASSERT_STREQ(host("z/moved/d/f2"), "f");
	ASSERT_STREQ(root_names(), "b z ");
	done();
}

MGT_TEST(batch_applies_all_or_nothing)
{
	mg_kv_rw kv;
	store(&kv);
	ASSERT_EQ(mg_kv_rw_set(&kv, "keep", "old", 3), 0);
	ASSERT_EQ(mg_kv_rw_set(&kv, "gone/x", "x", 1), 0);
	ASSERT_EQ(mg_kv_rw_set(&kv, "from", "moved", 5), 0);
	mg_kv_op ops[] = {
	    {MG_KV_OP_SET, "keep", NULL, {(const uint8_t *)"new", 3}},
	    {MG_KV_OP_SET, "n/one", NULL, {(const uint8_t *)"1", 1}},
	    {MG_KV_OP_REMOVE, "gone", NULL, {0}},
	    {MG_KV_OP_RENAME, "from", "to/here", {0}},
	    /* fails: "keep" is a file, so "keep/x" cannot be made */
	    {MG_KV_OP_SET, "keep/x", NULL, {(const uint8_t *)"!", 1}},
	};
	ASSERT_EQ(mg_kv_rw_batch(&kv, ops, 5), MG_ENOTDIR);
	/* Nothing applied, nothing left over. */
	ASSERT_STREQ(host("keep"), "old");
	ASSERT_STREQ(host("gone/x"), "x");
	ASSERT_STREQ(host("from"), "moved");
	ASSERT_TRUE(!host_exists("n"));
	ASSERT_TRUE(!host_exists("to"));
	ASSERT_STREQ(root_names(), "from gone keep ");

	ASSERT_EQ(mg_kv_rw_batch(&kv, ops, 4), 0);
	ASSERT_STREQ(host("keep"), "new");
	ASSERT_STREQ(host("n/one"), "1");
	ASSERT_TRUE(!host_exists("gone"));
	ASSERT_STREQ(host("to/here"), "moved");
	ASSERT_STREQ(root_names(), "keep n to ");

	mg_kv_op bad[] = {
	    {MG_KV_OP_REMOVE, "keep", NULL, {0}},
	    {MG_KV_OP_REMOVE, "keep", NULL, {0}},
	};
	ASSERT_EQ(mg_kv_rw_batch(&kv, bad, 2), MG_ENOENT);
	ASSERT_STREQ(host("keep"), "new");
	ASSERT_EQ(mg_kv_rw_sync(&kv), 0);
	ASSERT_STREQ(root_names(), "keep n to ");
	done();
}

MGT_TEST(changes_stay_inside_the_folder)
{
	mg_kv_rw kv;
	store(&kv);
	char out[128];
	snprintf(out, sizeof out, "%s-outside", root);
	ASSERT_EQ(mkdir(out, 0755), 0);
	char link[160];
	snprintf(link, sizeof link, "%s/escape", root);
	ASSERT_EQ(symlink(out, link), 0);
	ASSERT_EQ(mg_kv_rw_set(&kv, "escape/x", "no", 2), MG_EACCES);
	ASSERT_EQ(mg_kv_rw_rename(&kv, "escape", "e2"), MG_EACCES);
	char path[200];
	snprintf(path, sizeof path, "%s/x", out);
	ASSERT_TRUE(access(path, F_OK) != 0);
	rmdir(out);
	done();
}

/* A change below a file is MG_ENOTDIR (mg/kv_rw.h), below a missing
 * directory MG_ENOENT, wherever the parent is looked up. */
MGT_TEST(parent_of_tells_a_file_in_the_way_from_a_missing_directory)
{
	mg_kv_rw kv;
	store(&kv);
	ASSERT_EQ(mg_kv_rw_set(&kv, "f", "x", 1), 0);
	ASSERT_EQ(mg_kv_rw_set(&kv, "d/g", "x", 1), 0);
	mg__fs *fs = kv.self;
	const char *name;
	ASSERT_EQ(parent_of(fs, "f/x", &name), MG_ENOTDIR);
	ASSERT_STREQ(name, "x");
	ASSERT_EQ(parent_of(fs, "f/y/x", &name), MG_ENOTDIR);
	ASSERT_EQ(parent_of(fs, "d/g/x", &name), MG_ENOTDIR);
	ASSERT_EQ(parent_of(fs, "d/g/y/x", &name), MG_ENOTDIR);
	ASSERT_EQ(parent_of(fs, "none/x", &name), MG_ENOENT);
	ASSERT_EQ(parent_of(fs, "d/none/f/x", &name), MG_ENOENT);
	int fd = parent_of(fs, "d/x", &name);
	ASSERT_TRUE(fd >= 0);
	close(fd);
	fd = parent_of(fs, "top", &name);
	ASSERT_TRUE(fd >= 0);
	ASSERT_STREQ(name, "top");
	close(fd);
	/* Through the interface: a rename or a batch below a file. */
	ASSERT_EQ(mg_kv_rw_rename(&kv, "d/g", "f/g"), MG_ENOTDIR);
	ASSERT_EQ(mg_kv_rw_rename(&kv, "f/g", "d/h"), MG_ENOENT);
	ASSERT_EQ(mg_kv_rw_remove(&kv, "f/g"), MG_ENOENT);
	done();
}
