/* The freestanding libc's mem and str functions, against glibc's. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../libc/host/mgl.h"
#include "mgtest.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static size_t below(size_t n)
{
	return n ? rnd() % n : 0;
}

/* Mostly short lengths, where the edge cases are, some long ones. */
static size_t random_len(size_t max)
{
	switch (below(4)) {
	case 0:
	case 1:
		return below(40 < max ? 40 : max);
	case 2:
		return below(1100 < max ? 1100 : max);
	default:
		return below(max);
	}
}

static void fill_random(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)rnd();
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

#define BUF 9000

MGT_TEST(memcpy_random_alignment_and_length)
{
	static unsigned char src[BUF], got[BUF], want[BUF];
	fill_random(src, BUF);
	for (int iter = 0; iter < 20000; iter++) {
		size_t so = below(64), dof = below(64);
		size_t n = random_len(BUF - 128);
		fill_random(want, BUF);
		memcpy(got, want, BUF);
		memcpy(want + dof, src + so, n);
		ASSERT_TRUE(mgl_memcpy(got + dof, src + so, n) == got + dof);
		if (memcmp(got, want, BUF) != 0)
			mgt_fail(__FILE__, __LINE__,
			         "memcpy src+%zu dst+%zu n=%zu wrong", so, dof,
			         n);
	}
}

MGT_TEST(memmove_overlapping_both_ways)
{
	static unsigned char got[BUF], want[BUF];
	for (int iter = 0; iter < 20000; iter++) {
		fill_random(want, BUF);
		memcpy(got, want, BUF);
		size_t n = random_len(4000);
		size_t s = below(BUF - n), d = below(BUF - n);
		size_t k = below(64);
		if (iter % 2 && s + k <= BUF - n) /* overlap, either way */
			d = s + k;
		else if (iter % 4 == 2 && s >= k)
			d = s - k;
		memmove(want + d, want + s, n);
		ASSERT_TRUE(mgl_memmove(got + d, got + s, n) == got + d);
		if (memcmp(got, want, BUF) != 0)
			mgt_fail(__FILE__, __LINE__,
			         "memmove %zu -> %zu n=%zu wrong", s, d, n);
	}
}

MGT_TEST(memset_random)
{
	static unsigned char got[BUF], want[BUF];
	const int values[] = {0, 0xff, 0x80, 0x1ab, -1, 'x'};
	for (int iter = 0; iter < 20000; iter++) {
		fill_random(want, BUF);
		memcpy(got, want, BUF);
		size_t off = below(64), n = random_len(BUF - 64);
		int c = values[below(6)];
		memset(want + off, c, n);
		ASSERT_TRUE(mgl_memset(got + off, c, n) == got + off);
		if (memcmp(got, want, BUF) != 0)
			mgt_fail(__FILE__, __LINE__,
			         "memset +%zu n=%zu c=%d wrong", off, n, c);
	}
}

MGT_TEST(memcmp_sign_matches)
{
	static unsigned char a[BUF], b[BUF];
	for (int iter = 0; iter < 20000; iter++) {
		size_t n = random_len(2000);
		size_t oa = below(16), ob = below(16);
		fill_random(a + oa, n);
		memcpy(b + ob, a + oa, n);
		if (n && below(4)) /* one differing byte, often high-bit */
			b[ob + below(n)] ^= (unsigned char)(1u << below(8));
		ASSERT_EQ(sign(mgl_memcmp(a + oa, b + ob, n)),
		          sign(memcmp(a + oa, b + ob, n)));
	}
	ASSERT_EQ(mgl_memcmp("a", "b", 0), 0);
	ASSERT_CMP(mgl_memcmp("\x80", "\x7f", 1), >, 0);
}

/* A string of (len) non-zero bytes at (p). */
static void random_string(char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (char)(1 + below(255));
	p[len] = 0;
}

MGT_TEST(strlen_strnlen_memchr_random)
{
	static char buf[BUF];
	for (int iter = 0; iter < 20000; iter++) {
		size_t off = below(64), len = random_len(BUF - 128);
		random_string(buf + off, len);
		ASSERT_EQ(mgl_strlen(buf + off), len);
		size_t max = random_len(BUF - 128);
		ASSERT_EQ(mgl_strnlen(buf + off, max), strnlen(buf + off, max));
		int c = below(3) ? (unsigned char)buf[off + below(len + 1)]
		                 : (int)below(256);
		ASSERT_TRUE(mgl_memchr(buf + off, c, max) ==
		            memchr(buf + off, c, max));
		ASSERT_TRUE(mgl_memrchr(buf + off, c, max) ==
		            memrchr(buf + off, c, max));
		ASSERT_TRUE(mgl_strchr(buf + off, c) == strchr(buf + off, c));
		ASSERT_TRUE(mgl_strrchr(buf + off, c) == strrchr(buf + off, c));
	}
}

/*
 * Strings that end on the last byte before an inaccessible page: the
 * word-at-a-time scans must not touch the next page.
 */
MGT_TEST(scans_stop_at_page_end)
{
	long page = sysconf(_SC_PAGESIZE);
	char *map = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE,
	                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(map != MAP_FAILED);
	ASSERT_EQ(mprotect(map + page, (size_t)page, PROT_NONE), 0);
	char *end = map + page;
	for (size_t len = 0; len < 80; len++) {
		char *s = end - len - 1;
		memset(s, 'a', len);
		s[len] = 0;
		ASSERT_EQ(mgl_strlen(s), len);
		ASSERT_EQ(mgl_strnlen(s, len + 1000), len);
		ASSERT_TRUE(mgl_memchr(s, 0, len + 1) == s + len);
		ASSERT_TRUE(mgl_strchr(s, 'b') == NULL);
		ASSERT_TRUE(mgl_strrchr(s, 'a') == (len ? s + len - 1 : NULL));
		ASSERT_EQ(mgl_strcmp(s, s), 0);
		ASSERT_EQ(mgl_memcmp(s, s, len + 1), 0);
		char copy[128];
		ASSERT_TRUE(mgl_strcpy(copy, s) == copy);
		ASSERT_STREQ(copy, s);
	}
	munmap(map, (size_t)page * 2);
}

/* Strings over a small alphabet, so that prefixes and matches are common. */
static void alpha_string(char *p, size_t len, const char *alphabet)
{
	size_t k = strlen(alphabet);
	for (size_t i = 0; i < len; i++)
		p[i] = alphabet[below(k)];
	p[len] = 0;
}

MGT_TEST(compare_functions_random)
{
	char a[64], b[64];
	const char *alphabet = "aAbB\x80\xff~";
	for (int iter = 0; iter < 50000; iter++) {
		alpha_string(a, below(8), alphabet);
		alpha_string(b, below(8), alphabet);
		size_t n = below(10);
		ASSERT_EQ(sign(mgl_strcmp(a, b)), sign(strcmp(a, b)));
		ASSERT_EQ(sign(mgl_strncmp(a, b, n)), sign(strncmp(a, b, n)));
		ASSERT_EQ(sign(mgl_strcasecmp(a, b)), sign(strcasecmp(a, b)));
		ASSERT_EQ(sign(mgl_strncasecmp(a, b, n)),
		          sign(strncasecmp(a, b, n)));
	}
}

MGT_TEST(strstr_memmem_random)
{
	char hay[300], needle[40];
	const char *alphabets[] = {"ab", "abc", "a", "abcdefgh"};
	for (int iter = 0; iter < 50000; iter++) {
		const char *alphabet = alphabets[below(4)];
		alpha_string(hay, below(299), alphabet);
		alpha_string(needle, below(12) + (iter % 10 == 0 ? 20 : 0),
		             alphabet);
		ASSERT_TRUE(mgl_strstr(hay, needle) == strstr(hay, needle));
		size_t hn = strlen(hay), nn = strlen(needle);
		ASSERT_TRUE(mgl_memmem(hay, hn, needle, nn) ==
		            memmem(hay, hn, needle, nn));
	}
	ASSERT_TRUE(mgl_strstr("abc", "") != NULL);
	ASSERT_STREQ(mgl_strstr("xxabcabd", "abd"), "abd");
	ASSERT_TRUE(mgl_strstr("ab", "abc") == NULL);
}

/* "aaa...a" against "aa...ab": quadratic for a naive search. */
MGT_TEST(strstr_is_linear)
{
	size_t n = 1 << 20, m = 1 << 12;
	char *hay = malloc(n + 1), *needle = malloc(m + 1);
	memset(hay, 'a', n);
	hay[n] = 0;
	memset(needle, 'a', m - 1);
	needle[m - 1] = 'b';
	needle[m] = 0;
	ASSERT_TRUE(mgl_strstr(hay, needle) == NULL);
	hay[n - 1] = 'b';
	ASSERT_TRUE(mgl_strstr(hay, needle) == hay + n - m);
	free(hay);
	free(needle);
}

MGT_TEST(span_functions_random)
{
	char s[64], set[16];
	for (int iter = 0; iter < 50000; iter++) {
		alpha_string(s, below(20), "abcd\x90 ");
		alpha_string(set, below(4), "abcd\x90 ");
		ASSERT_EQ(mgl_strspn(s, set), strspn(s, set));
		ASSERT_EQ(mgl_strcspn(s, set), strcspn(s, set));
		ASSERT_TRUE(mgl_strpbrk(s, set) == strpbrk(s, set));
	}
}

MGT_TEST(strtok_r_matches_glibc)
{
	for (int iter = 0; iter < 20000; iter++) {
		char a[40], b[40];
		alpha_string(a, below(30), "ab,; ");
		memcpy(b, a, sizeof a);
		const char *delims[] = {",", ", ", ",; ", ""};
		const char *delim = delims[below(4)];
		char *sa, *sb;
		char *ta = mgl_strtok_r(a, delim, &sa);
		char *tb = strtok_r(b, delim, &sb);
		for (;;) {
			ASSERT_EQ(ta ? ta - a : -1, tb ? tb - b : -1);
			if (!ta)
				break;
			ta = mgl_strtok_r(NULL, delim, &sa);
			tb = strtok_r(NULL, delim, &sb);
		}
		ASSERT_MEMEQ(a, b, sizeof a);
	}
}

MGT_TEST(copy_functions)
{
	char d[16];
	memset(d, 'x', sizeof d);
	ASSERT_TRUE(mgl_strncpy(d, "abc", 6) == d);
	ASSERT_MEMEQ(d, "abc\0\0\0xx", 8);
	mgl_strncpy(d, "abcdef", 3);
	ASSERT_MEMEQ(d, "abc\0", 4);
	ASSERT_EQ(mgl_strlcpy(d, "hello world", 6), 11);
	ASSERT_STREQ(d, "hello");
	ASSERT_EQ(mgl_strlcpy(d, "hi", sizeof d), 2);
	ASSERT_STREQ(d, "hi");
	memset(d, 'x', sizeof d);
	ASSERT_EQ(mgl_strlcpy(d, "abc", 0), 3);
	ASSERT_EQ(d[0], 'x');
	strcpy(d, "ab");
	ASSERT_TRUE(mgl_strcat(d, "cd") == d);
	ASSERT_STREQ(d, "abcd");
	ASSERT_TRUE(mgl_strncat(d, "efgh", 2) == d);
	ASSERT_STREQ(d, "abcdef");
	mgl_strncat(d, "", 5);
	ASSERT_STREQ(d, "abcdef");
}

MGT_TEST(strdup_uses_the_heap)
{
	static char arena[4096] __attribute__((aligned(16)));
	mgl_mg__libc_heap_init(arena, sizeof arena);
	char *s = mgl_strdup("morgana");
	ASSERT_STREQ(s, "morgana");
	ASSERT_TRUE(s >= arena && s < arena + sizeof arena);
	char *t = mgl_strndup("morgana", 3);
	ASSERT_STREQ(t, "mor");
	char unterminated[4] = {'a', 'b', 'c', 'd'};
	char *u = mgl_strndup(unterminated, 4);
	ASSERT_STREQ(u, "abcd");
	mgl_free(s);
	mgl_free(t);
	mgl_free(u);
	char big[8192];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = 0;
	mgl_errno = 0;
	ASSERT_TRUE(mgl_strdup(big) == NULL);
	ASSERT_EQ(mgl_errno, ENOMEM);
}

MGT_TEST(strerror_wording)
{
	const int codes[] = {
	    0,         EPERM,        ENOENT,  EINTR,    EIO,       EAGAIN,
	    ENOMEM,    EACCES,       EEXIST,  EINVAL,   ENOSPC,    EPIPE,
	    EDOM,      ERANGE,       ENOSYS,  EILSEQ,   EOVERFLOW, ENOTSUP,
	    ETIMEDOUT, ECONNREFUSED, EBADMSG, EMSGSIZE, ECANCELED, EINPROGRESS};
	for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
		ASSERT_STREQ(mgl_strerror(codes[i]), strerror(codes[i]));
	ASSERT_STREQ(mgl_strerror(999), "Unknown error 999");
	ASSERT_STREQ(mgl_strerror(-5), "Unknown error -5");
}
