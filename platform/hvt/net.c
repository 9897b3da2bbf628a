/* Net devices of hvt: frames through rings the tender reads at each exit. */
#include <stdlib.h>
#include <string.h>

#include <mg/error.h>

#include "hvt_internal.h"

/*
 * see mg/platform.h and, for the rings, mg/hvt_abi.h. Writing a frame
 * copies it into the TX area as a record, without an exit; the tender
 * sends the records at the guest's next POLL (or at a NET_SYNC when the
 * area is full, or at exit). Reading takes records the tender stored in
 * the RX area at an exit; an empty area is MG_EAGAIN, and the next POLL
 * both sends and fills. So a guest busy with traffic makes one exit per
 * batch of frames, and with the tender's offloads a frame is a TCP
 * segment of up to 64 KiB whose checksum nobody in the guest computes.
 */

/* Bytes of each area: room for a few of the largest frames, or for a
 * hundred standard ones, per exit; twice that with memory to spare. */
#define AREA_BYTES     (128u * 1024)
#define AREA_BYTES_BIG (512u * 1024)

typedef struct gnet {
	struct mg_hvt_net_ring *ring;
	uint8_t *tx, *rx;
	uint32_t tx_size, rx_size, mtu;
	unsigned offloads;
} gnet;

static gnet nets[MG_HVT_DEVICES_MAX];
static uint64_t with_rings; /* bit per net device with rings */

static gnet *net_of(mg_handle h)
{
	return h < MG_HVT_DEVICES_MAX && nets[h].ring ? &nets[h] : NULL;
}

static void sync(mg_handle h)
{
	struct mg_hvt_net_io a = {.handle = h};
	mg__hvt_call(MG_HVT_CALL_NET_SYNC, &a);
}

int mg_platform_net_acquire(const char *name, mg_handle *h,
                            mg_platform_net_info *info)
{
	int i = mg__x86_device_acquire(&mg__hvt_devices, name,
	                               MG_HVT_DEVICE_NET, h);
	if (i < 0)
		return i;
	const struct mg_hvt_device *d = &mg__hvt_boot->devices[i];
	uint32_t area =
	    mg__hvt_boot->mem_size >= (64u << 20) ? AREA_BYTES_BIG : AREA_BYTES;
	uint64_t size = MG_HVT_NET_RING_SIZE(area, area);
	struct mg_hvt_net_ring *r = calloc(1, size);
	if (!r)
		return MG_ENOMEM;
	r->tx_size = area;
	r->rx_size = area;
	struct mg_hvt_net_io a = {
	    .handle = (uint64_t)i, .ring = r, .size = size};
	mg__hvt_call(MG_HVT_CALL_NET_RING, &a);
	if (a.ret < 0) {
		free(r);
		return (int)a.ret;
	}
	gnet *n = &nets[i];
	n->ring = r;
	n->tx_size = area;
	n->rx_size = area;
	n->tx = (uint8_t *)(r + 1);
	n->rx = n->tx + area;
	n->mtu = d->mtu;
	n->offloads = r->offloads & (MG_NET_OFFLOAD_CSUM | MG_NET_OFFLOAD_TSO4);
	with_rings |= 1ull << i;
	memcpy(info->mac, d->mac, sizeof info->mac);
	info->mtu = d->mtu;
	info->offloads = n->offloads;
	return 0;
}

/* Room for a record of (bytes) at the TX producer, a wrap record put
 * first when the area's end is too near: its address. */
static struct mg_hvt_net_rec *tx_room(mg_handle h, gnet *n, uint32_t bytes)
{
	struct mg_hvt_net_ring *r = n->ring;
	uint32_t at = r->tx_prod & (n->tx_size - 1);
	uint32_t tail = n->tx_size - at;
	uint32_t need = bytes <= tail ? bytes : tail + bytes;
	if (n->tx_size - (r->tx_prod - r->tx_cons) < need) {
		sync(h); /* the tender empties the area */
		at = r->tx_prod & (n->tx_size - 1);
		tail = n->tx_size - at;
	}
	if (bytes > tail) {
		((struct mg_hvt_net_rec *)(n->tx + at))->len = MG_HVT_NET_WRAP;
		r->tx_prod += tail;
		at = 0;
	}
	return (void *)(n->tx + at);
}

int mg_platform_net_write(mg_handle h, const void *buf, size_t len,
                          const mg_net_offload *off)
{
	gnet *n = net_of(h);
	if (!n || !mg_net_offload_ok(off, n->offloads, len, n->mtu))
		return MG_EINVAL;
	uint32_t bytes = MG_HVT_NET_REC_BYTES(len);
	struct mg_hvt_net_rec *rec = tx_room(h, n, bytes);
	if (off)
		*rec = (struct mg_hvt_net_rec){
		    .len = (uint32_t)len,
		    .flags = off->flags,
		    .gso = off->gso,
		    .hdr_len = off->hdr_len,
		    .gso_size = off->gso_size,
		    .csum_start = off->csum_start,
		    .csum_offset = off->csum_offset,
		};
	else
		*rec = (struct mg_hvt_net_rec){.len = (uint32_t)len};
	memcpy(rec + 1, buf, len);
	n->ring->tx_prod += bytes;
	return 0;
}

int mg_platform_net_read(mg_handle h, void *buf, size_t size, size_t *len,
                         mg_net_offload *off)
{
	gnet *n = net_of(h);
	if (!n)
		return MG_EINVAL;
	struct mg_hvt_net_ring *r = n->ring;
	for (;;) {
		if (r->rx_cons == r->rx_prod)
			return MG_EAGAIN;
		uint32_t at = r->rx_cons & (n->rx_size - 1);
		const struct mg_hvt_net_rec *rec = (void *)(n->rx + at);
		uint32_t l = rec->len;
		if (l == MG_HVT_NET_WRAP) {
			r->rx_cons += n->rx_size - at;
			continue;
		}
		*len = l;
		if (buf && l > size)
			return MG_EMSGSIZE;
		if (buf) {
			*off = (mg_net_offload){
			    rec->flags,    rec->gso,        rec->hdr_len,
			    rec->gso_size, rec->csum_start, rec->csum_offset};
			memcpy(buf, rec + 1, l);
		}
		r->rx_cons += MG_HVT_NET_REC_BYTES(l);
		return 0;
	}
}

/* Every guest instruction counts where KVM emulates them: only the
 * devices with rings are looked at. */
uint64_t mg__hvt_net_ready(void)
{
	uint64_t set = 0;
	for (uint64_t m = with_rings; m; m &= m - 1) {
		unsigned i = (unsigned)__builtin_ctzll(m);
		if (nets[i].ring->rx_cons != nets[i].ring->rx_prod)
			set |= 1ull << i;
	}
	return set;
}

void mg__hvt_net_flush(void)
{
	for (uint64_t m = with_rings; m; m &= m - 1) {
		unsigned i = (unsigned)__builtin_ctzll(m);
		if (nets[i].ring->tx_prod != nets[i].ring->tx_cons)
			sync(i);
	}
}
