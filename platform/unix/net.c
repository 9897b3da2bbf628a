/* Net devices of the unix target: Linux taps bound by --net:NAME=TAP. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <mg/error.h>
#include <mg/platform.h>
#include <mg/platform_unix.h>

#include "../net_pending.h"
#include "../tap_vnet.h"

#include "unix_internal.h"

/*
 * see mg/platform.h; the bindings are mg/platform_unix.h's. The image
 * attaches to the tap named in its binding: an existing one (made by
 * `morgana run`, a test, or `ip tuntap add`), else it creates one, which
 * needs CAP_NET_ADMIN and lives only as long as the process. The tap's
 * MTU is the device's; its MAC is the host's side of the wire, so the
 * unikernel takes a random locally administered one (--net-mac sets it).
 * The descriptor is non-blocking and registered with the platform's
 * yield: edge-triggered, so the net layer reads until MG_EAGAIN before it
 * waits, as mg/netif.h requires. Frames carry virtio-net headers
 * (IFF_VNET_HDR) and the tap is asked for checksum and TCP segmentation
 * offloads, so that a TCP segment crosses in one syscall of up to 64 KiB
 * with no checksum computed on either side.
 */

#define MAX_DEVS 8

static struct {
	char name[32];
	int fd;
	mg_handle h;
	uint16_t mtu;
	unsigned offloads;
	mg__net_pending pending;
} devs[MAX_DEVS];
static unsigned ndevs;

static void say(const char *name, const char *tap, const char *why)
{
	char msg[512];
	int n = snprintf(msg, sizeof msg, "morgana: --net:%s=%s: %s\n", name,
	                 tap, why);
	if (n > 0)
		mg__unix_write_all(2, msg,
		                   (size_t)n < sizeof msg ? (size_t)n
		                                          : sizeof msg - 1);
}

int mg_platform_net_acquire(const char *name, mg_handle *h,
                            mg_platform_net_info *info)
{
	const char *tap = mg_unix_binding("net", name);
	if (!tap) {
		char msg[160];
		snprintf(msg, sizeof msg, "not bound: give --net:%s=TAP", name);
		say(name, "?", msg);
		return MG_ENOENT;
	}
	for (unsigned i = 0; i < ndevs; i++)
		if (strcmp(devs[i].name, name) == 0)
			return MG_EBUSY;
	if (ndevs == MAX_DEVS)
		return MG_ENOMEM;
	if (strlen(tap) >= IFNAMSIZ) {
		say(name, tap, "interface names have at most 15 characters");
		return MG_EINVAL;
	}
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		say(name, tap, "cannot open /dev/net/tun");
		return e == EACCES || e == EPERM ? MG_EACCES : MG_ENOENT;
	}
	int e = mg__tap_attach(fd, tap);
	if (e) {
		say(name, tap, mg__tap_attach_error(e));
		close(fd);
		return e == EPERM ? MG_EACCES : e == EBUSY ? MG_EBUSY : MG_EIO;
	}
	mg_handle hh;
	int rc = mg_unix_fd_register(fd, MG_UNIX_READ, &hh);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	unsigned i = ndevs++;
	strncpy(devs[i].name, name, sizeof devs[i].name - 1);
	devs[i].fd = fd;
	devs[i].h = hh;
	devs[i].mtu = mg__tap_mtu(tap, 65535 - 14);
	devs[i].offloads = mg__tap_offloads(fd);
	mg_platform_entropy(info->mac, 6);
	info->mac[0] = (uint8_t)((info->mac[0] & 0xfc) | 0x02);
	info->mtu = devs[i].mtu;
	info->offloads = devs[i].offloads;
	*h = hh;
	return 0;
}

static int dev_of(mg_handle h)
{
	for (unsigned i = 0; i < ndevs; i++)
		if (devs[i].h == h)
			return (int)i;
	return -1;
}

int mg_platform_net_write(mg_handle h, const void *buf, size_t len,
                          const mg_net_offload *off)
{
	int i = dev_of(h);
	if (i < 0 ||
	    !mg_net_offload_ok(off, devs[i].offloads, len, devs[i].mtu))
		return MG_EINVAL;
	mg_net_vnet_hdr vh = mg_net_vnet_from_off(off);
	struct iovec iov[2] = {{&vh, sizeof vh}, {(void *)buf, len}};
	/* A full queue, a tap that is down or a frame the host finds
	 * malformed drops the frame, as a wire. */
	(void)!writev(devs[i].fd, iov, 2);
	return 0;
}

int mg_platform_net_read(mg_handle h, void *buf, size_t size, size_t *len,
                         mg_net_offload *off)
{
	int i = dev_of(h);
	if (i < 0)
		return MG_EINVAL;
	mg__net_pending *p = &devs[i].pending;
	if (p->len)
		return mg__net_pending_take(p, buf, size, len, off);
	if (!p->frame && !(p->frame = malloc(MG_NET_FRAME_MAX)))
		return MG_ENOMEM;
	/* What does not fit (buf) lands in the pending buffer. */
	mg_net_vnet_hdr vh;
	struct iovec iov[3] = {{&vh, sizeof vh},
	                       {buf, buf ? size : 0},
	                       {p->frame, MG_NET_FRAME_MAX}};
	ssize_t n;
	/* Reading until a frame or MG_EAGAIN keeps the edge-triggered
	 * readiness true; an empty frame is skipped. */
	do
		n = readv(devs[i].fd, iov, 3);
	while ((n < 0 && errno == EINTR) || (n >= 0 && (size_t)n <= sizeof vh));
	if (n < 0)
		return errno == EAGAIN ? MG_EAGAIN : MG_EIO;
	return mg__net_pending_read(p, buf, size, (size_t)n - sizeof vh, &vh,
	                            len, off);
}
