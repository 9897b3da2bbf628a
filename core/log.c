/* Log sources collected from a linker section, levels, and line output. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <mg/error.h>
#include <mg/log.h>
#include <mg/platform.h>

/*
 * Defined here so that the section exists in every program that logs, even
 * one declaring no source of its own: the linker only provides the
 * __start_/__stop_ symbols of a section that is present.
 */
MG_LOG_SOURCE(core, "core", "the Morgana runtime: boot, scheduler, devices");

extern mg_log_source *const __start_mg_log_sources[];
extern mg_log_source *const __stop_mg_log_sources[];

static const char *const level_names[] = {"error", "warn", "info", "debug"};
static const char *const level_tags[] = {"ERROR", "WARN", "INFO", "DEBUG"};
#define NLEVELS 4

#define SOURCES_BEGIN __start_mg_log_sources
#define SOURCES_END   __stop_mg_log_sources

void mg_log_write(const mg_log_source *src, mg_log_level level, const char *fmt,
                  ...)
{
	if ((int)level > src->level || (unsigned)level >= NLEVELS)
		return;
	/* One buffer and one console write per line, so that a line is never
	 * interleaved with other output. */
	char line[MG_LOG_LINE_MAX + 1];
	/* The platform's clock starts at boot: it is the time since boot. */
	uint64_t t = mg_platform_monotonic_ns();
	int h = snprintf(line, sizeof line, "[%5llu.%06llu] %s %s: ",
	                 (unsigned long long)(t / 1000000000u),
	                 (unsigned long long)(t / 1000u % 1000000u),
	                 level_tags[level], src->name);
	size_t len = h < 0 ? 0 : (size_t)h;
	/* Room for the message, keeping one byte for '\n'. */
	const size_t max = MG_LOG_LINE_MAX - 1;
	bool cut = len > max;
	if (!cut) {
		va_list ap;
		va_start(ap, fmt);
		int m = vsnprintf(line + len, sizeof line - len, fmt, ap);
		va_end(ap);
		if (m > 0) {
			len += (size_t)m;
			/* A message ending in its own newline gets one, not
			 * two. */
			if (len < sizeof line && line[len - 1] == '\n')
				len--;
		}
		cut = len > max;
	}
	if (cut) {
		len = max;
		memcpy(line + len - 3, "...", 3);
	}
	line[len++] = '\n';
	mg_platform_console_write(line, len);
}

static int level_from(const char *s, size_t n)
{
	for (int l = 0; l < NLEVELS; l++) {
		const char *name = level_names[l];
		if (strlen(name) != n)
			continue;
		size_t i = 0;
		while (i < n && (s[i] | 0x20) == name[i])
			i++;
		if (i == n)
			return l;
	}
	return -1;
}

static bool source_named(const char *s, size_t n)
{
	for (mg_log_source *const *p = SOURCES_BEGIN; p < SOURCES_END; p++)
		if (strlen((*p)->name) == n && memcmp((*p)->name, s, n) == 0)
			return true;
	return false;
}

/*
 * Visit every source in name order, without allocating: each step picks the
 * least name greater than the previous one. Sources sharing a name are
 * visited together. Quadratic, but programs declare a few dozen at most.
 */
static const mg_log_source *next_source(const mg_log_source *prev)
{
	const mg_log_source *best = NULL;
	for (mg_log_source *const *p = SOURCES_BEGIN; p < SOURCES_END; p++) {
		if (prev && strcmp((*p)->name, prev->name) <= 0)
			continue;
		if (!best || strcmp((*p)->name, best->name) < 0)
			best = *p;
	}
	return best;
}

/* Append to (err) while it has room; it stays NUL-terminated. */
static void append(char *err, unsigned errlen, const char *s)
{
	if (!err || errlen == 0)
		return;
	size_t used = strlen(err);
	if (used + 1 >= errlen)
		return;
	snprintf(err + used, errlen - used, "%s", s);
}

/* Writes "(sources: *, a, b)" or the levels after the message. */
static int item_error(char *err, unsigned errlen, bool list_sources,
                      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int item_error(char *err, unsigned errlen, bool list_sources,
                      const char *fmt, ...)
{
	if (!err || errlen == 0)
		return MG_EINVAL;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	if (list_sources) {
		append(err, errlen, " (sources: *");
		for (const mg_log_source *s = next_source(NULL); s;
		     s = next_source(s)) {
			append(err, errlen, ", ");
			append(err, errlen, s->name);
		}
		append(err, errlen, ")");
	} else {
		append(err, errlen, " (levels: error, warn, info, debug)");
	}
	return MG_EINVAL;
}

/* A user's item is quoted at most this long. */
#define QUOTE_MAX 64
#define QUOTED(s, len)                                                         \
	(int)((len) > QUOTE_MAX ? QUOTE_MAX : (len)), (s),                     \
	    ((len) > QUOTE_MAX ? "..." : "")

/*
 * Check one "SRC:LEVEL" item of (len) bytes at (s); on success store its
 * level. Applies nothing.
 */
static int check_item(const char *s, size_t len, int *level, char *err,
                      unsigned errlen)
{
	const char *colon = memchr(s, ':', len);
	if (len == 0)
		return item_error(err, errlen, false,
		                  "empty item, expected SRC:LEVEL as in "
		                  "'*:debug'");
	if (!colon)
		return item_error(
		    err, errlen, false,
		    "item '%.*s%s' has no ':', expected SRC:LEVEL "
		    "as in '*:debug'",
		    QUOTED(s, len));
	size_t srclen = (size_t)(colon - s);
	const char *lvl = colon + 1;
	size_t lvllen = len - srclen - 1;
	if (srclen == 0)
		return item_error(err, errlen, true,
		                  "item '%.*s%s' has no source before ':'",
		                  QUOTED(s, len));
	if (!(srclen == 1 && s[0] == '*') && !source_named(s, srclen))
		return item_error(err, errlen, true,
		                  "unknown log source '%.*s%s' in '%.*s%s'",
		                  QUOTED(s, srclen), QUOTED(s, len));
	*level = level_from(lvl, lvllen);
	if (*level < 0)
		return item_error(err, errlen, false,
		                  "unknown level '%.*s%s' in '%.*s%s'",
		                  QUOTED(lvl, lvllen), QUOTED(s, len));
	return 0;
}

static void apply_item(const char *s, size_t len, int level)
{
	size_t srclen = (size_t)((const char *)memchr(s, ':', len) - s);
	bool all = srclen == 1 && s[0] == '*';
	for (mg_log_source *const *p = SOURCES_BEGIN; p < SOURCES_END; p++)
		if (all || (strlen((*p)->name) == srclen &&
		            memcmp((*p)->name, s, srclen) == 0))
			(*p)->level = level;
}

int mg_log_configure(const char *spec, char *err, unsigned errlen)
{
	if (err && errlen)
		err[0] = 0;
	if (!spec || !*spec)
		return item_error(err, errlen, false,
		                  "empty, expected SRC:LEVEL as in '*:debug'");
	/* Check every item before applying any, so that a bad spec changes
	 * nothing. */
	for (int pass = 0; pass < 2; pass++) {
		const char *s = spec;
		for (;;) {
			const char *comma = strchr(s, ',');
			size_t len = comma ? (size_t)(comma - s) : strlen(s);
			int level;
			if (pass == 0) {
				if (check_item(s, len, &level, err, errlen) < 0)
					return MG_EINVAL;
			} else {
				check_item(s, len, &level, NULL, 0);
				apply_item(s, len, level);
			}
			if (!comma)
				break;
			s = comma + 1;
		}
	}
	return 0;
}

void mg_log_list(void (*out)(const char *line, void *ctx), void *ctx)
{
	int width = 0;
	for (mg_log_source *const *p = SOURCES_BEGIN; p < SOURCES_END; p++) {
		int n = (int)strlen((*p)->name);
		if (n > width)
			width = n;
	}
	if (width > 24)
		width = 24;
	char line[256];
	for (const mg_log_source *s = next_source(NULL); s;
	     s = next_source(s)) {
		int l = s->level;
		const char *lname =
		    l >= 0 && l < NLEVELS ? level_names[l] : "?";
		snprintf(line, sizeof line, "  %-*s  %-5s  %s", width, s->name,
		         lname, s->doc ? s->doc : "");
		out(line, ctx);
	}
}
