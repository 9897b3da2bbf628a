/* IPv4 addresses and prefixes, with text conversion. */
#ifndef MG_IPADDR_H
#define MG_IPADDR_H

#include <stddef.h>
#include <stdint.h>

/* An IPv4 address in host byte order (10.0.0.1 is 0x0a000001). */
typedef struct mg_ipv4_addr {
	uint32_t v;
} mg_ipv4_addr;

/* An address with a prefix length, as in 10.0.0.2/24. */
typedef struct mg_ipv4_prefix {
	mg_ipv4_addr addr;
	uint8_t len; /* 0..32 */
} mg_ipv4_prefix;

/* Longest text form of an address and of a prefix, with the NUL. */
#define MG_IPV4_ADDR_STRLEN 16
#define MG_IPV4_PREFIX_STRLEN 19

/*
 * Parse dotted-quad (s): exactly four decimal parts 0..255, no leading
 * zeros (they read as octal elsewhere), nothing else. 0 or MG_EINVAL.
 */
int mg_ipv4_parse(const char *s, mg_ipv4_addr *out);

/* Parse "A.B.C.D/N" with N in 0..32. 0 or MG_EINVAL. */
int mg_ipv4_prefix_parse(const char *s, mg_ipv4_prefix *out);

/* Format into (buf), which has room for MG_IPV4_*_STRLEN; returns buf.
 * A prefix len above 32 (not a valid prefix) is shown as 32. */
char *mg_ipv4_format(mg_ipv4_addr a, char buf[static MG_IPV4_ADDR_STRLEN]);
char *mg_ipv4_prefix_format(mg_ipv4_prefix p,
			    char buf[static MG_IPV4_PREFIX_STRLEN]);

#endif
