/* Devices of the manifest, and the block devices through the tender. */
#include <string.h>

#include <mg/error.h>

#include "hvt_internal.h"

mg__x86_devices mg__hvt_devices;

int mg_platform_block_acquire(const char *name, mg_handle *h,
                              mg_platform_block_info *info)
{
	int i = mg__x86_device_acquire(&mg__hvt_devices, name,
	                               MG_HVT_DEVICE_BLOCK, h);
	if (i < 0)
		return i;
	const struct mg_hvt_device *d = &mg__hvt_boot->devices[i];
	info->capacity = d->capacity;
	info->sector_size = d->sector_size;
	info->read_only = d->flags & MG_HVT_DEVICE_READ_ONLY;
	return 0;
}

static int block_io(unsigned call, mg_handle h, uint64_t offset, void *buf,
                    size_t size)
{
	if (!mg__x86_device_valid(&mg__hvt_devices, h, MG_HVT_DEVICE_BLOCK))
		return MG_EINVAL;
	struct mg_hvt_block_io a = {
	    .handle = h, .offset = offset, .data = buf, .len = size};
	mg__hvt_call(call, &a);
	return (int)a.ret;
}

int mg_platform_block_write(mg_handle h, uint64_t offset, const void *buf,
                            size_t size)
{
	return block_io(MG_HVT_CALL_BLOCK_WRITE, h, offset,
	                (void *)(uintptr_t)buf, size);
}

int mg_platform_block_read(mg_handle h, uint64_t offset, void *buf, size_t size)
{
	return block_io(MG_HVT_CALL_BLOCK_READ, h, offset, buf, size);
}

int mg_platform_block_flush(mg_handle h)
{
	return block_io(MG_HVT_CALL_BLOCK_FLUSH, h, 0, NULL, 0);
}
