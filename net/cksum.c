/* The Internet checksum (RFC 1071): 64-bit words with end-around carry. */
#include <string.h>

#include <mg/ipv4.h>

/*
 * The one's complement sum does not depend on byte order (RFC 1071
 * section 2(B)): words are added in native order and only the folded
 * result is turned into the big-endian word's value. The running sum is a
 * 64-bit one's complement sum (2^64 is 1 modulo 2^16 - 1, so carries out
 * of bit 63 come back in at bit 0).
 *
 * This is the hottest loop of the stack (every TCP segment is summed on
 * the way in and on the way out), and on hvt, where KVM may emulate each
 * guest instruction, instructions are what cost: on x86-64 a chain of adc
 * with memory operands sums 256 bytes in 35 of them.
 */

static inline uint64_t add_carry(uint64_t acc, uint64_t w)
{
	acc += w;
	return acc + (acc < w);
}

#if defined(__x86_64__)
/* Add the four words at (o) bytes from %[p]. */
#define ADC4(o)                                                                \
	"adcq " #o "+0(%[p]), %[acc]\n\t"                                        \
	"adcq " #o "+8(%[p]), %[acc]\n\t"                                        \
	"adcq " #o "+16(%[p]), %[acc]\n\t"                                       \
	"adcq " #o "+24(%[p]), %[acc]\n\t"

/* Sum (n) 256-byte runs at (p) into (acc). */
static uint64_t sum_runs(const uint8_t *p, size_t n, uint64_t acc)
{
	/* Four blocks per turn: a full-size segment's payload is mostly
	 * summed here, with the loop's three instructions per 256 bytes
	 * instead of per 64. */
	__asm__("clc\n"
	        "1:\n\t"
	        ADC4(0) ADC4(32) ADC4(64) ADC4(96) ADC4(128) ADC4(160)
	            ADC4(192) ADC4(224)
	        "leaq 256(%[p]), %[p]\n\t"
	        "decq %[n]\n\t"
	        "jnz 1b\n\t"
	        "adcq $0, %[acc]\n\t"
	        "adcq $0, %[acc]"
	        : [acc] "+r"(acc), [p] "+r"(p), [n] "+r"(n)
	        :
	        : "cc", "memory");
	return acc;
}

/* Sum (blocks) 64-byte blocks at (p) into (acc). */
static uint64_t sum_blocks(const uint8_t *p, size_t blocks, uint64_t acc)
{
	if (blocks >= 4) {
		acc = sum_runs(p, blocks / 4, acc);
		p += (blocks & ~(size_t)3) * 64;
		blocks &= 3;
		if (!blocks)
			return acc;
	}
	/* The carry runs through the whole loop (lea and dec leave it
	 * alone) and comes back in at the end; twice, since adding it can
	 * carry once more. */
	__asm__("clc\n"
	        "1:\n\t"
	        "adcq 0(%[p]), %[acc]\n\t"
	        "adcq 8(%[p]), %[acc]\n\t"
	        "adcq 16(%[p]), %[acc]\n\t"
	        "adcq 24(%[p]), %[acc]\n\t"
	        "adcq 32(%[p]), %[acc]\n\t"
	        "adcq 40(%[p]), %[acc]\n\t"
	        "adcq 48(%[p]), %[acc]\n\t"
	        "adcq 56(%[p]), %[acc]\n\t"
	        "leaq 64(%[p]), %[p]\n\t"
	        "decq %[n]\n\t"
	        "jnz 1b\n\t"
	        "adcq $0, %[acc]\n\t"
	        "adcq $0, %[acc]"
	        : [acc] "+r"(acc), [p] "+r"(p), [n] "+r"(blocks)
	        :
	        : "cc", "memory");
	return acc;
}
#else
static uint64_t sum_blocks(const uint8_t *p, size_t blocks, uint64_t acc)
{
	for (; blocks; blocks--, p += 64)
		for (int i = 0; i < 8; i++) {
			uint64_t w;
			memcpy(&w, p + 8 * i, 8);
			acc = add_carry(acc, w);
		}
	return acc;
}
#endif

uint64_t mg_inet_sum(const void *data, size_t len, uint64_t acc)
{
	const uint8_t *p = data;
	if (len >= 64) {
		acc = sum_blocks(p, len / 64, acc);
		p += len & ~(size_t)63;
		len &= 63;
	}
	while (len >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		acc = add_carry(acc, w);
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		uint32_t w;
		memcpy(&w, p, 4);
		acc = add_carry(acc, w);
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t w;
		memcpy(&w, p, 2);
		acc = add_carry(acc, w);
		p += 2;
		len -= 2;
	}
	if (len) {
		/* The odd byte is the high half of a big-endian word. */
		uint8_t b[2] = {p[0], 0};
		uint16_t w;
		memcpy(&w, b, 2);
		acc = add_carry(acc, w);
	}
	/* Below 2^33, as mg/ipv4.h promises: callers MAY add sums with +. */
	return (acc & 0xffffffffu) + (acc >> 32);
}

static uint16_t fold(uint64_t acc)
{
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

/* The host value of the big-endian word whose native value is (v). */
static uint16_t from_native(uint16_t v)
{
	uint8_t b[2];
	memcpy(b, &v, 2);
	return (uint16_t)(b[0] << 8 | b[1]);
}

uint16_t mg_inet_finish(uint64_t acc)
{
	return from_native((uint16_t)~fold(acc));
}

uint64_t mg_ipv4_pseudo_sum(mg_ipv4_addr src, mg_ipv4_addr dst, uint8_t proto,
                            uint16_t len)
{
	/* Summed as values, then given the native order of the other sums
	 * (byte swapping commutes with the one's complement sum). */
	uint64_t s = (uint64_t)(src.v >> 16) + (src.v & 0xffff) +
	             (dst.v >> 16) + (dst.v & 0xffff) + proto + len;
	return from_native(fold(s));
}
