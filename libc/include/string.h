/* string.h: memory and string functions. */
#ifndef _STRING_H
#define _STRING_H

#include <stddef.h>
#include <strings.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
void *memrchr(const void *s, int c, size_t n);
/* GNU: the first (m) bytes of (hay) equal to (needle) (n), in O(n + m). */
void *memmem(const void *hay, size_t n, const void *needle, size_t m);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
/* Linear time (Two-Way), whatever the input. */
char *strstr(const char *hay, const char *needle);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strpbrk(const char *s, const char *accept);
char *strtok_r(char *restrict s, const char *restrict delim,
               char **restrict save);

char *strcpy(char *restrict dst, const char *restrict src);
char *strncpy(char *restrict dst, const char *restrict src, size_t n);
/* BSD: copies at most (size) - 1 bytes, always terminates, returns strlen(src).
 */
size_t strlcpy(char *restrict dst, const char *restrict src, size_t size);
char *strcat(char *restrict dst, const char *restrict src);
char *strncat(char *restrict dst, const char *restrict src, size_t n);
char *strdup(const char *s);
char *strndup(const char *s, size_t n);

/*
 * The message for error number (err) (errno.h): a fixed string, or
 * "Unknown error N" in a static buffer that the next such call reuses.
 */
char *strerror(int err);

/*
 * -ffreestanding turns off the compiler's knowledge of these names, which
 * would make every memcpy(&x, p, 4) a call. Routing them through the
 * builtins lets constant sizes become plain moves again; the compiler still
 * calls the library for the rest. (memcpy)(...) reaches the function.
 */
#define memcpy(d, s, n)  __builtin_memcpy((d), (s), (n))
#define memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define memset(d, c, n)  __builtin_memset((d), (c), (n))
#define memcmp(a, b, n)  __builtin_memcmp((a), (b), (n))
#define strlen(s)        __builtin_strlen((s))

#endif
