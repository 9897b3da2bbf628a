/* morgana build: the pax archive of a tar store's folder, digests included. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../storage/sha256.h"
#include "morgana.h"

/*
 * The archive is POSIX pax (what GNU tar writes with --format=pax and
 * reads back): each entry is an extended header with its path, its
 * modification time in ns, its size when ustar cannot hold it, and the
 * vendor record MORGANA.sha256 (the file's SHA-256), then a ustar header
 * and the data. Entries are in name order and owned by root, so the same
 * folder gives the same archive. The tar store reads the digests from the
 * records: a guest never hashes a file to give its digest.
 */

#define BLOCK     512
#define DEPTH_MAX 40

typedef struct entry {
	char *rel; /* path below the folder */
	char *abs;
	struct stat st;
} entry;

typedef struct walk {
	entry *v;
	size_t n, cap;
	int err;
} walk;

static void add(walk *w, const char *rel, const char *abs,
                const struct stat *st)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 256;
		entry *p = realloc(w->v, w->cap * sizeof(*p));
		if (!p) {
			w->err = ENOMEM;
			return;
		}
		w->v = p;
	}
	w->v[w->n++] = (entry){strdup(rel), strdup(abs), *st};
}

static void scan(walk *w, const char *rel, const char *abs, int depth)
{
	DIR *d = opendir(abs);
	if (!d || depth > DEPTH_MAX) {
		fail("cannot archive %s: %s", abs,
		     d ? "nested too deep (a loop of symbolic links?)"
		       : strerror(errno));
		w->err = EIO;
		if (d)
			closedir(d);
		return;
	}
	struct dirent *e;
	while (!w->err && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		size_t rl = strlen(rel), al = strlen(abs),
		       nl = strlen(e->d_name);
		char *r = malloc(rl + nl + 2), *a = malloc(al + nl + 2);
		if (!r || !a) {
			w->err = ENOMEM;
			free(r);
			free(a);
			break;
		}
		snprintf(r, rl + nl + 2, "%s%s%s", rel, rl ? "/" : "",
		         e->d_name);
		snprintf(a, al + nl + 2, "%s/%s", abs, e->d_name);
		struct stat st;
		if (stat(a, &st) != 0) {
			fail("cannot archive %s: %s", a, strerror(errno));
			w->err = EIO;
		} else if (S_ISDIR(st.st_mode)) {
			add(w, r, a, &st);
			scan(w, r, a, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			add(w, r, a, &st);
		}
		free(r);
		free(a);
	}
	closedir(d);
}

static int by_rel(const void *a, const void *b)
{
	return strcmp(((const entry *)a)->rel, ((const entry *)b)->rel);
}

static int put(FILE *f, const void *p, size_t n)
{
	return fwrite(p, 1, n, f) == n ? 0 : -1;
}

static int pad(FILE *f, uint64_t n)
{
	static const char zero[BLOCK];
	uint64_t r = n % BLOCK;
	return r ? put(f, zero, BLOCK - r) : 0;
}

/* One pax record "LEN KEY=VALUE\n", LEN counting its own digits. */
static void record(char *buf, size_t *used, size_t cap, const char *key,
                   const char *val)
{
	size_t body = strlen(key) + strlen(val) + 3; /* ' ', '=', '\n' */
	size_t len = body + 1;
	while (len != body + (size_t)snprintf(NULL, 0, "%zu", len))
		len = body + (size_t)snprintf(NULL, 0, "%zu", len);
	if (*used + len < cap)
		*used += (size_t)snprintf(buf + *used, cap - *used,
		                          "%zu %s=%s\n", len, key, val);
}

/* A ustar header for (name) of (type) with (size) bytes after it. */
static void header(uint8_t h[BLOCK], const char *name, char type, uint64_t size,
                   long long mtime, int mode)
{
	memset(h, 0, BLOCK);
	size_t nl = strlen(name);
	/* The whole name is in the pax record: this one is for old tars. */
	memcpy(h, nl > 99 ? name + nl - 99 : name, nl > 99 ? 99 : nl);
	snprintf((char *)h + 100, 8, "%07o", mode);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	if (size < 077777777777ull) {
		snprintf((char *)h + 124, 12, "%011llo",
		         (unsigned long long)size);
	} else { /* base-256, as GNU tar reads it */
		h[124] = 0x80;
		for (int i = 0; i < 8; i++)
			h[135 - i] = (uint8_t)(size >> (8 * i));
	}
	if (mtime < 0 || mtime > 077777777777ll)
		mtime = 0;
	snprintf((char *)h + 136, 12, "%011llo", mtime);
	h[156] = (uint8_t)type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < BLOCK; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
}

static int hash_file(const char *path, uint64_t size, char hex[65], char *buf,
                     size_t bufsize)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	mg__sha256 s;
	mg__sha256_init(&s);
	uint64_t total = 0;
	size_t n;
	while ((n = fread(buf, 1, bufsize, f)) > 0) {
		mg__sha256_update(&s, buf, n);
		total += n;
	}
	int bad = ferror(f) || total != size;
	fclose(f);
	mg__sha256_final_hex(&s, hex);
	return bad ? -1 : 0;
}

static int entry_out(FILE *out, const entry *e, char *buf, size_t bufsize)
{
	bool dir = S_ISDIR(e->st.st_mode);
	uint64_t size = dir ? 0 : (uint64_t)e->st.st_size;
	char hex[65], val[64], rec[8192];
	size_t used = 0;
	if (!dir && hash_file(e->abs, size, hex, buf, bufsize) != 0) {
		fail("cannot archive %s: it changed or could not be read",
		     e->abs);
		return -1;
	}
	record(rec, &used, sizeof(rec), "path", e->rel);
	snprintf(val, sizeof(val), "%lld.%09ld",
	         (long long)e->st.st_mtim.tv_sec, (long)e->st.st_mtim.tv_nsec);
	record(rec, &used, sizeof(rec), "mtime", val);
	if (size >= 077777777777ull) {
		snprintf(val, sizeof(val), "%llu", (unsigned long long)size);
		record(rec, &used, sizeof(rec), "size", val);
	}
	if (!dir)
		record(rec, &used, sizeof(rec), "MORGANA.sha256", hex);
	uint8_t h[BLOCK];
	header(h, "././@PaxHeader", 'x', used, 0, 0644);
	if (put(out, h, BLOCK) || put(out, rec, used) || pad(out, used))
		return -1;
	header(h, e->rel, dir ? '5' : '0', size,
	       (long long)e->st.st_mtim.tv_sec, dir ? 0755 : 0644);
	if (put(out, h, BLOCK))
		return -1;
	if (dir)
		return 0;
	FILE *f = fopen(e->abs, "rb");
	uint64_t copied = 0;
	size_t n;
	while (f && copied < size && (n = fread(buf, 1, bufsize, f)) > 0) {
		if (n > size - copied)
			n = (size_t)(size - copied);
		if (put(out, buf, n))
			break;
		copied += n;
	}
	if (f)
		fclose(f);
	if (copied != size) {
		fail("cannot archive %s: it changed while being read", e->abs);
		return -1;
	}
	return pad(out, size);
}

int write_tar(const char *folder, const char *file)
{
	walk w = {0};
	scan(&w, "", folder, 0);
	if (!w.err)
		qsort(w.v, w.n, sizeof(*w.v), by_rel);
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	char *slash = strrchr(file, '/');
	if (slash) {
		char dir[4200];
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - file), file);
		mkdirs(dir);
	}
	FILE *out = w.err ? NULL : fopen(tmp, "wb");
	size_t bufsize = 1 << 20;
	char *buf = malloc(bufsize);
	int rc = out && buf ? 0 : -1;
	if (!w.err && !out)
		fail("cannot write %s: %s", tmp, strerror(errno));
	for (size_t i = 0; i < w.n && rc == 0; i++)
		rc = entry_out(out, &w.v[i], buf, bufsize);
	/* Two zero blocks end it; then whole 10 KiB records, as tar does. */
	if (rc == 0) {
		long end = ftell(out) + 2 * BLOCK;
		long total = (end + 10239) / 10240 * 10240;
		memset(buf, 0, (size_t)(total - end + 2 * BLOCK));
		rc = put(out, buf, (size_t)(total - end + 2 * BLOCK));
	}
	if (out && fclose(out) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, file) != 0)
		rc = -1;
	if (rc != 0 && out) {
		fail("cannot write %s: %s", file, strerror(errno));
		remove(tmp);
	}
	for (size_t i = 0; i < w.n; i++) {
		free(w.v[i].rel);
		free(w.v[i].abs);
	}
	free(w.v);
	free(buf);
	return rc || w.err ? -1 : 0;
}
