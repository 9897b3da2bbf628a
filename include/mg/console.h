/* Module type console: a byte sink for text. */
#ifndef MG_CONSOLE_H
#define MG_CONSOLE_H

/*
 * Every module type has the same shape: a const table of operations and an
 * instance pointer, wrapped in a struct that the application receives by
 * pointer. Implementations fill it in their connect function, which the
 * generated main.c calls.
 */

#include <stdarg.h>
#include <stddef.h>

typedef struct mg_console_ops {
	/* Write all of (buf, len). 0 or a negative MG_E code. */
	int (*write)(void *self, const char *buf, size_t len);
} mg_console_ops;

typedef struct mg_console {
	const mg_console_ops *ops;
	void *self;
} mg_console;

static inline int mg_console_write(mg_console *c, const char *buf, size_t len)
{
	return c->ops->write(c->self, buf, len);
}

/* Write a NUL-terminated string. */
int mg_console_puts(mg_console *c, const char *s);

/* printf to the console; returns the count written or a negative MG_E code.
 * Output longer than 4 KiB is cut. */
__attribute__((format(printf, 2, 3))) int
mg_console_printf(mg_console *c, const char *fmt, ...);
int mg_console_vprintf(mg_console *c, const char *fmt, va_list ap);

/* The platform console (stdout on unix, the tender on hvt). */
int mg_console_platform_connect(mg_console *out);

#endif
