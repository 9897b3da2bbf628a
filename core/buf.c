/* Buffer views: bounds-checked slicing, copying and big-endian access. */
#include <string.h>

#include <mg/buf.h>
#include <mg/error.h>

mg_cbuf mg_cbuf_str(const char *s)
{
	return mg_cbuf_make(s, s ? strlen(s) : 0);
}

/* Written as two comparisons so that off + len cannot wrap. */
static bool fits(size_t have, size_t off, size_t len)
{
	return off <= have && len <= have - off;
}

int mg_buf_sub(mg_buf b, size_t off, size_t len, mg_buf *out)
{
	if (!fits(b.len, off, len)) {
		*out = (mg_buf){NULL, 0};
		return MG_ERANGE;
	}
	*out = (mg_buf){b.p + off, len};
	return 0;
}

int mg_cbuf_sub(mg_cbuf b, size_t off, size_t len, mg_cbuf *out)
{
	if (!fits(b.len, off, len)) {
		*out = (mg_cbuf){NULL, 0};
		return MG_ERANGE;
	}
	*out = (mg_cbuf){b.p + off, len};
	return 0;
}

int mg_buf_shift(mg_buf *b, size_t n)
{
	if (n > b->len)
		return MG_ERANGE;
	b->p += n;
	b->len -= n;
	return 0;
}

int mg_cbuf_shift(mg_cbuf *b, size_t n)
{
	if (n > b->len)
		return MG_ERANGE;
	b->p += n;
	b->len -= n;
	return 0;
}

size_t mg_buf_copy(mg_buf dst, mg_cbuf src)
{
	size_t n = src.len < dst.len ? src.len : dst.len;
	if (n)
		memmove(dst.p, src.p, n);
	return n;
}

bool mg_cbuf_eq(mg_cbuf a, mg_cbuf b)
{
	if (a.len != b.len)
		return false;
	return a.len == 0 || memcmp(a.p, b.p, a.len) == 0;
}

int mg_cbuf_get_be16(mg_cbuf b, size_t off, uint16_t *v)
{
	if (!fits(b.len, off, 2))
		return MG_ERANGE;
	*v = (uint16_t)((uint16_t)b.p[off] << 8 | b.p[off + 1]);
	return 0;
}

int mg_cbuf_get_be32(mg_cbuf b, size_t off, uint32_t *v)
{
	if (!fits(b.len, off, 4))
		return MG_ERANGE;
	*v = (uint32_t)b.p[off] << 24 | (uint32_t)b.p[off + 1] << 16 |
	     (uint32_t)b.p[off + 2] << 8 | b.p[off + 3];
	return 0;
}

int mg_buf_put_be16(mg_buf b, size_t off, uint16_t v)
{
	if (!fits(b.len, off, 2))
		return MG_ERANGE;
	b.p[off] = (uint8_t)(v >> 8);
	b.p[off + 1] = (uint8_t)v;
	return 0;
}

int mg_buf_put_be32(mg_buf b, size_t off, uint32_t v)
{
	if (!fits(b.len, off, 4))
		return MG_ERANGE;
	b.p[off] = (uint8_t)(v >> 24);
	b.p[off + 1] = (uint8_t)(v >> 16);
	b.p[off + 2] = (uint8_t)(v >> 8);
	b.p[off + 3] = (uint8_t)v;
	return 0;
}
