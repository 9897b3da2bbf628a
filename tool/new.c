/* morgana new: a starter unikernel from share/morgana/templates/new/. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "morgana.h"

static bool good_name(const char *s)
{
	if (!(*s >= 'a' && *s <= 'z'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-'))
			return false;
	return true;
}

/* (text) with @NAME@ and @CNAME@ replaced; malloc'ed. */
static char *fill(const char *text, const char *name, const char *cname)
{
	size_t cap = strlen(text) * 2 + 64 + strlen(name) * 16, len = 0;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	for (const char *p = text; *p;) {
		const char *v = NULL;
		size_t skip = 0;
		if (strncmp(p, "@NAME@", 6) == 0)
			v = name, skip = 6;
		else if (strncmp(p, "@CNAME@", 7) == 0)
			v = cname, skip = 7;
		size_t n = v ? strlen(v) : 1;
		if (len + n + 1 > cap) {
			char *q = realloc(out, cap * 2 + n);
			if (!q) {
				free(out);
				return NULL;
			}
			out = q;
			cap = cap * 2 + n;
		}
		memcpy(out + len, v ? v : p, n);
		len += n;
		p += v ? skip : 1;
	}
	out[len] = '\0';
	return out;
}

static int instantiate(const char *tmpl, const char *dest, const char *name,
                       const char *cname)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/templates/new/%s", T.share, tmpl);
	char *text = read_file(path);
	if (!text) {
		fail("my installation has no %s", path);
		return -1;
	}
	char *out = fill(text, name, cname);
	free(text);
	int rc = out ? write_text(dest, out) : -1;
	free(out);
	return rc;
}

int cmd_new(int argc, char **argv)
{
	if (argc == 2 &&
	    (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
		return help("new", 0);
	if (argc != 2) {
		fail("new: give one NAME: morgana new NAME");
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strlen(name) > 100 || !good_name(name)) {
		fail("new: '%s' is not a good unikernel name: use lower case "
		     "letters, digits, '-' and '_', starting with a letter",
		     name);
		return EXIT_USAGE;
	}
	struct stat st;
	if (stat(name, &st) == 0) {
		fail("new: %s/%s already exists: pick another name or remove "
		     "it",
		     work_dir, name);
		return EXIT_FAIL;
	}
	char cname[128];
	snprintf(cname, sizeof(cname), "%s", name);
	for (char *p = cname; *p; p++)
		if (*p == '-')
			*p = '_';
	if (mkdir(name, 0777) != 0) {
		fail("new: cannot create %s: %s", name, strerror(errno));
		return EXIT_FAIL;
	}
	char config[300], app[300];
	snprintf(config, sizeof(config), "%s/config.c", name);
	snprintf(app, sizeof(app), "%s/%s.c", name, name);
	if (instantiate("config.c", config, name, cname) != 0 ||
	    instantiate("app.c", app, name, cname) != 0)
		return EXIT_FAIL;
	say("created %s/ with config.c and %s.c; next:\n"
	    "  cd %s && morgana configure -t unix && morgana build && "
	    "morgana run",
	    name, name, name);
	return 0;
}
