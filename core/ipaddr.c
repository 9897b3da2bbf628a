/* IPv4 addresses and prefixes: strict text parsing and formatting. */
#include <stdio.h>
#include <string.h>

#include <mg/error.h>
#include <mg/ipaddr.h>

/*
 * Parse a decimal number of at most (maxdigits) digits from s[*i], with no
 * leading zero, not above (max). Leading zeros are refused because other
 * parsers (inet_aton) read them as octal: "010" would mean 8 there.
 */
static int parse_dec(const char *s, size_t len, size_t *i, unsigned maxdigits,
                     unsigned max, unsigned *out)
{
	size_t start = *i;
	unsigned v = 0;
	while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
		if (*i - start == maxdigits)
			return MG_EINVAL;
		v = v * 10 + (unsigned)(s[*i] - '0');
		(*i)++;
	}
	size_t n = *i - start;
	if (n == 0 || (n > 1 && s[start] == '0') || v > max)
		return MG_EINVAL;
	*out = v;
	return 0;
}

/* Parse exactly the (len) bytes of (s) as a dotted quad. */
static int parse_addr(const char *s, size_t len, mg_ipv4_addr *out)
{
	size_t i = 0;
	uint32_t v = 0;
	for (int part = 0; part < 4; part++) {
		unsigned octet;
		if (part > 0) {
			if (i >= len || s[i] != '.')
				return MG_EINVAL;
			i++;
		}
		if (parse_dec(s, len, &i, 3, 255, &octet) != 0)
			return MG_EINVAL;
		v = v << 8 | octet;
	}
	if (i != len)
		return MG_EINVAL;
	out->v = v;
	return 0;
}

int mg_ipv4_parse(const char *s, mg_ipv4_addr *out)
{
	if (!s)
		return MG_EINVAL;
	return parse_addr(s, strlen(s), out);
}

int mg_ipv4_prefix_parse(const char *s, mg_ipv4_prefix *out)
{
	if (!s)
		return MG_EINVAL;
	const char *slash = strchr(s, '/');
	if (!slash)
		return MG_EINVAL;
	mg_ipv4_addr a;
	if (parse_addr(s, (size_t)(slash - s), &a) != 0)
		return MG_EINVAL;
	const char *n = slash + 1;
	size_t nlen = strlen(n), i = 0;
	unsigned plen;
	if (parse_dec(n, nlen, &i, 2, 32, &plen) != 0 || i != nlen)
		return MG_EINVAL;
	out->addr = a;
	out->len = (uint8_t)plen;
	return 0;
}

char *mg_ipv4_format(mg_ipv4_addr a, char buf[static MG_IPV4_ADDR_STRLEN])
{
	snprintf(buf, MG_IPV4_ADDR_STRLEN, "%u.%u.%u.%u", (a.v >> 24) & 0xff,
	         (a.v >> 16) & 0xff, (a.v >> 8) & 0xff, a.v & 0xff);
	return buf;
}

char *mg_ipv4_prefix_format(mg_ipv4_prefix p,
                            char buf[static MG_IPV4_PREFIX_STRLEN])
{
	char addr[MG_IPV4_ADDR_STRLEN];
	/* A len above 32 is not a valid prefix; show it clamped rather than
	 * overflow the documented buffer size with a third digit. */
	unsigned len = p.len > 32 ? 32 : p.len;
	snprintf(buf, MG_IPV4_PREFIX_STRLEN, "%s/%u",
	         mg_ipv4_format(p.addr, addr), len);
	return buf;
}
