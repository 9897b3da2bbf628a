/* Block devices: --block:NAME=FILE, whole-sector reads and writes, flush. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <mg/error.h>

#include "hvt.h"

#define SECTOR 512

int mg__hvt_block_open(mg__hvt *h, unsigned index, struct mg_hvt_device *d,
                       const char *file)
{
	int fd;
	uint64_t size;
	bool ro;
	if (mg__tender_block_open(d->name, file, &fd, &size, &ro) < 0)
		return -1;
	/* The guest sees these in its boot information, which it could
	 * change: the checks below use the tender's own copy. */
	d->capacity = size;
	d->sector_size = SECTOR;
	d->flags = ro ? MG_HVT_DEVICE_READ_ONLY : 0;
	h->block_fd[index] = fd;
	h->block_capacity[index] = size;
	h->block_ro[index] = ro;
	return 0;
}

static int64_t transfer(mg__hvt *h, unsigned call, int fd, uint64_t offset,
                        uint8_t *data, uint64_t len)
{
	for (uint64_t done = 0; done < len;) {
		ssize_t n = call == MG_HVT_CALL_BLOCK_WRITE
		                ? pwrite(fd, data + done, len - done,
		                         (off_t)(offset + done))
		                : pread(fd, data + done, len - done,
		                        (off_t)(offset + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOSPC)
			return MG_ENOSPC;
		if (n <= 0) { /* 0: the file shrank under us */
			mg__tender_msg("%s at byte %llu of a block device: %s",
			               mg__hvt_call_name(call),
			               (unsigned long long)(offset + done),
			               n < 0 ? strerror(errno) : "end of file");
			return MG_EIO;
		}
		done += (uint64_t)n;
	}
	(void)h;
	return 0;
}

/*
 * One exit moves any number of sectors: the guest's buffer is checked as
 * a whole and handed to pread/pwrite as it is, without a copy.
 */
void mg__hvt_block_call(mg__hvt *h, unsigned call, uint64_t gpa)
{
	struct mg_hvt_block_io *a = mg__hvt_guest(h, gpa, sizeof *a, call);
	uint64_t handle = a->handle, offset = a->offset, len = a->len;
	if (handle >= MG_HVT_DEVICES_MAX || h->block_fd[handle] < 0) {
		a->ret = MG_EINVAL;
		return;
	}
	int fd = h->block_fd[handle];
	uint64_t cap = h->block_capacity[handle];
	if (call == MG_HVT_CALL_BLOCK_FLUSH) {
		int rc;
		do
			rc = h->block_ro[handle] ? 0 : fdatasync(fd);
		while (rc < 0 && errno == EINTR);
		a->ret = rc < 0 ? MG_EIO : 0;
		return;
	}
	if (offset % SECTOR || len % SECTOR || offset > cap ||
	    len > cap - offset) {
		a->ret = MG_EINVAL;
		return;
	}
	if (call == MG_HVT_CALL_BLOCK_WRITE && h->block_ro[handle]) {
		a->ret = MG_EROFS;
		return;
	}
	uint8_t *data = mg__hvt_guest(h, a->data, len, call);
	a->ret = transfer(h, call, fd, offset, data, len);
}
