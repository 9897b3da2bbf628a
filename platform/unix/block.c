/* Block devices of the unix target: host files bound by --block:NAME=FILE. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mg/error.h>
#include <mg/platform.h>
#include <mg/platform_unix.h>

#include "../block_lock.h"
#include "unix_internal.h"

/* see mg/platform.h; the bindings are mg/platform_unix.h's */

#define SECTOR   512
#define MAX_DEVS 32
/* Handles carry a tag so that a net or fd handle is not taken for one. */
#define HANDLE_TAG 0xb10c000000000000ull

static struct {
	char name[32];
	int fd;
	uint64_t capacity;
	bool read_only;
} devs[MAX_DEVS];
static unsigned ndevs;

/* Why a bound file cannot be used, on stderr (as the hvt tender says). */
static void say(const char *name, const char *file, const char *why)
{
	char msg[512];
	int n = snprintf(msg, sizeof msg, "morgana: --block:%s: '%s' %s\n",
	                 name, file, why);
	if (n > 0)
		mg__unix_write_all(2, msg,
		                   (size_t)n < sizeof msg ? (size_t)n
		                                          : sizeof msg - 1);
}

int mg_platform_block_acquire(const char *name, mg_handle *h,
                              mg_platform_block_info *info)
{
	const char *file = mg_unix_binding("block", name);
	if (!file)
		return MG_ENOENT;
	for (unsigned i = 0; i < ndevs; i++)
		if (strcmp(devs[i].name, name) == 0)
			return MG_EBUSY;
	if (ndevs == MAX_DEVS)
		return MG_ENOMEM;
	bool ro = false;
	int fd = open(file, O_RDWR | O_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM)) {
		ro = true;
		fd = open(file, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		int e = errno;
		char why[160];
		snprintf(why, sizeof why, "cannot be opened: %s", strerror(e));
		say(name, file, why);
		return e == EACCES ? MG_EACCES : MG_EIO;
	}
	struct stat st;
	off_t size = lseek(fd, 0, SEEK_END);
	const char *bad = NULL;
	if (fstat(fd, &st) < 0 ||
	    (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)))
		bad = "is not a file or block device";
	else if (size < SECTOR)
		bad = "is smaller than one 512-byte sector";
	else if (size % SECTOR)
		bad = "is not a whole number of 512-byte sectors";
	if (bad) {
		say(name, file, bad);
		close(fd);
		return MG_EINVAL;
	}
	char why[256];
	if (mg__block_lock(fd, ro, why, sizeof why) < 0) {
		say(name, file, why);
		close(fd);
		return MG_EBUSY;
	}
	unsigned i = ndevs++;
	strncpy(devs[i].name, name, sizeof devs[i].name - 1);
	devs[i].fd = fd;
	devs[i].capacity = (uint64_t)size;
	devs[i].read_only = ro;
	*h = HANDLE_TAG | i;
	info->capacity = (uint64_t)size;
	info->sector_size = SECTOR;
	info->read_only = ro;
	return 0;
}

/* The device of (h), or NULL. */
static int dev_of(mg_handle h)
{
	if ((h & ~0xffffull) != HANDLE_TAG || (h & 0xffff) >= ndevs)
		return -1;
	return (int)(h & 0xffff);
}

static int check(int i, uint64_t offset, size_t size)
{
	if (i < 0 || offset % SECTOR || size % SECTOR ||
	    offset > devs[i].capacity || size > devs[i].capacity - offset)
		return MG_EINVAL;
	return 0;
}

int mg_platform_block_write(mg_handle h, uint64_t offset, const void *buf,
                            size_t size)
{
	int i = dev_of(h);
	int rc = check(i, offset, size);
	if (rc < 0)
		return rc;
	if (devs[i].read_only)
		return MG_EROFS;
	for (size_t done = 0; done < size;) {
		ssize_t n = pwrite(devs[i].fd, (const char *)buf + done,
		                   size - done, (off_t)(offset + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return errno == ENOSPC ? MG_ENOSPC : MG_EIO;
		done += (size_t)n;
	}
	return 0;
}

int mg_platform_block_read(mg_handle h, uint64_t offset, void *buf, size_t size)
{
	int i = dev_of(h);
	int rc = check(i, offset, size);
	if (rc < 0)
		return rc;
	for (size_t done = 0; done < size;) {
		ssize_t n = pread(devs[i].fd, (char *)buf + done, size - done,
		                  (off_t)(offset + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) /* 0: the file shrank under us */
			return MG_EIO;
		done += (size_t)n;
	}
	return 0;
}

int mg_platform_block_flush(mg_handle h)
{
	int i = dev_of(h);
	if (i < 0)
		return MG_EINVAL;
	if (devs[i].read_only)
		return 0;
	while (fdatasync(devs[i].fd) < 0)
		if (errno != EINTR)
			return MG_EIO;
	return 0;
}
