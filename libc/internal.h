/* libc/internal.h: helpers shared by the library's own sources. */
#ifndef MG_LIBC_INTERNAL_H
#define MG_LIBC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Word access to byte arrays: may_alias keeps the compiler's type-based
 * alias analysis out of it; aligned(1) makes unaligned access legal C
 * (x86-64 does it in hardware).
 */
typedef uint64_t __attribute__((__may_alias__)) mg__word;
typedef uint64_t __attribute__((__may_alias__, __aligned__(1))) mg__uword;
typedef uint32_t __attribute__((__may_alias__, __aligned__(1))) mg__u32;
typedef uint16_t __attribute__((__may_alias__, __aligned__(1))) mg__u16;

#define MG__ONES  0x0101010101010101ull
#define MG__HIGHS 0x8080808080808080ull

/*
 * Non-zero iff a byte of (v) is zero. The lowest set bit is in the first
 * (lowest-addressed) zero byte: borrows only disturb bytes above it.
 */
static inline uint64_t mg__zero_byte(uint64_t v)
{
	return (v - MG__ONES) & ~v & MG__HIGHS;
}

/* Index of the byte that mg__zero_byte() flagged first. */
static inline size_t mg__first_flag(uint64_t z)
{
	return (size_t)__builtin_ctzll(z) / 8;
}

#endif
