/* The netif over the platform's net device (a tap on unix, hvt's). */
#include <stdlib.h>
#include <string.h>

#include <mg/error.h>
#include <mg/fiber.h>
#include <mg/netif.h>
#include <mg/platform.h>

#include "net_internal.h"

/* see mg/netif.h */

typedef struct pnetif {
	mg_handle h;
	mg_netif_info info;
	uint64_t drop_too_long;
	uint64_t write_errors;
} pnetif;

static int p_write(void *self, const void *frame, size_t len,
                   const mg_net_offload *off)
{
	pnetif *n = self;
	/* The platform checks the length and offloads (mg/platform.h). */
	int rc = mg_platform_net_write(n->h, frame, len, off);
	if (rc < 0)
		n->write_errors++;
	return rc;
}

static int p_read(void *self, mg_pkt *p)
{
	pnetif *n = self;
	size_t len = 0;
	if (!p) {
		mg_net_offload off;
		return mg_platform_net_read(n->h, NULL, 0, &len, &off);
	}
	int rc = mg_platform_net_read(n->h, p->data, mg_pkt_tailroom(p), &len,
	                              &p->off);
	if (rc == MG_EMSGSIZE) {
		if (len <= MG_NET_FRAME_MAX)
			return (int)len;
		/* Longer than any frame may be: not worth a buffer. */
		n->drop_too_long++;
		mg_net_offload off;
		mg_platform_net_read(n->h, NULL, 0, &len, &off);
		return MG_EMSGSIZE;
	}
	if (rc < 0)
		return rc;
	p->len = len;
	return 0;
}

static int p_wait(void *self, uint64_t deadline_ns)
{
	pnetif *n = self;
	return mg_io_wait(n->h, deadline_ns);
}

static void p_info(void *self, mg_netif_info *out)
{
	pnetif *n = self;
	*out = n->info;
}

static void p_counters(void *self, mg_net_counter_fn fn, void *ctx)
{
	pnetif *n = self;
	fn(ctx, "netif", "drop_too_long", n->drop_too_long);
	fn(ctx, "netif", "write_errors", n->write_errors);
}

static const mg_netif_ops platform_ops = {
    .write = p_write,
    .read = p_read,
    .wait = p_wait,
    .info = p_info,
    .counters = p_counters,
};

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int mg_mac_parse(const char *s, uint8_t mac[static 6])
{
	if (!s || strlen(s) != 17)
		return MG_EINVAL;
	uint8_t m[6];
	for (int i = 0; i < 6; i++) {
		const char *p = s + 3 * i;
		int hi = hex(p[0]), lo = hex(p[1]);
		if (hi < 0 || lo < 0 || (i < 5 && p[2] != ':'))
			return MG_EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, m, 6);
	return 0;
}

int mg_netif_platform_connect(mg_netif *out, const char *name, const char *mac)
{
	uint8_t want[6];
	bool have_mac = mac && mac[0];
	if (have_mac && (mg_mac_parse(mac, want) < 0 || (want[0] & 1)))
		return MG_EINVAL;
	pnetif *n = calloc(1, sizeof *n);
	if (!n)
		return MG_ENOMEM;
	mg_platform_net_info info;
	int rc = mg_platform_net_acquire(name, &n->h, &info);
	if (rc < 0) {
		free(n);
		return rc;
	}
	memcpy(n->info.mac, have_mac ? want : info.mac, 6);
	n->info.mtu = info.mtu;
	n->info.offloads = info.offloads;
	out->ops = &platform_ops;
	out->self = n;
	return 0;
}
