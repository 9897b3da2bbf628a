/* stdlib.h: allocation, number parsing, sorting and program end. */
#ifndef _STDLIB_H
#define _STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#define RAND_MAX     0x7fffffff

typedef struct {
	int quot, rem;
} div_t;
typedef struct {
	long quot, rem;
} ldiv_t;
typedef struct {
	long long quot, rem;
} lldiv_t;

/*
 * The allocator (TLSF: every call is O(1)) serves the heap that the
 * platform hands to mg__libc_heap_init() (mg/libc.h). Blocks are aligned to
 * 16 bytes. On failure the calls return NULL with errno ENOMEM and call
 * mg__libc_oom_hook. free() and realloc() abort (through mg_platform_abort)
 * on a pointer they did not hand out, on a double free, and on a block
 * whose header or neighbour was overwritten.
 *
 * malloc(0) returns a unique minimal block. realloc(p, 0) shrinks (p) to a
 * minimal block and returns it (it does not free, so a caller that frees
 * on a NULL result cannot free twice). aligned_alloc() takes any power of
 * two (alignment), else fails with EINVAL; (size) need not be a multiple.
 */
void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);
void *aligned_alloc(size_t alignment, size_t size);
/* Returns 0, EINVAL or ENOMEM; errno is left alone. */
int posix_memalign(void **out, size_t alignment, size_t size);
/* Bytes usable at (p), at least what was asked for; 0 for NULL. */
size_t malloc_usable_size(void *p);

/*
 * C semantics exactly: (base) 0 or 2..36 (else EINVAL and 0), leading space
 * and sign, "0x" only before a hex digit; ERANGE and the extreme value on
 * overflow; (*end) after the last digit used, or (nptr) if none was.
 */
long strtol(const char *restrict nptr, char **restrict end, int base);
long long strtoll(const char *restrict nptr, char **restrict end, int base);
unsigned long strtoul(const char *restrict nptr, char **restrict end, int base);
unsigned long long strtoull(const char *restrict nptr, char **restrict end,
                            int base);
int atoi(const char *s);
long atol(const char *s);
long long atoll(const char *s);

/* Introsort: O(n log n) comparisons in the worst case, not stable. */
void qsort(void *base, size_t n, size_t size,
           int (*cmp)(const void *, const void *));
void *bsearch(const void *key, const void *base, size_t n, size_t size,
              int (*cmp)(const void *, const void *));

int abs(int x);
long labs(long x);
long long llabs(long long x);
div_t div(int num, int den);
ldiv_t ldiv(long num, long den);
lldiv_t lldiv(long long num, long long den);

/* A small deterministic generator, NOT for anything secret (mg/random.h). */
int rand(void);
void srand(unsigned seed);

/* There is no environment: always NULL. */
char *getenv(const char *name);

/* mg_platform_abort("abort() called"). */
_Noreturn void abort(void);
/* mg_platform_exit(status): no atexit handlers, nothing to flush. */
_Noreturn void exit(int status);
_Noreturn void _Exit(int status);

#endif
