/* The manifest's devices as hvt and spt boot information list them. */
#include <string.h>

#include <mg/error.h>

#include <mg/spt_abi.h>

#include "x86_64.h"

/* see x86_64.h; both records begin alike: */
_Static_assert(__builtin_offsetof(struct mg_hvt_device, kind) ==
                   MG_HVT_NAME_MAX,
               "hvt device layout");
_Static_assert(__builtin_offsetof(struct mg_spt_device, kind) ==
                   MG_HVT_NAME_MAX,
               "spt device layout");

static const uint8_t *record(const mg__x86_devices *d, uint32_t i)
{
	return d->first + (size_t)i * d->stride;
}

static uint32_t kind_of(const uint8_t *rec)
{
	uint32_t kind;
	memcpy(&kind, rec + MG_HVT_NAME_MAX, sizeof kind);
	return kind;
}

int mg__x86_device_acquire(mg__x86_devices *d, const char *name, uint32_t kind,
                           mg_handle *h)
{
	for (uint32_t i = 0; i < d->count && i < MG_HVT_DEVICES_MAX; i++) {
		const uint8_t *rec = record(d, i);
		if (kind_of(rec) != kind ||
		    strncmp((const char *)rec, name, MG_HVT_NAME_MAX))
			continue;
		if (d->acquired & (1u << i))
			return MG_EBUSY;
		d->acquired |= 1u << i;
		*h = i;
		return (int)i;
	}
	return MG_ENOENT;
}

int mg__x86_device_valid(const mg__x86_devices *d, mg_handle h, uint32_t kind)
{
	return h < d->count && h < MG_HVT_DEVICES_MAX &&
	       (d->acquired & (1u << h)) &&
	       kind_of(record(d, (uint32_t)h)) == kind;
}
