/* libc/stdlib_misc.c: the small arithmetic and environment functions. */
#include <inttypes.h>
#include <stdlib.h>

int abs(int x)
{
	return x < 0 ? -x : x;
}

long labs(long x)
{
	return x < 0 ? -x : x;
}

long long llabs(long long x)
{
	return x < 0 ? -x : x;
}

intmax_t imaxabs(intmax_t x)
{
	return x < 0 ? -x : x;
}

div_t div(int num, int den)
{
	return (div_t){num / den, num % den};
}

ldiv_t ldiv(long num, long den)
{
	return (ldiv_t){num / den, num % den};
}

lldiv_t lldiv(long long num, long long den)
{
	return (lldiv_t){num / den, num % den};
}

static uint64_t rand_state = 1;

/* A 64-bit LCG (Knuth's MMIX constants); the high bits are the good ones. */
int rand(void)
{
	rand_state =
	    rand_state * 6364136223846793005ull + 1442695040888963407ull;
	return (int)(rand_state >> 33);
}

void srand(unsigned seed)
{
	rand_state = seed;
}

char *getenv(const char *name)
{
	(void)name;
	return NULL;
}
