/* libc/host/mgl.h: the host build of libc, every name prefixed mgl_. */
#ifndef MG_LIBC_MGL_H
#define MG_LIBC_MGL_H

/*
 * For host programs (unit tests, benchmarks) that link the objects of
 * $(LIBC_HOST_OBJS) next to glibc: the same functions as libc/include
 * declares, renamed by objcopy --prefix-symbols=mgl_.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "../include/mg/libc.h"

extern int mgl_errno;
extern uintptr_t mgl___stack_chk_guard;
extern void (*mgl_mg__libc_oom_hook)(size_t size);

void *mgl_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *mgl_memmove(void *dst, const void *src, size_t n);
void *mgl_memset(void *dst, int c, size_t n);
int mgl_memcmp(const void *a, const void *b, size_t n);
void *mgl_memchr(const void *s, int c, size_t n);
void *mgl_memrchr(const void *s, int c, size_t n);
void *mgl_memmem(const void *hay, size_t n, const void *needle, size_t m);
size_t mgl_strlen(const char *s);
size_t mgl_strnlen(const char *s, size_t max);
int mgl_strcmp(const char *a, const char *b);
int mgl_strncmp(const char *a, const char *b, size_t n);
int mgl_strcasecmp(const char *a, const char *b);
int mgl_strncasecmp(const char *a, const char *b, size_t n);
char *mgl_strchr(const char *s, int c);
char *mgl_strrchr(const char *s, int c);
char *mgl_strstr(const char *hay, const char *needle);
size_t mgl_strspn(const char *s, const char *accept);
size_t mgl_strcspn(const char *s, const char *reject);
char *mgl_strpbrk(const char *s, const char *accept);
char *mgl_strtok_r(char *s, const char *delim, char **save);
char *mgl_strcpy(char *dst, const char *src);
char *mgl_strncpy(char *dst, const char *src, size_t n);
size_t mgl_strlcpy(char *dst, const char *src, size_t size);
char *mgl_strcat(char *dst, const char *src);
char *mgl_strncat(char *dst, const char *src, size_t n);
char *mgl_strdup(const char *s);
char *mgl_strndup(const char *s, size_t n);
char *mgl_strerror(int err);

int mgl_snprintf(char *buf, size_t size, const char *fmt, ...);
int mgl_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int mgl_sprintf(char *buf, const char *fmt, ...);
int mgl_vsprintf(char *buf, const char *fmt, va_list ap);
int mgl_printf(const char *fmt, ...);
int mgl_puts(const char *s);
int mgl_putchar(int c);

void *mgl_malloc(size_t size);
void *mgl_calloc(size_t n, size_t size);
void *mgl_realloc(void *p, size_t size);
void mgl_free(void *p);
void *mgl_aligned_alloc(size_t alignment, size_t size);
int mgl_posix_memalign(void **out, size_t alignment, size_t size);
size_t mgl_malloc_usable_size(void *p);
void mgl_mg__libc_heap_init(void *start, size_t size);
void mgl_mg__libc_heap_stats(mg_libc_heap_stats *out);
void mgl_mg__libc_heap_check(void);

long mgl_strtol(const char *s, char **end, int base);
long long mgl_strtoll(const char *s, char **end, int base);
unsigned long mgl_strtoul(const char *s, char **end, int base);
unsigned long long mgl_strtoull(const char *s, char **end, int base);
intmax_t mgl_strtoimax(const char *s, char **end, int base);
uintmax_t mgl_strtoumax(const char *s, char **end, int base);
int mgl_atoi(const char *s);
long mgl_atol(const char *s);
long long mgl_atoll(const char *s);

void mgl_qsort(void *base, size_t n, size_t size,
               int (*cmp)(const void *, const void *));
void *mgl_bsearch(const void *key, const void *base, size_t n, size_t size,
                  int (*cmp)(const void *, const void *));
int mgl_abs(int x);
long mgl_labs(long x);
long long mgl_llabs(long long x);
intmax_t mgl_imaxabs(intmax_t x);
int mgl_rand(void);
void mgl_srand(unsigned seed);
char *mgl_getenv(const char *name);
_Noreturn void mgl_abort(void);
_Noreturn void mgl_exit(int status);
_Noreturn void mgl___stack_chk_fail(void);
_Noreturn void mgl_mg__libc_assert_fail(const char *expr, const char *file,
                                        int line);

int mgl_isalnum(int c);
int mgl_isalpha(int c);
int mgl_isblank(int c);
int mgl_iscntrl(int c);
int mgl_isdigit(int c);
int mgl_isgraph(int c);
int mgl_islower(int c);
int mgl_isprint(int c);
int mgl_ispunct(int c);
int mgl_isspace(int c);
int mgl_isupper(int c);
int mgl_isxdigit(int c);
int mgl_tolower(int c);
int mgl_toupper(int c);

typedef unsigned long mgl_jmp_buf[8];
__attribute__((returns_twice)) int mgl_setjmp(mgl_jmp_buf env);
_Noreturn void mgl_longjmp(mgl_jmp_buf env, int val);

#endif
