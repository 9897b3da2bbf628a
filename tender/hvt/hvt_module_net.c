/* Network devices: --net:NAME=TAP, frames through rings in guest memory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mg/error.h>

#include "hvt.h"

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
	struct mg_hvt_net_ring *ring; /* NULL until NET_RING */
	uint8_t *tx, *rx;             /* the slot areas */
	uint32_t nslots, slot_size, stride;
	uint32_t tx_cons, rx_prod; /* the tender's indices */
} net;

static net nets[MG_HVT_DEVICES_MAX];

int mg__hvt_net_open(mg__hvt *h, unsigned index, const char *tap)
{
	struct mg_hvt_device *d = &h->boot->devices[index];
	if (strlen(tap) >= IFNAMSIZ) {
		mg__hvt_msg("--net:%s=%s: interface names have at most 15 "
		            "characters",
		            d->name, tap);
		return -1;
	}
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		mg__hvt_msg("--net:%s=%s: cannot open /dev/net/tun: %s",
		            d->name, tap, strerror(errno));
		return -1;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	strncpy(ifr.ifr_name, tap, IFNAMSIZ - 1);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = errno;
		mg__hvt_msg("--net:%s=%s: %s", d->name, tap,
		            e == EPERM ? "not permitted (the tap belongs to "
		                         "another user, or creating one needs "
		                         "CAP_NET_ADMIN)"
		            : e == EBUSY
		                ? "the tap is in use by another process"
		                : strerror(e));
		close(fd);
		return -1;
	}
	int mtu = 1500;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s >= 0 && ioctl(s, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu >= 68 &&
	    ifr.ifr_mtu <= 9000)
		mtu = ifr.ifr_mtu;
	if (s >= 0)
		close(s);
	/* The tap's own MAC is the host's end of the wire: the guest gets
	 * a random locally administered one. */
	uint8_t mac[6];
	if (getrandom(mac, sizeof mac, 0) != (ssize_t)sizeof mac) {
		mg__hvt_msg("--net:%s: getrandom: %s", d->name,
		            strerror(errno));
		close(fd);
		return -1;
	}
	mac[0] = (uint8_t)((mac[0] & 0xfc) | 0x02);
	memcpy(d->mac, mac, 6);
	d->mtu = (uint16_t)mtu;
	nets[index].open = true;
	nets[index].fd = fd;
	nets[index].mtu = (uint16_t)mtu;
	return 0;
}

static _Noreturn void bad_ring(unsigned i, const char *what)
{
	mg__hvt_die(MG_HVT_EXIT_ABI,
	            "guest broke the rings of net device %u: %s", i, what);
}

/* Send what the guest queued, then fill free RX slots from the tap. */
static void sync_one(unsigned i)
{
	net *n = &nets[i];
	uint32_t mask = n->nslots - 1;
	uint32_t prod = n->ring->tx_prod;
	if (prod - n->tx_cons > n->nslots)
		bad_ring(i, "TX index ahead by more than the ring");
	for (; n->tx_cons != prod; n->tx_cons++) {
		struct mg_hvt_net_slot *s =
		    (void *)(n->tx + (size_t)(n->tx_cons & mask) * n->stride);
		uint32_t len = s->len;
		if (len < 14 || len > (uint32_t)n->mtu + 14)
			bad_ring(i, "a TX frame's length is out of range");
		/* A full tap queue drops the frame, as a wire would. */
		ssize_t w;
		do
			w = write(n->fd, s + 1, len);
		while (w < 0 && errno == EINTR);
	}
	n->ring->tx_cons = n->tx_cons;
	uint32_t used = n->rx_prod - n->ring->rx_cons;
	if (used > n->nslots)
		bad_ring(i, "RX index not between the tender's");
	for (; used < n->nslots; used++) {
		struct mg_hvt_net_slot *s =
		    (void *)(n->rx + (size_t)(n->rx_prod & mask) * n->stride);
		ssize_t r;
		do
			r = read(n->fd, s + 1, n->slot_size);
		while (r < 0 && errno == EINTR);
		if (r <= 0)
			break;
		s->len = (uint32_t)r;
		n->rx_prod++;
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
		mg__hvt_die(MG_HVT_EXIT_HOST, "ppoll: %s", strerror(errno));
	for (unsigned k = 0; rc > 0 && k < n; k++)
		if (pfd[k].revents)
			sync_one(idx[k]);
	return ready_set();
}

static int64_t register_ring(mg__hvt *h, unsigned i, struct mg_hvt_net_io *a)
{
	net *n = &nets[i];
	if (n->ring)
		return MG_EBUSY;
	struct mg_hvt_net_ring *r =
	    mg__hvt_guest(h, a->ring, sizeof *r, MG_HVT_CALL_NET_RING);
	uint32_t ns = r->nslots, ss = r->slot_size;
	if (ns == 0 || ns > 4096 || (ns & (ns - 1)) || ss % 8 ||
	    ss < (uint32_t)n->mtu + 14 || ss > 65536 ||
	    MG_HVT_NET_RING_SIZE(ns, ss) > a->size || r->tx_prod ||
	    r->tx_cons || r->rx_prod || r->rx_cons)
		return MG_EINVAL;
	uint8_t *base = mg__hvt_guest(h, a->ring, MG_HVT_NET_RING_SIZE(ns, ss),
	                              MG_HVT_CALL_NET_RING);
	n->nslots = ns;
	n->slot_size = ss;
	n->stride = (uint32_t)sizeof(struct mg_hvt_net_slot) + ss;
	n->tx = base + sizeof *r;
	n->rx = n->tx + (size_t)ns * n->stride;
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
