/* Net devices of spt: the bound taps, a frame per readv or writev. */
#include <stdlib.h>
#include <string.h>

#include <mg/error.h>

#include "../net_pending.h"
#include "spt_internal.h"

/*
 * see mg/platform.h. The tender opened each tap with virtio-net headers
 * and the offloads it could get (mg/spt_abi.h): every frame crosses with
 * its virtio-net header (mg_net_vnet_hdr) in one system call, a TCP
 * segment of up to 64 KiB with its checksum left to the host. Readiness
 * comes from the tender's epoll set, level-triggered, so a reader need
 * not drain a tap.
 */

struct iov {
	const void *base;
	size_t len;
};

static mg__net_pending pending[MG_HVT_DEVICES_MAX];
static uint64_t with_pending; /* bit per device: yield looks at it */

static unsigned offloads_of(const struct mg_spt_device *d)
{
	return d->offloads & (MG_NET_OFFLOAD_CSUM | MG_NET_OFFLOAD_TSO4);
}

int mg_platform_net_acquire(const char *name, mg_handle *h,
                            mg_platform_net_info *info)
{
	int i = mg__x86_device_acquire(&mg__spt_devices, name,
	                               MG_HVT_DEVICE_NET, h);
	if (i < 0)
		return i;
	const struct mg_spt_device *d = &mg__spt_boot->devices[i];
	if (!pending[i].frame && !(pending[i].frame = malloc(MG_NET_FRAME_MAX)))
		return MG_ENOMEM;
	memcpy(info->mac, d->mac, sizeof info->mac);
	info->mtu = d->mtu;
	info->offloads = offloads_of(d);
	return 0;
}

int mg_platform_net_write(mg_handle h, const void *buf, size_t len,
                          const mg_net_offload *off)
{
	const struct mg_spt_device *d = mg__spt_device(h, MG_HVT_DEVICE_NET);
	if (!d || !mg_net_offload_ok(off, offloads_of(d), len, d->mtu))
		return MG_EINVAL;
	mg_net_vnet_hdr vh = mg_net_vnet_from_off(off);
	struct iov iov[2] = {{&vh, sizeof vh}, {buf, len}};
	long n;
	do
		n = mg__spt_syscall3(MG_SPT_SYS_WRITEV, d->fd, (long)iov, 2);
	while (n == -MG__SPT_EINTR);
	/* A full queue, a tap that is down or a frame the host finds
	 * malformed drops the frame, as a wire. */
	return 0;
}

int mg_platform_net_read(mg_handle h, void *buf, size_t size, size_t *len,
                         mg_net_offload *off)
{
	const struct mg_spt_device *d = mg__spt_device(h, MG_HVT_DEVICE_NET);
	if (!d)
		return MG_EINVAL;
	if (pending[h].len) {
		int rc = mg__net_pending_take(&pending[h], buf, size, len, off);
		if (!pending[h].len)
			with_pending &= ~(1ull << h);
		return rc;
	}
	/* What does not fit (buf) lands in the pending buffer. */
	mg_net_vnet_hdr vh;
	struct iov iov[3] = {{&vh, sizeof vh},
	                     {buf, buf ? size : 0},
	                     {pending[h].frame, MG_NET_FRAME_MAX}};
	long n;
	/* An empty frame is skipped. */
	do
		n = mg__spt_syscall3(MG_SPT_SYS_READV, d->fd, (long)iov, 3);
	while (n == -MG__SPT_EINTR || (n >= 0 && (size_t)n <= sizeof vh));
	if (n < 0)
		return n == -MG__SPT_EAGAIN ? MG_EAGAIN : MG_EIO;
	int rc = mg__net_pending_read(&pending[h], buf, size,
	                              (size_t)n - sizeof vh, &vh, len, off);
	if (pending[h].len)
		with_pending |= 1ull << h;
	return rc;
}

uint64_t mg__spt_net_pending(void)
{
	return with_pending;
}
