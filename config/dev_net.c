/* Networking devices: netifs, the direct and socket stacks, the choice. */
#include <string.h>

#include "cfg.h"

static const mg_device_desc direct_desc = {
    .name = "stack",
    .module = "stackv4",
    .impl = "direct",
    .ctype = "mg_stackv4",
    .header = "mg/stackv4_direct.h",
    .connect = "mg_stackv4_direct_connect",
    /* Releases a DHCP lease (RFC 2131) when the unikernel exits. */
    .disconnect = "mg_stackv4_direct_disconnect",
    .deps = "netif random",
    .libs = "mgnet",
    .targets = MG__TARGETS_ALL,
};

static const mg_key_desc socket_keys[] = {
    {.name = "ipv4",
     .type = MG_KEY_IPV4_PREFIX,
     .def = "0.0.0.0/0",
     .doc = "Host address that listeners and sockets bind to (0.0.0.0: "
            "all)"},
    {.name = NULL},
};

/* An array, for mg_device_choose: the socket stack is shared. */
static const mg_device_desc socket_impls[] = {
    {
        .name = "stack",
        .module = "stackv4",
        .impl = "socket",
        .ctype = "mg_stackv4",
        .header = "mg/stackv4_socket.h",
        .connect = "mg_stackv4_socket_connect",
        .libs = "mgsocket",
        .targets = "unix",
        .keys = socket_keys,
    },
    {.name = NULL},
};

/* "" for the first netif's keys, "NAME-" for the others'. */
static const char *key_prefix(mg_config *c, mg_device *netif)
{
	if (mg__find_platform(c, MG__PLATFORM_NET, NULL) == netif)
		return "";
	return mg__fmt(c, "%s-", mg__key_name(c, netif->platform_name));
}

mg_device *mg__netif(mg_config *c, const char *name, const char *file, int line)
{
	name = mg__check_name(c, name, "netif", "service", file, line);
	mg_device *d = mg__find_platform(c, MG__PLATFORM_NET, name);
	if (d)
		return d;
	bool first = mg__find_platform(c, MG__PLATFORM_NET, NULL) == NULL;
	const char *key =
	    first ? "net-mac" : mg__fmt(c, "%s-mac", mg__key_name(c, name));
	d = mg__platform_device(
	    c, MG__PLATFORM_NET, "netif", name,
	    mg__fmt(c,
	            "rc = mg_netif_platform_connect(${self}, \"%s\", "
	            "${key:%s});",
	            name, key),
	    "mgnet", file, line);
	mg_boot_key *k = mg__boot_key(
	    c, MG_KEY_STRING, key, "", 0, 0,
	    mg__fmt(c, "MAC address of netif %s (empty: the platform's)", name),
	    file, line);
	if (k)
		mg__device_key(d, k, file, line);
	return d;
}

/*
 * The default of boot key --(name) from a configure flag of the same name,
 * marked used so that configure does not refuse it: `morgana configure
 * --dhcp` builds an image that takes a lease unless booted --no-dhcp.
 */
static bool bool_from_flags(mg_config *c, const char *name, bool def)
{
	size_t n = strlen(name);
	for (int i = 0; i < c->o.nflags; i++) {
		const char *f = c->o.flags[i];
		if (strncmp(f, "--", 2) != 0)
			continue;
		f += 2;
		bool no = strncmp(f, "no-", 3) == 0;
		if (no)
			f += 3;
		if (strncmp(f, name, n) != 0 || (f[n] && f[n] != '='))
			continue;
		c->flag_used[i] = true;
		const char *v = f[n] == '=' ? f + n + 1 : NULL;
		if (no && v) {
			mg__err(c, NULL, 0, "--no-%s takes no value", name);
		} else if (!v) {
			def = !no;
		} else if (!strcmp(v, "true") || !strcmp(v, "yes") ||
		           !strcmp(v, "on") || !strcmp(v, "1")) {
			def = true;
		} else if (!strcmp(v, "false") || !strcmp(v, "no") ||
		           !strcmp(v, "off") || !strcmp(v, "0")) {
			def = false;
		} else {
			mg__err(c, NULL, 0, "--%s=%s: not a boolean", name, v);
		}
	}
	return def;
}

mg_device *mg__direct_stackv4(mg_config *c, mg_device *netif, const char *file,
                              int line)
{
	if (!netif) {
		mg__err(c, file, line, "mg_direct_stackv4: a NULL netif");
		netif = mg__netif(c, "service", file, line);
	}
	for (size_t i = 0; i < c->devices.n; i++) {
		mg_device *d = c->devices.v[i];
		if (d->desc == &direct_desc && d->deps.n &&
		    d->deps.v[0] == netif)
			return d;
	}
	mg_device *d = mg__device_new(c, &direct_desc, file, line);
	mg__device_dep(d, netif, file, line);
	mg__device_dep(d, mg__default(c, "random", file, line), file, line);
	const char *p = key_prefix(c, netif);
	const char *nn = netif->platform_name ? netif->platform_name : "?";
	mg_boot_key *k[3];
	k[0] = mg__boot_key(
	    c, MG_KEY_IPV4_PREFIX, mg__fmt(c, "%sipv4", p), "10.0.0.2/24", 0, 0,
	    mg__fmt(c, "IPv4 address and prefix on netif %s", nn), file, line);
	k[1] = mg__boot_key(
	    c, MG_KEY_IPV4, mg__fmt(c, "%sipv4-gateway", p), "0.0.0.0", 0, 0,
	    mg__fmt(c, "Default gateway on netif %s (0.0.0.0: none)", nn), file,
	    line);
	const char *dhcp = mg__fmt(c, "%sdhcp", p);
	bool on = bool_from_flags(c, dhcp, false);
	k[2] = mg__boot_key(
	    c, MG_KEY_BOOL, dhcp, on ? "true" : "false", 0, 0,
	    mg__fmt(c,
	            "Take the address on netif %s from DHCP (default set by "
	            "'morgana configure --%s')",
	            nn, dhcp),
	    file, line);
	for (int i = 0; i < 3; i++)
		if (k[i])
			mg__device_key(d, k[i], file, line);
	return d;
}

mg_device *mg__socket_stackv4(mg_config *c, const char *file, int line)
{
	return mg__device_choose(c, socket_impls, NULL, file, line);
}

mg_device *mg__generic_stackv4(mg_config *c, const char *file, int line)
{
	bool hvt = strcmp(c->o.target, "unix") != 0;
	const char *net =
	    mg__key_choice(c, "net", hvt ? "direct" : "socket", "socket|direct",
	                   "Network stack: the host's sockets (unix only) or "
	                   "our own TCP/IP on a tap",
	                   file, line);
	if (strcmp(net, "socket") == 0) {
		if (hvt)
			mg__err(c, NULL, 0,
			        "--net=socket: the socket stack runs on unix "
			        "only; target %s always uses --net=direct",
			        c->o.target);
		else
			return mg__socket_stackv4(c, file, line);
	}
	return mg__direct_stackv4(c, mg__netif(c, "service", file, line), file,
	                          line);
}
