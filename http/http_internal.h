/* HTTP/1.1 syntax shared by the request and response parsers (http/). */
#ifndef MG_HTTP_INTERNAL_H
#define MG_HTTP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mg/buf.h>
#include <mg/http.h>

/* RFC 9110 section 5.6.2 tchar. */
bool mg__http_tchar(uint8_t c);

/* field-vchar, SP or HTAB (RFC 9110 section 5.5); obs-text allowed. */
bool mg__http_text(uint8_t c);

/* (a) equals (s) or (b) ignoring ASCII case. */
bool mg__http_ieq(mg_cbuf a, const char *s);
bool mg__http_ieq_buf(mg_cbuf a, mg_cbuf b);

/*
 * Find a CRLF-terminated line within the first (max) bytes of (in).
 * Returns its length without CRLF and sets (*total) to it with CRLF; 0
 * with (*total) 0 when more input is needed; -1 when it is over (max); -2
 * for a bare LF or a bare CR (RFC 9112 section 2.2: we accept neither, so
 * that no intermediary can split the stream differently).
 */
long mg__http_find_line(mg_cbuf in, size_t max, size_t *total);

/*
 * Split the field line (l) of (len) bytes, CRLF excluded, into (*name) and
 * (*value) (OWS trimmed). NULL, or the rule it breaks: obs-fold (RFC 9112
 * section 5.2), whitespace before the colon (5.1), a name that is not a
 * token, a control character in the value.
 */
const char *mg__http_field(const uint8_t *l, size_t len, mg_cbuf *name,
                           mg_cbuf *value);

/* (v) is 1*DIGIT fitting 64 bits: store it in (*n). */
bool mg__http_digits(mg_cbuf v, uint64_t *n);

/* Call (fn)(ctx, element) for each non-empty element of the comma list
 * (v), OWS trimmed (RFC 9110 section 5.6.1). */
void mg__http_each_element(mg_cbuf v, void (*fn)(void *ctx, mg_cbuf el),
                           void *ctx);

/* Results of the line readers below, besides a count of bytes consumed
 * (0: more input needed). */
#define MG__HTTP_OVER (-1) /* over a limit */
#define MG__HTTP_BAD  (-2) /* malformed */

/* (*out): (in) (NULL: all 0) with defaults for its 0 fields; (max_body)
 * for max_body. */
void mg__http_limits(mg_http_limits *out, const mg_http_limits *in,
                     uint64_t max_body);

/*
 * One line of a header or trailer section (RFC 9112 section 5), the
 * section bounded by (lim): max_header_bytes with CRLFs, counted in
 * (*bytes), and max_headers field lines, counted in (*count). Returns the
 * bytes consumed, with (*name) and (*value) set, or both empty for the
 * empty line ending the section; 0; MG__HTTP_OVER or MG__HTTP_BAD with
 * (*why) set.
 */
long mg__http_section_line(mg_cbuf in, const mg_http_limits *lim, bool trailer,
                           size_t *bytes, size_t *count, mg_cbuf *name,
                           mg_cbuf *value, const char **why);

/*
 * A chunk-size line of at most (max) bytes: hex size, then extensions
 * that are skipped but must be printable (RFC 9112 section 7.1.1).
 * Returns the bytes consumed with (*size) set; 0; MG__HTTP_OVER or
 * MG__HTTP_BAD with (*why) set.
 */
long mg__http_chunk_size(mg_cbuf in, size_t max, uint64_t *size,
                         const char **why);

/* The CRLF after chunk data: 2, 0, or MG__HTTP_BAD. */
int mg__http_chunk_end(mg_cbuf in);

#endif
