/* Files, processes, installed paths and targets for the morgana command. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "morgana.h"

tool_paths T;
char work_dir[4096];

void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("morgana: ", stdout);
	vfprintf(stdout, fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	fflush(stdout);
}

void fail(const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	va_start(ap, fmt);
	fputs("morgana: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int join(char *out, const char *a, const char *b)
{
	if (snprintf(out, 4096, "%s%s", a, b) >= 4096) {
		fail("path too long: %s%s", a, b);
		return -1;
	}
	return 0;
}

int find_paths(void)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		fail("cannot find my own executable (/proc/self/exe): %s",
		     strerror(errno));
		return -1;
	}
	exe[n] = '\0';
	/* PREFIX/bin/morgana -> PREFIX */
	for (int up = 0; up < 2; up++) {
		char *slash = strrchr(exe, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
	if (join(T.prefix, exe, "") || join(T.include, exe, "/include") ||
	    join(T.lib, exe, "/lib/morgana") ||
	    join(T.share, exe, "/share/morgana"))
		return -1;
	char probe[4200];
	snprintf(probe, sizeof(probe), "%s/mg/config.h", T.include);
	if (!file_exists(probe)) {
		fail("my installation is incomplete: %s is missing\n"
		     "  (morgana finds its files relative to its executable:\n"
		     "  PREFIX/bin/morgana, PREFIX/include, "
		     "PREFIX/lib/morgana,\n"
		     "  PREFIX/share/morgana, with PREFIX = %s;\n"
		     "  'make' stages them in _out/, 'make install PREFIX=...' "
		     "installs them)",
		     probe, T.prefix);
		return -1;
	}
	return 0;
}

bool file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

long long mtime_ns(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return 0;
	return (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, len = 0;
	char *p = malloc(cap);
	while (p) {
		size_t got = fread(p + len, 1, cap - len - 1, f);
		len += got;
		if (len + 1 < cap)
			break;
		char *q = realloc(p, cap * 2);
		if (!q) {
			free(p);
			p = NULL;
			break;
		}
		p = q;
		cap *= 2;
	}
	fclose(f);
	if (p)
		p[len] = '\0';
	return p;
}

int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	size_t n = strlen(text);
	if (!f || fwrite(text, 1, n, f) != n || fclose(f) != 0) {
		fail("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int mkdirs(const char *path)
{
	char at[4096];
	if (mg__mkdirs(path, at, sizeof(at)) != 0) {
		fail("cannot create %s: %s", at, strerror(errno));
		return -1;
	}
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag,
                  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	if (remove(path) != 0) {
		fail("cannot remove %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return 0;
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *line_value(const char *text, const char *key)
{
	size_t kl = strlen(key);
	for (const char *l = text; l && *l;) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);
		if (len > kl && strncmp(l, key, kl) == 0 && l[kl] == ' ') {
			char *v = malloc(len - kl);
			if (v) {
				memcpy(v, l + kl + 1, len - kl - 1);
				v[len - kl - 1] = '\0';
			}
			return v;
		}
		l = e ? e + 1 : NULL;
	}
	return NULL;
}

static void cap_add(capture *cap, const char *buf, size_t n)
{
	if (cap->len + n + 1 > cap->cap) {
		size_t nc = cap->cap ? cap->cap * 2 : 8192;
		while (nc < cap->len + n + 1)
			nc *= 2;
		char *p = realloc(cap->text, nc);
		if (!p)
			return; /* keep what fits; the echo shows the rest */
		cap->text = p;
		cap->cap = nc;
	}
	memcpy(cap->text + cap->len, buf, n);
	cap->len += n;
	cap->text[cap->len] = '\0';
}

void capture_free(capture *cap)
{
	free(cap->text);
	*cap = (capture){0};
}

int spawn(char *const argv[], capture *cap, int echo)
{
	int fds[2] = {-1, -1};
	fflush(stdout);
	fflush(stderr);
	if (cap && pipe(fds) != 0) {
		fail("pipe: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		fail("cannot run %s: %s", argv[0], strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (cap) {
			dup2(fds[1], 1);
			dup2(fds[1], 2);
			close(fds[0]);
			close(fds[1]);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "morgana: cannot run %s: %s\n", argv[0],
		        strerror(errno));
		_exit(127);
	}
	if (cap) {
		close(fds[1]);
		char buf[4096];
		ssize_t n;
		while ((n = read(fds[0], buf, sizeof(buf))) != 0) {
			if (n < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			cap_add(cap, buf, (size_t)n);
			if (echo && write(echo, buf, (size_t)n) < 0)
				echo = 0;
		}
		close(fds[0]);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			fail("waitpid: %s", strerror(errno));
			return -1;
		}
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

bool target_known(const char *t)
{
	char path[4200];
	if (!t || !*t || strchr(t, '/') || t[0] == '.')
		return false;
	snprintf(path, sizeof(path), "%s/mk/%s.mk", T.share, t);
	return file_exists(path);
}

const char *known_targets(void)
{
	static char list[1024];
	char path[4200];
	list[0] = '\0';
	snprintf(path, sizeof(path), "%s/mk", T.share);
	DIR *d = opendir(path);
	if (!d)
		return "(none: the installation has no share/morgana/mk/)";
	struct dirent *e;
	char names[32][64];
	int n = 0;
	while ((e = readdir(d)) && n < 32) {
		size_t l = strlen(e->d_name);
		if (l > 3 && l < 64 && strcmp(e->d_name + l - 3, ".mk") == 0) {
			memcpy(names[n], e->d_name, l - 3);
			names[n++][l - 3] = '\0';
		}
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]),
	      (int (*)(const void *, const void *))strcmp);
	for (int i = 0; i < n; i++) {
		strncat(list, i ? ", " : "", sizeof(list) - strlen(list) - 1);
		strncat(list, names[i], sizeof(list) - strlen(list) - 1);
	}
	return list;
}

const char *last_target(void)
{
	static char t[64];
	char *s = read_file("_build/last-target");
	if (!s)
		return NULL;
	size_t n = strcspn(s, "\n");
	if (n == 0 || n >= sizeof(t)) {
		free(s);
		return NULL;
	}
	memcpy(t, s, n);
	t[n] = '\0';
	free(s);
	return t;
}
