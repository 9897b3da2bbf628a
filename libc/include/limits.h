/* limits.h: sizes of the integer types (x86-64, LP64). */
#ifndef _LIMITS_H
#define _LIMITS_H

/*
 * gcc's own limits.h chains to a C library's with #include_next, which
 * fails under -nostdinc, so the library provides the whole header.
 */
#define CHAR_BIT   8
#define MB_LEN_MAX 1

#define SCHAR_MIN (-128)
#define SCHAR_MAX 127
#define UCHAR_MAX 255
#ifdef __CHAR_UNSIGNED__
#define CHAR_MIN 0
#define CHAR_MAX UCHAR_MAX
#else
#define CHAR_MIN SCHAR_MIN
#define CHAR_MAX SCHAR_MAX
#endif

#define SHRT_MIN  (-1 - SHRT_MAX)
#define SHRT_MAX  __SHRT_MAX__
#define USHRT_MAX (SHRT_MAX * 2 + 1)

#define INT_MIN  (-1 - INT_MAX)
#define INT_MAX  __INT_MAX__
#define UINT_MAX (INT_MAX * 2U + 1U)

#define LONG_MIN  (-1L - LONG_MAX)
#define LONG_MAX  __LONG_MAX__
#define ULONG_MAX (LONG_MAX * 2UL + 1UL)

#define LLONG_MIN  (-1LL - LLONG_MAX)
#define LLONG_MAX  __LONG_LONG_MAX__
#define ULLONG_MAX (LLONG_MAX * 2ULL + 1ULL)

#define SSIZE_MAX LONG_MAX

#endif
