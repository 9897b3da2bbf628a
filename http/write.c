/* HTTP/1.1 response serializer into caller buffers; see mg/http.h */
#include <mg/http.h>

#include <string.h>

void mg_http_writer_init(mg_http_writer *w, mg_buf out)
{
	w->out = out;
	w->used = 0;
	w->err = 0;
}

/* Append (n) bytes of (s) whole or not at all. */
static void put(mg_http_writer *w, const void *s, size_t n)
{
	if (w->err)
		return;
	if (n > w->out.len - w->used) {
		w->err = MG_ENOSPC;
		return;
	}
	if (n)
		memcpy(w->out.p + w->used, s, n);
	w->used += n;
}

static void puts_(mg_http_writer *w, const char *s)
{
	put(w, s, strlen(s));
}

/* Decimal (base 10) or hex (16) of (v) into (buf), returns the length. */
static size_t fmt_u64(char *buf, uint64_t v, unsigned base)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

const char *mg_http_reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 101: return "Switching Protocols";
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 206: return "Partial Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 416: return "Range Not Satisfiable";
	case 417: return "Expectation Failed";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "";
	}
}

void mg_http_write_status(mg_http_writer *w, int status)
{
	if (status < 100 || status > 599) {
		if (!w->err)
			w->err = MG_EINVAL;
		return;
	}
	char line[80];
	const char *r = mg_http_reason(status);
	size_t n = 0;
	memcpy(line, "HTTP/1.1 ", 9);
	n = 9 + fmt_u64(line + 9, (uint64_t)status, 10);
	line[n++] = ' ';
	size_t rl = strlen(r);
	memcpy(line + n, r, rl);
	n += rl;
	line[n++] = '\r';
	line[n++] = '\n';
	put(w, line, n);
}

static bool token(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		char c = *s;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z') || strchr("!#$%&'*+-.^_`|~", c)))
			return false;
	}
	return true;
}

void mg_http_write_header(mg_http_writer *w, const char *name, mg_cbuf value)
{
	if (w->err)
		return;
	bool ok = token(name);
	for (size_t i = 0; ok && i < value.len; i++)
		if (value.p[i] == '\r' || value.p[i] == '\n' || value.p[i] == 0)
			ok = false;
	if (!ok) {
		w->err = MG_EINVAL;
		return;
	}
	size_t nl = strlen(name);
	if (nl + 4 + value.len > w->out.len - w->used) {
		w->err = MG_ENOSPC;
		return;
	}
	put(w, name, nl);
	put(w, ": ", 2);
	put(w, value.p, value.len);
	put(w, "\r\n", 2);
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void civil(uint64_t days, unsigned *y, unsigned *m, unsigned *d)
{
	uint64_t z = days + 719468, era = z / 146097;
	uint64_t doe = z - era * 146097;
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	uint64_t mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = (unsigned)(yoe + era * 400 + (*m <= 2));
}

static void two(char *b, unsigned v)
{
	b[0] = (char)('0' + v / 10 % 10);
	b[1] = (char)('0' + v % 10);
}

void mg_http_write_date(mg_http_writer *w, uint64_t t)
{
	static const char wd[] = "ThuFriSatSunMonTueWed";
	static const char mn[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	/* IMF-fixdate has four year digits; clamp past 9999-12-31. */
	if (t > 253402300799u)
		t = 253402300799u;
	uint64_t days = t / 86400, s = t % 86400;
	unsigned y, m, d;
	civil(days, &y, &m, &d);
	char b[29]; /* "Sun, 06 Nov 1994 08:49:37 GMT" */
	memcpy(b, wd + days % 7 * 3, 3);
	memcpy(b + 3, ", ", 2);
	two(b + 5, d);
	b[7] = ' ';
	memcpy(b + 8, mn + (m - 1) * 3, 3);
	b[11] = ' ';
	two(b + 12, y / 100);
	two(b + 14, y % 100);
	b[16] = ' ';
	two(b + 17, (unsigned)(s / 3600));
	b[19] = ':';
	two(b + 20, (unsigned)(s / 60 % 60));
	b[22] = ':';
	two(b + 23, (unsigned)(s % 60));
	memcpy(b + 25, " GMT", 4);
	mg_http_write_header(w, "Date", mg_cbuf_make(b, sizeof b));
}

void mg_http_write_content_length(mg_http_writer *w, uint64_t len)
{
	char b[24];
	size_t n = fmt_u64(b, len, 10);
	mg_http_write_header(w, "Content-Length", mg_cbuf_make(b, n));
}

void mg_http_write_chunked(mg_http_writer *w)
{
	puts_(w, "Transfer-Encoding: chunked\r\n");
}

void mg_http_write_end_headers(mg_http_writer *w)
{
	put(w, "\r\n", 2);
}

void mg_http_write_chunk_head(mg_http_writer *w, uint64_t len)
{
	if (len == 0) {
		if (!w->err)
			w->err = MG_EINVAL;
		return;
	}
	char b[24];
	size_t n = fmt_u64(b, len, 16);
	b[n++] = '\r';
	b[n++] = '\n';
	put(w, b, n);
}

void mg_http_write_chunk_end(mg_http_writer *w)
{
	put(w, "\r\n", 2);
}

void mg_http_write_chunk(mg_http_writer *w, mg_cbuf data)
{
	if (data.len == 0 || w->err)
		return;
	char b[24];
	size_t n = fmt_u64(b, data.len, 16);
	if (n + 4 + data.len > w->out.len - w->used) {
		w->err = MG_ENOSPC;
		return;
	}
	mg_http_write_chunk_head(w, data.len);
	put(w, data.p, data.len);
	put(w, "\r\n", 2);
}

void mg_http_write_last_chunk(mg_http_writer *w)
{
	puts_(w, "0\r\n\r\n");
}
