/* Opening the store: formatting a device, or recovering the log from it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mg/error.h>
#include <mg/platform.h>

#include "store.h"

#define MIN_SEGMENTS 8

static uint64_t platform_now(void *ctx)
{
	(void)ctx;
	return mg_platform_wall_ns();
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/* Limits that keep the cleaner able to make progress (docs/storage.md). */
static void set_limits(mg_store *s)
{
	uint64_t payload = s->seg_bytes - s->blk - MG__ST_FRAME_HDR;
	uint64_t usable = (uint64_t)(s->nseg - MG__STORE_RESERVE - 1) * payload;
	s->limit = usable - usable / 8;
	s->max_rec = (uint32_t)(payload / 4);
	/* Several frames per segment in buffered mode, so that a crash
	 * loses at most about this much of what was not synced. */
	uint32_t b = s->seg_bytes / 4 > s->blk ? s->seg_bytes / 4 : s->blk;
	s->buffer_max = b < 65536 ? b : 65536;
}

static int alloc_buffers(mg_store *s, uint32_t cache_bytes)
{
	s->wbuf = malloc(s->seg_bytes);
	s->iobuf = malloc(s->seg_bytes);
	s->sbbuf = malloc(s->blk);
	uint32_t lines = 16;
	while ((uint64_t)lines * 2 * s->line <= cache_bytes &&
	       lines < (1u << 20))
		lines *= 2;
	s->cache = malloc((size_t)lines * s->line);
	s->ctag = calloc(lines, sizeof *s->ctag);
	s->cmask = lines - 1;
	s->seg_seq = calloc(s->nseg, sizeof *s->seg_seq);
	s->ring = calloc(s->nseg, sizeof *s->ring);
	s->free_segs = calloc(s->nseg, sizeof *s->free_segs);
	if (!s->wbuf || !s->iobuf || !s->sbbuf || !s->cache || !s->ctag ||
	    !s->seg_seq || !s->ring || !s->free_segs)
		return MG_ENOMEM;
	return 0;
}

static int check_geometry(mg_store *s)
{
	uint64_t min_seg = s->line > 8u * s->blk ? s->line : 8u * s->blk;
	if (s->seg_bytes < min_seg || s->seg_bytes % s->line ||
	    s->seg_bytes > (1u << 30))
		return mg__store_err(s, MG_EBADMSG,
		                     "superblock: bad segment size %u",
		                     s->seg_bytes);
	if (s->data_start != align_up(2ull * s->blk, s->line))
		return mg__store_err(s, MG_EBADMSG,
		                     "superblock: bad data start %llu",
		                     (unsigned long long)s->data_start);
	if (s->nseg < MIN_SEGMENTS ||
	    s->data_start + (uint64_t)s->nseg * s->seg_bytes > s->dev.capacity)
		return mg__store_err(
		    s, MG_EBADMSG,
		    "superblock: %u segments of %u bytes do not "
		    "fit the device",
		    s->nseg, s->seg_bytes);
	if (s->log_start == 0)
		return mg__store_err(s, MG_EBADMSG, "superblock: no log start");
	return 0;
}

static int format(mg_store *s, const mg__store_opts *o)
{
	s->data_start = align_up(2ull * s->blk, s->line);
	if (s->dev.capacity < s->data_start)
		return mg__store_err(s, MG_EINVAL, "device too small");
	uint64_t avail = s->dev.capacity - s->data_start;
	uint64_t min_seg = s->line > 8u * s->blk ? s->line : 8u * s->blk;
	uint64_t seg = o->seg_bytes;
	if (!seg) {
		seg = 1u << 20;
		while (seg > min_seg && avail / seg < 32)
			seg /= 2;
	}
	if (seg < min_seg || seg % s->line || seg > (1u << 30))
		return mg__store_err(s, MG_EINVAL, "bad segment size %llu",
		                     (unsigned long long)seg);
	if (avail / seg < MIN_SEGMENTS)
		return mg__store_err(s, MG_EINVAL,
		                     "device too small: %llu bytes hold fewer "
		                     "than %d segments of %llu bytes",
		                     (unsigned long long)s->dev.capacity,
		                     MIN_SEGMENTS, (unsigned long long)seg);
	s->seg_bytes = (uint32_t)seg;
	s->nseg = (uint32_t)(avail / seg < (1u << 24) ? avail / seg : 1u << 24);
	s->uuid = o->uuid;
	while (!s->uuid)
		mg_platform_entropy(&s->uuid, sizeof s->uuid);
	s->log_start = 1;
	s->sb_gen = 0;
	int rc = alloc_buffers(s, o->cache_bytes);
	if (rc < 0)
		return rc;
	/* Slot 0 is cleared so that a store formatted before cannot win. */
	memset(s->sbbuf, 0, s->blk);
	if ((rc = s->dev.write(s->dev.self, 0, s->sbbuf, s->blk)) < 0)
		return rc;
	mg__st_seghdr h = {.uuid = s->uuid, .seq = 1, .index = 0};
	mg__st_seghdr_encode(&h, s->sbbuf);
	if ((rc = s->dev.write(s->dev.self, mg__store_seg_off(s, 0), s->sbbuf,
	                       s->blk)) < 0 ||
	    (rc = s->dev.flush(s->dev.self)) < 0 ||
	    (rc = mg__store_write_super(s)) < 0 ||
	    (rc = s->dev.flush(s->dev.self)) < 0)
		return rc;
	s->seg_seq[0] = 1;
	s->max_seq = 1;
	s->ring[0] = 0;
	s->ring_len = 1;
	for (uint32_t i = s->nseg; i > 1; i--)
		s->free_segs[s->nfree++] = i - 1;
	s->head = 0;
	s->head_off = s->head_end = s->blk;
	return 0;
}

/* A record's key (key, klen) into (out), NUL-terminated: MG_EBADMSG unless
 * it is a valid key without a leading '/' or a NUL inside. */
static int record_key(char out[MG_KV_KEY_MAX + 1], const char *key,
                      size_t klen)
{
	const char *rel;
	memcpy(out, key, klen);
	out[klen] = 0;
	return mg_kv_key_check(out, &rel) || rel != out || strlen(out) != klen
	           ? MG_EBADMSG
	           : 0;
}

/* Apply one frame's records (replay). */
static int replay_frame(mg_store *s, const uint8_t *frame,
                        const mg__st_frame *f, uint64_t frame_dev)
{
	size_t pos = MG__ST_FRAME_HDR;
	uint32_t count = 0;
	char k1[MG_KV_KEY_MAX + 1], k2[MG_KV_KEY_MAX + 1];
	while (pos < f->len) {
		mg__st_rec r;
		int rc = mg__st_rec_decode(frame + pos, f->len - pos, &r);
		if (rc == 0)
			rc = record_key(k1, r.key, r.klen);
		if (rc == 0 && r.type == MG__ST_REC_RENAME)
			rc = record_key(k2, r.key2, r.klen2);
		if (rc < 0)
			return mg__store_err(s, MG_EBADMSG,
			                     "malformed record %u at byte %zu",
			                     count, pos);
		mg__sprev prev;
		if (r.type == MG__ST_REC_SET) {
			rc = mg__store_idx_put(s, k1, r.klen,
			                       frame_dev + pos + r.val_off,
			                       r.vlen, r.mtime, &prev);
		} else if (r.type == MG__ST_REC_DEL) {
			rc = mg__store_idx_del(s, k1, r.klen, &prev);
			/* The file's set may be in a segment already cleaned.
			 */
			if (rc == MG_ENOENT)
				rc = 0;
		} else {
			mg__snode *n = mg__sidx_find(&s->idx, k1, r.klen);
			/* A source that was cleaned away: its file was copied
			 * under the new name later in the log. */
			if (n && n->kind == MG_KV_FILE) {
				rc = mg__store_idx_del(s, k1, r.klen, &prev);
				if (rc == 0)
					rc = mg__store_idx_put(
					    s, k2, r.klen2, prev.loc, prev.size,
					    prev.mtime, &prev);
			}
		}
		if (rc == MG_ENOSPC)
			return mg__store_err(
			    s, rc,
			    "the store holds more than %u "
			    "files and directories (max_entries)",
			    s->idx.max);
		if (rc == MG_ENOMEM)
			return rc;
		if (rc < 0)
			return mg__store_err(
			    s, MG_EBADMSG, "record %u at byte %zu: %s on '%s'",
			    count, pos, mg_strerror(rc), k1);
		pos += r.len;
		count++;
		s->st.recovered_records++;
	}
	if (count != f->nrec)
		return mg__store_err(s, MG_EBADMSG,
		                     "%u records where the header says %u",
		                     count, f->nrec);
	return 0;
}

/*
 * Replay the frames of segment (seg), from its first frame up to (limit),
 * where its successor says it ended. The last segment has no successor:
 * its first frame that does not check is where the crash interrupted the
 * log. Stores the end in (*end).
 */
static int scan_segment(mg_store *s, uint32_t seg, uint32_t limit, bool last,
                        uint32_t *end)
{
	uint64_t base = mg__store_seg_off(s, seg);
	int rc = s->dev.read(s->dev.self, base, s->iobuf, s->seg_bytes);
	if (rc < 0)
		return mg__store_err(s, rc, "segment %u: read failed", seg);
	uint32_t off = s->blk;
	while (off < limit) {
		mg__st_frame f;
		const uint8_t *p = s->iobuf + off;
		bool ok = mg__st_frame_peek(p, &f) == 0 && f.uuid == s->uuid &&
		          f.seq == s->seg_seq[seg] && f.off == off &&
		          f.len <= limit - off && mg__st_frame_crc_ok(p, &f);
		if (!ok) {
			if (last)
				break;
			return mg__store_err(s, MG_EBADMSG,
			                     "segment %u: the frame at byte %u "
			                     "is damaged, and the log goes on "
			                     "after it",
			                     seg, off);
		}
		rc = replay_frame(s, p, &f, base + off);
		if (rc < 0) {
			char why[sizeof s->err];
			memcpy(why, s->err, sizeof why);
			return mg__store_err(s, rc,
			                     "segment %u, frame at byte %u: %s",
			                     seg, off, why);
		}
		s->st.recovered_frames++;
		off += (f.len + s->blk - 1) / s->blk * s->blk;
	}
	if (!last && off != limit)
		return mg__store_err(
		    s, MG_EBADMSG,
		    "segment %u: frames end at byte %u, not at "
		    "%u as the next segment says",
		    seg, off, limit);
	*end = off;
	return 0;
}

typedef struct seginfo {
	uint64_t seq, prev_seq;
	uint32_t prev_end, index;
} seginfo;

static int by_seq(const void *a, const void *b)
{
	const seginfo *x = a, *y = b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int recover(mg_store *s)
{
	seginfo *log = calloc(s->nseg, sizeof *log);
	if (!log)
		return MG_ENOMEM;
	uint32_t n = 0;
	int rc = 0;
	for (uint32_t i = 0; i < s->nseg; i++) {
		mg__st_seghdr h;
		rc = s->dev.read(s->dev.self, mg__store_seg_off(s, i), s->sbbuf,
		                 s->blk);
		if (rc < 0)
			goto out;
		if (mg__st_seghdr_decode(s->sbbuf, &h) < 0 ||
		    h.uuid != s->uuid || h.index != i)
			continue;
		if (h.seq > s->max_seq)
			s->max_seq = h.seq;
		if (h.seq >= s->log_start)
			log[n++] = (seginfo){h.seq, h.prev_seq, h.prev_end, i};
	}
	qsort(log, n, sizeof *log, by_seq);
	if (!n || log[0].seq != s->log_start) {
		rc = mg__store_err(s, MG_EBADMSG,
		                   "the log's first segment (sequence %llu) "
		                   "is missing",
		                   (unsigned long long)s->log_start);
		goto out;
	}
	for (uint32_t k = 0; k < n; k++) {
		bool last = k + 1 == n;
		uint32_t limit = last ? s->seg_bytes : log[k + 1].prev_end;
		if (!last && (log[k + 1].prev_seq != log[k].seq ||
		              limit < s->blk || limit > s->seg_bytes)) {
			rc = mg__store_err(
			    s, MG_EBADMSG,
			    "segment %u (sequence %llu) does not follow "
			    "segment %u (sequence %llu)",
			    log[k + 1].index,
			    (unsigned long long)log[k + 1].seq, log[k].index,
			    (unsigned long long)log[k].seq);
			goto out;
		}
		s->seg_seq[log[k].index] = log[k].seq;
		s->ring[k] = log[k].index;
		uint32_t end = s->blk;
		rc = scan_segment(s, log[k].index, limit, last, &end);
		if (rc < 0)
			goto out;
		s->head_end = end;
	}
	s->ring_len = n;
	for (uint32_t i = s->nseg; i > 0; i--)
		if (!s->seg_seq[i - 1])
			s->free_segs[s->nfree++] = i - 1;
	s->head = log[n - 1].index;
	/* Frames past the end found may be stale ones of the same segment:
	 * never append there, start a new segment at the first change. */
	s->head_off = s->seg_bytes;
out:
	free(log);
	return rc;
}

static int load_super(mg_store *s, const mg__store_opts *o, bool *blank)
{
	mg__st_super sb[2];
	bool ok[2];
	*blank = true;
	for (int i = 0; i < 2; i++) {
		int rc = s->dev.read(s->dev.self, (uint64_t)i * s->blk,
		                     s->sbbuf, s->blk);
		if (rc < 0)
			return mg__store_err(s, rc, "superblock: read failed");
		ok[i] = mg__st_super_decode(s->sbbuf, &sb[i]) == 0;
		*blank = *blank && all_zero(s->sbbuf, s->blk);
	}
	(void)o;
	if (!ok[0] && !ok[1])
		return mg__store_err(
		    s, MG_EBADMSG,
		    "no valid superblock: not a store, or both "
		    "copies are damaged");
	const mg__st_super *b =
	    !ok[1] || (ok[0] && sb[0].gen > sb[1].gen) ? &sb[0] : &sb[1];
	if (b->blk != s->blk)
		return mg__store_err(s, MG_EBADMSG,
		                     "superblock: sector size %u, the device's "
		                     "is %u",
		                     b->blk, s->blk);
	s->seg_bytes = b->seg_bytes;
	s->nseg = b->nseg;
	s->uuid = b->uuid;
	s->sb_gen = b->gen;
	s->log_start = b->log_start;
	s->data_start = b->data_start;
	return 0;
}

static int open_store(mg_store *s, const mg__store_opts *o)
{
	uint32_t bs = s->dev.sector_size;
	if (bs < 512 || bs > 65536 || (bs & (bs - 1)) || s->dev.capacity % bs)
		return mg__store_err(s, MG_EINVAL, "bad sector size %u", bs);
	s->blk = bs;
	s->line = bs > 4096 ? bs : 4096;
	s->sbbuf = malloc(bs);
	if (!s->sbbuf)
		return MG_ENOMEM;
	if (s->dev.capacity < 2ull * bs)
		return mg__store_err(s, MG_EINVAL, "device too small");
	bool blank = false;
	int rc = o->format ? MG_EBADMSG : load_super(s, o, &blank);
	if (o->format || (rc == MG_EBADMSG && blank && o->create)) {
		if (s->dev.read_only)
			return mg__store_err(
			    s, MG_EROFS, "cannot format a read-only device");
		free(s->sbbuf);
		s->sbbuf = NULL;
		s->err[0] = 0;
		rc = format(s, o);
		if (rc == 0)
			set_limits(s);
		return rc;
	}
	if (rc < 0)
		return rc;
	free(s->sbbuf);
	s->sbbuf = NULL;
	if ((rc = check_geometry(s)) < 0 ||
	    (rc = alloc_buffers(s, o->cache_bytes)) < 0)
		return rc;
	set_limits(s);
	return recover(s);
}

int mg__store_open(mg_store **out, const mg__store_dev *dev,
                   const mg__store_opts *opts)
{
	*out = NULL;
	mg__store_opts o = *opts;
	if (!o.cache_bytes)
		o.cache_bytes = 256u << 10;
	mg_store *s = calloc(1, sizeof *s);
	if (!s)
		return MG_ENOMEM;
	s->dev = *dev;
	s->durable = o.durable;
	s->now = o.now ? o.now : platform_now;
	s->now_ctx = o.now_ctx;
	mg__sidx_init(&s->idx, o.max_entries ? o.max_entries : 65536);
	int rc = open_store(s, &o);
	if (rc < 0) {
		if (o.errlen)
			snprintf(o.err, o.errlen, "%s",
			         s->err[0] ? s->err : mg_strerror(rc));
		s->failed = rc;
		mg__store_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

void mg__store_close(mg_store *s)
{
	if (!s)
		return;
	if (!s->failed && !s->dev.read_only && s->wbuf && s->flen &&
	    mg__store_seal(s) == 0)
		mg__store_flush(s);
	mg__sidx_free(&s->idx);
	free(s->wbuf);
	free(s->iobuf);
	free(s->sbbuf);
	free(s->cache);
	free(s->ctag);
	free(s->seg_seq);
	free(s->ring);
	free(s->free_segs);
	free(s->undo);
	free(s);
}

void mg__store_stats_get(mg_store *s, mg__store_stats *out)
{
	*out = s->st;
	out->files = s->idx.files;
	out->dirs = s->idx.count - s->idx.files;
	out->live_bytes = s->live;
	out->limit_bytes = s->limit;
	out->segments = s->nseg;
	out->free_segments = s->nfree;
	out->seg_bytes = s->seg_bytes;
	out->index_bytes = s->idx.bytes;
}
