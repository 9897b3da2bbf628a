/* Net devices of the unix target: none are bound yet. */
#include <mg/error.h>
#include <mg/platform.h>

/*
 * The tap-backed net devices of the unix target are the networking
 * layer's to write (with the image's manifest). Until then no name is
 * bound: every acquire says MG_ENOENT as the contract requires for an
 * unbound name, and as no handle can have been acquired, the other calls
 * refuse their handle with MG_EINVAL.
 */

int mg_platform_net_acquire(const char *name, mg_handle *h,
                            mg_platform_net_info *info)
{
	(void)name;
	(void)h;
	(void)info;
	return MG_ENOENT;
}

int mg_platform_net_write(mg_handle h, const void *buf, size_t len)
{
	(void)h;
	(void)buf;
	(void)len;
	return MG_EINVAL;
}

int mg_platform_net_read(mg_handle h, void *buf, size_t size, size_t *len)
{
	(void)h;
	(void)buf;
	(void)size;
	(void)len;
	return MG_EINVAL;
}
