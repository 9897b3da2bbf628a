/* The DHCP client against a scripted server, on a fake wire and clock. */
#include <mg/dhcp.h>

#include "../../net/dhcp_internal.h"
#include "net_testlib.h"

#define LEASED 0x0a000032u /* 10.0.0.50 */
#define SERVER PEER_IP

typedef struct tdhcp {
	tstack t;
	mg_dhcp d;
	int notified;
} tdhcp;

static void notified(void *ctx)
{
	((tdhcp *)ctx)->notified++;
}

static void dhcp_up(tdhcp *x)
{
	memset(x, 0, sizeof *x);
	ts_up(&x->t, 1500, true);
	mg_ipv4_config none = {{{0}, 0}, {0}};
	ASSERT_EQ(mg_ipv4_configure(&x->t.ip, 0, &none), 0);
	ASSERT_EQ(mg_dhcp_connect(&x->d, &x->t.udp, &x->t.ip, &x->t.eth, 42),
	          0);
	x->d.ops->set_notify(x->d.self, notified, x);
}

static void dhcp_down(tdhcp *x)
{
	mg_dhcp_disconnect(&x->d);
	ts_down(&x->t);
}

/* The next client message on the wire: checks its framing, parses it. */
static void client_msg(tdhcp *x, mg__dhcp_msg *m, uint32_t *ip_src,
                       uint32_t *ip_dst, const uint8_t **raw)
{
	size_t len;
	const uint8_t *f;
	/* Skip gratuitous ARP; answer requests for the server, as it would. */
	while ((f = fw_next(&x->t.w, &len)) != NULL && g16(f + 12) != 0x0800) {
		if (g16(f + 20) == 1 && g32(f + 38) == SERVER) {
			uint8_t a[64];
			size_t n = build_arp(a, OUR_MAC, 2, PEER_MAC, SERVER,
			                     OUR_MAC, g32(f + 28));
			inject(&x->t.eth, 0, a, n);
		}
	}
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(f[14 + 9], 17);
	*ip_src = g32(f + 14 + 12);
	*ip_dst = g32(f + 14 + 16);
	const uint8_t *u = f + 34;
	ASSERT_EQ(g16(u), 68);
	ASSERT_EQ(g16(u + 2), 67);
	ASSERT_EQ(mg__dhcp_parse(u + 8, g16(u + 4) - 8u, m), 0);
	ASSERT_EQ(m->op, 1);
	ASSERT_MEMEQ(m->chaddr, OUR_MAC, 6);
	ASSERT_CMP(g16(u + 4) - 8u, >=, 300);
	if (raw)
		*raw = u + 8;
}

/* A server reply of (type) for transaction (xid), by broadcast. */
static void server_msg(tdhcp *x, uint64_t now, int type, uint32_t xid,
                       uint32_t lease)
{
	uint8_t b[600] = {0};
	b[0] = 2;
	b[1] = 1;
	b[2] = 6;
	p32(b + 4, xid);
	if (type != DHCPNAK)
		p32(b + 16, LEASED);
	memcpy(b + 28, OUR_MAC, 6);
	p32(b + 236, DHCP_COOKIE);
	uint8_t *o = b + 240;
	*o++ = 53, *o++ = 1, *o++ = (uint8_t)type;
	*o++ = 54, *o++ = 4, p32(o, SERVER), o += 4;
	if (type != DHCPNAK) {
		*o++ = 51, *o++ = 4, p32(o, lease), o += 4;
		*o++ = 1, *o++ = 4, p32(o, 0xffffff00u), o += 4;
		*o++ = 3, *o++ = 8, p32(o, PEER_IP), p32(o + 4, 1), o += 8;
		*o++ = 6, *o++ = 4, p32(o, 0x08080808u), o += 4;
	}
	*o++ = 255;
	size_t blen = (size_t)(o - b);
	uint8_t udp[700], f[800];
	size_t n = build_udp(udp, SERVER, 0xffffffffu, 67, 68, b, blen);
	n = build_ip_frame(f, SERVER, 0xffffffffu, 17, 1, 0, udp, n);
	memcpy(f, mg_eth_broadcast, 6);
	inject(&x->t.eth, now, f, n);
}

static mg_dhcp_state state(tdhcp *x, mg_dhcp_lease *l)
{
	return mg_dhcp_state_get(&x->d, l);
}

/* Run the exchange to BOUND at time (now); returns the xid used. */
static uint32_t bind_at(tdhcp *x, uint64_t now, uint32_t lease)
{
	mg__dhcp_msg m;
	uint32_t src, dst;
	ASSERT_EQ(mg_dhcp_start(&x->d, now), 0);
	client_msg(x, &m, &src, &dst, NULL);
	ASSERT_EQ(m.type, DHCPDISCOVER);
	ASSERT_EQ(src, 0);
	ASSERT_EQ(dst, 0xffffffffu);
	ASSERT_EQ(state(x, NULL), MG_DHCP_SELECTING);
	server_msg(x, now, DHCPOFFER, m.xid, lease);
	ASSERT_EQ(state(x, NULL), MG_DHCP_REQUESTING);
	mg__dhcp_msg r;
	client_msg(x, &r, &src, &dst, NULL);
	ASSERT_EQ(r.type, DHCPREQUEST);
	ASSERT_EQ(r.xid, m.xid);
	ASSERT_EQ(dst, 0xffffffffu);
	server_msg(x, now, DHCPACK, m.xid, lease);
	ASSERT_EQ(state(x, NULL), MG_DHCP_BOUND);
	return m.xid;
}

MGT_TEST(discover_offer_request_ack)
{
	tdhcp x;
	dhcp_up(&x);
	ASSERT_EQ(mg_dhcp_start(&x.d, 0), 0);
	mg__dhcp_msg m;
	uint32_t src, dst;
	const uint8_t *raw;
	client_msg(&x, &m, &src, &dst, &raw);
	ASSERT_EQ(m.type, DHCPDISCOVER);
	ASSERT_EQ(g16(raw + 10), 0x8000); /* broadcast flag */
	/* A reply for another transaction is not ours. */
	server_msg(&x, 0, DHCPOFFER, m.xid + 1, 100);
	ASSERT_EQ(state(&x, NULL), MG_DHCP_SELECTING);
	server_msg(&x, 0, DHCPOFFER, m.xid, 100);
	mg__dhcp_msg r;
	client_msg(&x, &r, &src, &dst, &raw);
	ASSERT_EQ(r.type, DHCPREQUEST);
	/* Option 50 and 54 are the offer's (RFC 2131 table 5). */
	ASSERT_EQ(r.server_id, SERVER);
	bool found50 = false;
	for (size_t i = 240; i + 6 <= 300; i++)
		if (raw[i] == 50 && raw[i + 1] == 4 &&
		    g32(raw + i + 2) == LEASED)
			found50 = true;
	ASSERT_TRUE(found50);
	/* A second offer while requesting is ignored. */
	server_msg(&x, 0, DHCPOFFER, m.xid, 100);
	int before = x.notified;
	long long announced = COUNTER(&x.t.arp, "arp", "tx_announce");
	server_msg(&x, 0, DHCPACK, m.xid, 100);
	ASSERT_EQ(x.notified, before + 1);
	mg_dhcp_lease l;
	ASSERT_EQ(state(&x, &l), MG_DHCP_BOUND);
	ASSERT_EQ(l.addr.addr.v, LEASED);
	ASSERT_EQ(l.addr.len, 24);
	ASSERT_EQ(l.router.v, PEER_IP);
	ASSERT_EQ(l.server.v, SERVER);
	ASSERT_EQ(l.dns[0].v, 0x08080808u);
	ASSERT_EQ(l.t1_ns, 50 * SEC);
	ASSERT_EQ(l.t2_ns, 87 * SEC + 500 * MS);
	ASSERT_EQ(l.end_ns, 100 * SEC);
	mg_ipv4_config c;
	mg_ipv4_config_get(&x.t.ip, &c);
	ASSERT_EQ(c.addr.addr.v, LEASED);
	ASSERT_EQ(c.addr.len, 24);
	ASSERT_EQ(c.gateway.v, PEER_IP);
	ASSERT_EQ(COUNTER(&x.d, "dhcp", "drop_not_ours"), 1);
	ASSERT_EQ(COUNTER(&x.d, "dhcp", "drop_unexpected"), 1);
	/* The new address was announced. */
	ASSERT_EQ(COUNTER(&x.t.arp, "arp", "tx_announce"), announced + 1);
	dhcp_down(&x);
}

MGT_TEST(retransmits_with_backoff)
{
	tdhcp x;
	dhcp_up(&x);
	ASSERT_EQ(mg_dhcp_start(&x.d, 0), 0);
	fw_clear(&x.t.w);
	uint64_t expect = 4 * SEC, prev = 0;
	for (int i = 0; i < 6; i++) {
		uint64_t d = mg_dhcp_deadline(&x.d);
		/* 4, 8, 16, 32, 64, 64 s, each within a second. */
		ASSERT_CMP(d - prev, >=, expect - SEC);
		ASSERT_CMP(d - prev, <=, expect + SEC);
		mg_dhcp_tick(&x.d, d - 1);
		ASSERT_EQ(fw_pending(&x.t.w), 0);
		mg_dhcp_tick(&x.d, d);
		mg__dhcp_msg m;
		uint32_t s, t;
		client_msg(&x, &m, &s, &t, NULL);
		ASSERT_EQ(m.type, DHCPDISCOVER);
		prev = d;
		if (expect < 64 * SEC)
			expect *= 2;
	}
	ASSERT_EQ(COUNTER(&x.d, "dhcp", "tx_discover"), 7);
	dhcp_down(&x);
}

MGT_TEST(renews_at_t1_rebinds_at_t2_expires_at_end)
{
	tdhcp x;
	dhcp_up(&x);
	uint32_t xid = bind_at(&x, 0, 1000);
	(void)xid;
	fw_clear(&x.t.w);
	ASSERT_EQ(mg_dhcp_deadline(&x.d), 500 * SEC);
	mg_dhcp_tick(&x.d, 500 * SEC);
	ASSERT_EQ(state(&x, NULL), MG_DHCP_RENEWING);
	mg__dhcp_msg m;
	uint32_t src, dst;
	client_msg(&x, &m, &src, &dst, NULL);
	ASSERT_EQ(m.type, DHCPREQUEST);
	ASSERT_EQ(src, LEASED);
	ASSERT_EQ(dst, SERVER); /* unicast to the server */
	/* No answer: again at half the time left to T2 (875 s). */
	ASSERT_EQ(mg_dhcp_deadline(&x.d), 500 * SEC + 187 * SEC + 500 * MS);
	mg_dhcp_tick(&x.d, mg_dhcp_deadline(&x.d));
	client_msg(&x, &m, &src, &dst, NULL);
	ASSERT_EQ(dst, SERVER);
	/* Then at T2, rebinding by broadcast. */
	uint64_t t = mg_dhcp_deadline(&x.d);
	while (t < 875 * SEC) {
		mg_dhcp_tick(&x.d, t);
		t = mg_dhcp_deadline(&x.d);
	}
	fw_clear(&x.t.w);
	mg_dhcp_tick(&x.d, 875 * SEC);
	ASSERT_EQ(state(&x, NULL), MG_DHCP_REBINDING);
	client_msg(&x, &m, &src, &dst, NULL);
	ASSERT_EQ(m.type, DHCPREQUEST);
	ASSERT_EQ(dst, 0xffffffffu);
	/* An ACK now extends the lease from now. */
	server_msg(&x, 900 * SEC, DHCPACK, m.xid, 1000);
	mg_dhcp_lease l;
	ASSERT_EQ(state(&x, &l), MG_DHCP_BOUND);
	ASSERT_EQ(l.end_ns, 1900 * SEC);
	/* Silence until the end: the address goes, discovery starts. */
	t = mg_dhcp_deadline(&x.d);
	while (t < 1900 * SEC) {
		mg_dhcp_tick(&x.d, t);
		t = mg_dhcp_deadline(&x.d);
	}
	fw_clear(&x.t.w);
	mg_dhcp_tick(&x.d, 1900 * SEC);
	ASSERT_EQ(state(&x, NULL), MG_DHCP_SELECTING);
	mg_ipv4_config c;
	mg_ipv4_config_get(&x.t.ip, &c);
	ASSERT_EQ(c.addr.addr.v, 0);
	client_msg(&x, &m, &src, &dst, NULL);
	ASSERT_EQ(m.type, DHCPDISCOVER);
	ASSERT_EQ(COUNTER(&x.d, "dhcp", "expired"), 1);
	dhcp_down(&x);
}

MGT_TEST(nak_restarts)
{
	tdhcp x;
	dhcp_up(&x);
	bind_at(&x, 0, 100);
	fw_clear(&x.t.w);
	mg_dhcp_tick(&x.d, 50 * SEC);
	mg__dhcp_msg m;
	uint32_t src, dst;
	client_msg(&x, &m, &src, &dst, NULL);
	server_msg(&x, 51 * SEC, DHCPNAK, m.xid, 0);
	ASSERT_EQ(state(&x, NULL), MG_DHCP_SELECTING);
	mg_ipv4_config c;
	mg_ipv4_config_get(&x.t.ip, &c);
	ASSERT_EQ(c.addr.addr.v, 0);
	client_msg(&x, &m, &src, &dst, NULL);
	ASSERT_EQ(m.type, DHCPDISCOVER);
	dhcp_down(&x);
}

MGT_TEST(release_on_exit)
{
	tdhcp x;
	dhcp_up(&x);
	bind_at(&x, 0, 100);
	fw_clear(&x.t.w);
	mg_dhcp_release(&x.d, 10 * SEC);
	mg__dhcp_msg m;
	uint32_t src, dst;
	const uint8_t *raw;
	client_msg(&x, &m, &src, &dst, &raw);
	ASSERT_EQ(m.type, DHCPRELEASE);
	ASSERT_EQ(dst, SERVER);
	ASSERT_EQ(g32(raw + 12), LEASED); /* ciaddr */
	ASSERT_EQ(m.server_id, SERVER);
	ASSERT_EQ(state(&x, NULL), MG_DHCP_STOPPED);
	ASSERT_EQ(mg_dhcp_deadline(&x.d), UINT64_MAX);
	mg_ipv4_config c;
	mg_ipv4_config_get(&x.t.ip, &c);
	ASSERT_EQ(c.addr.addr.v, 0);
	dhcp_down(&x);
}

MGT_TEST(parser_bounds_and_overload)
{
	uint8_t b[600] = {0};
	mg__dhcp_msg m;
	b[0] = 2;
	ASSERT_EQ(mg__dhcp_parse(b, 240, &m), MG_EBADMSG); /* no cookie */
	p32(b + 236, DHCP_COOKIE);
	ASSERT_EQ(mg__dhcp_parse(b, 239, &m), MG_EBADMSG);
	b[240] = 53;
	b[241] = 1;
	b[242] = 5;
	b[243] = 51; /* a lease option cut short */
	b[244] = 4;
	b[245] = 0;
	ASSERT_EQ(mg__dhcp_parse(b, 246, &m), MG_EBADMSG);
	/* Options continued in the file field (overload 1). */
	b[243] = 52;
	b[244] = 1;
	b[245] = 1;
	b[246] = 255;
	b[108] = 54;
	b[109] = 4;
	p32(b + 110, 0x01020304u);
	b[114] = 255;
	ASSERT_EQ(mg__dhcp_parse(b, 247, &m), 0);
	ASSERT_EQ(m.type, 5);
	ASSERT_EQ(m.server_id, 0x01020304u);
}
