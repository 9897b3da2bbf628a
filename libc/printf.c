/* libc/printf.c: vsnprintf, the formatting engine of the printf family. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { F_MINUS = 1, F_PLUS = 2, F_SPACE = 4, F_ZERO = 8, F_ALT = 16 };

typedef enum len { L_NONE, L_HH, L_H, L_L, L_LL, L_Z, L_T, L_J } len;

/* The output: bytes past (cap) are counted, not stored. */
typedef struct sink {
	char *buf;
	size_t cap;
	size_t len;
} sink;

typedef struct spec {
	unsigned flags;
	size_t width;
	int prec; /* -1: none given */
	len len;
	char conv;
} spec;

/* A va_list that helpers can consume and the caller continue after. */
typedef struct args {
	va_list ap;
} args;

static void emit(sink *o, const char *s, size_t n)
{
	if (o->len < o->cap) {
		size_t room = o->cap - o->len;
		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static void emit_fill(sink *o, char c, size_t n)
{
	if (o->len < o->cap) {
		size_t room = o->cap - o->len;
		memset(o->buf + o->len, c, n < room ? n : room);
	}
	o->len += n;
}

/* Pad (body) bytes of output to the width, on the side the flags say. */
static void pad_before(sink *o, const spec *sp, size_t body)
{
	if (!(sp->flags & F_MINUS) && sp->width > body)
		emit_fill(o, ' ', sp->width - body);
}

static void pad_after(sink *o, const spec *sp, size_t body)
{
	if ((sp->flags & F_MINUS) && sp->width > body)
		emit_fill(o, ' ', sp->width - body);
}

/* Decimal digits, saturating above INT_MAX (which the caller refuses). */
static size_t parse_num(const char **fmt)
{
	size_t v = 0;
	for (; **fmt >= '0' && **fmt <= '9'; (*fmt)++)
		if (v <= INT_MAX)
			v = v * 10 + (size_t)(**fmt - '0');
	return v;
}

static void parse_flags(const char **fmt, spec *sp)
{
	for (;; (*fmt)++) {
		switch (**fmt) {
		case '-':
			sp->flags |= F_MINUS;
			break;
		case '+':
			sp->flags |= F_PLUS;
			break;
		case ' ':
			sp->flags |= F_SPACE;
			break;
		case '0':
			sp->flags |= F_ZERO;
			break;
		case '#':
			sp->flags |= F_ALT;
			break;
		default:
			return;
		}
	}
}

static len parse_len(const char **fmt)
{
	const char *f = *fmt;
	len l = L_NONE;
	switch (*f) {
	case 'h':
		l = f[1] == 'h' ? L_HH : L_H;
		break;
	case 'l':
		l = f[1] == 'l' ? L_LL : L_L;
		break;
	case 'L':
		l = L_LL;
		break; /* as glibc: %Ld is long long */
	case 'z':
		l = L_Z;
		break;
	case 't':
		l = L_T;
		break;
	case 'j':
		l = L_J;
		break;
	default:
		return L_NONE;
	}
	*fmt += (l == L_HH || (l == L_LL && *f == 'l')) ? 2 : 1;
	return l;
}

/*
 * Parse one specification after its '%', consuming '*' arguments. False
 * if a width or precision exceeds INT_MAX (C's return value cannot count
 * such an output).
 */
static bool parse_spec(const char **fmt, args *a, spec *sp)
{
	*sp = (spec){0, 0, -1, L_NONE, 0};
	/* The common bare "%s", "%d", "%x"...: nothing else to parse. */
	char c = **fmt;
	if (c >= 'c' && c <= 'x' && c != 'h' && c != 'j' && c != 'l' &&
	    c != 't') {
		sp->conv = c;
		(*fmt)++;
		return true;
	}
	parse_flags(fmt, sp);
	if (**fmt == '*') {
		(*fmt)++;
		int w = va_arg(a->ap, int);
		if (w == INT_MIN)
			return false;
		if (w < 0)
			sp->flags |= F_MINUS;
		sp->width = (size_t)(w < 0 ? -w : w);
	} else if ((sp->width = parse_num(fmt)) > INT_MAX) {
		return false;
	}
	if (**fmt == '.') {
		(*fmt)++;
		if (**fmt == '*') {
			(*fmt)++;
			int p = va_arg(a->ap, int);
			sp->prec = p < 0 ? -1 : p; /* negative: as if omitted */
		} else {
			size_t p = parse_num(fmt);
			if (p > INT_MAX)
				return false;
			sp->prec = (int)p;
		}
	}
	sp->len = parse_len(fmt);
	sp->conv = **fmt;
	if (sp->conv)
		(*fmt)++;
	return true;
}

static intmax_t get_signed(args *a, len l)
{
	switch (l) {
	case L_HH:
		return (signed char)va_arg(a->ap, int);
	case L_H:
		return (short)va_arg(a->ap, int);
	case L_L:
		return va_arg(a->ap, long);
	case L_LL:
		return va_arg(a->ap, long long);
	case L_Z:
		return (ptrdiff_t)va_arg(a->ap, size_t);
	case L_T:
		return va_arg(a->ap, ptrdiff_t);
	case L_J:
		return va_arg(a->ap, intmax_t);
	default:
		return va_arg(a->ap, int);
	}
}

static uintmax_t get_unsigned(args *a, len l)
{
	switch (l) {
	case L_HH:
		return (unsigned char)va_arg(a->ap, unsigned);
	case L_H:
		return (unsigned short)va_arg(a->ap, unsigned);
	case L_L:
		return va_arg(a->ap, unsigned long);
	case L_LL:
		return va_arg(a->ap, unsigned long long);
	case L_Z:
		return va_arg(a->ap, size_t);
	case L_T:
		return (size_t)va_arg(a->ap, ptrdiff_t);
	case L_J:
		return va_arg(a->ap, uintmax_t);
	default:
		return va_arg(a->ap, unsigned);
	}
}

/*
 * An integer as [padding][sign or 0x][zeros][digits][padding]. (sign) is
 * "" for unsigned conversions.
 */
static void fmt_int(sink *o, const spec *sp, uintmax_t v, const char *sign)
{
	char digits[24]; /* 22 octal digits for 64 bits */
	size_t n = 0;
	unsigned base = sp->conv == 'o'   ? 8
	                : sp->conv == 'x' ? 16
	                : sp->conv == 'X' ? 16
	                                  : 10;
	const char *set =
	    sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	for (uintmax_t x = v; x; x /= base)
		digits[sizeof digits - ++n] = set[x % base];
	size_t prec = sp->prec < 0 ? 1 : (size_t)sp->prec;
	size_t zeros = prec > n ? prec - n : 0;
	char prefix[4] = {sign[0], 0, 0, 0}; /* %+p: sign, then 0x */
	size_t plen = strlen(prefix);
	if ((sp->flags & F_ALT) && sp->conv == 'o' && !zeros)
		zeros = 1; /* # makes the first digit of octal a 0 */
	if ((sp->flags & F_ALT) && base == 16 && v) {
		prefix[plen++] = '0';
		prefix[plen++] = sp->conv;
	}
	size_t body = plen + zeros + n;
	if ((sp->flags & (F_ZERO | F_MINUS)) == F_ZERO && sp->prec < 0 &&
	    sp->width > body) {
		zeros += sp->width - body;
		body = sp->width;
	}
	pad_before(o, sp, body);
	emit(o, prefix, plen);
	emit_fill(o, '0', zeros);
	emit(o, digits + sizeof digits - n, n);
	pad_after(o, sp, body);
}

static const char *sign_of(const spec *sp, bool negative)
{
	if (negative)
		return "-";
	return sp->flags & F_PLUS ? "+" : sp->flags & F_SPACE ? " " : "";
}

static void fmt_signed(sink *o, const spec *sp, args *a)
{
	intmax_t v = get_signed(a, sp->len);
	/* In unsigned arithmetic so that INTMAX_MIN has a magnitude. */
	uintmax_t mag = v < 0 ? 0 - (uintmax_t)v : (uintmax_t)v;
	fmt_int(o, sp, mag, sign_of(sp, v < 0));
}

static void fmt_str_padded(sink *o, const spec *sp, const char *s, size_t n)
{
	pad_before(o, sp, n);
	emit(o, s, n);
	pad_after(o, sp, n);
}

/* Inline for the common case without padding (a frame less per %s). */
static inline void fmt_str(sink *o, const spec *sp, const char *s, size_t n)
{
	if (sp->width <= n)
		emit(o, s, n);
	else
		fmt_str_padded(o, sp, s, n);
}

static void fmt_string(sink *o, const spec *sp, const char *s)
{
	if (!s) /* glibc's rule: too short a precision for it prints nothing */
		s = sp->prec >= 0 && sp->prec < 6 ? "" : "(null)";
	size_t n = sp->prec < 0 ? strlen(s) : strnlen(s, (size_t)sp->prec);
	fmt_str(o, sp, s, n);
}

static void fmt_pointer(sink *o, const spec *sp, void *p)
{
	if (!p) {
		fmt_str(o, sp, "(nil)", 5);
		return;
	}
	spec hex = *sp;
	hex.conv = 'x';
	hex.flags |= F_ALT;
	fmt_int(o, &hex, (uintptr_t)p, sign_of(sp, false));
}

/* A conversion this library does not do: a visible marker, see stdio.h. */
static void refuse(sink *o, char conv)
{
	char marker[3] = {'%', '!', conv};
	emit(o, marker, 3);
}

static void convert(sink *o, const spec *sp, args *a)
{
	char c;
	switch (sp->conv) {
	case 'd':
	case 'i':
		fmt_signed(o, sp, a);
		break;
	case 'u':
	case 'o':
	case 'x':
	case 'X':
		fmt_int(o, sp, get_unsigned(a, sp->len), "");
		break;
	case 'p':
		fmt_pointer(o, sp, va_arg(a->ap, void *));
		break;
	case '%':
		emit(o, "%", 1);
		break;
	case 'c':
		c = (char)va_arg(a->ap, int);
		if (sp->len == L_L)
			refuse(o, 'c');
		else
			fmt_str(o, sp, &c, 1);
		break;
	case 's':
		if (sp->len == L_L) {
			(void)va_arg(a->ap, void *);
			refuse(o, 's');
		} else {
			fmt_string(o, sp, va_arg(a->ap, const char *));
		}
		break;
	case 'n':
		(void)va_arg(a->ap, void *);
		refuse(o, 'n');
		break;
	default:
		refuse(o, sp->conv);
		break;
	}
}

static bool format(sink *o, const char *fmt, args *a)
{
	for (;;) {
		/* One pass over the literal text, which is short between
		 * conversions: no strchr() then strlen(), no empty copy. */
		const char *pct = fmt;
		while (*pct && *pct != '%')
			pct++;
		if (pct != fmt)
			emit(o, fmt, (size_t)(pct - fmt));
		if (!*pct)
			return true;
		fmt = pct + 1;
		spec sp;
		if (!parse_spec(&fmt, a, &sp))
			return false;
		if (!sp.conv) /* the format ended inside a specification */
			return true;
		convert(o, &sp, a);
	}
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
              va_list ap)
{
	sink o = {buf, size ? size - 1 : 0, 0};
	args a;
	va_copy(a.ap, ap);
	bool ok = format(&o, fmt, &a);
	va_end(a.ap);
	if (size)
		buf[o.len < o.cap ? o.len : o.cap] = 0;
	if (!ok || o.len > INT_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	return (int)o.len;
}
