/* IPv4 reassembly: sorted fragment lists, bounded in count, bytes, time. */
#include <stdlib.h>
#include <string.h>

#include <mg/error.h>
#include <mg/ipv4.h>

#include "ipv4_internal.h"

#define FLAG_MF     0x2000
#define OFFSET_MASK 0x1fff

static void unlink_reass(ipv4 *ip, reass *r)
{
	reass **pp = &ip->reass;
	while (*pp != r)
		pp = &(*pp)->next;
	*pp = r->next;
	ip->nreass--;
	ip->reass_bytes -= r->bytes;
	mg_pkt_free_list(r->frags);
	free(r);
}

/* Drop the datagram (r), counting it under (counter). */
static void drop_reass(ipv4 *ip, reass *r, uint64_t *counter)
{
	(*counter)++;
	unlink_reass(ip, r);
}

void mg__ipv4_reass_free_all(ipv4 *ip)
{
	while (ip->reass)
		unlink_reass(ip, ip->reass);
}

static reass *find(ipv4 *ip, uint32_t src, uint32_t dst, uint16_t id,
                   uint8_t proto)
{
	for (reass *r = ip->reass; r; r = r->next)
		if (r->src == src && r->dst == dst && r->id == id &&
		    r->proto == proto)
			return r;
	return NULL;
}

/* Copy the fragments of the complete (r) into one datagram and deliver. */
static void complete(ipv4 *ip, uint64_t now, reass *r)
{
	size_t total = r->hdr_len + r->total;
	if (total > MG_IPV4_MAX_DATAGRAM) {
		/* Only possible with options in the first header. */
		drop_reass(ip, r, &ip->c.drop_frag_too_big);
		return;
	}
	mg_pkt *d = mg_ethernet_alloc(ip->eth, total);
	if (!d) {
		drop_reass(ip, r, &ip->c.drop_frag_no_buffer);
		return;
	}
	uint8_t *h = mg_pkt_put(d, total);
	memcpy(h, r->hdr, r->hdr_len);
	mg__put16(h + 2, (uint16_t)total);
	mg__put16(h + 6, 0);
	mg__put16(h + 10, 0);
	mg__put16(h + 10, mg_inet_finish(mg_inet_sum(h, r->hdr_len, 0)));
	for (mg_pkt *f = r->frags; f; f = f->next)
		memcpy(h + r->hdr_len + f->user[0], f->data, f->len);
	bool broadcast = r->broadcast;
	ip->c.reassembled++;
	unlink_reass(ip, r);
	mg__ipv4_deliver(ip, now, d, broadcast);
}

/* Make room for (need) more bytes by dropping the oldest datagrams other
 * than (keep). False if even that is not enough. */
static bool make_room(ipv4 *ip, size_t need, reass *keep)
{
	while (ip->reass_bytes + need > MG_IPV4_REASS_BYTES) {
		reass *victim = ip->reass;
		if (victim == keep)
			victim = victim->next;
		if (!victim)
			return false;
		drop_reass(ip, victim, &ip->c.drop_frag_evicted);
	}
	return true;
}

void mg__ipv4_reass_input(ipv4 *ip, uint64_t now, mg_pkt *p, bool broadcast)
{
	const uint8_t *h = p->data;
	size_t hl = (size_t)(h[0] & 0xf) * 4;
	uint16_t frag = mg__get16(h + 6);
	bool more = frag & FLAG_MF;
	size_t off = (size_t)(frag & OFFSET_MASK) * 8;
	size_t len = p->len - hl;
	size_t end = off + len;
	uint32_t src = mg__get32(h + 12), dst = mg__get32(h + 16);
	uint16_t id = mg__get16(h + 4);

	/* Every fragment but the last carries a multiple of 8 bytes. */
	if (len == 0 || (more && len % 8)) {
		ip->c.drop_frag_bad++;
		mg_pkt_free(p);
		return;
	}
	reass *r = find(ip, src, dst, id, h[9]);
	if (end + MG_IPV4_HLEN > MG_IPV4_MAX_DATAGRAM) {
		/* The "ping of death": it can never be a datagram. */
		if (r)
			drop_reass(ip, r, &ip->c.drop_frag_too_big);
		else
			ip->c.drop_frag_too_big++;
		mg_pkt_free(p);
		return;
	}
	if (!r) {
		if (ip->nreass == MG_IPV4_REASS_DATAGRAMS)
			drop_reass(ip, ip->reass, &ip->c.drop_frag_evicted);
		r = calloc(1, sizeof *r);
		if (!r) {
			ip->c.drop_frag_no_buffer++;
			mg_pkt_free(p);
			return;
		}
		*r = (reass){.src = src,
		             .dst = dst,
		             .id = id,
		             .proto = h[9],
		             .broadcast = broadcast,
		             .started = now};
		reass **tail = &ip->reass;
		while (*tail)
			tail = &(*tail)->next;
		*tail = r;
		ip->nreass++;
	}
	if (!more) {
		if (r->have_last && r->total != end) {
			drop_reass(ip, r, &ip->c.drop_frag_bad);
			mg_pkt_free(p);
			return;
		}
		r->have_last = true;
		r->total = (uint32_t)end;
	}
	/* Insert sorted by offset, refusing overlaps (RFC 5722's rule). */
	mg_pkt **pp = &r->frags, *prev = NULL;
	while (*pp && (*pp)->user[0] < off) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	mg_pkt *next = *pp;
	if (next && next->user[0] == off && next->len == len) {
		ip->c.drop_frag_dup++;
		mg_pkt_free(p);
		return;
	}
	bool overlap = (prev && prev->user[0] + prev->len > off) ||
	               (next && next->user[0] < end);
	mg_pkt *last = r->frags;
	while (last && last->next)
		last = last->next;
	bool past_end =
	    r->have_last &&
	    (end > r->total || (last && last->user[0] + last->len > r->total));
	if (overlap || past_end) {
		drop_reass(ip, r,
		           overlap ? &ip->c.drop_frag_overlap
		                   : &ip->c.drop_frag_bad);
		mg_pkt_free(p);
		return;
	}
	if (r->nfrags == MG_IPV4_REASS_FRAGS) {
		drop_reass(ip, r, &ip->c.drop_frag_too_many);
		mg_pkt_free(p);
		return;
	}
	if (!make_room(ip, p->cap, r)) {
		drop_reass(ip, r, &ip->c.drop_frag_evicted);
		mg_pkt_free(p);
		return;
	}
	if (off == 0) {
		memcpy(r->hdr, h, hl);
		r->hdr_len = hl;
	}
	mg_pkt_pull(p, hl);
	p->user[0] = off;
	p->next = next;
	*pp = p;
	r->nfrags++;
	r->bytes += p->cap;
	ip->reass_bytes += p->cap;

	if (!r->have_last || !r->hdr_len)
		return;
	size_t expect = 0;
	for (mg_pkt *f = r->frags; f; f = f->next) {
		if (f->user[0] != expect)
			return;
		expect += f->len;
	}
	if (expect == r->total)
		complete(ip, now, r);
}

void mg__ipv4_reass_tick(ipv4 *ip, uint64_t now)
{
	while (ip->reass &&
	       now - ip->reass->started >= MG_IPV4_REASS_TIMEOUT_NS) {
		reass *r = ip->reass;
		/* RFC 792: time exceeded, only if fragment zero came (its
		 * header and first bytes are what the error quotes). */
		if (r->hdr_len && r->frags && r->frags->user[0] == 0 &&
		    !r->broadcast && ip->err_fn) {
			mg_ipv4_meta m;
			mg__ipv4_meta(r->hdr, r->hdr_len, false, &m);
			ip->err_fn(ip->err_ctx, now, 11, 1, &m, r->frags);
		}
		drop_reass(ip, r, &ip->c.drop_frag_timeout);
	}
}

uint64_t mg__ipv4_reass_deadline(const ipv4 *ip)
{
	/* The list is in arrival order, so its head expires first. */
	return ip->reass ? ip->reass->started + MG_IPV4_REASS_TIMEOUT_NS
	                 : UINT64_MAX;
}
