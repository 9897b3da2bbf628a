/* Buffer views: every operation stays within bounds. */
#include <mg/buf.h>
#include <mg/error.h>

#include "mgtest.h"

MGT_TEST(sub_within_and_past_end)
{
	uint8_t data[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
	mg_buf b = mg_buf_make(data, sizeof data), s;
	ASSERT_EQ(mg_buf_sub(b, 2, 3, &s), 0);
	ASSERT_TRUE(s.p == data + 2);
	ASSERT_EQ(s.len, 3);
	ASSERT_EQ(mg_buf_sub(b, 10, 0, &s), 0);
	ASSERT_EQ(s.len, 0);
	ASSERT_EQ(mg_buf_sub(b, 0, 10, &s), 0);
	ASSERT_EQ(s.len, 10);

	ASSERT_EQ(mg_buf_sub(b, 8, 3, &s), MG_ERANGE);
	ASSERT_EQ(s.len, 0);
	ASSERT_TRUE(s.p == NULL);
	ASSERT_EQ(mg_buf_sub(b, 11, 0, &s), MG_ERANGE);
	/* off + len wraps around SIZE_MAX: must not pass as in range. */
	ASSERT_EQ(mg_buf_sub(b, 5, SIZE_MAX - 2, &s), MG_ERANGE);
	ASSERT_EQ(mg_buf_sub(b, SIZE_MAX, 2, &s), MG_ERANGE);

	mg_cbuf c = mg_buf_ro(b), cs;
	ASSERT_EQ(mg_cbuf_sub(c, 9, 1, &cs), 0);
	ASSERT_EQ(cs.p[0], 9);
	ASSERT_EQ(mg_cbuf_sub(c, 9, 2, &cs), MG_ERANGE);
	ASSERT_EQ(cs.len, 0);
	ASSERT_EQ(mg_cbuf_sub(c, 1, SIZE_MAX, &cs), MG_ERANGE);
}

MGT_TEST(shift)
{
	uint8_t data[4] = {1, 2, 3, 4};
	mg_buf b = mg_buf_make(data, 4);
	ASSERT_EQ(mg_buf_shift(&b, 1), 0);
	ASSERT_EQ(b.len, 3);
	ASSERT_EQ(b.p[0], 2);
	ASSERT_EQ(mg_buf_shift(&b, 4), MG_ERANGE);
	ASSERT_EQ(b.len, 3);
	ASSERT_EQ(b.p[0], 2);
	ASSERT_EQ(mg_buf_shift(&b, 3), 0);
	ASSERT_EQ(b.len, 0);

	mg_cbuf c = mg_cbuf_make(data, 4);
	ASSERT_EQ(mg_cbuf_shift(&c, 5), MG_ERANGE);
	ASSERT_EQ(c.len, 4);
	ASSERT_EQ(mg_cbuf_shift(&c, 2), 0);
	ASSERT_EQ(c.p[0], 3);
}

MGT_TEST(copy_and_eq)
{
	uint8_t dst[4] = {0};
	const char *src = "abcdef";
	ASSERT_EQ(mg_buf_copy(mg_buf_make(dst, 4), mg_cbuf_str(src)), 4);
	ASSERT_MEMEQ(dst, "abcd", 4);
	ASSERT_EQ(mg_buf_copy(mg_buf_make(dst, 4), mg_cbuf_str("xy")), 2);
	ASSERT_MEMEQ(dst, "xycd", 4);
	ASSERT_EQ(mg_buf_copy(mg_buf_make(dst, 0), mg_cbuf_str("xy")), 0);
	ASSERT_EQ(mg_buf_copy(mg_buf_make(NULL, 0), mg_cbuf_make(NULL, 0)), 0);

	/* Overlapping views copy as memmove does. */
	uint8_t ov[6] = {1, 2, 3, 4, 5, 6};
	ASSERT_EQ(mg_buf_copy(mg_buf_make(ov + 1, 5), mg_cbuf_make(ov, 5)), 5);
	ASSERT_MEMEQ(ov, "\x01\x01\x02\x03\x04\x05", 6);

	ASSERT_TRUE(mg_cbuf_eq(mg_cbuf_str("abc"), mg_cbuf_make("abcd", 3)));
	ASSERT_TRUE(!mg_cbuf_eq(mg_cbuf_str("abc"), mg_cbuf_str("abd")));
	ASSERT_TRUE(!mg_cbuf_eq(mg_cbuf_str("abc"), mg_cbuf_str("ab")));
	ASSERT_TRUE(mg_cbuf_eq(mg_cbuf_make(NULL, 0), mg_cbuf_str("")));
	ASSERT_EQ(mg_cbuf_str("hello").len, 5);
	ASSERT_EQ(mg_cbuf_str(NULL).len, 0);
}

MGT_TEST(big_endian_access)
{
	uint8_t data[6] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc};
	mg_cbuf c = mg_cbuf_make(data, sizeof data);
	uint16_t v16 = 0;
	uint32_t v32 = 0;
	ASSERT_EQ(mg_cbuf_get_be16(c, 0, &v16), 0);
	ASSERT_EQ(v16, 0x1234);
	ASSERT_EQ(mg_cbuf_get_be16(c, 4, &v16), 0);
	ASSERT_EQ(v16, 0x9abc);
	ASSERT_EQ(mg_cbuf_get_be16(c, 5, &v16), MG_ERANGE);
	ASSERT_EQ(mg_cbuf_get_be16(c, SIZE_MAX, &v16), MG_ERANGE);
	ASSERT_EQ(mg_cbuf_get_be32(c, 2, &v32), 0);
	ASSERT_EQ(v32, 0x56789abc);
	ASSERT_EQ(mg_cbuf_get_be32(c, 3, &v32), MG_ERANGE);
	ASSERT_EQ(mg_cbuf_get_be32(c, SIZE_MAX - 1, &v32), MG_ERANGE);

	uint8_t out[6] = {0};
	mg_buf b = mg_buf_make(out, sizeof out);
	ASSERT_EQ(mg_buf_put_be16(b, 0, 0xbeef), 0);
	ASSERT_EQ(mg_buf_put_be32(b, 2, 0xdeadc0de), 0);
	ASSERT_MEMEQ(out, "\xbe\xef\xde\xad\xc0\xde", 6);
	ASSERT_EQ(mg_buf_put_be16(b, 5, 1), MG_ERANGE);
	ASSERT_EQ(mg_buf_put_be32(b, 3, 1), MG_ERANGE);
	ASSERT_EQ(mg_buf_put_be32(b, SIZE_MAX - 2, 1), MG_ERANGE);
	/* A refused store changed nothing. */
	ASSERT_MEMEQ(out, "\xbe\xef\xde\xad\xc0\xde", 6);
}
