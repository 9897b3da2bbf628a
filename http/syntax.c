/* HTTP/1.1 lines, fields and chunk sizes; see http/http_internal.h */
#include "http_internal.h"

#include <string.h>

bool mg__http_tchar(uint8_t c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return true;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

bool mg__http_text(uint8_t c)
{
	return c == ' ' || c == '\t' || (c > 0x20 && c != 0x7f);
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

bool mg__http_ieq_buf(mg_cbuf a, mg_cbuf b)
{
	if (a.len != b.len)
		return false;
	for (size_t i = 0; i < a.len; i++)
		if (lower(a.p[i]) != lower(b.p[i]))
			return false;
	return true;
}

bool mg__http_ieq(mg_cbuf a, const char *s)
{
	return mg__http_ieq_buf(a, (mg_cbuf){(const uint8_t *)s, strlen(s)});
}

long mg__http_find_line(mg_cbuf in, size_t max, size_t *total)
{
	size_t lim = in.len < max + 2 ? in.len : max + 2;
	*total = 0;
	for (size_t i = 0; i < lim; i++) {
		if (in.p[i] == '\n')
			return -2;
		if (in.p[i] != '\r')
			continue;
		if (i + 1 >= in.len)
			return 0;
		if (in.p[i + 1] != '\n')
			return -2;
		if (i > max)
			return -1;
		*total = i + 2;
		return (long)i;
	}
	return in.len >= max + 2 ? -1 : 0;
}

static bool ows(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* (*s, *e) shrunk past OWS at both ends. */
static void trim(const uint8_t *p, size_t *s, size_t *e)
{
	while (*s < *e && ows(p[*s]))
		(*s)++;
	while (*e > *s && ows(p[*e - 1]))
		(*e)--;
}

const char *mg__http_field(const uint8_t *l, size_t len, mg_cbuf *name,
                           mg_cbuf *value)
{
	if (len > 0 && ows(l[0]))
		return "obs-fold line";
	size_t i = 0;
	while (i < len && mg__http_tchar(l[i]))
		i++;
	if (i < len && ows(l[i]))
		return "whitespace before colon";
	if (i == 0 || i >= len || l[i] != ':')
		return "bad field name";
	size_t s = i + 1, e = len;
	for (size_t k = s; k < e; k++)
		if (!mg__http_text(l[k]))
			return "bad character in field value";
	trim(l, &s, &e);
	*name = (mg_cbuf){l, i};
	*value = (mg_cbuf){l + s, e - s};
	return NULL;
}

bool mg__http_digits(mg_cbuf v, uint64_t *n)
{
	uint64_t x = 0;
	if (v.len == 0)
		return false;
	for (size_t i = 0; i < v.len; i++) {
		if (v.p[i] < '0' || v.p[i] > '9' || x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(v.p[i] - '0');
	}
	*n = x;
	return true;
}

void mg__http_each_element(mg_cbuf v, void (*fn)(void *ctx, mg_cbuf el),
                           void *ctx)
{
	size_t i = 0;
	while (i <= v.len) {
		size_t s = i;
		while (i < v.len && v.p[i] != ',')
			i++;
		size_t e = i;
		trim(v.p, &s, &e);
		if (e > s)
			fn(ctx, (mg_cbuf){v.p + s, e - s});
		i++;
	}
}

static const char *chunk_line(const uint8_t *l, size_t len, uint64_t *size)
{
	size_t i = 0;
	uint64_t n = 0;
	for (; i < len; i++) {
		int c = lower(l[i]), d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			break;
		if (n >> 60)
			return "chunk size overflows";
		n = n << 4 | (uint64_t)d;
	}
	if (i == 0)
		return "bad chunk size";
	/* chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ):
	 * ignored, but only printable text may follow the size. */
	while (i < len && ows(l[i]))
		i++;
	if (i < len && l[i] != ';')
		return "bad chunk extension";
	for (; i < len; i++)
		if (!mg__http_text(l[i]))
			return "bad chunk extension";
	*size = n;
	return NULL;
}

void mg__http_limits(mg_http_limits *out, const mg_http_limits *in,
                     uint64_t max_body)
{
	*out = in ? *in : (mg_http_limits){0};
	if (!out->max_request_line)
		out->max_request_line = 8192;
	if (!out->max_header_bytes)
		out->max_header_bytes = 16384;
	if (!out->max_headers)
		out->max_headers = 100;
	if (!out->max_body)
		out->max_body = max_body;
	if (!out->max_chunk_line)
		out->max_chunk_line = 256;
}

long mg__http_section_line(mg_cbuf in, const mg_http_limits *lim, bool trailer,
                           size_t *bytes, size_t *count, mg_cbuf *name,
                           mg_cbuf *value, const char **why)
{
	size_t total, room = lim->max_header_bytes - *bytes;
	long n = mg__http_find_line(in, room < 2 ? 0 : room - 2, &total);
	if (n == -1) {
		*why = trailer ? "trailer section too large"
		               : "header section too large";
		return MG__HTTP_OVER;
	}
	if (n == -2) {
		*why = "bare CR or LF in field line";
		return MG__HTTP_BAD;
	}
	if (total == 0)
		return 0;
	*bytes += total;
	*name = *value = (mg_cbuf){NULL, 0};
	if (n == 0)
		return (long)total;
	if (++*count > lim->max_headers) {
		*why = "too many fields";
		return MG__HTTP_OVER;
	}
	*why = mg__http_field(in.p, (size_t)n, name, value);
	return *why ? MG__HTTP_BAD : (long)total;
}

long mg__http_chunk_size(mg_cbuf in, size_t max, uint64_t *size,
                         const char **why)
{
	size_t total;
	long n = mg__http_find_line(in, max, &total);
	if (n == -1) {
		*why = "chunk size line too long";
		return MG__HTTP_OVER;
	}
	if (n == -2) {
		*why = "bare CR or LF in chunk size line";
		return MG__HTTP_BAD;
	}
	if (total == 0)
		return 0;
	*why = chunk_line(in.p, (size_t)n, size);
	return *why ? MG__HTTP_BAD : (long)total;
}

int mg__http_chunk_end(mg_cbuf in)
{
	if (in.len >= 1 && in.p[0] != '\r')
		return MG__HTTP_BAD;
	if (in.len < 2)
		return 0;
	return in.p[1] == '\n' ? 2 : MG__HTTP_BAD;
}
