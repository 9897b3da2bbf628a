/* Block files are locked: one writer, or readers only, at a time. */
#ifndef MG_PLATFORM_BLOCK_LOCK_H
#define MG_PLATFORM_BLOCK_LOCK_H

/*
 * Shared by platform/unix/block.c and tender/common/device.c. Two images
 * writing one block file each keep their own view of it (a store's index,
 * its log position) and overwrite each other's writes: data is lost with
 * no error anywhere. So a block device takes a flock(2) on its file for as
 * long as it runs: exclusive for a device opened read-write, shared for a
 * read-only one, and never waits. flock conflicts between two opens in one
 * process too, and the kernel drops it when the process ends, however it
 * ends (SIGKILL included).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/*
 * The pid that holds a flock on the file of (fd), from /proc/locks, or 0
 * if it cannot be known.
 */
static inline long mg__block_lock_holder(int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return 0;
	FILE *f = fopen("/proc/locks", "re");
	if (!f)
		return 0;
	char line[256];
	long pid = 0;
	while (!pid && fgets(line, sizeof line, f)) {
		/* "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF" */
		char kind[16];
		long p;
		unsigned maj, min;
		unsigned long long ino;
		if (sscanf(line, "%*[^:]: %15s %*s %*s %ld %x:%x:%llu", kind,
		           &p, &maj, &min, &ino) == 5 &&
		    strcmp(kind, "FLOCK") == 0 && maj == major(st.st_dev) &&
		    min == minor(st.st_dev) && ino == st.st_ino)
			pid = p;
	}
	fclose(f);
	return pid;
}

/*
 * Lock the block file (fd): 0, or -1 with why not in (why, len), such as
 * "is in use by process 1234, which holds its lock".
 */
static inline int mg__block_lock(int fd, int read_only, char *why, size_t len)
{
	if (flock(fd, (read_only ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0)
		return 0;
	int e = errno;
	if (e != EWOULDBLOCK) {
		snprintf(why, len, "cannot be locked: %s", strerror(e));
		return -1;
	}
	long pid = mg__block_lock_holder(fd);
	char who[64] = "another process";
	if (pid > 0)
		snprintf(who, sizeof who, "process %ld", pid);
	snprintf(why, len,
	         "is in use by %s, which holds its lock: two images on one "
	         "block file would lose each other's writes (stop the other, "
	         "or bind another file)",
	         who);
	return -1;
}

#endif
