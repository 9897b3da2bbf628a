/* Block devices: --block:NAME=FILE opens the file; the I/O calls come later. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <mg/error.h>

#include "hvt.h"

#define SECTOR 512

int mg__hvt_block_open(mg__hvt *h, unsigned index, const char *file)
{
	struct mg_hvt_device *d = &h->boot->devices[index];
	int fd = open(file, O_RDWR | O_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EROFS)) {
		fd = open(file, O_RDONLY | O_CLOEXEC);
		d->flags |= MG_HVT_DEVICE_READ_ONLY;
	}
	if (fd < 0) {
		mg__hvt_msg("--block:%s: cannot open '%s': %s", d->name, file,
		            strerror(errno));
		return -1;
	}
	off_t size = lseek(fd, 0, SEEK_END);
	if (size < SECTOR) {
		mg__hvt_msg("--block:%s: '%s' is %s", d->name, file,
		            size < 0 ? "not seekable"
		                     : "smaller than one 512-byte sector");
		close(fd);
		return -1;
	}
	d->capacity = (uint64_t)size / SECTOR * SECTOR;
	d->sector_size = SECTOR;
	h->block_fd[index] = fd;
	return 0;
}

/* BLOCK_READ, BLOCK_WRITE and BLOCK_FLUSH answer MG_ENOTSUP for now. */
void mg__hvt_block_call(mg__hvt *h, unsigned call, uint64_t gpa)
{
	struct mg_hvt_block_io *a = mg__hvt_guest(h, gpa, sizeof *a, call);
	a->ret = MG_ENOTSUP;
}
