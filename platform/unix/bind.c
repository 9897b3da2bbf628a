/* Device bindings given on the command line: --block:NAME=FILE, --net:... */
#include <string.h>

#include <mg/platform_unix.h>

#include "unix_internal.h"

/* see mg/platform_unix.h */

#define MAX_BINDINGS 32

static struct {
	const char *kind; /* "block" or "net" */
	char name[32];
	const char *value;
} bindings[MAX_BINDINGS];
static unsigned nbindings;

static const char *const kinds[] = {"block", "net"};

static const char *lookup(const char *kind, const char *name, size_t nl)
{
	for (unsigned i = 0; i < nbindings; i++)
		if (strcmp(bindings[i].kind, kind) == 0 &&
		    strlen(bindings[i].name) == nl &&
		    strncmp(bindings[i].name, name, nl) == 0)
			return bindings[i].value;
	return NULL;
}

/* Record (arg) if it is a well-formed binding not seen yet. */
static int take(const char *arg)
{
	for (unsigned k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		size_t kl = strlen(kinds[k]);
		if (strncmp(arg, "--", 2) || strncmp(arg + 2, kinds[k], kl) ||
		    arg[2 + kl] != ':')
			continue;
		const char *name = arg + 3 + kl;
		const char *eq = strchr(name, '=');
		size_t nl = eq ? (size_t)(eq - name) : 0;
		if (!eq || nl == 0 || nl >= sizeof bindings[0].name || !eq[1] ||
		    nbindings == MAX_BINDINGS || lookup(kinds[k], name, nl))
			return 0;
		for (size_t i = 0; i < nl; i++) {
			char c = name[i];
			if (!((c >= 'a' && c <= 'z') ||
			      (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9') || c == '_' || c == '-'))
				return 0;
		}
		bindings[nbindings].kind = kinds[k];
		memcpy(bindings[nbindings].name, name, nl);
		bindings[nbindings].name[nl] = '\0';
		bindings[nbindings].value = eq + 1;
		nbindings++;
		return 1;
	}
	return 0;
}

int mg__unix_bindings_take(int argc, char **argv)
{
	nbindings = 0;
	int out = 1;
	int i = 1;
	for (; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (!take(argv[i]))
			argv[out++] = argv[i];
	for (; i < argc; i++)
		argv[out++] = argv[i];
	argv[out] = NULL;
	return out;
}

const char *mg_unix_binding(const char *kind, const char *name)
{
	return lookup(kind, name, strlen(name));
}
