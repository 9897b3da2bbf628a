/* Shared by the files of net/: byte access and the log sources. */
#ifndef MG_NET_INTERNAL_H
#define MG_NET_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include <mg/log.h>

MG_LOG_SOURCE_DECL(net);
MG_LOG_SOURCE_DECL(dhcp);

static inline uint16_t mg__get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t mg__get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Stores as one byte swap and one store: written byte by byte, gcc may
 * assemble a header in a register with a mask and an or per byte, which
 * costs where an hvt guest's instructions are emulated. */
static inline void mg__put16(uint8_t *p, uint16_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap16(v);
#endif
	memcpy(p, &v, 2);
}

static inline void mg__put32(uint8_t *p, uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	memcpy(p, &v, 4);
}

/* A counter table entry: the X-macros of each layer expand to these. */
#define MG__NET_COUNTER_FIELD(name, doc) uint64_t name;
#define MG__NET_COUNTER_VISIT(name, doc) fn(ctx, layer, #name, c->name);

#endif
