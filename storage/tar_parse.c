/* Tar archive headers: ustar, pax extended headers and GNU long names. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mg/error.h>

#include "tar.h"

/* see tar.h */

#define BLOCK 512

/* Field offsets and lengths of a ustar header (POSIX.1-2008, pax). */
#define F_SIZE   124, 12
#define F_MTIME  136, 12
#define F_CHKSUM 148, 8
#define F_TYPE   156
#define F_MAGIC  257

/* What extended headers said about the next entry (or all, if global). */
typedef struct ext {
	char *path; /* pax path or GNU long name, malloc'ed */
	bool has_size, has_mtime;
	char digest[65]; /* MORGANA.sha256, or "" */
	uint64_t size, mtime_ns;
} ext;

typedef struct parser {
	mg__tar_read_fn rd;
	void *ctx;
	uint64_t cap;
	uint64_t at; /* offset of the header being read */
	char *err;
	size_t errlen;
	ext next, global;
} parser;

__attribute__((format(printf, 2, 3))) static int bad(parser *p, const char *fmt,
                                                     ...)
{
	int n = snprintf(p->err, p->errlen,
	                 "header at byte %llu: ", (unsigned long long)p->at);
	if (n >= 0 && (size_t)n < p->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return MG_EBADMSG;
}

/*
 * A numeric field: octal digits, optionally led by spaces and ended by a
 * space or NUL; or GNU's base-256 form (first byte 0x80) for values that
 * octal cannot hold (files of 8 GiB and more).
 */
static int number(parser *p, const uint8_t *h, size_t off, size_t len,
                  const char *what, uint64_t *out)
{
	const uint8_t *f = h + off;
	uint64_t v = 0;
	if (f[0] & 0x80) {
		if (f[0] != 0x80)
			return bad(p, "negative or malformed binary %s", what);
		for (size_t i = 1; i < len; i++) {
			if (v >> 55)
				return bad(p, "%s is too large", what);
			v = v << 8 | f[i];
		}
		*out = v;
		return 0;
	}
	size_t i = 0;
	while (i < len && f[i] == ' ')
		i++;
	size_t digits = 0;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++, digits++) {
		if (v >> 60)
			return bad(p, "%s is too large", what);
		v = v << 3 | (uint64_t)(f[i] - '0');
	}
	for (; i < len; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return bad(p, "%s field is not an octal number", what);
	if (!digits)
		return bad(p, "%s field is empty", what);
	*out = v;
	return 0;
}

/*
 * Header checks read 8 bytes at a time: where the guest's CPU is
 * emulated, each instruction costs about half a microsecond.
 */
static uint64_t word(const uint8_t *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	return w;
}

static bool all_zero(const uint8_t *h)
{
	uint64_t any = 0;
	for (int i = 0; i < BLOCK; i += 8)
		any |= word(h + i);
	return any == 0;
}

/* The sum of the 512 bytes as unsigned values. */
static uint64_t byte_sum(const uint8_t *h)
{
	const uint64_t m = 0x00ff00ff00ff00ffull;
	uint64_t lanes = 0; /* four 16-bit sums: at most 128 * 255 each */
	for (int i = 0; i < BLOCK; i += 8) {
		uint64_t w = word(h + i);
		lanes += (w & m) + ((w >> 8) & m);
	}
	return (lanes * 0x0001000100010001ull) >> 48;
}

static int check_header(parser *p, const uint8_t *h)
{
	uint64_t stored;
	int rc = number(p, h, F_CHKSUM, "checksum", &stored);
	if (rc < 0)
		return rc;
	/* The sum of the bytes with the checksum field read as spaces. */
	uint64_t sum = byte_sum(h) + 8 * ' ';
	for (int i = 148; i < 156; i++)
		sum -= h[i];
	if (stored != sum) {
		/* Some old tars summed signed chars. */
		int64_t ssum = 8 * ' ';
		for (int i = 0; i < BLOCK; i++)
			if (i < 148 || i >= 156)
				ssum += (int8_t)h[i];
		if ((int64_t)stored != ssum)
			return bad(p,
			           "checksum mismatch (stored %llo, computed "
			           "%llo)",
			           (unsigned long long)stored,
			           (unsigned long long)sum);
	}
	if (memcmp(h + F_MAGIC,
	           "ustar\0"
	           "00",
	           8) != 0 &&
	    memcmp(h + F_MAGIC, "ustar  \0", 8) != 0)
		return bad(p, "not a ustar, pax or GNU tar header (magic)");
	return 0;
}

/* Decimal digits of a pax value; (frac) accepts "123.456789" as ns. */
static bool pax_decimal(const char *s, size_t n, bool frac, uint64_t *out)
{
	uint64_t v = 0, ns = 0;
	size_t i = 0;
	bool neg = frac && n && s[0] == '-';
	if (neg)
		i++;
	size_t start = i;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (i == start)
		return false;
	if (frac && i < n && s[i] == '.') {
		uint64_t scale = 100000000;
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			ns += (uint64_t)(s[i] - '0') * scale;
			scale /= 10;
		}
	}
	if (i != n)
		return false;
	if (frac) {
		/* Times before 1970 have no representation: say unknown. */
		if (neg || v > UINT64_MAX / 1000000000u - 1)
			v = 0, ns = 0;
		v = v * 1000000000u + ns;
	}
	*out = v;
	return true;
}

static int set_path(parser *p, ext *e, const char *s, size_t n)
{
	if (memchr(s, '\0', n))
		return bad(p, "a path holds a NUL byte");
	char *c = malloc(n + 1);
	if (!c)
		return MG_ENOMEM;
	memcpy(c, s, n);
	c[n] = '\0';
	free(e->path);
	e->path = c;
	return 0;
}

/* Records "LEN KEY=VALUE\n" (POSIX pax, "pax Extended Header"). */
static int pax_records(parser *p, const char *d, size_t n, ext *e)
{
	size_t pos = 0;
	while (pos < n) {
		size_t len = 0, i = pos;
		while (i < n && d[i] >= '0' && d[i] <= '9' && len < n)
			len = len * 10 + (size_t)(d[i++] - '0');
		if (i == pos || i >= n || d[i] != ' ' || len <= i - pos + 1 ||
		    len > n - pos)
			return bad(p, "malformed pax record at offset %zu",
			           pos);
		const char *rec = d + i + 1, *end = d + pos + len - 1;
		if (*end != '\n')
			return bad(p,
			           "pax record at offset %zu does not end "
			           "with a newline",
			           pos);
		const char *eq = memchr(rec, '=', (size_t)(end - rec));
		if (!eq || eq == rec)
			return bad(p, "pax record at offset %zu has no key",
			           pos);
		size_t klen = (size_t)(eq - rec);
		const char *val = eq + 1;
		size_t vlen = (size_t)(end - val);
		int rc = 0;
		if (klen == 4 && memcmp(rec, "path", 4) == 0) {
			rc = set_path(p, e, val, vlen);
		} else if (klen == 4 && memcmp(rec, "size", 4) == 0) {
			if (!pax_decimal(val, vlen, false, &e->size))
				return bad(p, "pax size is not a number");
			e->has_size = true;
		} else if (klen == 5 && memcmp(rec, "mtime", 5) == 0) {
			if (!pax_decimal(val, vlen, true, &e->mtime_ns))
				return bad(p, "pax mtime is not a time");
			e->has_mtime = true;
		} else if (klen == 14 &&
		           memcmp(rec, "MORGANA.sha256", 14) == 0) {
			/* Written by `morgana build`, so that a guest need not
			 * hash the file to give its digest. */
			bool hex = vlen == 64;
			for (size_t j = 0; hex && j < 64; j++)
				hex = (val[j] >= '0' && val[j] <= '9') ||
				      (val[j] >= 'a' && val[j] <= 'f');
			if (!hex)
				return bad(p,
				           "MORGANA.sha256 is not 64 lowercase "
				           "hex digits");
			memcpy(e->digest, val, 64);
			e->digest[64] = '\0';
		} else if (klen > 11 && memcmp(rec, "GNU.sparse.", 11) == 0) {
			return bad(p, "sparse files are not supported");
		}
		if (rc < 0)
			return rc;
		pos += len;
	}
	return 0;
}

/* Read the (size) data bytes of the extended header at p->at. */
static int ext_data(parser *p, uint64_t size, uint64_t max, char **out)
{
	if (size > max)
		return bad(p, "extended header of %llu bytes (at most %llu)",
		           (unsigned long long)size, (unsigned long long)max);
	if (size > p->cap - p->at - BLOCK)
		return bad(p, "extended header runs past the end");
	char *d = malloc((size_t)size + 1);
	if (!d)
		return MG_ENOMEM;
	int rc = size ? p->rd(p->ctx, p->at + BLOCK, d, (size_t)size) : 0;
	if (rc < 0) {
		free(d);
		return rc;
	}
	d[size] = '\0';
	*out = d;
	return 0;
}

/* The entry's name: extended path, else ustar prefix "/" name. */
static int entry_name(parser *p, const uint8_t *h, bool posix, char *out,
                      size_t outlen)
{
	if (p->next.path) {
		if (strlen(p->next.path) >= outlen)
			return bad(p, "name is too long");
		strcpy(out, p->next.path);
		return 0;
	}
	size_t nl = strnlen((const char *)h, 100);
	size_t pl = posix ? strnlen((const char *)h + 345, 155) : 0;
	size_t n = 0;
	if (pl) {
		memcpy(out, h + 345, pl);
		out[pl] = '/';
		n = pl + 1;
	}
	memcpy(out + n, h, nl);
	out[n + nl] = '\0';
	return 0;
}

/* Strip what tar writes around a key: "./", leading and trailing '/'. */
static const char *normalize(char *name)
{
	char *s = name;
	for (;;) {
		if (s[0] == '/')
			s++;
		else if (s[0] == '.' && s[1] == '/')
			s += 2;
		else
			break;
	}
	size_t n = strlen(s);
	while (n && s[n - 1] == '/')
		s[--n] = '\0';
	if (n == 1 && s[0] == '.')
		s[0] = '\0';
	return s;
}

static void ext_clear(ext *e)
{
	free(e->path);
	memset(e, 0, sizeof *e);
}

static int entry(parser *p, const uint8_t *h, uint64_t size, mg__kv_index *x)
{
	char type = (char)h[F_TYPE];
	bool posix = memcmp(h + F_MAGIC, "ustar\0", 6) == 0;
	char name[MG__TAR_LONGNAME_MAX + 260];
	int rc = entry_name(p, h, posix, name, sizeof name);
	if (rc < 0)
		return rc;
	bool dir = type == '5' || type == 'D';
	bool file = !dir && type != '1' && type != '2' && type != '3' &&
	            type != '4' && type != '6' && type != 'V' && type != 'K';
	if (type == 'S' || type == 'M')
		return bad(p, "'%s': %s are not supported", name,
		           type == 'S' ? "sparse files"
		                       : "multi-volume archives");
	const char *key = normalize(name);
	if ((!dir && !file) || (!*key && dir))
		return 0; /* links, devices, labels; the root itself */
	if (!*key)
		return bad(p, "a file has an empty name");
	const char *rel;
	rc = mg_kv_key_check(key, &rel);
	if (rc < 0)
		return bad(p, "name '%s' is not a valid key (%s)", key,
		           mg_strerror(rc));
	uint64_t mtime;
	if (p->next.has_mtime)
		mtime = p->next.mtime_ns;
	else if (p->global.has_mtime)
		mtime = p->global.mtime_ns;
	else if ((rc = number(p, h, F_MTIME, "mtime", &mtime)) < 0)
		return rc;
	else
		mtime =
		    mtime > UINT64_MAX / 1000000000u ? 0 : mtime * 1000000000u;
	rc =
	    mg__kv_index_add(x, key, dir, p->at + BLOCK, dir ? 0 : size, mtime);
	if (rc == 0 && !dir && p->next.digest[0]) {
		char *d = malloc(65);
		if (!d)
			return MG_ENOMEM;
		memcpy(d, p->next.digest, 65);
		x->nodes[x->n - 1].digest = d;
	}
	return rc == MG_EINVAL ? bad(p, "name '%s' is not a valid key", key)
	                       : rc;
}

static int parse(parser *p, mg__kv_index *x)
{
	uint8_t h[BLOCK];
	int rc;
	for (p->at = 0;;) {
		if (p->cap - p->at < BLOCK) {
			/* The device ends at a header boundary (an archive
			 * copied without its end-of-archive blocks). */
			if (p->next.path || p->next.has_size)
				return bad(p, "extended header without an "
				              "entry after it");
			return 0;
		}
		if ((rc = p->rd(p->ctx, p->at, h, BLOCK)) < 0)
			return rc;
		if (all_zero(h)) {
			if (p->next.path || p->next.has_size ||
			    p->next.has_mtime || p->next.digest[0])
				return bad(p, "extended header without an "
				              "entry after it");
			return 0;
		}
		if ((rc = check_header(p, h)) < 0)
			return rc;
		uint64_t size;
		if ((rc = number(p, h, F_SIZE, "size", &size)) < 0)
			return rc;
		char type = (char)h[F_TYPE];
		bool extended =
		    type == 'x' || type == 'g' || type == 'L' || type == 'K';
		if (!extended && p->next.has_size)
			size = p->next.size;
		/* Directories and links carry no data in ustar, but GNU's
		 * dumpdir ('D') does: skip whatever the size says. */
		if (size > p->cap - p->at - BLOCK)
			return bad(p,
			           "its %llu bytes of data run past the end "
			           "of the archive (%llu bytes)",
			           (unsigned long long)size,
			           (unsigned long long)p->cap);
		char *d = NULL;
		if (type == 'x' || type == 'g') {
			if ((rc = ext_data(p, size, MG__TAR_PAX_MAX, &d)) < 0)
				return rc;
			rc = pax_records(p, d, (size_t)size,
			                 type == 'x' ? &p->next : &p->global);
		} else if (type == 'L') {
			rc = ext_data(p, size, MG__TAR_LONGNAME_MAX, &d);
			if (rc == 0 && !p->next.path)
				rc = set_path(p, &p->next, d, strnlen(d, size));
		} else if (type == 'K') {
			rc = ext_data(p, size, MG__TAR_LONGNAME_MAX, &d);
		} else {
			rc = entry(p, h, size, x);
			ext_clear(&p->next);
		}
		free(d);
		if (rc < 0)
			return rc;
		uint64_t padded = (size + BLOCK - 1) / BLOCK * BLOCK;
		p->at += BLOCK + padded;
	}
}

int mg__tar_parse(mg__tar_read_fn rd, void *ctx, uint64_t capacity,
                  mg__kv_index *x, char *err, size_t errlen)
{
	parser p = {.rd = rd,
	            .ctx = ctx,
	            .cap = capacity,
	            .err = err,
	            .errlen = errlen};
	if (errlen)
		err[0] = '\0';
	int rc = parse(&p, x);
	ext_clear(&p.next);
	ext_clear(&p.global);
	if (rc < 0)
		return rc;
	const char *clash = NULL;
	rc = mg__kv_index_finish(x, &clash);
	if (rc == MG_EEXIST) {
		snprintf(err, errlen,
		         "'%s' is a file with entries below it, as if a "
		         "directory",
		         clash);
		return MG_EBADMSG;
	}
	return rc;
}
