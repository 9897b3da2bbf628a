/* DHCP messages: the fixed BOOTP part, options, overload (RFC 2132 9.3). */
#include <string.h>

#include <mg/error.h>

#include "dhcp_internal.h"
#include "net_internal.h"

#define OPT_PAD       0
#define OPT_MASK      1
#define OPT_ROUTER    3
#define OPT_DNS       6
#define OPT_REQUESTED 50
#define OPT_LEASE     51
#define OPT_OVERLOAD  52
#define OPT_TYPE      53
#define OPT_SERVER    54
#define OPT_PARAMS    55
#define OPT_T1        58
#define OPT_T2        59
#define OPT_CLIENT_ID 61
#define OPT_END       255

/* Parse one option area; stores an overload value in (*overload). */
static int parse_area(const uint8_t *p, size_t len, mg__dhcp_msg *m,
                      int *overload)
{
	size_t i = 0;
	while (i < len) {
		uint8_t code = p[i++];
		if (code == OPT_PAD)
			continue;
		if (code == OPT_END)
			return 0;
		if (i >= len)
			return MG_EBADMSG;
		size_t ol = p[i++];
		if (ol > len - i)
			return MG_EBADMSG;
		const uint8_t *v = p + i;
		i += ol;
		switch (code) {
		case OPT_TYPE:
			if (ol == 1)
				m->type = v[0];
			break;
		case OPT_SERVER:
			if (ol == 4)
				m->server_id = mg__get32(v);
			break;
		case OPT_LEASE:
			if (ol == 4)
				m->lease_s = mg__get32(v);
			break;
		case OPT_T1:
			if (ol == 4)
				m->t1_s = mg__get32(v);
			break;
		case OPT_T2:
			if (ol == 4)
				m->t2_s = mg__get32(v);
			break;
		case OPT_MASK:
			if (ol == 4) {
				m->mask = mg__get32(v);
				m->has_mask = true;
			}
			break;
		case OPT_ROUTER:
			if (ol >= 4)
				m->router = mg__get32(v);
			break;
		case OPT_DNS:
			for (size_t k = 0; k < 2 && ol >= 4 * (k + 1); k++)
				m->dns[k] = mg__get32(v + 4 * k);
			break;
		case OPT_OVERLOAD:
			if (ol == 1 && overload)
				*overload = v[0];
			break;
		default:
			break;
		}
	}
	/* RFC 2131 4.1 asks for an end option, but a message cut right
	 * after a complete option is still understood. */
	return 0;
}

int mg__dhcp_parse(const uint8_t *b, size_t len, mg__dhcp_msg *m)
{
	memset(m, 0, sizeof *m);
	if (len < DHCP_FIXED + 4 || mg__get32(b + DHCP_FIXED) != DHCP_COOKIE)
		return MG_EBADMSG;
	m->op = b[0];
	m->xid = mg__get32(b + 4);
	m->yiaddr = mg__get32(b + 16);
	memcpy(m->chaddr, b + 28, 6);
	int overload = 0;
	int rc =
	    parse_area(b + DHCP_FIXED + 4, len - DHCP_FIXED - 4, m, &overload);
	/* Overloaded fields (RFC 2132 9.3): file first, then sname. */
	if (rc == 0 && (overload & 1))
		rc = parse_area(b + 108, 128, m, NULL);
	if (rc == 0 && (overload & 2))
		rc = parse_area(b + 44, 64, m, NULL);
	return rc;
}

static uint8_t *opt(uint8_t *p, uint8_t code, uint8_t len, const void *v)
{
	p[0] = code;
	p[1] = len;
	memcpy(p + 2, v, len);
	return p + 2 + len;
}

static uint8_t *opt32(uint8_t *p, uint8_t code, uint32_t v)
{
	uint8_t b[4];
	mg__put32(b, v);
	return opt(p, code, 4, b);
}

size_t mg__dhcp_build(const mg__dhcp_out *o, uint8_t b[static DHCP_MAX_LEN])
{
	memset(b, 0, DHCP_MAX_LEN);
	b[0] = 1; /* BOOTREQUEST */
	b[1] = 1; /* Ethernet */
	b[2] = 6;
	mg__put32(b + 4, o->xid);
	mg__put16(b + 8, o->secs);
	mg__put16(b + 10, o->broadcast ? 0x8000 : 0);
	mg__put32(b + 12, o->ciaddr);
	memcpy(b + 28, o->mac, 6);
	mg__put32(b + DHCP_FIXED, DHCP_COOKIE);
	uint8_t *p = b + DHCP_FIXED + 4;
	uint8_t type = (uint8_t)o->type;
	p = opt(p, OPT_TYPE, 1, &type);
	uint8_t id[7] = {1};
	memcpy(id + 1, o->mac, 6);
	p = opt(p, OPT_CLIENT_ID, sizeof id, id);
	if (o->requested)
		p = opt32(p, OPT_REQUESTED, o->requested);
	if (o->server_id)
		p = opt32(p, OPT_SERVER, o->server_id);
	if (o->type != DHCPRELEASE) {
		static const uint8_t params[] = {OPT_MASK,  OPT_ROUTER, OPT_DNS,
		                                 OPT_LEASE, OPT_T1,     OPT_T2};
		p = opt(p, OPT_PARAMS, sizeof params, params);
	}
	*p++ = OPT_END;
	size_t len = (size_t)(p - b);
	return len < DHCP_MIN_LEN ? DHCP_MIN_LEN : len;
}
