/* The image's device manifest, and matching it to --net:/--block: options. */
#include <stdio.h>
#include <string.h>

#include "tender.h"

static const char *kind_name(uint32_t kind)
{
	return kind == MG_HVT_DEVICE_NET ? "network" : "block";
}

static const char *kind_option(uint32_t kind)
{
	return kind == MG_HVT_DEVICE_NET ? "--net" : "--block";
}

static bool valid_name(const char *name, size_t max)
{
	size_t n = strnlen(name, max);
	if (n == 0 || n == max)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		          (c >= '0' && c <= '9') || c == '_' || c == '-';
		if (!ok)
			return false;
	}
	return true;
}

int mg__tender_manifest_parse(const uint8_t *desc, size_t size,
                              struct mg_hvt_device *devices, uint32_t *count,
                              char *err, size_t errlen)
{
	struct mg_hvt_manifest m;

	if (size < sizeof m)
		return mg__tender_refuse(err, errlen, "manifest is truncated");
	memcpy(&m, desc, sizeof m);
	if (m.version != MG_HVT_MANIFEST_VERSION)
		return mg__tender_refuse(
		    err, errlen,
		    "manifest version %u is not supported (this "
		    "tender reads version %u)",
		    m.version, MG_HVT_MANIFEST_VERSION);
	if (m.count > MG_HVT_DEVICES_MAX)
		return mg__tender_refuse(
		    err, errlen, "manifest lists %u devices (at most %u)",
		    m.count, MG_HVT_DEVICES_MAX);
	if (size != sizeof m + m.count * sizeof(struct mg_hvt_manifest_entry))
		return mg__tender_refuse(
		    err, errlen,
		    "manifest size %zu does not match its %u "
		    "devices",
		    size, m.count);

	memset(devices, 0, MG_HVT_DEVICES_MAX * sizeof *devices);
	for (uint32_t i = 0; i < m.count; i++) {
		struct mg_hvt_manifest_entry e;
		memcpy(&e, desc + sizeof m + i * sizeof e, sizeof e);
		if (!valid_name(e.name, sizeof e.name))
			return mg__tender_refuse(
			    err, errlen,
			    "manifest: device %u has an invalid "
			    "name (1 to %zu of A-Z a-z 0-9 _ -)",
			    i, sizeof e.name - 1);
		if (e.kind != MG_HVT_DEVICE_NET &&
		    e.kind != MG_HVT_DEVICE_BLOCK)
			return mg__tender_refuse(
			    err, errlen,
			    "manifest: device '%s' has unknown kind "
			    "%u",
			    e.name, e.kind);
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(devices[j].name, e.name) == 0)
				return mg__tender_refuse(
				    err, errlen,
				    "manifest: device '%s' is listed "
				    "twice",
				    e.name);
		memcpy(devices[i].name, e.name, sizeof e.name);
		devices[i].kind = e.kind;
	}
	*count = m.count;
	return 0;
}

/* "net0, disk (block)" */
static void list_devices(const struct mg_hvt_device *devices, uint32_t count,
                         char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (uint32_t i = 0; i < count && used < len; i++) {
		int n =
		    snprintf(buf + used, len - used, "%s%s (%s)", i ? ", " : "",
		             devices[i].name, kind_name(devices[i].kind));
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (count == 0)
		snprintf(buf, len, "none");
}

int mg__tender_bind(const struct mg_hvt_device *devices, uint32_t count,
                    const mg__tender_binding *bindings, unsigned nbindings,
                    unsigned *order, char *err, size_t errlen)
{
	char have[512];
	bool bound[MG_HVT_DEVICES_MAX] = {false};

	for (unsigned b = 0; b < nbindings; b++) {
		const mg__tender_binding *x = &bindings[b];
		uint32_t i = 0;
		while (i < count && strcmp(devices[i].name, x->name) != 0)
			i++;
		if (i == count) {
			list_devices(devices, count, have, sizeof have);
			return mg__tender_refuse(
			    err, errlen,
			    "%s: the image has no %s device named "
			    "'%s' (its devices: %s)",
			    x->arg, kind_name(x->kind), x->name, have);
		}
		if (devices[i].kind != x->kind)
			return mg__tender_refuse(
			    err, errlen,
			    "%s: '%s' is a %s device: bind it with "
			    "%s:%s=...",
			    x->arg, x->name, kind_name(devices[i].kind),
			    kind_option(devices[i].kind), x->name);
		if (bound[i])
			return mg__tender_refuse(
			    err, errlen, "%s: device '%s' is bound twice",
			    x->arg, x->name);
		if (x->value[0] == '\0')
			return mg__tender_refuse(
			    err, errlen, "%s: missing %s after '='", x->arg,
			    x->kind == MG_HVT_DEVICE_NET ? "tap name" : "file");
		bound[i] = true;
		order[i] = b;
	}
	for (uint32_t i = 0; i < count; i++)
		if (!bound[i])
			return mg__tender_refuse(
			    err, errlen,
			    "the image needs %s device '%s': add "
			    "%s:%s=%s",
			    kind_name(devices[i].kind), devices[i].name,
			    kind_option(devices[i].kind), devices[i].name,
			    devices[i].kind == MG_HVT_DEVICE_NET ? "TAP"
			                                         : "FILE");
	return 0;
}
