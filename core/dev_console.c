/* The platform console device and formatted output on any console. */
#include <stdio.h>
#include <string.h>

#include <mg/console.h>
#include <mg/error.h>
#include <mg/platform.h>

#define PRINTF_MAX 4096

static int platform_write(void *self, const char *buf, size_t len)
{
	(void)self;
	mg_platform_console_write(buf, len);
	return 0;
}

static const mg_console_ops platform_ops = {.write = platform_write};

int mg_console_platform_connect(mg_console *out)
{
	out->ops = &platform_ops;
	out->self = NULL;
	return 0;
}

int mg_console_puts(mg_console *c, const char *s)
{
	return mg_console_write(c, s, strlen(s));
}

int mg_console_vprintf(mg_console *c, const char *fmt, va_list ap)
{
	/* On the stack: printing must work when the heap is exhausted. */
	char buf[PRINTF_MAX];
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	if (n < 0)
		return MG_EINVAL;
	size_t len = (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
	int err = mg_console_write(c, buf, len);
	return err < 0 ? err : (int)len;
}

int mg_console_printf(mg_console *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = mg_console_vprintf(c, fmt, ap);
	va_end(ap);
	return n;
}
