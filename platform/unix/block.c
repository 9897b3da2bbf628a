/* Block devices of the unix target: none are bound yet. */
#include <mg/error.h>
#include <mg/platform.h>

/*
 * The file-backed block devices of the unix target are the storage
 * layer's to write (with the image's manifest). Until then no name is
 * bound: every acquire says MG_ENOENT as the contract requires for an
 * unbound name, and as no handle can have been acquired, the other calls
 * refuse their handle with MG_EINVAL.
 */

int mg_platform_block_acquire(const char *name, mg_handle *h,
                              mg_platform_block_info *info)
{
	(void)name;
	(void)h;
	(void)info;
	return MG_ENOENT;
}

int mg_platform_block_write(mg_handle h, uint64_t offset, const void *buf,
                            size_t size)
{
	(void)h;
	(void)offset;
	(void)buf;
	(void)size;
	return MG_EINVAL;
}

int mg_platform_block_read(mg_handle h, uint64_t offset, void *buf, size_t size)
{
	(void)h;
	(void)offset;
	(void)buf;
	(void)size;
	return MG_EINVAL;
}

int mg_platform_block_flush(mg_handle h)
{
	(void)h;
	return MG_EINVAL;
}
