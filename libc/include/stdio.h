/* stdio.h: formatted output to strings, and to the console. */
#ifndef _STDIO_H
#define _STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

/*
 * There are no files. The snprintf family implements C11's conversions
 * d i u o x X c s p % with the flags - + space 0 #, width and precision
 * (digits or *), and the length modifiers hh h l ll z t j. Differences:
 * - Floating point is not supported: images are built with general
 *   registers only, so no double can be passed. %a %A %e %E %f %F %g %G
 *   print the marker "%!f" (with the conversion letter) and consume no
 *   argument.
 * - %n is refused: nothing is stored, its pointer is consumed and "%!n" is
 *   printed. %lc and %ls (wide characters) likewise print "%!c", "%!s".
 * - An unknown conversion letter prints "%!" and that letter.
 * - %p prints as %#lx does, and "(nil)" for NULL; %s of NULL prints
 *   "(null)" (as glibc does, so host and guest logs read the same).
 * The return value is the length of the whole output, even when (size)
 * cut it; -1 with errno EOVERFLOW if that exceeds INT_MAX.
 */
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
              va_list ap) __attribute__((format(printf, 3, 0)));
int sprintf(char *restrict buf, const char *restrict fmt, ...)
    __attribute__((format(printf, 2, 3)));
int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* To the console (mg_platform_console_write); they return what C says. */
int printf(const char *restrict fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *restrict fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));
int puts(const char *s);
int putchar(int c);

#endif
