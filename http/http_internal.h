/* HTTP/1.1 syntax shared by the request and response parsers (http/). */
#ifndef MG_HTTP_INTERNAL_H
#define MG_HTTP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mg/buf.h>

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

/*
 * The chunk-size line (l) of (len) bytes, CRLF excluded: hex size, then
 * extensions that are skipped but must be printable (RFC 9112 section
 * 7.1.1). NULL with (*size) set, or the rule it breaks.
 */
const char *mg__http_chunk_line(const uint8_t *l, size_t len, uint64_t *size);

#endif
