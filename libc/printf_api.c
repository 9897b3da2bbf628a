/* libc/printf_api.c: the printf family around vsnprintf. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mg/platform.h>

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* C gives no size; INT_MAX + 1 is as far as the return value can count. */
int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
{
	return vsnprintf(buf, (size_t)INT_MAX + 1, fmt, ap);
}

int sprintf(char *restrict buf, const char *restrict fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsprintf(buf, fmt, ap);
	va_end(ap);
	return n;
}

/*
 * Format on the stack when it fits, else in a heap buffer of the exact
 * size. Without memory for that, print what fits and report the failure
 * (-1, errno from malloc).
 */
int vprintf(const char *restrict fmt, va_list ap)
{
	char small[256];
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	if (n >= 0 && (size_t)n < sizeof small) {
		mg_platform_console_write(small, (size_t)n);
	} else if (n >= 0) {
		char *big = malloc((size_t)n + 1);
		if (big) {
			vsnprintf(big, (size_t)n + 1, fmt, again);
			mg_platform_console_write(big, (size_t)n);
			free(big);
		} else {
			mg_platform_console_write(small, sizeof small - 1);
			n = -1;
		}
	}
	va_end(again);
	return n;
}

int printf(const char *restrict fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int puts(const char *s)
{
	size_t len = strlen(s);
	mg_platform_console_write(s, len);
	mg_platform_console_write("\n", 1);
	return len < INT_MAX ? (int)len + 1 : INT_MAX;
}

int putchar(int c)
{
	char b = (char)c;
	mg_platform_console_write(&b, 1);
	return (unsigned char)b;
}
