/* morgana build and run: folders that configure read, block device files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "morgana.h"

const char *inputs_changed(const char *target, long long since)
{
	static char changed[4096];
	char path[300];
	snprintf(path, sizeof(path), "%s/inputs.txt", build_dir(target));
	char *list = read_file(path);
	const char *found = NULL;
	for (char *line = list; line && *line && !found;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		/* A missing input (removed since) changed too. */
		long long t = mtime_ns(line);
		if (t == 0 || t > since) {
			snprintf(changed, sizeof(changed), "%s", line);
			found = changed;
		}
		line = nl ? nl + 1 : NULL;
	}
	free(list);
	return found;
}

/* The value of --block:NAME= among (opts), or NULL. */
static const char *given(const char *name, char *const *opts, int nopts)
{
	size_t nl = strlen(name);
	for (int i = 0; i < nopts; i++)
		if (strncmp(opts[i], "--block:", 8) == 0 &&
		    strncmp(opts[i] + 8, name, nl) == 0 &&
		    opts[i][8 + nl] == '=')
			return opts[i] + 9 + nl;
	return NULL;
}

/* Make (file) of (size) zero bytes: a sparse file, so it costs nothing. */
static int create(const char *file, unsigned long long size)
{
	char *slash = strrchr(file, '/');
	if (slash) {
		char dir[4096];
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - file), file);
		if (mkdirs(dir) != 0)
			return -1;
	}
	int fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0 || ftruncate(fd, (off_t)size) != 0) {
		fail("cannot create %s: %s", file, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(file);
		}
		return -1;
	}
	close(fd);
	return 0;
}

int run_bind_blocks(const char *target, char *const *opts, int nopts,
                    run_binds *rb)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/devices.txt", build_dir(target));
	char *devs = read_file(path);
	int rc = 0;
	/* A binding for a device the image lacks would go unnoticed on
	 * unix: refuse it here for both targets. */
	for (int i = 0; i < nopts && rc == 0; i++) {
		if (strncmp(opts[i], "--block:", 8) != 0)
			continue;
		const char *name = opts[i] + 8;
		size_t nl = strcspn(name, "=");
		char pat[100];
		snprintf(pat, sizeof(pat), "block %.*s", (int)nl, name);
		bool found = false;
		for (const char *p = devs; p && (p = strstr(p, pat)) && !found;
		     p += strlen(pat))
			found = (p == devs || p[-1] == '\n') &&
			        (p[strlen(pat)] == ' ' ||
			         p[strlen(pat)] == '\n' || !p[strlen(pat)]);
		if (!found) {
			fail("%s: this image has no block device named '%.*s' "
			     "(morgana describe lists its devices)",
			     opts[i], (int)nl, name);
			rc = EXIT_USAGE;
		}
	}
	for (char *line = devs; line && *line && rc == 0;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		char name[64];
		unsigned long long size = 0;
		int pos = 0;
		/* "block NAME" or "block NAME SIZE FILE" */
		if (sscanf(line, "block %63s %llu %n", name, &size, &pos) >=
		        1 &&
		    !given(name, opts, nopts)) {
			const char *file = pos ? line + pos : NULL;
			if (!file) {
				fail("the image needs block device '%s': add "
				     "--block:%s=FILE before '--'",
				     name, name);
				rc = EXIT_USAGE;
			} else if (!file_exists(file) && size == 0) {
				fail("the image needs block device '%s' bound "
				     "to %s, which does not exist%s",
				     name, file,
				     strncmp(file, "dist/", 5) == 0
				         ? ": run 'morgana build' first"
				         : "");
				rc = EXIT_FAIL;
			} else if (!file_exists(file)) {
				if (create(file, size) != 0)
					rc = EXIT_FAIL;
				else
					say("created %s (%llu bytes of zeros) "
					    "for block device '%s'",
					    file, size, name);
			}
			if (rc == 0 && rb->n >= RUN_BINDS_MAX) {
				fail("too many device bindings");
				rc = EXIT_FAIL;
			} else if (rc == 0) {
				char b[4200];
				snprintf(b, sizeof(b), "--block:%s=%s", name,
				         file);
				rb->args[rb->n++] = strdup(b);
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	free(devs);
	return rc;
}

int build_tars(const char *target)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/tars.txt", build_dir(target));
	char *list = read_file(path);
	snprintf(path, sizeof(path), "%s/configure.args", build_dir(target));
	long long configured = mtime_ns(path);
	int rc = 0;
	for (char *line = list; line && *line && rc == 0;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		char *folder = strchr(line, ' ');
		if (folder) {
			*folder++ = '\0';
			if (mtime_ns(line) <= configured) {
				printf("  %-7s %s\n", "TAR", line);
				fflush(stdout);
				rc = write_tar(folder, line) ? EXIT_FAIL : 0;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	free(list);
	return rc;
}
