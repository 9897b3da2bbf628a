/* Module type netif: a network interface that sends and receives frames. */
#ifndef MG_NETIF_H
#define MG_NETIF_H

/*
 * A netif moves whole Ethernet frames (destination, source, type,
 * payload; no preamble, no FCS) between the unikernel and a wire: a tap
 * device on unix, the tender's tap on hvt, a recording fake in tests. It
 * knows nothing of protocols. The direct stack's ethernet layer is its
 * only user.
 *
 * Readiness: read() says MG_EAGAIN when no frame waits; only then MAY the
 * caller block in wait(). (On unix the device is an edge-triggered host
 * descriptor: waiting while frames are left unread could sleep forever.)
 */

#include <stddef.h>
#include <stdint.h>

#include <mg/pkt.h>

/* Longest Ethernet header (no VLAN tag: tags are not supported). */
#define MG_NETIF_HLEN 14

typedef struct mg_netif_info {
	uint8_t mac[6];    /* the unikernel's own address on this wire */
	uint16_t mtu;      /* largest payload after the 14-byte header */
	unsigned offloads; /* MG_NET_OFFLOAD_* (mg/net_offload.h) */
} mg_netif_info;

typedef struct mg_netif_ops {
	/*
	 * Send the frame (frame, len) with its offloads (off) (NULL: none;
	 * only those of info.offloads). MUST NOT block: a frame the device
	 * cannot take now is dropped, as a wire may drop it, and counted.
	 * 0, or MG_EINVAL if (len) is below 14 or above mtu + 14 (above
	 * MG_NET_FRAME_MAX for a MG_NET_GSO_TCPV4 frame).
	 */
	int (*write)(void *self, const void *frame, size_t len,
	             const mg_net_offload *off);

	/*
	 * Receive one frame into (p): its bytes are stored at p->data (which
	 * the caller left with p->len 0 and at least mtu + 14 bytes of
	 * tailroom), p->len and p->off set. MUST NOT block. 0; MG_EAGAIN when
	 * no frame waits; a positive length when the frame waiting is longer
	 * than the tailroom (a device with offloads delivers up to
	 * MG_NET_FRAME_MAX): nothing is consumed, and the caller reads it
	 * again into a packet that large, or drops it by reading with (p)
	 * NULL; MG_EMSGSIZE when a frame too long for the device was
	 * dropped; MG_EIO if the device failed.
	 */
	int (*read)(void *self, mg_pkt *p);

	/*
	 * Wait (from a fiber) until a frame may be read or monotonic
	 * (deadline_ns) passes. 0, MG_ETIMEDOUT or MG_ECANCELED. MAY return 0
	 * with nothing to read (the caller reads again).
	 */
	int (*wait)(void *self, uint64_t deadline_ns);

	/* The device's address and MTU; fixed once connected. */
	void (*info)(void *self, mg_netif_info *out);

	/* OPTIONAL (NULL): the device's own counters (frames dropped by the
	 * device, by reason). */
	void (*counters)(void *self, mg_net_counter_fn fn, void *ctx);
} mg_netif_ops;

typedef struct mg_netif {
	const mg_netif_ops *ops;
	void *self;
} mg_netif;

static inline int mg_netif_write(mg_netif *n, const void *frame, size_t len,
                                 const mg_net_offload *off)
{
	return n->ops->write(n->self, frame, len, off);
}

static inline int mg_netif_read(mg_netif *n, mg_pkt *p)
{
	return n->ops->read(n->self, p);
}

static inline int mg_netif_wait(mg_netif *n, uint64_t deadline_ns)
{
	return n->ops->wait(n->self, deadline_ns);
}

static inline void mg_netif_info_get(mg_netif *n, mg_netif_info *out)
{
	n->ops->info(n->self, out);
}

/*
 * The platform's net device (name) from the image's manifest
 * (mg_platform_net_acquire): a tap on unix, the tender's device on hvt.
 * (mac), when not NULL or empty, replaces the platform's address: six
 * hex pairs separated by ':' (the --net-mac boot key); a multicast
 * address is refused. 0; MG_ENOENT if (name) is not bound (the message
 * of the platform says how to bind it); MG_EBUSY if already acquired;
 * MG_EINVAL for a bad (mac); MG_ENOMEM.
 */
int mg_netif_platform_connect(mg_netif *out, const char *name, const char *mac);

/* Parse "02:00:00:00:00:01" into (mac). 0 or MG_EINVAL. */
int mg_mac_parse(const char *s, uint8_t mac[static 6]);

#endif
