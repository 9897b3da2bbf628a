/* Checksum and segmentation offloads of a network frame. */
#ifndef MG_NET_OFFLOAD_H
#define MG_NET_OFFLOAD_H

/*
 * What a frame asks of its device, or what the device did for it: the
 * fields of virtio-net's header (virtio 1.2, section 5.1.6), which Linux
 * taps read and write in front of each frame. A device says which of
 * these it supports (MG_NET_OFFLOAD_*); a frame MUST NOT ask for others.
 *
 * Out (to the device):
 * - MG_NET_CSUM_PARTIAL: the checksum field at (csum_start + csum_offset)
 *   holds the folded, uncomplemented sum of the pseudo-header; the device
 *   sums from (csum_start) to the frame's end and stores the checksum.
 * - MG_NET_GSO_TCPV4 (with MG_NET_CSUM_PARTIAL): a TCP/IPv4 frame longer
 *   than the MTU, up to 14 + 65535 bytes, that the device cuts into
 *   segments of (gso_size) payload bytes, each with the headers copied,
 *   the sequence numbers, IPv4 identifications, lengths and checksums
 *   fixed, and FIN and PSH only on the last.
 * In (from the device):
 * - MG_NET_CSUM_PARTIAL: the frame came from this host and its transport
 *   checksum was never computed; it is as good as checked.
 * - MG_NET_CSUM_VALID: the device checked the transport checksum.
 * - MG_NET_GSO_TCPV4: a TCP/IPv4 frame of up to 14 + 65535 bytes, made of
 *   segments of (gso_size) the host sent or coalesced as one.
 */

#include <stddef.h>
#include <stdint.h>

typedef struct mg_net_offload {
	uint8_t flags;        /* MG_NET_CSUM_* */
	uint8_t gso;          /* MG_NET_GSO_* */
	uint16_t hdr_len;     /* bytes of all headers (a hint for the device) */
	uint16_t gso_size;    /* payload bytes per segment */
	uint16_t csum_start;  /* from the frame's first byte */
	uint16_t csum_offset; /* from csum_start */
} mg_net_offload;

#define MG_NET_CSUM_PARTIAL 1u
#define MG_NET_CSUM_VALID   2u
#define MG_NET_GSO_NONE     0u
#define MG_NET_GSO_TCPV4    1u

/* A device's offloads (mg_platform_net_info.offloads, mg_netif_info). */
#define MG_NET_OFFLOAD_CSUM 1u /* takes and MAY deliver CSUM_PARTIAL */
#define MG_NET_OFFLOAD_TSO4 2u /* takes and MAY deliver GSO_TCPV4 */

/*
 * virtio-net's header (struct virtio_net_hdr, without num_buffers), which
 * a Linux tap opened with IFF_VNET_HDR and a virtio-net device put in
 * front of each frame; the host's byte order. Defined here so that code
 * without Linux's headers (a guest platform) uses the same conversions.
 */
typedef struct mg_net_vnet_hdr {
	uint8_t flags;    /* MG_NET_CSUM_* */
	uint8_t gso_type; /* MG_NET_GSO_*, | MG_NET_VNET_GSO_ECN on input */
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
} mg_net_vnet_hdr;
_Static_assert(sizeof(mg_net_vnet_hdr) == 10, "virtio-net header layout");
#define MG_NET_VNET_GSO_ECN 0x80u

/* The header of a frame to write: (off) may be NULL. */
static inline mg_net_vnet_hdr mg_net_vnet_from_off(const mg_net_offload *off)
{
	if (!off)
		return (mg_net_vnet_hdr){0};
	return (mg_net_vnet_hdr){
	    .flags = (uint8_t)(off->flags & MG_NET_CSUM_PARTIAL),
	    .gso_type = off->gso,
	    .hdr_len = off->hdr_len,
	    .gso_size = off->gso_size,
	    .csum_start = off->csum_start,
	    .csum_offset = off->csum_offset,
	};
}

/*
 * The offloads of a frame read: the ECN bit of the GSO type is dropped
 * (the frame's own headers say it), and a type this side never asked for
 * reads as none.
 */
static inline mg_net_offload mg_net_vnet_to_off(const mg_net_vnet_hdr *h)
{
	unsigned gso = h->gso_type & ~MG_NET_VNET_GSO_ECN;
	return (mg_net_offload){
	    .flags =
	        (uint8_t)(h->flags & (MG_NET_CSUM_PARTIAL | MG_NET_CSUM_VALID)),
	    .gso = gso == MG_NET_GSO_TCPV4 ? MG_NET_GSO_TCPV4 : 0,
	    .hdr_len = h->hdr_len,
	    .gso_size = h->gso_size,
	    .csum_start = h->csum_start,
	    .csum_offset = h->csum_offset,
	};
}

/* The longest frame with offloads: a header and an IPv4 datagram. */
#define MG_NET_FRAME_MAX (14 + 65535)

/*
 * Whether a device with (offloads) and (mtu) takes a (len)-byte frame
 * asking for (off) (NULL: nothing): 1 or 0.
 */
static inline int mg_net_offload_ok(const mg_net_offload *off,
                                    unsigned offloads, size_t len, unsigned mtu)
{
	if (len < 14)
		return 0;
	if (!off || (!off->flags && off->gso == MG_NET_GSO_NONE))
		return len <= (size_t)mtu + 14;
	if (off->flags != MG_NET_CSUM_PARTIAL ||
	    !(offloads & MG_NET_OFFLOAD_CSUM))
		return 0;
	if (off->gso == MG_NET_GSO_NONE)
		return len <= (size_t)mtu + 14;
	return off->gso == MG_NET_GSO_TCPV4 &&
	       (offloads & MG_NET_OFFLOAD_TSO4) && off->gso_size &&
	       len <= MG_NET_FRAME_MAX;
}

#endif
