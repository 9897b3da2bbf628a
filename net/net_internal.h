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

static inline void mg__put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void mg__put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A counter table entry: the X-macros of each layer expand to these. */
#define MG__NET_COUNTER_FIELD(name, doc) uint64_t name;
#define MG__NET_COUNTER_VISIT(name, doc) fn(ctx, layer, #name, c->name);

#endif
