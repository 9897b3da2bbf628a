/* The store's log: frames, segments, the read cache and the cleaner. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <mg/error.h>

#include "store.h"

/*
 * Rules that make a crash harmless (docs/storage.md, "Why it is safe"):
 * - a sector holding a frame is never written again until its segment is
 *   cleaned, so a torn write only damages the frame being written;
 * - before a segment header is written, everything before it is flushed:
 *   a segment that recovery finds in the log has a complete predecessor;
 * - the cleaner flushes its copies before the superblock drops the
 *   segment they came from, and that segment is only reused after a
 *   flush has made the superblock durable.
 */

int mg__store_err(mg_store *s, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->err, sizeof s->err, fmt, ap);
	va_end(ap);
	return rc;
}

uint64_t mg__store_seg_off(const mg_store *s, uint32_t seg)
{
	return s->data_start + (uint64_t)seg * s->seg_bytes;
}

/* A device error stops every later change: the index may now describe
 * writes the device does not have. */
static int dev_write(mg_store *s, uint64_t off, const void *buf, size_t len)
{
	int rc = s->dev.write(s->dev.self, off, buf, len);
	s->st.writes++;
	s->st.write_bytes += len;
	if (rc < 0 && !s->failed)
		s->failed = rc;
	return rc;
}

int mg__store_flush(mg_store *s)
{
	int rc = s->dev.flush(s->dev.self);
	s->st.flushes++;
	if (rc < 0 && !s->failed)
		s->failed = rc;
	return rc;
}

static void cache_update(mg_store *s, uint64_t off, const uint8_t *src,
                         size_t len)
{
	while (len) {
		uint64_t ln = off / s->line;
		size_t lo = (size_t)(off % s->line);
		size_t n = s->line - lo < len ? s->line - lo : len;
		uint32_t slot = (uint32_t)ln & s->cmask;
		if (s->ctag[slot] == ln + 1)
			memcpy(s->cache + (size_t)slot * s->line + lo, src, n);
		off += n;
		src += n;
		len -= n;
	}
}

int mg__store_read(mg_store *s, uint64_t off, void *buf, size_t len)
{
	uint8_t *dst = buf;
	while (len) {
		size_t n;
		if (s->flen && off >= s->fbase && off < s->fbase + s->flen) {
			n = (size_t)(s->fbase + s->flen - off);
			n = n < len ? n : len;
			memcpy(dst, s->wbuf + (off - s->fbase), n);
		} else {
			uint64_t ln = off / s->line;
			size_t lo = (size_t)(off % s->line);
			n = s->line - lo < len ? s->line - lo : len;
			if (s->flen && off < s->fbase && off + n > s->fbase)
				n = (size_t)(s->fbase - off);
			uint32_t slot = (uint32_t)ln & s->cmask;
			uint8_t *line = s->cache + (size_t)slot * s->line;
			if (s->ctag[slot] != ln + 1) {
				s->ctag[slot] = 0;
				s->st.reads++;
				int rc = s->dev.read(s->dev.self, ln * s->line,
				                     line, s->line);
				if (rc < 0)
					return rc;
				s->ctag[slot] = ln + 1;
			}
			memcpy(dst, line + lo, n);
		}
		off += n;
		dst += n;
		len -= n;
	}
	return 0;
}

int mg__store_seal(mg_store *s)
{
	if (!s->flen)
		return 0;
	uint32_t pad = (s->flen + s->blk - 1) / s->blk * s->blk;
	memset(s->wbuf + s->flen, 0, pad - s->flen);
	mg__st_frame f = {
	    .len = s->flen,
	    .uuid = s->uuid,
	    .seq = s->seg_seq[s->head],
	    .off = s->head_off,
	    .nrec = s->fnrec,
	    .flags = s->in_gc ? 1u : 0u,
	};
	mg__st_frame_seal(s->wbuf, &f);
	int rc = dev_write(s, s->fbase, s->wbuf, pad);
	if (rc < 0)
		return rc;
	cache_update(s, s->fbase, s->wbuf, pad);
	s->st.frames++;
	s->head_off += pad;
	s->head_end = s->head_off;
	s->flen = 0;
	s->fnrec = 0;
	return 0;
}

int mg__store_write_super(mg_store *s)
{
	mg__st_super sb = {
	    .blk = s->blk,
	    .seg_bytes = s->seg_bytes,
	    .nseg = s->nseg,
	    .uuid = s->uuid,
	    .gen = s->sb_gen + 1,
	    .log_start = s->log_start,
	    .data_start = s->data_start,
	};
	memset(s->sbbuf, 0, s->blk);
	mg__st_super_encode(&sb, s->sbbuf);
	/* Alternate slots: the other one keeps the previous superblock,
	 * durable since the cleaner's flush, if this write tears. */
	int rc =
	    dev_write(s, (sb.gen & 1) * (uint64_t)s->blk, s->sbbuf, s->blk);
	if (rc == 0)
		s->sb_gen = sb.gen;
	return rc;
}

static int gc_until_reserve(mg_store *s);

/* Start a new head segment after the current one. */
static int next_segment(mg_store *s)
{
	if (!s->in_gc && s->nfree < MG__STORE_RESERVE + 1)
		return gc_until_reserve(s);
	if (!s->nfree)
		return MG_ENOSPC;
	int rc = mg__store_flush(s);
	if (rc < 0)
		return rc;
	uint32_t seg = s->free_segs[--s->nfree];
	mg__st_seghdr h = {
	    .uuid = s->uuid,
	    .seq = s->max_seq + 1,
	    .prev_seq = s->seg_seq[s->head],
	    .prev_end = s->head_end,
	    .index = seg,
	};
	memset(s->sbbuf, 0, s->blk);
	mg__st_seghdr_encode(&h, s->sbbuf);
	rc = dev_write(s, mg__store_seg_off(s, seg), s->sbbuf, s->blk);
	if (rc < 0) {
		s->free_segs[s->nfree++] = seg;
		return rc;
	}
	s->max_seq = h.seq;
	s->seg_seq[seg] = h.seq;
	s->ring[(s->ring_first + s->ring_len++) % s->nseg] = seg;
	s->head = seg;
	s->head_off = s->head_end = s->blk;
	return 0;
}

int mg__store_room(mg_store *s, size_t need)
{
	if (need > s->seg_bytes - s->blk - MG__ST_FRAME_HDR)
		return MG_EMSGSIZE;
	for (;;) {
		size_t used = s->flen ? s->flen : MG__ST_FRAME_HDR;
		if ((uint64_t)s->head_off + used + need <= s->seg_bytes)
			return 0;
		int rc = s->flen ? mg__store_seal(s) : next_segment(s);
		if (rc < 0)
			return rc;
	}
}

uint8_t *mg__store_append(mg_store *s, size_t len)
{
	if (!s->flen) {
		s->fbase = mg__store_seg_off(s, s->head) + s->head_off;
		s->flen = MG__ST_FRAME_HDR;
	}
	uint8_t *p = s->wbuf + s->flen;
	s->flen += (uint32_t)len;
	s->fnrec++;
	return p;
}

/* Copy the live files of the oldest segment to the head, then drop it. */
static int gc_step(mg_store *s)
{
	if (s->ring_len < 2)
		return MG_ENOSPC;
	uint32_t victim = s->ring[s->ring_first];
	uint64_t vstart = mg__store_seg_off(s, victim);
	uint64_t vend = vstart + s->seg_bytes;
	int rc = s->dev.read(s->dev.self, vstart, s->iobuf, s->seg_bytes);
	s->st.reads++;
	if (rc < 0)
		return rc;
	s->in_gc = true;
	mg__sidx *x = &s->idx;
	for (uint32_t i = 0; x->slots && i <= x->mask; i++) {
		mg__snode *n = x->slots[i];
		if (!n || n->kind != MG_KV_FILE || n->loc < vstart ||
		    n->loc >= vend)
			continue;
		size_t len = mg__st_set_size(n->klen, n->size);
		rc = mg__store_room(s, len);
		if (rc < 0)
			goto out;
		uint8_t *p = mg__store_append(s, len);
		mg__st_rec_set(p, n->key, n->klen, n->mtime,
		               s->iobuf + (n->loc - vstart), n->size);
		n->loc = s->fbase + (uint64_t)(p - s->wbuf) + MG__ST_SET_FIXED +
		         n->klen;
		s->st.gc_copied_bytes += len;
	}
	rc = mg__store_seal(s);
	if (rc == 0)
		rc = mg__store_flush(s);
	if (rc < 0)
		goto out;
	s->ring_first = (s->ring_first + 1) % s->nseg;
	s->ring_len--;
	s->seg_seq[victim] = 0;
	s->free_segs[s->nfree++] = victim;
	s->log_start = s->seg_seq[s->ring[s->ring_first]];
	rc = mg__store_write_super(s);
	s->st.gc_steps++;
out:
	s->in_gc = false;
	return rc;
}

/* Clean until the reserve is back; a whole lap without it means full. */
static int gc_until_reserve(mg_store *s)
{
	for (uint32_t steps = 0; s->nfree < MG__STORE_RESERVE + 1; steps++) {
		if (steps > s->nseg)
			return MG_ENOSPC;
		int rc = gc_step(s);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int mg__store_gc(mg_store *s)
{
	if (s->failed)
		return MG_EIO;
	if (s->dev.read_only)
		return MG_EROFS;
	int rc = mg__store_seal(s);
	return rc < 0 ? rc : gc_step(s);
}
