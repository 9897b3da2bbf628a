/* Net devices of hvt: frames through rings the tender reads at each exit. */
#include <stdlib.h>
#include <string.h>

#include <mg/error.h>

#include "hvt_internal.h"

/*
 * see mg/platform.h and, for the rings, mg/hvt_abi.h. Writing a frame
 * copies it into the TX ring, without an exit; the tender sends the ring
 * at the guest's next POLL (or at a NET_SYNC when the ring is full, or at
 * exit). Reading takes frames the tender put in the RX ring at an exit;
 * an empty ring is MG_EAGAIN, and the next POLL both sends and fills. So
 * a guest busy with traffic makes one exit per batch of frames.
 */

/* Slots per direction, the largest batch per exit: 64 standard frames,
 * fewer jumbo ones, so that a ring stays within about 128 KiB. */
#define NSLOTS_MAX 64
#define NSLOTS_MIN 8
#define RING_BYTES (128 * 1024)

typedef struct gnet {
	struct mg_hvt_net_ring *ring;
	uint8_t *tx, *rx;
	uint32_t stride, mtu, nslots;
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
	int i = mg__hvt_device_acquire(name, MG_HVT_DEVICE_NET, h);
	if (i < 0)
		return i;
	const struct mg_hvt_device *d = &mg__hvt_boot->devices[i];
	uint32_t slot = ((uint32_t)d->mtu + 14 + 7) & ~7u;
	uint32_t ns = NSLOTS_MAX;
	while (ns > NSLOTS_MIN && (uint64_t)ns * slot > RING_BYTES)
		ns /= 2;
	uint64_t size = MG_HVT_NET_RING_SIZE(ns, slot);
	struct mg_hvt_net_ring *r = calloc(1, size);
	if (!r)
		return MG_ENOMEM;
	r->nslots = ns;
	r->slot_size = slot;
	struct mg_hvt_net_io a = {
	    .handle = (uint64_t)i, .ring = r, .size = size};
	mg__hvt_call(MG_HVT_CALL_NET_RING, &a);
	if (a.ret < 0) {
		free(r);
		return (int)a.ret;
	}
	gnet *n = &nets[i];
	n->ring = r;
	n->stride = (uint32_t)sizeof(struct mg_hvt_net_slot) + slot;
	n->nslots = ns;
	n->tx = (uint8_t *)(r + 1);
	n->rx = n->tx + (size_t)ns * n->stride;
	n->mtu = d->mtu;
	with_rings |= 1ull << i;
	memcpy(info->mac, d->mac, sizeof info->mac);
	info->mtu = d->mtu;
	return 0;
}

int mg_platform_net_write(mg_handle h, const void *buf, size_t len)
{
	gnet *n = net_of(h);
	if (!n || len < 14 || len > (size_t)n->mtu + 14)
		return MG_EINVAL;
	struct mg_hvt_net_ring *r = n->ring;
	if (r->tx_prod - r->tx_cons >= n->nslots)
		sync(h);
	struct mg_hvt_net_slot *s =
	    (void *)(n->tx +
	             (size_t)(r->tx_prod & (n->nslots - 1)) * n->stride);
	s->len = (uint32_t)len;
	memcpy(s + 1, buf, len);
	r->tx_prod++;
	return 0;
}

int mg_platform_net_read(mg_handle h, void *buf, size_t size, size_t *len)
{
	gnet *n = net_of(h);
	if (!n)
		return MG_EINVAL;
	struct mg_hvt_net_ring *r = n->ring;
	if (r->rx_cons == r->rx_prod)
		return MG_EAGAIN;
	struct mg_hvt_net_slot *s =
	    (void *)(n->rx +
	             (size_t)(r->rx_cons & (n->nslots - 1)) * n->stride);
	uint32_t l = s->len;
	if (l > size) {
		r->rx_cons++;
		return MG_EMSGSIZE;
	}
	memcpy(buf, s + 1, l);
	*len = l;
	r->rx_cons++;
	return 0;
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
