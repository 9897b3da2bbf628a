/* impair: relay frames between two interfaces, impaired (see usage). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "impair.h"

static const char usage[] =
    "usage: impair [OPTIONS] A B\n"
    "Relays Ethernet frames between A and B, each of them\n"
    "  tap:NAME   a tap device, created if missing (the host stack's side)\n"
    "  raw:NAME   any interface through a packet socket (the kernel side\n"
    "             of another program's tap, a veth, a bridge port)\n"
    "and does to the frames of each direction, from a generator seeded by\n"
    "--seed (the n-th frame of a direction meets the same fate in every run\n"
    "with the same seed and options):\n"
    "  --loss=P      drop with probability P percent\n"
    "  --dup=P       send twice with probability P percent\n"
    "  --reorder=P   hold back with probability P percent, sent after the\n"
    "                next frame (or after --hold-ms without one)\n"
    "  --delay=MS    delay every frame by MS milliseconds (fractions too)\n"
    "  --jitter=MS   add a uniform 0..MS delay per frame (reorders)\n"
    "  --hold-ms=MS  longest wait of a held frame (default 20)\n"
    "  --limit=N     frames queued per direction at most (default 20000)\n"
    "  --seed=N      default 1\n"
    "  --a-to-b, --b-to-a   impair one direction only (default both)\n"
    "Counters go to stderr on SIGUSR1 and at exit (SIGINT, SIGTERM).\n";

/* Every frame is relayed with the virtio-net header in front of it
 * (IFF_VNET_HDR on taps, PACKET_VNET_HDR on packet sockets), offloads
 * included: a TCP segment of up to 64 KiB that a host or a guest left for
 * the device to cut crosses whole, as it would cross a qdisc (netem
 * impairs such a segment as one packet too), with the header saying what
 * is left to do. */
#define VNET_HDR sizeof(struct virtio_net_hdr)
#define FRAME_MAX (VNET_HDR + 65550)

typedef struct endpoint {
	const char *spec;
	int fd;
	bool raw;
	int ifindex;
} endpoint;

static volatile sig_atomic_t stop, report;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		report = 1;
	else
		stop = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what, const char *name)
{
	fprintf(stderr, "impair: %s %s: %s\n", what, name, strerror(errno));
	exit(1);
}

static void open_endpoint(endpoint *e)
{
	const char *name;
	if (strncmp(e->spec, "tap:", 4) == 0) {
		name = e->spec + 4;
		e->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (e->fd < 0)
			die("cannot open", "/dev/net/tun");
		struct ifreq ifr;
		memset(&ifr, 0, sizeof(ifr));
		ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
		snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
		if (ioctl(e->fd, TUNSETIFF, &ifr) != 0)
			die("cannot attach to tap", name);
		if (ioctl(e->fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4) != 0)
			die("cannot set the offloads of tap", name);
		return;
	}
	if (strncmp(e->spec, "raw:", 4) != 0) {
		fprintf(stderr,
		        "impair: '%s' is neither tap:NAME nor raw:NAME\n",
		        e->spec);
		exit(64);
	}
	name = e->spec + 4;
	e->raw = true;
	e->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	               htons(ETH_P_ALL));
	if (e->fd < 0)
		die("cannot open a packet socket for", name);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(e->fd, SIOCGIFINDEX, &ifr) != 0)
		die("no interface", name);
	e->ifindex = ifr.ifr_ifindex;
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
	                          .sll_protocol = htons(ETH_P_ALL),
	                          .sll_ifindex = e->ifindex};
	if (bind(e->fd, (struct sockaddr *)&sll, sizeof(sll)) != 0)
		die("cannot bind to", name);
	int one = 1;
	if (setsockopt(e->fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)))
		die("cannot have virtio-net headers on", name);
	/* What we send out of it must not come back to us. */
	setsockopt(e->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	           sizeof(one));
}

/* One frame from (e) into (buf); its length, 0 if none, -1 if to skip. */
static ssize_t receive(endpoint *e, uint8_t *buf)
{
	if (!e->raw) {
		ssize_t n = read(e->fd, buf, FRAME_MAX);
		return n < 0 ? (errno == EAGAIN ? 0 : -1) : n;
	}
	struct sockaddr_ll from;
	socklen_t fl = sizeof(from);
	ssize_t n =
	    recvfrom(e->fd, buf, FRAME_MAX, 0, (struct sockaddr *)&from, &fl);
	if (n < 0)
		return errno == EAGAIN ? 0 : -1;
	if (from.sll_pkttype == PACKET_OUTGOING)
		return -1;
	return n;
}

static int transmit(endpoint *e, const uint8_t *buf, size_t len)
{
	ssize_t n;
	if (e->raw)
		n = send(e->fd, buf, len, 0);
	else
		n = write(e->fd, buf, len);
	return n == (ssize_t)len ? 0 : -1;
}

static void print_stats(const char *name, const imp_stats *s)
{
	fprintf(stderr,
	        "impair: %s: in %llu out %llu lost %llu duplicated %llu "
	        "reordered %llu overflow %llu failed %llu\n",
	        name, (unsigned long long)s->in, (unsigned long long)s->out,
	        (unsigned long long)s->lost, (unsigned long long)s->duplicated,
	        (unsigned long long)s->reordered,
	        (unsigned long long)s->overflow, (unsigned long long)s->failed);
}

static double num(const char *arg, const char *v)
{
	char *end;
	double d = strtod(v, &end);
	if (!*v || *end || d < 0) {
		fprintf(stderr, "impair: %s: not a number >= 0\n", arg);
		exit(64);
	}
	return d;
}

int main(int argc, char **argv)
{
	imp_conf conf = {.hold_ns = 20000000, .limit = 20000};
	imp_conf none = conf;
	uint64_t seed = 1;
	int only = 0; /* 1: a to b only, 2: b to a only */
	endpoint ep[2] = {{0}, {0}};
	int nep = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = strchr(a, '=');
		v = v ? v + 1 : "";
		if (!strncmp(a, "--loss=", 7))
			conf.loss = num(a, v) / 100;
		else if (!strncmp(a, "--dup=", 6))
			conf.dup = num(a, v) / 100;
		else if (!strncmp(a, "--reorder=", 10))
			conf.reorder = num(a, v) / 100;
		else if (!strncmp(a, "--delay=", 8))
			conf.delay_ns = (uint64_t)(num(a, v) * 1e6);
		else if (!strncmp(a, "--jitter=", 9))
			conf.jitter_ns = (uint64_t)(num(a, v) * 1e6);
		else if (!strncmp(a, "--hold-ms=", 10))
			conf.hold_ns = (uint64_t)(num(a, v) * 1e6);
		else if (!strncmp(a, "--limit=", 8))
			conf.limit = (size_t)num(a, v);
		else if (!strncmp(a, "--seed=", 7))
			seed = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--a-to-b"))
			only = 1;
		else if (!strcmp(a, "--b-to-a"))
			only = 2;
		else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage, stdout);
			return 0;
		} else if (a[0] != '-' && nep < 2)
			ep[nep++].spec = a;
		else {
			fprintf(stderr, "impair: unexpected '%s'\n%s", a,
			        usage);
			return 64;
		}
	}
	if (nep != 2 || conf.loss > 1 || conf.dup > 1 || conf.reorder > 1) {
		fputs(usage, stderr);
		return 64;
	}
	none.limit = conf.limit;
	open_endpoint(&ep[0]);
	open_endpoint(&ep[1]);

	imp_dir dir[2]; /* 0: from a to b, 1: from b to a */
	imp_dir_init(&dir[0], only == 2 ? &none : &conf, seed, 0);
	imp_dir_init(&dir[1], only == 1 ? &none : &conf, seed, 1);

	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);

	static uint8_t buf[FRAME_MAX];
	struct pollfd pfd[2] = {{ep[0].fd, POLLIN, 0}, {ep[1].fd, POLLIN, 0}};
	while (!stop) {
		if (report) {
			report = 0;
			print_stats("a->b", &dir[0].st);
			print_stats("b->a", &dir[1].st);
		}
		uint64_t now = now_ns();
		for (int d = 0; d < 2; d++) {
			imp_frame *f;
			while ((f = imp_dir_next(&dir[d], now))) {
				if (transmit(&ep[!d], f->data, f->len) == 0)
					dir[d].st.out++;
				else
					dir[d].st.failed++;
				free(f);
			}
		}
		uint64_t due = imp_dir_deadline(&dir[0]);
		if (imp_dir_deadline(&dir[1]) < due)
			due = imp_dir_deadline(&dir[1]);
		struct timespec ts, *tp = NULL;
		if (due != UINT64_MAX) {
			uint64_t w = due > now ? due - now : 0;
			ts.tv_sec = (time_t)(w / 1000000000u);
			ts.tv_nsec = (long)(w % 1000000000u);
			tp = &ts;
		}
		if (ppoll(pfd, 2, tp, NULL) < 0 && errno != EINTR)
			die("poll failed on", ep[0].spec);
		for (int d = 0; d < 2; d++) {
			if (!(pfd[d].revents & (POLLIN | POLLERR)))
				continue;
			/* A bounded batch, so that neither side starves. */
			for (int k = 0; k < 64; k++) {
				ssize_t n = receive(&ep[d], buf);
				if (n == 0)
					break;
				if (n > 0)
					imp_dir_input(&dir[d], buf, (size_t)n,
					              now_ns());
			}
		}
	}
	print_stats("a->b", &dir[0].st);
	print_stats("b->a", &dir[1].st);
	imp_dir_free(&dir[0]);
	imp_dir_free(&dir[1]);
	return 0;
}
