/* Arena memory, small string helpers and diagnostics of the config library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

/* Each arena block starts with a link to the previous one. */
typedef struct arena_block {
	struct arena_block *prev;
	max_align_t data[];
} arena_block;

static void out_of_memory(void)
{
	fputs("morgana: out of memory while configuring\n", stderr);
	exit(1);
}

void *mg__alloc(mg_config *c, size_t n)
{
	arena_block *b = calloc(1, sizeof(*b) + n);
	if (!b)
		out_of_memory();
	b->prev = c->arena;
	c->arena = b;
	return b->data;
}

void mg__arena_free(void *arena)
{
	arena_block *b = arena;
	while (b) {
		arena_block *prev = b->prev;
		free(b);
		b = prev;
	}
}

char *mg__strdup(mg_config *c, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *p = mg__alloc(c, n);
	memcpy(p, s, n);
	return p;
}

static char *vfmt(mg_config *c, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	char *p = mg__alloc(c, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *mg__fmt(mg_config *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = vfmt(c, fmt, ap);
	va_end(ap);
	return p;
}

void mg__push(mg_config *c, mg__vec *v, void *p)
{
	if (v->n == v->cap) {
		/* The old array stays in the arena: configs are small. */
		size_t cap = v->cap ? v->cap * 2 : 8;
		void **nv = mg__alloc(c, cap * sizeof(*nv));
		if (v->n)
			memcpy(nv, v->v, v->n * sizeof(*nv));
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = p;
}

bool mg__is_ident(const char *s)
{
	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++) {
		char ch = *s;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_'))
			return false;
	}
	return true;
}

bool mg__is_keyword(const char *s)
{
	static const char *const kw[] = {
	    "auto",     "break",    "case",     "char",   "const",   "continue",
	    "default",  "do",       "double",   "else",   "enum",    "extern",
	    "float",    "for",      "goto",     "if",     "inline",  "int",
	    "long",     "register", "restrict", "return", "short",   "signed",
	    "sizeof",   "static",   "struct",   "switch", "typedef", "union",
	    "unsigned", "void",     "volatile", "while",  "asm",     "typeof",
	    "bool",     "true",     "false",    NULL,
	};
	for (size_t i = 0; kw[i]; i++)
		if (strcmp(s, kw[i]) == 0)
			return true;
	return false;
}

bool mg__is_name(const char *s, const char *extra)
{
	if (!s || !(*s >= 'a' && *s <= 'z'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      strchr(extra, *s)))
			return false;
	return true;
}

/* A copy of (s) in the arena with every (from) replaced by (to). */
static char *replaced(mg_config *c, const char *s, char from, char to)
{
	char *p = mg__strdup(c, s);
	for (char *q = p; *q; q++)
		if (*q == from)
			*q = to;
	return p;
}

char *mg__c_name(mg_config *c, const char *s)
{
	return replaced(c, s, '-', '_');
}

char *mg__key_name(mg_config *c, const char *s)
{
	return replaced(c, s, '_', '-');
}

size_t mg__nwords(const char *s)
{
	size_t n = 0;
	while (s && *s) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		n++;
		while (*s && *s != ' ')
			s++;
	}
	return n;
}

char *mg__word(mg_config *c, const char *s, size_t i)
{
	while (s && *s) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		const char *e = s;
		while (*e && *e != ' ')
			e++;
		if (i-- == 0) {
			char *w = mg__alloc(c, (size_t)(e - s) + 1);
			memcpy(w, s, (size_t)(e - s));
			return w;
		}
		s = e;
	}
	return NULL;
}

bool mg__has_word(const char *list, const char *word, char sep)
{
	size_t n = strlen(word);
	const char *s = list;
	while (s && *s) {
		const char *e = strchr(s, sep);
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len == n && memcmp(s, word, n) == 0)
			return true;
		if (!e)
			break;
		s = e + 1;
	}
	return false;
}

static void diag(mg_config *c, mg__vec *v, const char *kind, const char *file,
                 int line, const char *fmt, va_list ap)
{
	char *msg = vfmt(c, fmt, ap);
	char *full;
	if (!file)
		full = mg__fmt(c, "%s: %s", kind, msg);
	else if (line <= 0)
		full = mg__fmt(c, "%s: %s: %s", file, kind, msg);
	else
		full = mg__fmt(c, "%s:%d: %s: %s", file, line, kind, msg);
	/* The same mistake reached twice (a shared device) is said once. */
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], full) == 0)
			return;
	mg__push(c, v, full);
}

void mg__err(mg_config *c, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag(c, &c->errors, "error", file, line, fmt, ap);
	va_end(ap);
}

void mg__warn(mg_config *c, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag(c, &c->warnings, "warning", file, line, fmt, ap);
	va_end(ap);
}

void mg__error_at(mg_config *c, const char *file, int line, const char *fmt,
                  ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag(c, &c->errors, "error", file, line, fmt, ap);
	va_end(ap);
}

bool mg__target_has_tender(const char *target)
{
	return mg__has_word("hvt spt", target, ' ');
}
