/* fs as kv_rw (unix only): changes to a host folder, each durable on return. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mg/error.h>
#include <mg/kv_rw.h>

#include "fs_internal.h"

/* see mg/kv_rw.h */

static unsigned long serial; /* unique names of temporary files */

/* Open the directory (rel) (the root for "") below the folder. */
static int open_dir(mg__fs *fs, const char *rel, size_t len)
{
	char path[MG_KV_KEY_MAX + 2];
	if (len == 0)
		return mg__fs_resolve(fs, "", O_PATH | O_DIRECTORY, NULL);
	memcpy(path, rel, len);
	path[len] = '\0';
	return mg__fs_resolve(fs, path, O_PATH | O_DIRECTORY, NULL);
}

/* MG_KV_FILE, MG_KV_DIR, 0 when absent, or an error. */
static int kind_of(mg__fs *fs, const char *rel)
{
	if (!*rel)
		return MG_KV_DIR;
	mg_kv_stat st;
	int rc = mg__fs_ro_ops.stat(fs, rel, &st);
	if (rc == MG_ENOENT)
		return 0;
	return rc < 0 ? rc : (int)st.kind;
}

/*
 * Why the directory (rel) up to (len) did not open (MG_ENOENT, which the
 * host's ENOTDIR also becomes): MG_ENOTDIR when it or a directory above it
 * is a file, as mg/kv_rw.h says of a change below a file; else MG_ENOENT.
 */
static int missing_or_file(mg__fs *fs, const char *rel, size_t len)
{
	char path[MG_KV_KEY_MAX + 2];
	memcpy(path, rel, len);
	path[len] = '\0';
	for (size_t i = 1; i <= len; i++) {
		if (i < len && path[i] != '/')
			continue;
		char c = path[i];
		path[i] = '\0';
		int k = kind_of(fs, path);
		path[i] = c;
		if (k == MG_KV_FILE)
			return MG_ENOTDIR;
		if (k != MG_KV_DIR)
			break; /* missing: nothing below it exists either */
	}
	return MG_ENOENT;
}

/* The directory holding (rel), and its last segment in (*name). */
static int parent_of(mg__fs *fs, const char *rel, const char **name)
{
	const char *slash = strrchr(rel, '/');
	size_t len = slash ? (size_t)(slash - rel) : 0;
	*name = slash ? slash + 1 : rel;
	int fd = open_dir(fs, rel, len);
	/* A segment that is a file: the key cannot be made. */
	return fd == MG_ENOENT ? missing_or_file(fs, rel, len) : fd;
}

static int sync_dir(int fd)
{
	int d = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d < 0)
		return mg__fs_error(errno);
	int rc = fsync(d) < 0 ? mg__fs_error(errno) : 0;
	close(d);
	return rc;
}

/* Open the directory holding the segment of (rel) that ends at (end), and
 * copy the segment into (name). */
static int open_segment_dir(mg__fs *fs, const char *rel, const char *end,
                            char name[MG_KV_NAME_MAX + 1])
{
	const char *seg = end;
	while (seg > rel && seg[-1] != '/')
		seg--;
	memcpy(name, seg, (size_t)(end - seg));
	name[end - seg] = '\0';
	return open_dir(fs, rel, seg > rel ? (size_t)(seg - rel - 1) : 0);
}

/* Make the directories above (rel). MG_ENOTDIR if one is a file. */
static int make_parents(mg__fs *fs, const char *rel)
{
	for (const char *s = strchr(rel, '/'); s; s = strchr(s + 1, '/')) {
		char name[MG_KV_NAME_MAX + 1];
		int fd = open_segment_dir(fs, rel, s, name);
		if (fd < 0)
			return fd == MG_ENOENT ? MG_ENOTDIR : fd;
		int rc = 0;
		if (mkdirat(fd, name, 0755) < 0 && errno != EEXIST)
			rc = mg__fs_error(errno);
		close(fd);
		if (rc < 0)
			return rc;
	}
	/* Each now exists; one that was a file is found here. */
	const char *slash = strrchr(rel, '/');
	if (slash) {
		int fd = open_dir(fs, rel, (size_t)(slash - rel));
		if (fd < 0)
			return fd == MG_ENOENT ? MG_ENOTDIR : fd;
		close(fd);
	}
	return 0;
}

/* Remove the directories above (rel) that are left empty. */
static void prune(mg__fs *fs, const char *rel)
{
	size_t len = strlen(rel);
	while (len) {
		while (len && rel[len - 1] != '/')
			len--;
		if (!len)
			return;
		len--; /* the parent is rel[0, len) */
		char name[MG_KV_NAME_MAX + 1];
		int fd = open_segment_dir(fs, rel, rel + len, name);
		if (fd < 0)
			return;
		int rc = unlinkat(fd, name, AT_REMOVEDIR);
		if (rc == 0)
			sync_dir(fd);
		close(fd);
		if (rc < 0)
			return;
	}
}

static int fs_set(void *self, const char *key, const void *data, size_t len)
{
	mg__fs *fs = self;
	const char *rel, *name;
	int rc = mg_kv_key_check(key, &rel);
	if (rc < 0)
		return rc;
	if ((rc = kind_of(fs, rel)) < 0)
		return rc;
	if (rc == MG_KV_DIR)
		return MG_EISDIR;
	if ((rc = make_parents(fs, rel)) < 0)
		return rc;
	int dir = parent_of(fs, rel, &name);
	if (dir < 0)
		return dir;
	char tmp[64];
	snprintf(tmp, sizeof tmp, ".mg-tmp.%d.%lu", (int)getpid(), ++serial);
	int fd =
	    openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	rc = fd < 0 ? mg__fs_error(errno) : 0;
	for (size_t done = 0; rc == 0 && done < len;) {
		ssize_t n = write(fd, (const char *)data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			rc = mg__fs_error(n < 0 ? errno : ENOSPC);
		else
			done += (size_t)n;
	}
	/* The bytes are on disk before the name points at them. */
	if (rc == 0 && fsync(fd) < 0)
		rc = mg__fs_error(errno);
	if (fd >= 0)
		close(fd);
	if (rc == 0 && renameat(dir, tmp, dir, name) < 0)
		rc = mg__fs_error(errno);
	if (rc == 0)
		rc = sync_dir(dir);
	else if (fd >= 0)
		unlinkat(dir, tmp, 0);
	close(dir);
	if (rc < 0)
		prune(fs, rel);
	return rc;
}

/* Rename (from) to (to), both checked, after the kv_rw rules. */
static int move(mg__fs *fs, const char *from, const char *to)
{
	int fk = kind_of(fs, from), tk = kind_of(fs, to);
	if (fk < 0 || tk < 0)
		return fk < 0 ? fk : tk;
	if (!*from || !*to)
		return MG_EINVAL;
	if (!fk)
		return MG_ENOENT;
	if (strcmp(from, to) == 0)
		return 0;
	size_t fl = strlen(from);
	if (fk == MG_KV_DIR &&
	    (tk || (strncmp(to, from, fl) == 0 && to[fl] == '/')))
		return tk ? MG_EEXIST : MG_EINVAL;
	if (fk == MG_KV_FILE && tk == MG_KV_DIR)
		return MG_EISDIR;
	int rc = make_parents(fs, to);
	if (rc < 0)
		return rc;
	const char *fn, *tn;
	int fd = parent_of(fs, from, &fn), td = parent_of(fs, to, &tn);
	if (fd >= 0 && td >= 0) {
		rc = renameat(fd, fn, td, tn) < 0 ? mg__fs_error(errno) : 0;
		if (rc == 0)
			rc = sync_dir(td);
		if (rc == 0)
			rc = sync_dir(fd);
	} else {
		rc = fd < 0 ? fd : td;
	}
	if (fd >= 0)
		close(fd);
	if (td >= 0)
		close(td);
	prune(fs, rc == 0 ? from : to);
	return rc;
}

static int fs_rename(void *self, const char *from, const char *to)
{
	const char *f, *t;
	int rc = mg_kv_key_check(from, &f);
	if (rc == 0)
		rc = mg_kv_key_check(to, &t);
	return rc < 0 ? rc : move(self, f, t);
}

/* Move (rel) aside to the hidden name (aside) in the root. */
static int set_aside(mg__fs *fs, const char *rel, const char *aside)
{
	const char *name;
	int dir = parent_of(fs, rel, &name);
	if (dir < 0)
		return dir;
	int root = open_dir(fs, "", 0);
	int rc = root < 0 ? root : 0;
	if (rc == 0 && renameat(dir, name, root, aside) < 0)
		rc = mg__fs_error(errno);
	if (rc == 0)
		rc = sync_dir(dir);
	close(dir);
	if (root >= 0)
		close(root);
	if (rc == 0)
		prune(fs, rel);
	return rc;
}

/* Put (aside) back at (rel). */
static void put_back(mg__fs *fs, const char *aside, const char *rel)
{
	const char *name;
	if (make_parents(fs, rel) < 0)
		return;
	int dir = parent_of(fs, rel, &name), root = open_dir(fs, "", 0);
	if (dir >= 0 && root >= 0 && renameat(root, aside, dir, name) == 0)
		sync_dir(dir);
	if (dir >= 0)
		close(dir);
	if (root >= 0)
		close(root);
}

static int remove_tree(int dir, const char *name)
{
	int fd =
	    openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		DIR *d = fdopendir(fd);
		struct dirent *e;
		while (d && (e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				remove_tree(fd, e->d_name);
		if (d)
			closedir(d);
		else
			close(fd);
		return unlinkat(dir, name, AT_REMOVEDIR);
	}
	return unlinkat(dir, name, 0);
}

/* Delete what was set aside. */
static void drop(mg__fs *fs, const char *aside)
{
	int root = open_dir(fs, "", 0);
	if (root < 0)
		return;
	remove_tree(root, aside);
	sync_dir(root);
	close(root);
}

static int fs_remove(void *self, const char *key)
{
	mg__fs *fs = self;
	const char *rel;
	int rc = mg_kv_key_check(key, &rel);
	if (rc < 0)
		return rc;
	if (!*rel)
		return MG_EINVAL;
	if ((rc = kind_of(fs, rel)) <= 0)
		return rc < 0 ? rc : MG_ENOENT;
	/* A directory goes at once (one rename), then is deleted. */
	char aside[64];
	snprintf(aside, sizeof aside, ".mg-tmp.%d.%lu", (int)getpid(),
	         ++serial);
	if ((rc = set_aside(fs, rel, aside)) == 0)
		drop(fs, aside);
	return rc;
}

typedef struct undo {
	int kind; /* the op */
	const char *key, *to;
	char aside[64]; /* what it replaced or removed, or "" */
} undo;

static void undo_all(mg__fs *fs, undo *u, size_t n)
{
	while (n--) {
		if (u[n].kind == MG_KV_OP_RENAME)
			move(fs, u[n].to, u[n].key);
		else if (u[n].kind == MG_KV_OP_SET && !u[n].aside[0])
			fs_remove(fs, u[n].key);
		if (u[n].aside[0])
			put_back(fs, u[n].aside,
			         u[n].kind == MG_KV_OP_RENAME ? u[n].to
			                                      : u[n].key);
	}
}

/*
 * Each change is made as alone; what a change replaces or removes is set
 * aside under a hidden name first, so that a failure puts every earlier
 * change back, and dropped once all are made.
 */
static int fs_batch(void *self, const mg_kv_op *ops, size_t n)
{
	mg__fs *fs = self;
	undo *u = calloc(n ? n : 1, sizeof *u);
	if (!u)
		return MG_ENOMEM;
	int rc = 0;
	size_t i = 0;
	for (; i < n && rc == 0; i++) {
		const char *k, *t = NULL;
		rc = mg_kv_key_check(ops[i].key, &k);
		if (rc == 0 && ops[i].kind == MG_KV_OP_RENAME)
			rc = mg_kv_key_check(ops[i].to, &t);
		if (rc < 0)
			break;
		u[i] = (undo){.kind = ops[i].kind, .key = k, .to = t};
		const char *old = ops[i].kind == MG_KV_OP_RENAME ? t : k;
		int kind = kind_of(fs, old);
		bool aside =
		    kind == MG_KV_FILE ||
		    (kind == MG_KV_DIR && ops[i].kind == MG_KV_OP_REMOVE);
		if (kind < 0) {
			rc = kind;
		} else if (ops[i].kind == MG_KV_OP_RENAME && t &&
		           kind_of(fs, k) == MG_KV_FILE && kind == MG_KV_DIR) {
			rc = MG_EISDIR;
		} else if (ops[i].kind == MG_KV_OP_REMOVE && !*k) {
			rc = MG_EINVAL;
		} else if (ops[i].kind == MG_KV_OP_REMOVE && !kind) {
			rc = MG_ENOENT;
		} else if (ops[i].kind == MG_KV_OP_RENAME &&
		           strcmp(k, t) == 0) {
			aside = false; /* a no-op */
		} else if (aside && !(ops[i].kind == MG_KV_OP_RENAME &&
		                      kind_of(fs, k) == MG_KV_DIR)) {
			snprintf(u[i].aside, sizeof u[i].aside,
			         ".mg-tmp.%d.%lu", (int)getpid(), ++serial);
			rc = set_aside(fs, old, u[i].aside);
			if (rc < 0)
				u[i].aside[0] = '\0';
		}
		if (rc == 0 && ops[i].kind == MG_KV_OP_SET)
			rc = fs_set(fs, k, ops[i].value.p, ops[i].value.len);
		else if (rc == 0 && ops[i].kind == MG_KV_OP_RENAME)
			rc = move(fs, k, t);
		else if (rc == 0 && ops[i].kind != MG_KV_OP_REMOVE)
			rc = MG_EINVAL;
		if (rc < 0) {
			/* This one failed: only its own set-aside to undo. */
			if (u[i].aside[0])
				put_back(fs, u[i].aside, old);
			break;
		}
	}
	if (rc < 0) {
		undo_all(fs, u, i);
	} else {
		for (size_t j = 0; j < n; j++)
			if (u[j].aside[0])
				drop(fs, u[j].aside);
	}
	free(u);
	return rc;
}

static int fs_sync(void *self)
{
	(void)self;
	return 0; /* every change was durable on return */
}

static const mg_kv_rw_ops fs_rw_ops = {
    .set = fs_set,
    .remove = fs_remove,
    .rename = fs_rename,
    .batch = fs_batch,
    .sync = fs_sync,
};

int mg_kv_rw_fs_connect(mg_kv_rw *out, const char *root)
{
	static mg_kv_rw_ops ops;
	mg__fs *fs;
	int rc = mg__fs_open(&fs, root);
	if (rc < 0)
		return rc;
	ops = fs_rw_ops;
	ops.ro = mg__fs_ro_ops;
	out->ops = &ops;
	out->self = fs;
	return 0;
}
