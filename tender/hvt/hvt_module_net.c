/* Network devices: --net:NAME=TAP, frames through rings in guest memory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <mg/error.h>

#include "hvt.h"
#include "../../platform/tap_vnet.h"

/*
 * The tap is opened at start-up, before the seccomp filter: afterwards
 * only read, write and ppoll touch it. The rings (mg/hvt_abi.h) are
 * checked once at NET_RING; from then on the tender keeps its own copy of
 * their geometry and of the indices it owns, and checks the guest's
 * indices and lengths each time it reads them.
 */

typedef struct net {
	bool open;
	int fd;
	uint16_t mtu;
	unsigned offloads;
	struct mg_hvt_net_ring *ring; /* NULL until NET_RING */
	uint8_t *tx, *rx;             /* the record areas */
	uint32_t tx_size, rx_size;
	uint32_t tx_cons, rx_prod; /* the tender's positions */
	/* A frame read from the tap that did not fit the RX area yet. */
	mg_net_vnet_hdr vh;
	uint8_t *frame;
	uint32_t frame_len; /* 0: none waits */
} net;

static net nets[MG_HVT_DEVICES_MAX];

int mg__hvt_net_open(unsigned index, struct mg_hvt_device *d, const char *tap)
{
	int fd;
	uint16_t mtu;
	unsigned offloads;
	if (mg__tender_tap_open(d->name, tap, &fd, &mtu, &offloads, d->mac) < 0)
		return -1;
	d->mtu = mtu;
	uint8_t *frame = malloc(MG_NET_FRAME_MAX);
	if (!frame) {
		mg__tender_msg("--net:%s: out of memory", d->name);
		close(fd);
		return -1;
	}
	nets[index].open = true;
	nets[index].fd = fd;
	nets[index].mtu = mtu;
	nets[index].offloads = offloads;
	nets[index].frame = frame;
	return 0;
}

static _Noreturn void bad_ring(unsigned i, const char *what)
{
	mg__tender_die(MG_HVT_EXIT_ABI,
	               "guest broke the rings of net device %u: %s", i, what);
}

static const struct mg_hvt_net_rec *rec_at(unsigned i, uint8_t *area,
                                           uint32_t size, uint32_t pos)
{
	/* Positions stay multiples of 16, so a header never crosses the
	 * area's end. */
	if (pos % 16)
		bad_ring(i, "a record position is not a multiple of 16");
	return (const void *)(area + (pos & (size - 1)));
}

/* Send the TX records the guest queued. */
static void send_queued(unsigned i)
{
	net *n = &nets[i];
	uint32_t prod = n->ring->tx_prod;
	if (prod - n->tx_cons > n->tx_size)
		bad_ring(i, "TX position ahead by more than the area");
	while (n->tx_cons != prod) {
		const struct mg_hvt_net_rec *r =
		    rec_at(i, n->tx, n->tx_size, n->tx_cons);
		uint32_t at = n->tx_cons & (n->tx_size - 1);
		struct mg_hvt_net_rec rec = *r; /* read once */
		if (rec.len == MG_HVT_NET_WRAP) {
			if (prod - n->tx_cons < n->tx_size - at)
				bad_ring(i, "a TX wrap record past the queue");
			n->tx_cons += n->tx_size - at;
			continue;
		}
		mg_net_offload off = {rec.flags,      rec.gso,
		                      rec.hdr_len,    rec.gso_size,
		                      rec.csum_start, rec.csum_offset};
		uint32_t bytes = MG_HVT_NET_REC_BYTES(rec.len);
		if (rec.len > MG_NET_FRAME_MAX || bytes > n->tx_size - at ||
		    bytes > prod - n->tx_cons)
			bad_ring(i, "a TX record runs past its area or queue");
		if (!mg_net_offload_ok(&off, n->offloads, rec.len, n->mtu))
			bad_ring(i, "a TX frame's length or offloads are out "
			            "of range");
		mg_net_vnet_hdr vh = mg_net_vnet_from_off(&off);
		struct iovec iov[2] = {{&vh, sizeof vh},
		                       {(uint8_t *)(r + 1), rec.len}};
		/* A full tap queue, or a frame the host finds malformed,
		 * drops the frame, as a wire would. */
		ssize_t w;
		do
			w = writev(n->fd, iov, 2);
		while (w < 0 && errno == EINTR);
		n->tx_cons += bytes;
	}
	n->ring->tx_cons = n->tx_cons;
}

/* Store the waiting frame at the RX producer position if it fits. */
static bool store_frame(unsigned i)
{
	net *n = &nets[i];
	uint32_t used = n->rx_prod - n->ring->rx_cons;
	uint32_t at = n->rx_prod & (n->rx_size - 1);
	uint32_t bytes = MG_HVT_NET_REC_BYTES(n->frame_len);
	uint32_t tail = n->rx_size - at;
	uint32_t need = bytes <= tail ? bytes : tail + bytes;
	if (need > n->rx_size - used)
		return false;
	if (bytes > tail) {
		struct mg_hvt_net_rec *w = (void *)(n->rx + at);
		w->len = MG_HVT_NET_WRAP;
		n->rx_prod += tail;
		at = 0;
	}
	struct mg_hvt_net_rec *r = (void *)(n->rx + at);
	mg_net_offload off = mg_net_vnet_to_off(&n->vh);
	*r = (struct mg_hvt_net_rec){
	    .len = n->frame_len,
	    .flags = (uint8_t)(off.flags),
	    .gso = (uint8_t)(off.gso),
	    .hdr_len = off.hdr_len,
	    .gso_size = off.gso_size,
	    .csum_start = off.csum_start,
	    .csum_offset = off.csum_offset,
	};
	memcpy(r + 1, n->frame, n->frame_len);
	n->rx_prod += bytes;
	n->frame_len = 0;
	return true;
}

/* Send what the guest queued, then fill the RX area from the tap. */
static void sync_one(unsigned i)
{
	net *n = &nets[i];
	send_queued(i);
	if (n->rx_prod - n->ring->rx_cons > n->rx_size)
		bad_ring(i, "RX position not between the tender's");
	for (;;) {
		if (!n->frame_len) {
			struct iovec iov[2] = {{&n->vh, sizeof n->vh},
			                       {n->frame, MG_NET_FRAME_MAX}};
			ssize_t r;
			do
				r = readv(n->fd, iov, 2);
			while (r < 0 && errno == EINTR);
			if (r <= (ssize_t)sizeof n->vh)
				break;
			n->frame_len = (uint32_t)(r - (ssize_t)sizeof n->vh);
		}
		if (!store_frame(i))
			break;
	}
	n->ring->rx_prod = n->rx_prod;
}

static uint64_t ready_set(void)
{
	uint64_t ready = 0;
	for (unsigned i = 0; i < MG_HVT_DEVICES_MAX; i++)
		if (nets[i].ring && nets[i].rx_prod != nets[i].ring->rx_cons)
			ready |= 1ull << i;
	return ready;
}

uint64_t mg__hvt_net_poll(mg__hvt *h, const struct timespec *timeout)
{
	(void)h;
	struct pollfd pfd[MG_HVT_DEVICES_MAX];
	unsigned idx[MG_HVT_DEVICES_MAX], n = 0;
	for (unsigned i = 0; i < MG_HVT_DEVICES_MAX; i++) {
		if (!nets[i].ring)
			continue;
		sync_one(i);
		pfd[n] = (struct pollfd){.fd = nets[i].fd, .events = POLLIN};
		idx[n++] = i;
	}
	uint64_t ready = ready_set();
	if (ready)
		return ready;
	int rc = ppoll(n ? pfd : NULL, n, timeout, NULL);
	if (rc < 0 && errno != EINTR)
		mg__tender_die(MG_HVT_EXIT_HOST, "ppoll: %s", strerror(errno));
	for (unsigned k = 0; rc > 0 && k < n; k++)
		if (pfd[k].revents)
			sync_one(idx[k]);
	return ready_set();
}

static bool area_ok(uint32_t size)
{
	return size >= MG_HVT_NET_REC_BYTES(MG_NET_FRAME_MAX) &&
	       size <= (16u << 20) && !(size & (size - 1));
}

static int64_t register_ring(mg__hvt *h, unsigned i, struct mg_hvt_net_io *a)
{
	net *n = &nets[i];
	if (n->ring)
		return MG_EBUSY;
	struct mg_hvt_net_ring *r =
	    mg__hvt_guest(h, a->ring, sizeof *r, MG_HVT_CALL_NET_RING);
	uint32_t ts = r->tx_size, rs = r->rx_size;
	if (!area_ok(ts) || !area_ok(rs) ||
	    MG_HVT_NET_RING_SIZE(ts, rs) > a->size || r->tx_prod ||
	    r->tx_cons || r->rx_prod || r->rx_cons)
		return MG_EINVAL;
	uint8_t *base = mg__hvt_guest(h, a->ring, MG_HVT_NET_RING_SIZE(ts, rs),
	                              MG_HVT_CALL_NET_RING);
	n->tx_size = ts;
	n->rx_size = rs;
	n->tx = base + sizeof *r;
	n->rx = n->tx + ts;
	r->offloads = n->offloads;
	n->ring = r;
	return 0;
}

void mg__hvt_net_call(mg__hvt *h, unsigned call, uint64_t gpa)
{
	struct mg_hvt_net_io *a = mg__hvt_guest(h, gpa, sizeof *a, call);
	uint64_t i = a->handle;
	if (i >= MG_HVT_DEVICES_MAX || !nets[i].open) {
		a->ret = MG_EINVAL;
		return;
	}
	if (call == MG_HVT_CALL_NET_RING) {
		a->ret = register_ring(h, (unsigned)i, a);
		return;
	}
	if (!nets[i].ring) {
		a->ret = MG_EINVAL;
		return;
	}
	sync_one((unsigned)i);
	a->ret = 0;
}
