/* The Internet checksum (RFC 1071), 4 bytes at a time. */
#include <string.h>

#include <mg/ipv4.h>

/*
 * The one's complement sum does not depend on byte order (RFC 1071
 * section 2(B)): words are added in native order and only the folded
 * result is turned into the big-endian word's value.
 */

uint64_t mg_inet_sum(const void *data, size_t len, uint64_t acc)
{
	const uint8_t *p = data;
	while (len >= 16) {
		uint32_t w[4];
		memcpy(w, p, 16);
		acc += (uint64_t)w[0] + w[1] + w[2] + w[3];
		p += 16;
		len -= 16;
	}
	while (len >= 4) {
		uint32_t w;
		memcpy(&w, p, 4);
		acc += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t w;
		memcpy(&w, p, 2);
		acc += w;
		p += 2;
		len -= 2;
	}
	if (len) {
		/* The odd byte is the high half of a big-endian word. */
		uint8_t b[2] = {p[0], 0};
		uint16_t w;
		memcpy(&w, b, 2);
		acc += w;
	}
	return acc;
}

uint16_t mg_inet_finish(uint64_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	uint16_t native = (uint16_t)~acc;
	uint8_t b[2];
	memcpy(b, &native, 2);
	return (uint16_t)(b[0] << 8 | b[1]);
}

uint64_t mg_ipv4_pseudo_sum(mg_ipv4_addr src, mg_ipv4_addr dst, uint8_t proto,
                            uint16_t len)
{
	uint8_t ph[12] = {
	    (uint8_t)(src.v >> 24),
	    (uint8_t)(src.v >> 16),
	    (uint8_t)(src.v >> 8),
	    (uint8_t)src.v,
	    (uint8_t)(dst.v >> 24),
	    (uint8_t)(dst.v >> 16),
	    (uint8_t)(dst.v >> 8),
	    (uint8_t)dst.v,
	    0,
	    proto,
	    (uint8_t)(len >> 8),
	    (uint8_t)len,
	};
	return mg_inet_sum(ph, sizeof ph, 0);
}
