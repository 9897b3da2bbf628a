/* website.h: what the files of the website example share. */
#ifndef WEBSITE_H
#define WEBSITE_H

#include <stdbool.h>
#include <stdint.h>

#include <mg/buf.h>
#include <mg/http_server.h>
#include <mg/kv_ro.h>

/* "Sun, 06 Nov 1994 08:49:37 GMT" and its NUL. */
#define SITE_DATE_LEN 29

/* What a request got, for its log line. */
typedef struct site_outcome {
	int status;
	uint64_t bytes; /* body bytes sent */
} site_outcome;

/* The Content-Type of (key), by its extension. */
const char *site_content_type(const char *key);

/* (unix_s) as an IMF-fixdate into (out). */
void site_http_date(uint64_t unix_s, char out[SITE_DATE_LEN + 1]);

/*
 * An HTTP-date (RFC 9110 section 5.6.7: IMF-fixdate, RFC 850 or asctime)
 * into seconds since the epoch. false if (s) is none of them.
 */
bool site_parse_http_date(mg_cbuf s, uint64_t *unix_s);

/* If-None-Match: whether (list) ("*" or entity tags) names (etag),
 * compared weakly (RFC 9110 section 13.1.2). */
bool site_etag_listed(mg_cbuf list, const char *etag);

typedef enum site_range_kind {
	SITE_RANGE_WHOLE, /* no range, or one to ignore: send it all */
	SITE_RANGE_PART,  /* one satisfiable range */
	SITE_RANGE_UNSAT, /* nothing of the file: 416 */
} site_range_kind;

/* A Range field's value against a file of (size) bytes; a PART is
 * [*first, *last]. */
site_range_kind site_parse_range(mg_cbuf value, uint64_t size, uint64_t *first,
                                 uint64_t *last);

/* If-Range (RFC 9110 section 13.1.5): whether (value) still names the
 * file of (etag) and modification time (mtime_s, 0: unknown). */
bool site_if_range_holds(mg_cbuf value, const char *etag, uint64_t mtime_s);

/*
 * Answer a GET or HEAD of file (key) of (store), whose size and time are
 * (st): conditionals, ranges, the body streamed from the store. Fills
 * (*out). 0 or an error (the response may have been cut).
 */
int site_serve_file(mg_kv_ro *store, const char *key, const mg_kv_stat *st,
                    mg_http_request *req, mg_http_response *res,
                    site_outcome *out);

#endif
