/* Buffer views: a pointer and a length, writable or read-only. */
#ifndef MG_BUF_H
#define MG_BUF_H

/*
 * A view does not own its bytes. mg_buf may be written through; mg_cbuf
 * may not, so a function taking an mg_cbuf cannot change the caller's data.
 * Every operation checks bounds: slicing past the end yields an empty view
 * flagged as such rather than reading out of bounds.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mg_buf {
	uint8_t *p;
	size_t len;
} mg_buf;

typedef struct mg_cbuf {
	const uint8_t *p;
	size_t len;
} mg_cbuf;

static inline mg_buf mg_buf_make(void *p, size_t len)
{
	return (mg_buf){(uint8_t *)p, len};
}

static inline mg_cbuf mg_cbuf_make(const void *p, size_t len)
{
	return (mg_cbuf){(const uint8_t *)p, len};
}

/* The read-only view of (b). */
static inline mg_cbuf mg_buf_ro(mg_buf b)
{
	return (mg_cbuf){b.p, b.len};
}

/* A view of a NUL-terminated string, without the NUL. */
mg_cbuf mg_cbuf_str(const char *s);

/*
 * The sub-view [off, off + len). Returns 0 and stores it in (*out), or
 * MG_ERANGE (and an empty view) when it does not fit in (b).
 */
int mg_buf_sub(mg_buf b, size_t off, size_t len, mg_buf *out);
int mg_cbuf_sub(mg_cbuf b, size_t off, size_t len, mg_cbuf *out);

/* Drop (n) bytes from the front: MG_ERANGE, leaving (*b) as is, if n > len. */
int mg_buf_shift(mg_buf *b, size_t n);
int mg_cbuf_shift(mg_cbuf *b, size_t n);

/* Copy as much of (src) as fits into (dst); returns the count copied. */
size_t mg_buf_copy(mg_buf dst, mg_cbuf src);

/* Bytewise equality. */
bool mg_cbuf_eq(mg_cbuf a, mg_cbuf b);

/* Big-endian loads and stores at (off); MG_ERANGE if out of bounds. */
int mg_cbuf_get_be16(mg_cbuf b, size_t off, uint16_t *v);
int mg_cbuf_get_be32(mg_cbuf b, size_t off, uint32_t *v);
int mg_buf_put_be16(mg_buf b, size_t off, uint16_t v);
int mg_buf_put_be32(mg_buf b, size_t off, uint32_t v);

#endif
