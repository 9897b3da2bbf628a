/* A frame read from a tap that did not fit the caller's buffer. */
#ifndef MG_PLATFORM_NET_PENDING_H
#define MG_PLATFORM_NET_PENDING_H

/*
 * Shared by platform/unix/net.c and platform/spt/net.c, which read a tap
 * with one readv() into the virtio-net header, the caller's buffer and
 * then (frame) for what does not fit: mg/platform.h wants such a frame
 * kept for a call with room for it (MG_EMSGSIZE, its length told).
 * Depends on nothing but string.h, for the freestanding guest too.
 */

#include <stdbool.h>
#include <string.h>

#include <mg/error.h>
#include <mg/net_offload.h>

typedef struct mg__net_pending {
	uint8_t *frame; /* MG_NET_FRAME_MAX bytes: a readv's third buffer */
	size_t len;     /* 0: no frame waits */
	mg_net_offload off;
} mg__net_pending;

/* Hand the waiting frame to (buf, size) as mg_platform_net_read() does. */
static inline int mg__net_pending_take(mg__net_pending *p, void *buf,
                                       size_t size, size_t *len,
                                       mg_net_offload *off)
{
	*len = p->len;
	if (buf && p->len > size)
		return MG_EMSGSIZE;
	if (buf) {
		memcpy(buf, p->frame, p->len);
		*off = p->off;
	}
	p->len = 0;
	return 0;
}

/*
 * A readv() brought (fl) frame bytes with header (vh) into (buf, size) and
 * then p->frame: return it as mg_platform_net_read() does, keeping the
 * whole frame in (p) when it is longer than (size).
 */
static inline int mg__net_pending_read(mg__net_pending *p, void *buf,
                                       size_t size, size_t fl,
                                       const mg_net_vnet_hdr *vh, size_t *len,
                                       mg_net_offload *off)
{
	mg_net_offload o = mg_net_vnet_to_off(vh);
	*len = fl;
	if (!buf || fl <= size) {
		if (buf)
			*off = o;
		return 0;
	}
	memmove(p->frame + size, p->frame, fl - size);
	memcpy(p->frame, buf, size);
	p->len = fl;
	p->off = o;
	return MG_EMSGSIZE;
}

#endif
