/* meta.c: content types, HTTP dates, entity tags and byte ranges. */
#include <string.h>

#include <mg/http.h>

#include "website.h"

static const struct {
	const char *ext, *type;
} types[] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"}, /* RFC 9239 */
    {"mjs", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"txt", "text/plain; charset=utf-8"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"svg", "image/svg+xml"},
    {"ico", "image/vnd.microsoft.icon"},
    {"wasm", "application/wasm"},
    {"woff2", "font/woff2"},
    {"pdf", "application/pdf"},
};

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* (a, n) equals the lower-case (b) in any case. */
static bool ieq(const char *a, size_t n, const char *b)
{
	for (size_t i = 0; i < n; i++)
		if (!b[i] || lower(a[i]) != b[i])
			return false;
	return b[n] == '\0';
}

const char *site_content_type(const char *key)
{
	const char *slash = strrchr(key, '/');
	const char *dot = strrchr(slash ? slash : key, '.');
	if (dot)
		for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
			if (ieq(dot + 1, strlen(dot + 1), types[i].ext))
				return types[i].type;
	return "application/octet-stream";
}

void site_http_date(uint64_t unix_s, char out[SITE_DATE_LEN + 1])
{
	/* The server's writer formats Date fields; take its value. */
	char line[48];
	mg_http_writer w;
	mg_http_writer_init(&w, mg_buf_make(line, sizeof line));
	mg_http_write_date(&w, unix_s);
	memcpy(out, line + 6, SITE_DATE_LEN); /* after "Date: " */
	out[SITE_DATE_LEN] = '\0';
}

/* (n) decimal digits at (p). */
static bool digits(const char *p, int n, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		*v = *v * 10 + (unsigned)(p[i] - '0');
	}
	return true;
}

static unsigned month_of(const char *p)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	for (unsigned m = 0; m < 12; m++)
		if (memcmp(p, names + 3 * m, 3) == 0)
			return m + 1;
	return 0;
}

/* "HH:MM:SS" at (p) into seconds of the day. */
static bool clock_of(const char *p, unsigned *secs)
{
	unsigned h, m, s;
	if (!digits(p, 2, &h) || p[2] != ':' || !digits(p + 3, 2, &m) ||
	    p[5] != ':' || !digits(p + 6, 2, &s) || h > 23 || m > 59 || s > 60)
		return false;
	*secs = h * 3600 + m * 60 + s;
	return true;
}

/* Days from 1970-01-01 to (y, m, d) of the proleptic Gregorian calendar,
 * counting years from March so that the leap day ends a year. */
static uint64_t epoch_days(unsigned y, unsigned m, unsigned d)
{
	if (m <= 2)
		y--;
	unsigned era = y / 400, yoe = y % 400;
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (uint64_t)era * 146097 + doe - 719468;
}

bool site_parse_http_date(mg_cbuf s, uint64_t *unix_s)
{
	char b[40];
	if (s.len >= sizeof b)
		return false;
	memcpy(b, s.p, s.len);
	b[s.len] = '\0';
	unsigned y, m, d, secs;
	const char *p = strchr(b, ',');
	if (p && p[1] == ' ' && strlen(p + 2) == 24) {
		/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
		p += 2;
		if (!digits(p, 2, &d) || p[2] != ' ' ||
		    !(m = month_of(p + 3)) || p[6] != ' ' ||
		    !digits(p + 7, 4, &y) || p[11] != ' ' ||
		    !clock_of(p + 12, &secs) || strcmp(p + 20, " GMT") != 0)
			return false;
	} else if (p && p[1] == ' ' && strlen(p + 2) == 22) {
		/* rfc850-date: "Sunday, 06-Nov-94 08:49:37 GMT"; the century
		 * is guessed as 19 from 70 on (RFC 9110 asks for the most
		 * recent past year, which needs the time of day) */
		p += 2;
		if (!digits(p, 2, &d) || p[2] != '-' ||
		    !(m = month_of(p + 3)) || p[6] != '-' ||
		    !digits(p + 7, 2, &y) || p[9] != ' ' ||
		    !clock_of(p + 10, &secs) || strcmp(p + 18, " GMT") != 0)
			return false;
		y += y >= 70 ? 1900 : 2000;
	} else if (!p && s.len == 24) {
		/* asctime-date: "Sun Nov  6 08:49:37 1994" */
		p = b;
		if (p[3] != ' ' || !(m = month_of(p + 4)) || p[7] != ' ' ||
		    !digits(p + 9, 1, &d) || p[10] != ' ' ||
		    !clock_of(p + 11, &secs) || p[19] != ' ' ||
		    !digits(p + 20, 4, &y))
			return false;
		unsigned tens = 0;
		if (p[8] != ' ' && !digits(p + 8, 1, &tens))
			return false;
		d += tens * 10;
	} else {
		return false;
	}
	if (y < 1970 || d < 1 || d > 31)
		return false;
	*unix_s = epoch_days(y, m, d) * 86400 + secs;
	return true;
}

bool site_etag_listed(mg_cbuf list, const char *etag)
{
	const char *p = (const char *)list.p, *end = p + list.len;
	size_t elen = strlen(etag);
	while (p < end) {
		if (*p == ' ' || *p == '\t' || *p == ',') {
			p++;
			continue;
		}
		if (*p == '*')
			return true;
		if (end - p > 2 && p[0] == 'W' && p[1] == '/')
			p += 2; /* weak comparison: W/ does not count */
		const char *q = *p == '"' && end - p > 1
		                    ? memchr(p + 1, '"', (size_t)(end - p - 1))
		                    : NULL;
		if (!q)
			return false; /* not a list of entity tags */
		if ((size_t)(q + 1 - p) == elen && memcmp(p, etag, elen) == 0)
			return true;
		p = q + 1;
	}
	return false;
}

bool site_if_range_holds(mg_cbuf value, const char *etag, uint64_t mtime_s)
{
	const char *v = (const char *)value.p;
	if (value.len && (v[0] == '"' || v[0] == 'W'))
		/* strong comparison: a weak tag never holds */
		return value.len == strlen(etag) &&
		       memcmp(v, etag, value.len) == 0;
	uint64_t t;
	return mtime_s && site_parse_http_date(value, &t) && t == mtime_s;
}

/* A decimal number at (*p), saturating at UINT64_MAX. */
static bool number(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	*v = 0;
	for (; *p < end && **p >= '0' && **p <= '9'; (*p)++) {
		unsigned dg = (unsigned)(**p - '0');
		*v = *v > (UINT64_MAX - dg) / 10 ? UINT64_MAX : *v * 10 + dg;
	}
	return *p > s;
}

/* One range-spec at (*p): 1 satisfiable, 0 unsatisfiable, -1 invalid. */
static int range_spec(const char **p, const char *end, uint64_t size,
                      uint64_t *first, uint64_t *last)
{
	uint64_t a, b;
	if (*p < end && **p == '-') { /* suffix: the last (b) bytes */
		(*p)++;
		if (!number(p, end, &b))
			return -1;
		if (b == 0 || size == 0)
			return 0;
		*first = size - (b < size ? b : size);
		*last = size - 1;
		return 1;
	}
	if (!number(p, end, &a) || *p == end || **p != '-')
		return -1;
	(*p)++;
	bool to_end = !number(p, end, &b);
	if (!to_end && b < a)
		return -1;
	if (a >= size)
		return 0;
	*first = a;
	*last = to_end || b >= size ? size - 1 : b;
	return 1;
}

site_range_kind site_parse_range(mg_cbuf value, uint64_t size, uint64_t *first,
                                 uint64_t *last)
{
	const char *p = (const char *)value.p, *end = p + value.len;
	if (value.len < 6 || !ieq(p, 5, "bytes") || p[5] != '=')
		return SITE_RANGE_WHOLE; /* another unit: ignored */
	p += 6;
	int specs = 0, sat = 0;
	uint64_t a = 0, b = 0;
	while (p < end) {
		if (*p == ' ' || *p == '\t' || *p == ',') {
			p++;
			continue;
		}
		int r = range_spec(&p, end, size, &a, &b);
		if (r < 0)
			return SITE_RANGE_WHOLE; /* RFC 9110 14.2: ignore it */
		specs++;
		sat += r;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < end && *p != ',')
			return SITE_RANGE_WHOLE;
	}
	/* Several ranges get the whole file (RFC 9110 section 14.2 lets a
	 * server ignore Range): no multipart/byteranges. */
	if (specs != 1)
		return SITE_RANGE_WHOLE;
	if (!sat)
		return SITE_RANGE_UNSAT;
	*first = a;
	*last = b;
	return SITE_RANGE_PART;
}
