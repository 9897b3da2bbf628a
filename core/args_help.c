/* Boot arguments: the --help text. */
#include <stdio.h>
#include <string.h>

#include <mg/log.h>

#include "args_impl.h"

/* The key column never pushes the docs further right than this. */
#define KEY_COLUMN_MAX 30
#define HELP_LINE_MAX      1024

typedef void (*out_fn)(const char *line, void *ctx);

/* "--name=TYPE", or "--name[=BOOL]" for a bool, which may stand alone. */
static void key_form(const mg_arg *a, char *buf, size_t size)
{
	const char *ph = mg__arg_type_placeholder(a->type);
	if (a->type == MG_ARG_BOOL)
		snprintf(buf, size, "--%s[=%s]", a->name, ph);
	else
		snprintf(buf, size, "--%s=%s", a->name, ph);
}

static void key_line(out_fn out, void *ctx, int width, const char *key,
                     const char *doc, const char *extra, const char *owner)
{
	char line[HELP_LINE_MAX];
	snprintf(line, sizeof line, "  %-*s  %s%s%s [boot key, %s]", width, key,
	         doc ? doc : "", doc && *doc && *extra ? " " : "", extra,
	         owner);
	out(line, ctx);
}

/* "(default: 8080, range 1..65535)", "(required)". */
static void extras(const mg_arg *a, char *buf, size_t size)
{
	int n;
	if (!a->def)
		n = snprintf(buf, size, "(required");
	else if (!*a->def)
		n = snprintf(buf, size, "(default: \"\"");
	else
		n = snprintf(buf, size, "(default: %s", a->def);
	if (n < 0 || (size_t)n >= size)
		n = (int)strlen(buf);
	if (a->type == MG_ARG_INT && (a->min != 0 || a->max != 0))
		snprintf(buf + n, size - (size_t)n, ", range %lld..%lld)",
		         (long long)a->min, (long long)a->max);
	else if (a->type == MG_ARG_BOOL)
		snprintf(buf + n, size - (size_t)n, "; --no-%s for false)",
		         a->name);
	else
		snprintf(buf + n, size - (size_t)n, ")");
}

void mg_args_help(const char *name, const mg_arg *args, size_t n,
                  void (*out)(const char *line, void *ctx), void *ctx)
{
	static const char logs_key[] = "--logs=SRC:LEVEL,...";
	char line[HELP_LINE_MAX], key[256], extra[512];
	int width = (int)strlen(logs_key);
	for (size_t i = 0; i < n; i++) {
		key_form(&args[i], key, sizeof key);
		int len = (int)strlen(key);
		if (len > width)
			width = len;
	}
	if (width > KEY_COLUMN_MAX)
		width = KEY_COLUMN_MAX;

	snprintf(line, sizeof line, "usage: %s [--KEY=VALUE ...]",
	         name ? name : "unikernel");
	out(line, ctx);
	out("", ctx);
	out("Boot keys (read when the image starts, unlike the "
	    "configure-time keys):",
	    ctx);
	if (n == 0)
		out("  (none)", ctx);
	for (size_t i = 0; i < n; i++) {
		const mg_arg *a = &args[i];
		key_form(a, key, sizeof key);
		extras(a, extra, sizeof extra);
		key_line(out, ctx, width, key, a->doc, extra,
		         a->owner ? a->owner : "unikernel");
	}
	out("", ctx);
	out("Built-in boot keys:", ctx);
	key_line(out, ctx, width, "--help", "Show this help and exit", "",
	         "built-in");
	key_line(out, ctx, width, logs_key,
	         "Set log levels, applied in order, e.g. *:warn,tcp:debug "
	         "(levels: error, warn, info, debug; * is every source)",
	         "", "built-in");
	out("", ctx);
	out("Log sources (name, current level, what it logs):", ctx);
	mg_log_list(out, ctx);
}
