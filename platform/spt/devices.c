/* Devices of the manifest, and the block devices: pread and pwrite. */
#include <string.h>

#include <mg/error.h>

#include "spt_internal.h"

mg__x86_devices mg__spt_devices;

const struct mg_spt_device *mg__spt_device(mg_handle h, uint32_t kind)
{
	if (!mg__x86_device_valid(&mg__spt_devices, h, kind))
		return NULL;
	return &mg__spt_boot->devices[h];
}

int mg_platform_block_acquire(const char *name, mg_handle *h,
                              mg_platform_block_info *info)
{
	int i = mg__x86_device_acquire(&mg__spt_devices, name,
	                               MG_HVT_DEVICE_BLOCK, h);
	if (i < 0)
		return i;
	const struct mg_spt_device *d = &mg__spt_boot->devices[i];
	info->capacity = d->capacity;
	info->sector_size = d->sector_size;
	info->read_only = d->flags & MG_HVT_DEVICE_READ_ONLY;
	return 0;
}

/* Whole sectors inside the device, as mg/platform.h requires. */
static const struct mg_spt_device *block_of(mg_handle h, uint64_t offset,
                                            size_t size)
{
	const struct mg_spt_device *d = mg__spt_device(h, MG_HVT_DEVICE_BLOCK);
	if (!d || offset % d->sector_size || size % d->sector_size ||
	    offset > d->capacity || size > d->capacity - offset)
		return NULL;
	return d;
}

static int transfer(long call, int fd, uint64_t offset, uint8_t *data,
                    size_t len)
{
	for (size_t done = 0; done < len;) {
		long n = mg__spt_syscall5(call, fd, (long)(data + done),
		                          (long)(len - done),
		                          (long)(offset + done), 0);
		if (n == -MG__SPT_EINTR)
			continue;
		if (n == -MG__SPT_ENOSPC)
			return MG_ENOSPC;
		if (n <= 0) /* 0: the file shrank under us */
			return MG_EIO;
		done += (size_t)n;
	}
	return 0;
}

int mg_platform_block_write(mg_handle h, uint64_t offset, const void *buf,
                            size_t size)
{
	const struct mg_spt_device *d = block_of(h, offset, size);
	if (!d)
		return MG_EINVAL;
	if (d->flags & MG_HVT_DEVICE_READ_ONLY)
		return MG_EROFS;
	return transfer(MG_SPT_SYS_PWRITE64, d->fd, offset,
	                (uint8_t *)(uintptr_t)buf, size);
}

int mg_platform_block_read(mg_handle h, uint64_t offset, void *buf, size_t size)
{
	const struct mg_spt_device *d = block_of(h, offset, size);
	if (!d)
		return MG_EINVAL;
	return transfer(MG_SPT_SYS_PREAD64, d->fd, offset, buf, size);
}

int mg_platform_block_flush(mg_handle h)
{
	const struct mg_spt_device *d = mg__spt_device(h, MG_HVT_DEVICE_BLOCK);
	if (!d)
		return MG_EINVAL;
	if (d->flags & MG_HVT_DEVICE_READ_ONLY)
		return 0;
	long rc;
	do
		rc = mg__spt_syscall3(MG_SPT_SYS_FDATASYNC, d->fd, 0, 0);
	while (rc == -MG__SPT_EINTR);
	return rc < 0 ? MG_EIO : 0;
}
