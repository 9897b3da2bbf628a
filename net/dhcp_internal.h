/* DHCP messages (RFC 2131 section 2, RFC 2132): building and parsing. */
#ifndef MG_NET_DHCP_INTERNAL_H
#define MG_NET_DHCP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_FIXED   236 /* op .. file */
#define DHCP_COOKIE  0x63825363u
#define DHCP_MIN_LEN 300 /* BOOTP's minimum, which some relays insist on */
#define DHCP_MAX_LEN 576

enum {
	DHCPDISCOVER = 1,
	DHCPOFFER = 2,
	DHCPREQUEST = 3,
	DHCPDECLINE = 4,
	DHCPACK = 5,
	DHCPNAK = 6,
	DHCPRELEASE = 7,
};

/* The fields of a received message that the client uses. */
typedef struct mg__dhcp_msg {
	uint8_t op;
	uint32_t xid;
	uint32_t yiaddr;
	uint8_t chaddr[6];
	int type; /* 0: none */
	uint32_t server_id;
	uint32_t lease_s, t1_s, t2_s; /* 0: absent */
	bool has_mask;
	uint32_t mask;
	uint32_t router;
	uint32_t dns[2];
} mg__dhcp_msg;

/* Parse (len) bytes at (b). 0, or MG_EBADMSG for a message too short, an
 * option running past its area, or no magic cookie. */
int mg__dhcp_parse(const uint8_t *b, size_t len, mg__dhcp_msg *m);

/* What to put in a message the client sends. */
typedef struct mg__dhcp_out {
	int type;
	uint32_t xid;
	uint16_t secs;
	bool broadcast;
	uint32_t ciaddr;
	uint32_t requested; /* option 50; 0: none */
	uint32_t server_id; /* option 54; 0: none */
	const uint8_t *mac;
} mg__dhcp_out;

/* Build the message (o) into (b) of DHCP_MAX_LEN bytes; returns its
 * length. */
size_t mg__dhcp_build(const mg__dhcp_out *o, uint8_t b[static DHCP_MAX_LEN]);

#endif
