/* Boot arguments: parsing the command line against a table of typed keys. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <mg/error.h>
#include <mg/log.h>

#include "args_impl.h"

/* Longest part of a user's text quoted back in a message. */
#define QUOTE_MAX 64
/* Longest key name considered for a "did you mean" suggestion. */
#define SUGGEST_MAX 64

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen,
                                                      const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return MG_EINVAL;
}

/* printf arguments to quote at most QUOTE_MAX bytes of (len) at (s). */
#define QUOTED(s, len)                                                         \
	(int)((len) > QUOTE_MAX ? QUOTE_MAX : (len)), (s),                     \
	    ((len) > QUOTE_MAX ? "..." : "")

const char *mg__arg_type_placeholder(mg_arg_type type)
{
	switch (type) {
	case MG_ARG_STRING:
		return "STRING";
	case MG_ARG_INT:
		return "INT";
	case MG_ARG_BOOL:
		return "BOOL";
	case MG_ARG_IPV4:
		return "IPV4";
	case MG_ARG_IPV4_PREFIX:
		return "IPV4/LEN";
	}
	return "VALUE";
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* (a) equals (low), which is in lower case, ignoring the case of (a). */
static bool ieq(const char *a, const char *low)
{
	while (*low && lower(*a) == *low) {
		a++;
		low++;
	}
	return *a == 0 && *low == 0;
}

/* On the first letter, then the rest: one comparison, not eight. */
static int parse_bool(const char *s, bool *out)
{
	const char *rest;
	bool v;
	switch (lower(s[0])) {
	case 't':
		v = true, rest = "rue";
		break;
	case 'y':
		v = true, rest = "es";
		break;
	case '1':
		v = true, rest = "";
		break;
	case 'f':
		v = false, rest = "alse";
		break;
	case 'n':
		v = false, rest = "o";
		break;
	case '0':
		v = false, rest = "";
		break;
	case 'o':
		v = lower(s[1]) == 'n';
		rest = v ? "n" : "ff";
		break;
	default:
		return MG_EINVAL;
	}
	if (!ieq(s + 1, rest))
		return MG_EINVAL;
	*out = v;
	return 0;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return 99;
}

/*
 * A decimal or 0x-hexadecimal integer with an optional sign, nothing else
 * (no spaces, no suffix). Sets (*why) on failure.
 */
static int parse_int(const char *s, int64_t *out, const char **why)
{
	bool neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	unsigned base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s) {
		*why = "not an integer (decimal or 0x hexadecimal)";
		return MG_EINVAL;
	}
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t v = 0;
	for (; *s; s++) {
		unsigned d = (unsigned)digit_value(*s);
		if (d >= base) {
			*why = "not an integer (decimal or 0x hexadecimal)";
			return MG_EINVAL;
		}
		if (__builtin_mul_overflow(v, base, &v) ||
		    __builtin_add_overflow(v, d, &v) || v > limit) {
			*why = "does not fit in a 64-bit signed integer";
			return MG_EINVAL;
		}
	}
	if (!neg)
		*out = (int64_t)v;
	else
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	return 0;
}

/*
 * The usual defaults and values ("0", "8080", "false") of (a) into
 * (dest), cheaply: every boot parses every default, and where the CPU is
 * emulated each instruction counts. False if (text) needs the general
 * parser (which also words the refusals).
 */
static inline bool parse_quick(const mg_arg *a, const char *text, void *dest)
{
	if (a->type == MG_ARG_INT) {
		/* Up to 18 decimal digits cannot overflow. */
		uint64_t v = 0;
		const char *s = text;
		do {
			unsigned d = (unsigned)(unsigned char)*s - '0';
			if (d > 9)
				return false;
			v = v * 10 + d;
		} while (*++s && s - text < 18);
		int64_t i = (int64_t)v;
		if (*s || ((a->min != 0 || a->max != 0) &&
		           (i < a->min || i > a->max)))
			return false;
		if (dest)
			*(int64_t *)dest = i;
		return true;
	}
	if (a->type == MG_ARG_BOOL) {
		bool b;
		/* "false" and "true" as written, else any spelling. */
		if (text[0] == 'f' && text[1] == 'a' && text[2] == 'l' &&
		    text[3] == 's' && text[4] == 'e' && !text[5])
			b = false;
		else if (text[0] == 't' && text[1] == 'r' && text[2] == 'u' &&
		         text[3] == 'e' && !text[4])
			b = true;
		else if (parse_bool(text, &b) < 0)
			return false;
		if (dest)
			*(bool *)dest = b;
		return true;
	}
	return false;
}

/* An address or prefix of (a) into (dest); NULL, or why (text) is not. */
__attribute__((noinline)) static const char *
parse_ip(const mg_arg *a, const char *text, void *dest)
{
	union {
		mg_ipv4_addr ip;
		mg_ipv4_prefix pfx;
	} v;
	if (a->type == MG_ARG_IPV4) {
		if (mg_ipv4_parse(text, &v.ip) < 0)
			return "expected an IPv4 address such as 10.0.0.2 "
			       "(four numbers 0..255, no leading zeros)";
		if (dest)
			*(mg_ipv4_addr *)dest = v.ip;
		return NULL;
	}
	if (mg_ipv4_prefix_parse(text, &v.pfx) < 0)
		return "expected an IPv4 address and prefix length such as "
		       "10.0.0.2/24 (length 0..32)";
	if (dest)
		*(mg_ipv4_prefix *)dest = v.pfx;
	return NULL;
}

/*
 * (what) is "value" or "default" for the message. Every boot parses each
 * default: the common types stay cheap (no call, nothing on the stack
 * whose address escapes, so no canary either).
 */
static int parse_value(const mg_arg *a, const char *text, void *dest,
                       const char *what, char *err, size_t errlen)
{
	const char *why = NULL;
	int64_t i;
	bool b;
	switch (a->type) {
	case MG_ARG_STRING:
		if (dest)
			*(const char **)dest = text;
		return 0;
	case MG_ARG_INT:
		if (parse_int(text, &i, &why) < 0)
			break;
		if ((a->min != 0 || a->max != 0) &&
		    (i < a->min || i > a->max)) {
			size_t len = strlen(text);
			return fail(err, errlen,
			            "invalid %s '%.*s%s' for --%s: out of "
			            "range %lld..%lld",
			            what, QUOTED(text, len), a->name,
			            (long long)a->min, (long long)a->max);
		}
		if (dest)
			*(int64_t *)dest = i;
		return 0;
	case MG_ARG_BOOL:
		if (parse_bool(text, &b) < 0) {
			why = "expected true/false, yes/no, on/off or 1/0";
			break;
		}
		if (dest)
			*(bool *)dest = b;
		return 0;
	case MG_ARG_IPV4:
	case MG_ARG_IPV4_PREFIX:
		why = parse_ip(a, text, dest);
		if (!why)
			return 0;
		break;
	default:
		why = "the key has an unknown type";
		break;
	}
	size_t len = strlen(text);
	return fail(err, errlen, "invalid %s '%.*s%s' for --%s: %s", what,
	            QUOTED(text, len), a->name, why);
}

int mg_arg_parse_value(const mg_arg *a, const char *text, void *dest, char *err,
                       size_t errlen)
{
	if (!text)
		return fail(err, errlen, "no value for --%s", a->name);
	return parse_value(a, text, dest, "value", err, errlen);
}

/*
 * Optimal string alignment distance (Levenshtein plus transposition of
 * neighbours, the commonest typo), case-insensitive. Both lengths are at
 * most SUGGEST_MAX, so the work is bounded.
 */
static size_t edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
	size_t rows[3][SUGGEST_MAX + 1];
	size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];
	for (size_t j = 0; j <= nb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= na; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t cost = lower(a[i - 1]) != lower(b[j - 1]);
			size_t d = prev[j - 1] + cost;
			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 &&
			    lower(a[i - 1]) == lower(b[j - 2]) &&
			    lower(a[i - 2]) == lower(b[j - 1]) &&
			    pp[j - 2] + 1 < d)
				d = pp[j - 2] + 1;
			cur[j] = d;
		}
		size_t *t = pp;
		pp = prev;
		prev = cur;
		cur = t;
	}
	return prev[nb];
}

typedef struct suggestion {
	char text[SUGGEST_MAX + 1];
	size_t dist;
} suggestion;

/* Consider (prefix)(name) as the closest known key to (typed). */
static void consider(suggestion *best, const char *typed, size_t tlen,
                     const char *prefix, const char *name)
{
	char cand[SUGGEST_MAX + 1];
	if (!name)
		return;
	int n = snprintf(cand, sizeof cand, "%s%s", prefix, name);
	if (n <= 0 || (size_t)n > SUGGEST_MAX)
		return;
	size_t d = edit_distance(typed, tlen, cand, (size_t)n);
	/* Close enough to be a typo: about one edit per three letters. */
	if (d > ((size_t)n + 2) / 3 || d >= best->dist)
		return;
	best->dist = d;
	memcpy(best->text, cand, (size_t)n + 1);
}

static int unknown_key(const mg_arg *args, size_t n, const char *name,
                       size_t nlen, char *err, size_t errlen)
{
	suggestion best = {.dist = SIZE_MAX};
	if (nlen <= SUGGEST_MAX) {
		for (size_t i = 0; i < n; i++) {
			consider(&best, name, nlen, "", args[i].name);
			if (args[i].type == MG_ARG_BOOL)
				consider(&best, name, nlen, "no-",
				         args[i].name);
		}
		consider(&best, name, nlen, "", "help");
		consider(&best, name, nlen, "", "logs");
	}
	if (best.dist != SIZE_MAX)
		return fail(err, errlen,
		            "unknown boot argument '--%.*s%s' (did you mean "
		            "'--%s'?)",
		            QUOTED(name, nlen), best.text);
	return fail(err, errlen,
	            "unknown boot argument '--%.*s%s' (--help lists them)",
	            QUOTED(name, nlen));
}

static mg_arg *find(mg_arg *args, size_t n, const char *name, size_t nlen)
{
	for (size_t i = 0; i < n; i++)
		if (args[i].name && strlen(args[i].name) == nlen &&
		    memcmp(args[i].name, name, nlen) == 0)
			return &args[i];
	return NULL;
}

static bool named(const char *name, size_t nlen, const char *key)
{
	return strlen(key) == nlen && memcmp(name, key, nlen) == 0;
}

static int parse_logs(const char *value, char *err, size_t errlen)
{
	char why[256];
	if (!value)
		return fail(err, errlen,
		            "--logs needs a value: --logs=SRC:LEVEL,... as in "
		            "--logs=*:debug");
	if (mg_log_configure(value, why, sizeof why) == 0)
		return 0;
	return fail(err, errlen, "invalid --logs: %s", why);
}

/* One "--..." argument (arg), already known to start with two dashes. */
static int parse_one(mg_arg *args, size_t n, const char *arg, char *err,
                     size_t errlen)
{
	const char *name = arg + 2;
	const char *eq = strchr(name, '=');
	size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
	const char *value = eq ? eq + 1 : NULL;
	if (nlen == 0)
		return fail(err, errlen,
		            "boot argument '%.*s%s' has no key name (expected "
		            "--name=value)",
		            QUOTED(arg, strlen(arg)));
	if (named(name, nlen, "help"))
		return fail(err, errlen, "--help takes no value");
	if (named(name, nlen, "logs"))
		return parse_logs(value, err, errlen);

	mg_arg *a = find(args, n, name, nlen);
	if (!a && nlen > 3 && memcmp(name, "no-", 3) == 0) {
		mg_arg *b = find(args, n, name + 3, nlen - 3);
		if (b && b->type == MG_ARG_BOOL) {
			if (value)
				return fail(err, errlen,
				            "--no-%s takes no value (use "
				            "--%s=BOOL to give one)",
				            b->name, b->name);
			if (b->dest)
				*(bool *)b->dest = false;
			b->set = true;
			return 0;
		}
	}
	if (!a)
		return unknown_key(args, n, name, nlen, err, errlen);
	if (!value) {
		if (a->type != MG_ARG_BOOL)
			return fail(err, errlen, "--%s needs a value: --%s=%s",
			            a->name, a->name,
			            mg__arg_type_placeholder(a->type));
		if (a->dest)
			*(bool *)a->dest = true;
	} else {
		int rc = parse_value(a, value, a->dest, "value", err, errlen);
		if (rc < 0)
			return rc;
	}
	a->set = true;
	return 0;
}

int mg_args_parse(mg_arg *args, size_t n, int argc, char **argv, char *err,
                  size_t errlen)
{
	bool required = false;
	if (err && errlen)
		err[0] = 0;
	for (size_t i = 0; i < n; i++) {
		mg_arg *a = &args[i];
		a->set = false;
		if (!a->def) {
			required = true;
			continue;
		}
		if (a->type == MG_ARG_STRING) {
			if (a->dest)
				*(const char **)a->dest = a->def;
			continue;
		}
		if (parse_quick(a, a->def, a->dest))
			continue;
		int rc =
		    parse_value(a, a->def, a->dest, "default", err, errlen);
		if (rc < 0)
			return rc;
	}
	/* --help wins over anything else on the line, even a mistake. */
	for (int i = 1; i < argc && argv[i]; i++)
		if (strcmp(argv[i], "--help") == 0)
			return MG_ARGS_HELP;
	for (int i = 1; i < argc && argv[i]; i++) {
		const char *arg = argv[i];
		size_t len = strlen(arg);
		if (strcmp(arg, "--") == 0)
			return fail(err, errlen,
			            "unexpected '--': this image takes no "
			            "positional arguments, only --name=value "
			            "keys (--help lists them)");
		if (arg[0] != '-' || arg[1] == 0)
			return fail(err, errlen,
			            "unexpected argument '%.*s%s': boot "
			            "arguments are written --name=value "
			            "(--help lists them)",
			            QUOTED(arg, len));
		if (arg[1] != '-')
			return fail(
			    err, errlen,
			    "unknown boot argument '%.*s%s': keys start "
			    "with two dashes, as in --name=value",
			    QUOTED(arg, len));
		int rc = parse_one(args, n, arg, err, errlen);
		if (rc < 0)
			return rc;
	}
	for (size_t i = 0; required && i < n; i++) {
		const mg_arg *a = &args[i];
		if (!a->def && !a->set)
			return fail(
			    err, errlen,
			    "missing required boot argument --%s=%s%s%s",
			    a->name, mg__arg_type_placeholder(a->type),
			    a->doc ? ": " : "", a->doc ? a->doc : "");
	}
	return 0;
}
