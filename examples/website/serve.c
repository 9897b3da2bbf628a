/* serve.c: one file of the store as a response: validators, conditionals,
 * ranges, and the body streamed in slices. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mg/mg.h>

#include "website.h"

/*
 * The most one write carries. A file the store holds in memory (crunch)
 * is written from where it lies, a slice at a time so that each write
 * stays well within the server's send timeout; other stores are read
 * into a buffer of at most this size, so a file of any size costs one
 * such buffer per response.
 */
#define SLICE (64u << 10)

/* (len) bytes of (key) from (off) as the response body; *sent counts. */
static int stream(mg_kv_ro *store, const char *key, uint64_t off, uint64_t len,
                  mg_http_response *res, uint64_t *sent)
{
	const void *data;
	size_t have;
	int rc = mg_kv_ro_view(store, key, off, &data, &have);
	if (rc == 0) {
		if (have < len)
			return MG_EBADMSG;
		const uint8_t *p = data;
		while (len) {
			size_t n = len < SLICE ? (size_t)len : SLICE;
			if ((rc = mg_http_response_write(
			         res, mg_cbuf_make(p, n))) < 0)
				return rc;
			p += n;
			len -= n;
			*sent += n;
		}
		return 0;
	}
	if (rc != MG_ENOTSUP)
		return rc;
	size_t cap = len < SLICE ? (size_t)len : SLICE;
	uint8_t *buf = malloc(cap ? cap : 1);
	if (!buf)
		return MG_ENOMEM;
	while (len) {
		size_t want = len < cap ? (size_t)len : cap, got = 0;
		rc = mg_kv_ro_get(store, key, off, buf, want, &got);
		if (rc == 0 && got == 0)
			rc = MG_EBADMSG; /* shorter than its size said */
		if (rc == 0)
			rc =
			    mg_http_response_write(res, mg_cbuf_make(buf, got));
		if (rc < 0)
			break;
		off += got;
		len -= got;
		*sent += got;
	}
	free(buf);
	return rc;
}

/* The entity tag of (key): the first 128 bits of its SHA-256, which
 * crunch and archives made by `morgana build` hold ready. */
static int etag_of(mg_kv_ro *store, const char *key, char etag[36])
{
	char digest[MG_KV_DIGEST_LEN + 1];
	int rc = mg_kv_ro_digest(store, key, digest);
	if (rc == 0)
		snprintf(etag, 36, "\"%.32s\"", digest);
	return rc;
}

/* RFC 9110 section 13.2.2: If-None-Match, or else If-Modified-Since
 * (for GET and HEAD, which are all we answer). */
static bool not_modified(mg_http_request *req, const char *etag,
                         uint64_t mtime_s)
{
	mg_cbuf v;
	if (mg_http_header(req, "If-None-Match", &v))
		return site_etag_listed(v, etag);
	uint64_t since;
	return mtime_s && mg_http_header(req, "If-Modified-Since", &v) &&
	       site_parse_http_date(v, &since) && mtime_s <= since;
}

int site_serve_file(mg_kv_ro *store, const char *key, const mg_kv_stat *st,
                    mg_http_request *req, mg_http_response *res,
                    site_outcome *out)
{
	char etag[36], date[SITE_DATE_LEN + 1], cr[80];
	uint64_t mtime_s = st->mtime_ns / MG_NS_PER_S, size = st->size;
	int rc = etag_of(store, key, etag);
	if (rc < 0)
		return rc;
	mg_http_response_header(res, "ETag", etag);
	if (mtime_s) {
		site_http_date(mtime_s, date);
		mg_http_response_header(res, "Last-Modified", date);
	}
	if (not_modified(req, etag, mtime_s)) {
		out->status = 304;
		mg_http_response_status(res, 304);
		/* a 304 keeps the length a 200 would have (RFC 9110 8.6) */
		rc = mg_http_response_start(res, size);
		return rc ? rc : mg_http_response_end(res);
	}
	uint64_t first = 0, last = size ? size - 1 : 0;
	site_range_kind kind = SITE_RANGE_WHOLE;
	mg_cbuf v;
	/* Only GET has ranges (RFC 9110 section 14.2). */
	if (!req->head && mg_http_header(req, "Range", &v) &&
	    (!mg_http_header(req, "If-Range", &v) ||
	     site_if_range_holds(v, etag, mtime_s))) {
		mg_http_header(req, "Range", &v);
		kind = site_parse_range(v, size, &first, &last);
	}
	mg_http_response_header(res, "Accept-Ranges", "bytes");
	if (kind == SITE_RANGE_UNSAT) {
		snprintf(cr, sizeof cr, "bytes */%llu",
		         (unsigned long long)size);
		mg_http_response_header(res, "Content-Range", cr);
		out->status = 416;
		mg_cbuf body = mg_cbuf_str("range not satisfiable\n");
		out->bytes = body.len;
		return mg_http_reply(res, 416, "text/plain; charset=utf-8",
		                     body);
	}
	if (kind == SITE_RANGE_PART) {
		snprintf(cr, sizeof cr, "bytes %llu-%llu/%llu",
		         (unsigned long long)first, (unsigned long long)last,
		         (unsigned long long)size);
		mg_http_response_header(res, "Content-Range", cr);
		mg_http_response_status(res, 206);
	}
	out->status = kind == SITE_RANGE_PART ? 206 : 200;
	mg_http_response_header(res, "Content-Type", site_content_type(key));
	uint64_t len = size ? last - first + 1 : 0;
	rc = mg_http_response_start(res, len);
	if (rc == 0 && !req->head)
		rc = stream(store, key, first, len, res, &out->bytes);
	return rc ? rc : mg_http_response_end(res);
}
