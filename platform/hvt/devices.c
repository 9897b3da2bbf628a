/* Devices of the manifest, and the block devices through the tender. */
#include <string.h>

#include <mg/error.h>

#include "hvt_internal.h"

static uint32_t acquired; /* bit per device */

int mg__hvt_device_acquire(const char *name, uint32_t kind, mg_handle *h)
{
	const struct mg_hvt_boot_info *bi = mg__hvt_boot;
	for (uint32_t i = 0; i < bi->device_count; i++) {
		const struct mg_hvt_device *d = &bi->devices[i];
		if (d->kind != kind || strncmp(d->name, name, sizeof d->name))
			continue;
		if (acquired & (1u << i))
			return MG_EBUSY;
		acquired |= 1u << i;
		*h = i;
		return (int)i;
	}
	return MG_ENOENT;
}

static int valid(mg_handle h, uint32_t kind)
{
	return h < MG_HVT_DEVICES_MAX && (acquired & (1u << h)) &&
	       mg__hvt_boot->devices[h].kind == kind;
}

int mg_platform_block_acquire(const char *name, mg_handle *h,
                              mg_platform_block_info *info)
{
	int i = mg__hvt_device_acquire(name, MG_HVT_DEVICE_BLOCK, h);
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
	if (!valid(h, MG_HVT_DEVICE_BLOCK))
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
