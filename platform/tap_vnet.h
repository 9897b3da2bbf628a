/* Linux taps with virtio-net headers: offloads for unix and the tender. */
#ifndef MG_PLATFORM_TAP_VNET_H
#define MG_PLATFORM_TAP_VNET_H

/*
 * Shared by platform/unix/net.c and tender/hvt/hvt_module_net.c, which
 * both drive a tap opened with IFF_VNET_HDR: every frame read or written
 * is preceded by a struct virtio_net_hdr, whose fields mg_net_offload
 * mirrors one for one (mg/net_offload.h).
 */

#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <string.h>
#include <sys/ioctl.h>

#include <mg/net_offload.h>

_Static_assert(MG_NET_CSUM_PARTIAL == VIRTIO_NET_HDR_F_NEEDS_CSUM &&
                   MG_NET_CSUM_VALID == VIRTIO_NET_HDR_F_DATA_VALID &&
                   MG_NET_GSO_TCPV4 == VIRTIO_NET_HDR_GSO_TCPV4,
               "offload constants are virtio's");

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

/* The header of a frame to write: (off) may be NULL. */
static inline void mg__vnet_from_off(struct virtio_net_hdr *h,
                                     const mg_net_offload *off)
{
	memset(h, 0, sizeof *h);
	if (!off)
		return;
	h->flags = off->flags & MG_NET_CSUM_PARTIAL;
	h->gso_type = off->gso;
	h->hdr_len = off->hdr_len;
	h->gso_size = off->gso_size;
	h->csum_start = off->csum_start;
	h->csum_offset = off->csum_offset;
}

/* The offloads of a frame read: the ECN bit of the GSO type is dropped
 * (the frame's own headers say it), and a type this side never asked
 * for reads as none. */
static inline void mg__vnet_to_off(const struct virtio_net_hdr *h,
                                   mg_net_offload *off)
{
	unsigned gso = h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
	off->flags = h->flags & (MG_NET_CSUM_PARTIAL | MG_NET_CSUM_VALID);
	off->gso = gso == VIRTIO_NET_HDR_GSO_TCPV4 ? MG_NET_GSO_TCPV4 : 0;
	off->hdr_len = h->hdr_len;
	off->gso_size = h->gso_size;
	off->csum_start = h->csum_start;
	off->csum_offset = h->csum_offset;
}

#endif
