/* Linux taps with virtio-net headers: offloads for unix and the tender. */
#ifndef MG_PLATFORM_TAP_VNET_H
#define MG_PLATFORM_TAP_VNET_H

/*
 * Shared by platform/unix/net.c and tender/hvt/hvt_module_net.c, which
 * both drive a tap opened with IFF_VNET_HDR: every frame read or written
 * is preceded by a struct virtio_net_hdr, mg_net_vnet_hdr in
 * mg/net_offload.h, which converts it to and from mg_net_offload.
 */

#include <errno.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mg/net_offload.h>

_Static_assert(MG_NET_CSUM_PARTIAL == VIRTIO_NET_HDR_F_NEEDS_CSUM &&
                   MG_NET_CSUM_VALID == VIRTIO_NET_HDR_F_DATA_VALID &&
                   MG_NET_GSO_TCPV4 == VIRTIO_NET_HDR_GSO_TCPV4 &&
                   MG_NET_VNET_GSO_ECN == VIRTIO_NET_HDR_GSO_ECN,
               "offload constants are virtio's");
_Static_assert(sizeof(mg_net_vnet_hdr) == sizeof(struct virtio_net_hdr) &&
                   __builtin_offsetof(mg_net_vnet_hdr, gso_size) ==
                       __builtin_offsetof(struct virtio_net_hdr, gso_size) &&
                   __builtin_offsetof(mg_net_vnet_hdr, csum_offset) ==
                       __builtin_offsetof(struct virtio_net_hdr, csum_offset),
               "mg_net_vnet_hdr is struct virtio_net_hdr");

/*
 * Attach (fd), open on /dev/net/tun, to tap (tap), made if missing (which
 * needs CAP_NET_ADMIN), without packet information and with virtio-net
 * headers. 0, or the errno; mg__tap_attach_error() words it.
 */
static inline int mg__tap_attach(int fd, const char *tap)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	strncpy(ifr.ifr_name, tap, IFNAMSIZ - 1);
	return ioctl(fd, TUNSETIFF, &ifr) < 0 ? errno : 0;
}

static inline const char *mg__tap_attach_error(int e)
{
	return e == EPERM   ? "not permitted (the tap belongs to another user, "
	                      "or creating one needs CAP_NET_ADMIN)"
	       : e == EBUSY ? "the tap is in use by another process"
	                    : strerror(e);
}

/* The MTU of interface (tap) if it is from 68 to (max), else 1500. */
static inline uint16_t mg__tap_mtu(const char *tap, int max)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	strncpy(ifr.ifr_name, tap, IFNAMSIZ - 1);
	int mtu = 1500;
	if (s >= 0 && ioctl(s, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu >= 68 &&
	    ifr.ifr_mtu <= max)
		mtu = ifr.ifr_mtu;
	if (s >= 0)
		close(s);
	return (uint16_t)mtu;
}

/*
 * Ask the tap (fd) for checksum and TCP/IPv4 segmentation offloads and
 * return those it took (MG_NET_OFFLOAD_*): with them the host hands over
 * TCP segments of up to 64 KiB with their checksums undone, and takes
 * such segments to cut itself.
 */
static inline unsigned mg__tap_offloads(int fd)
{
	if (ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4) == 0)
		return MG_NET_OFFLOAD_CSUM | MG_NET_OFFLOAD_TSO4;
	if (ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM) == 0)
		return MG_NET_OFFLOAD_CSUM;
	return 0;
}

#endif
