/* fs: a kv_ro store over a host folder at run time (unix only). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <mg/error.h>

#include "fs_internal.h"
#include "sha256.h"

/* see mg/kv_ro.h */

int mg__fs_error(int err)
{
	switch (err) {
	case ENOENT:
	case ENOTDIR:
		return MG_ENOENT;
	case EXDEV: /* RESOLVE_BENEATH: the path leaves the folder */
	case ELOOP:
	case EACCES:
	case EPERM:
		return MG_EACCES;
	case ENAMETOOLONG:
		return MG_ENAMETOOLONG;
	case ENOMEM:
		return MG_ENOMEM;
	case EISDIR:
		return MG_EISDIR;
	case ENOSPC:
	case EDQUOT:
		return MG_ENOSPC;
	case EROFS:
		return MG_EROFS;
	case EEXIST:
	case ENOTEMPTY:
		return MG_EEXIST;
	default:
		return MG_EIO;
	}
}

static int open_beneath(int dirfd, const char *path, int flags)
{
	/* The kernel refuses, atomically, any step out of (dirfd): "..",
	 * absolute symbolic links, and relative ones that climb out. */
	struct open_how how = {
	    .flags = (uint64_t)(flags | O_CLOEXEC),
	    .mode = (flags & O_CREAT) ? 0644 : 0,
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	int fd;
	do
		fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
	while (fd < 0 && errno == EINTR);
	return fd;
}

int mg__fs_open(mg__fs **out, const char *root)
{
	int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOTDIR ? MG_ENOENT : mg__fs_error(errno);
	int probe = open_beneath(fd, ".", O_PATH);
	if (probe < 0) {
		int e = errno;
		close(fd);
		return e == ENOSYS ? MG_ENOTSUP : mg__fs_error(e);
	}
	close(probe);
	mg__fs *fs = malloc(sizeof *fs);
	if (!fs) {
		close(fd);
		return MG_ENOMEM;
	}
	fs->root = fd;
	*out = fs;
	return 0;
}

int mg__fs_resolve(mg__fs *fs, const char *key, int flags, const char **rel)
{
	const char *r;
	int rc = mg_kv_key_check(key, &r);
	if (rc < 0)
		return rc;
	if (rel)
		*rel = r;
	int fd = open_beneath(fs->root, *r ? r : ".", flags);
	return fd < 0 ? mg__fs_error(errno) : fd;
}

/* The kind of what (fd) opens: file, directory, or 0 for anything else
 * (devices, sockets, FIFOs are not part of a store). */
static int kind_of(int fd, struct stat *st)
{
	if (fstat(fd, st) < 0)
		return mg__fs_error(errno);
	if (S_ISREG(st->st_mode))
		return MG_KV_FILE;
	if (S_ISDIR(st->st_mode))
		return MG_KV_DIR;
	return 0;
}

static int fs_stat(void *self, const char *key, mg_kv_stat *out)
{
	int fd = mg__fs_resolve(self, key, O_PATH, NULL);
	if (fd < 0)
		return fd;
	struct stat st;
	int k = kind_of(fd, &st);
	close(fd);
	if (k <= 0)
		return k < 0 ? k : MG_ENOENT;
	out->kind = (mg_kv_kind)k;
	out->size = k == MG_KV_FILE ? (uint64_t)st.st_size : 0;
	out->mtime_ns = (uint64_t)st.st_mtim.tv_sec * 1000000000u +
	                (uint64_t)st.st_mtim.tv_nsec;
	return 0;
}

/* Open file (key) for reading: MG_EISDIR, MG_ENOENT for a special file. */
static int open_file(mg__fs *fs, const char *key, struct stat *st)
{
	int fd = mg__fs_resolve(fs, key, O_RDONLY | O_NONBLOCK, NULL);
	if (fd < 0)
		return fd;
	int k = kind_of(fd, st);
	if (k != MG_KV_FILE) {
		close(fd);
		return k < 0 ? k : k == MG_KV_DIR ? MG_EISDIR : MG_ENOENT;
	}
	return fd;
}

static int fs_get(void *self, const char *key, uint64_t off, void *buf,
                  size_t len, size_t *got)
{
	struct stat st;
	int fd = open_file(self, key, &st);
	if (fd < 0)
		return fd;
	if (off > (uint64_t)st.st_size) {
		close(fd);
		return MG_ERANGE;
	}
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done,
		                  (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			return mg__fs_error(e);
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	close(fd);
	*got = done;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether (name) in directory (rel) is a file or directory of the store,
 * following a symbolic link only if it stays inside the folder. */
static int entry_kind(mg__fs *fs, int dirfd, const char *rel, const char *name)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (S_ISREG(st.st_mode))
		return MG_KV_FILE;
	if (S_ISDIR(st.st_mode))
		return MG_KV_DIR;
	if (!S_ISLNK(st.st_mode))
		return 0;
	size_t rl = strlen(rel), nl = strlen(name);
	char *path = malloc(rl + nl + 2);
	if (!path)
		return 0;
	memcpy(path, rel, rl);
	path[rl] = '/';
	memcpy(path + (rl ? rl + 1 : 0), name, nl + 1);
	int fd = open_beneath(fs->root, path, O_PATH);
	free(path);
	if (fd < 0)
		return 0;
	int k = kind_of(fd, &st);
	close(fd);
	return k > 0 ? k : 0;
}

static int fs_list(void *self, const char *dir, const char *after,
                   mg_kv_entry *entries, size_t max, size_t *n)
{
	mg__fs *fs = self;
	const char *rel;
	int fd = mg__fs_resolve(fs, dir, O_RDONLY | O_DIRECTORY, &rel);
	if (fd == MG_ENOENT) {
		mg_kv_stat st;
		if (fs_stat(fs, dir, &st) == 0 && st.kind == MG_KV_FILE)
			return MG_ENOTDIR;
	}
	if (fd < 0)
		return fd;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return MG_ENOMEM;
	}
	char **names = NULL;
	size_t count = 0, cap = 0;
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *nm = e->d_name;
		/* .mg-tmp.*: a change of fs_rw.c under way. */
		if (!strcmp(nm, ".") || !strcmp(nm, "..") ||
		    !strncmp(nm, ".mg-tmp.", 8) ||
		    (after && strcmp(nm, after) <= 0))
			continue;
		if (count == cap) {
			cap = cap ? 2 * cap : 32;
			char **p = realloc(names, cap * sizeof *p);
			if (!p) {
				rc = MG_ENOMEM;
				break;
			}
			names = p;
		}
		if (!(names[count] = strdup(nm))) {
			rc = MG_ENOMEM;
			break;
		}
		count++;
	}
	if (count)
		qsort(names, count, sizeof *names, by_name);
	size_t k = 0;
	for (size_t i = 0; rc == 0 && i < count && k < max; i++) {
		int kind = entry_kind(fs, dirfd(d), rel, names[i]);
		if (!kind || strlen(names[i]) > MG_KV_NAME_MAX)
			continue;
		strcpy(entries[k].name, names[i]);
		entries[k++].kind = (mg_kv_kind)kind;
	}
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	closedir(d);
	*n = k;
	return rc;
}

static int fs_digest(void *self, const char *key,
                     char out[MG_KV_DIGEST_LEN + 1])
{
	struct stat st;
	int fd = open_file(self, key, &st);
	if (fd < 0)
		return fd;
	enum { CHUNK = 64 * 1024 };
	char *buf = malloc(CHUNK);
	if (!buf) {
		close(fd);
		return MG_ENOMEM;
	}
	mg__sha256 s;
	mg__sha256_init(&s);
	int rc = 0;
	for (;;) {
		ssize_t n = read(fd, buf, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = mg__fs_error(errno);
		if (n <= 0)
			break;
		mg__sha256_update(&s, buf, (size_t)n);
	}
	free(buf);
	close(fd);
	if (rc == 0)
		mg__sha256_final_hex(&s, out);
	return rc;
}

const mg_kv_ro_ops mg__fs_ro_ops = {
    .stat = fs_stat,
    .get = fs_get,
    .list = fs_list,
    .digest = fs_digest,
};

int mg_kv_ro_fs_connect(mg_kv_ro *out, const char *root)
{
	mg__fs *fs;
	int rc = mg__fs_open(&fs, root);
	if (rc < 0)
		return rc;
	out->ops = &mg__fs_ro_ops;
	out->self = fs;
	return 0;
}
