/* A growable text buffer that knows its line number, for #line directives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

static void put_n(mg__buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	if (b->line == 0)
		b->line = 1;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n')
			b->line++;
}

void mg__buf_put(mg__buf *b, const char *s)
{
	put_n(b, s, strlen(s));
}

void mg__buf_printf(mg__buf *b, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		put_n(b, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big) {
		b->oom = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	put_n(b, big, (size_t)n);
	free(big);
}

void mg__buf_cstr(mg__buf *b, const char *s)
{
	for (const char *start = s; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		char esc[8];
		switch (ch) {
		case '"':
			mg__buf_put(b, "\\\"");
			break;
		case '\\':
			mg__buf_put(b, "\\\\");
			break;
		case '\n':
			mg__buf_put(b, "\\n");
			break;
		case '\t':
			mg__buf_put(b, "\\t");
			break;
		case '?':
			/* Keeps "??x" from reading as a trigraph. */
			mg__buf_put(b, s > start && s[-1] == '?' ? "\\?" : "?");
			break;
		default:
			if (ch < 0x20 || ch == 0x7f) {
				snprintf(esc, sizeof(esc), "\\%03o", ch);
				mg__buf_put(b, esc);
			} else {
				put_n(b, (const char *)&ch, 1);
			}
		}
	}
}

void mg__buf_line_here(mg__buf *b, const char *file)
{
	/* The directive names the line that follows it. */
	mg__buf_printf(b, "#line %d \"", (b->line ? b->line : 1) + 1);
	mg__buf_cstr(b, file);
	mg__buf_put(b, "\"\n");
}

char *mg__buf_take(mg__buf *b)
{
	if (b->oom) {
		free(b->p);
		*b = (mg__buf){0};
		return NULL;
	}
	char *p = b->p ? b->p : calloc(1, 1);
	*b = (mg__buf){0};
	return p;
}
