/* libc/malloc.c: malloc and friends over the TLSF heap (see stdlib.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mg/libc.h>

#include "tlsf.h"

void (*mg__libc_oom_hook)(size_t size);

void mg__libc_heap_init(void *start, size_t size)
{
	mg__tlsf_init(start, size);
}

static void *out_of_memory(size_t size)
{
	errno = ENOMEM;
	if (mg__libc_oom_hook)
		mg__libc_oom_hook(size);
	return NULL;
}

/* The block size for a request of (n) bytes; 0 if it cannot exist. */
static size_t block_size(size_t n)
{
	if (n >= TLSF_MAX_SIZE)
		return 0;
	size_t size = (n + TLSF_OVERHEAD + TLSF_ALIGN - 1) & ~(size_t)15;
	return size < TLSF_MIN_BLOCK ? TLSF_MIN_BLOCK : size;
}

static void *payload(mg__block *b)
{
	return (char *)b + TLSF_PAYLOAD;
}

void *malloc(size_t n)
{
	size_t size = block_size(n);
	mg__block *b = size ? mg__tlsf_alloc(size) : NULL;
	return b ? payload(b) : out_of_memory(n);
}

void free(void *p)
{
	if (p)
		mg__tlsf_free(mg__tlsf_block(p, "free"));
}

void *calloc(size_t n, size_t size)
{
	size_t total;
	if (__builtin_mul_overflow(n, size, &total))
		return out_of_memory(SIZE_MAX);
	void *p = malloc(total);
	if (p)
		memset(p, 0, total);
	return p;
}

void *realloc(void *p, size_t n)
{
	if (!p)
		return malloc(n);
	mg__block *b = mg__tlsf_block(p, "realloc");
	size_t size = block_size(n);
	if (!size)
		return out_of_memory(n);
	if (mg__tlsf_resize(b, size))
		return p;
	void *q = malloc(n);
	if (q) {
		/* The old block is smaller than n, or resize had worked. */
		memcpy(q, p, tlsf_size(b) - TLSF_OVERHEAD);
		mg__tlsf_free(b);
	}
	return q;
}

void *aligned_alloc(size_t alignment, size_t n)
{
	if (!alignment || (alignment & (alignment - 1))) {
		errno = EINVAL;
		return NULL;
	}
	if (alignment <= TLSF_ALIGN)
		return malloc(n);
	size_t size = block_size(n);
	mg__block *b = size ? mg__tlsf_alloc_aligned(size, alignment) : NULL;
	return b ? payload(b) : out_of_memory(n);
}

int posix_memalign(void **out, size_t alignment, size_t n)
{
	if (!alignment || alignment % sizeof(void *) ||
	    (alignment & (alignment - 1)))
		return EINVAL;
	int saved = errno;
	void *p = aligned_alloc(alignment, n);
	errno = saved;
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

size_t malloc_usable_size(void *p)
{
	if (!p)
		return 0;
	return tlsf_size(mg__tlsf_block(p, "malloc_usable_size")) -
	       TLSF_OVERHEAD;
}
