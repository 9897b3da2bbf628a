/* TCP wire format: header and option parsing, the Internet checksum. */
#include <string.h>

#include <mg/error.h>
#include <mg/ipv4.h>

#include "tcp_int.h"

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/*
 * Options (RFC 9293 section 3.2): any kind may appear in any segment and
 * unknown kinds are skipped by their length (section 3.2, "MUST ignore");
 * a length that is below 2 or runs past the header is malformed
 * (section 3.1: "MUST be prepared to handle an illegal option length").
 * MSS, window scale and SACK-permitted only count on a SYN.
 */
static int parse_options(mg__tcp_seg *s, const uint8_t *o, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint8_t kind = o[i];
		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= n)
			return MG_EBADMSG;
		uint8_t len = o[i + 1];
		if (len < 2 || i + len > n)
			return MG_EBADMSG;
		const uint8_t *v = o + i + 2;
		bool syn = s->flags & TH_SYN;
		switch (kind) {
		case 2:
			if (len != 4)
				return MG_EBADMSG;
			if (syn) {
				s->has_mss = true;
				s->mss = be16(v);
			}
			break;
		case 3:
			if (len != 3)
				return MG_EBADMSG;
			if (syn) {
				s->has_ws = true;
				s->ws = v[0];
			}
			break;
		case 4:
			if (len != 2)
				return MG_EBADMSG;
			if (syn)
				s->sack_ok = true;
			break;
		case 5:
			/* RFC 2018 section 3: 8 bytes per block. */
			if ((len - 2) % 8 != 0 || len < 10)
				return MG_EBADMSG;
			for (int b = 0; b < (len - 2) / 8 && s->nsack < 4;
			     b++) {
				s->sack[s->nsack][0] = be32(v + 8 * b);
				s->sack[s->nsack][1] = be32(v + 8 * b + 4);
				s->nsack++;
			}
			break;
		case 8:
			if (len != 10)
				return MG_EBADMSG;
			s->has_ts = true;
			s->tsval = be32(v);
			s->tsecr = be32(v + 4);
			break;
		default:
			break;
		}
		i += len;
	}
	return 0;
}

int mg__tcp_parse(mg__tcp_seg *s, uint32_t src, uint32_t dst, const uint8_t *p,
                  size_t len)
{
	memset(s, 0, sizeof(*s));
	if (len < MG__TCP_HDR_LEN)
		return MG_ERANGE;
	size_t off = (size_t)(p[12] >> 4) * 4;
	if (off < MG__TCP_HDR_LEN || off > len)
		return MG_ERANGE;
	s->src = src;
	s->dst = dst;
	s->sport = be16(p);
	s->dport = be16(p + 2);
	s->seq = be32(p + 4);
	s->ack = be32(p + 8);
	s->flags = p[13] & 0x3f;
	s->wnd = be16(p + 14);
	s->data = p + off;
	s->len = (uint32_t)(len - off);
	return parse_options(s, p + MG__TCP_HDR_LEN, off - MG__TCP_HDR_LEN);
}

/*
 * The checksum over the pseudo-header (RFC 9293 section 3.1), the header
 * and a payload in two parts. A part that starts at an odd offset has its
 * bytes in the other halves of the 16-bit words: its folded sum is byte-
 * swapped (RFC 1071 section 2(B)) before it joins the rest.
 */
uint16_t mg__tcp_csum(uint32_t src, uint32_t dst, const uint8_t *hdr,
                      size_t hlen, const mg_cbuf data[2])
{
	size_t total = hlen;
	for (int i = 0; data && i < 2; i++)
		total += data[i].len;
	uint64_t acc = mg_ipv4_pseudo_sum(
	    (mg_ipv4_addr){src}, (mg_ipv4_addr){dst}, 6, (uint16_t)total);
	acc = mg_inet_sum(hdr, hlen, acc);
	size_t pos = hlen;
	for (int i = 0; data && i < 2; i++) {
		if (!data[i].len)
			continue;
		if (!(pos & 1)) {
			/* Everything before has an even length: chain. */
			acc = mg_inet_sum(data[i].p, data[i].len, acc);
		} else {
			uint64_t s = mg_inet_sum(data[i].p, data[i].len, 0);
			while (s >> 16)
				s = (s & 0xffff) + (s >> 16);
			s = (uint16_t)(s << 8 | s >> 8);
			/* One's complement addition: the carry comes back. */
			acc += s;
			acc += acc < s;
		}
		pos += data[i].len;
	}
	return mg_inet_finish(acc);
}
