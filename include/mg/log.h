/* Logs with sources and levels. */
#ifndef MG_LOG_H
#define MG_LOG_H

/*
 * A log source is declared once, in one .c file, with MG_LOG_SOURCE(tcp,
 * "tcp", "the TCP layer"), and used anywhere after MG_LOG_SOURCE_DECL(tcp)
 * with MG_LOG(tcp, DEBUG, "fmt", ...). Sources are collected in a linker
 * section, so the boot key --logs=SRC:LEVEL,... can check every name and
 * --help can list them; "*" names every source. The default level is INFO.
 *
 * A line is written to the console, in one mg_platform_console_write()
 * call so that it is never split by other output, as
 *   "[   12.345678] INFO tcp: message\n"
 * with the platform's monotonic time (which starts at boot) in seconds,
 * right-aligned in five columns. One newline ending the message is not
 * doubled. A line, newline included, is at most MG_LOG_LINE_MAX bytes: a
 * longer one is cut and ends with "...\n".
 */

#include <stdarg.h>

typedef enum mg_log_level {
	MG_LOG_ERROR = 0,
	MG_LOG_WARN = 1,
	MG_LOG_INFO = 2,
	MG_LOG_DEBUG = 3,
} mg_log_level;

#define MG_LOG_LINE_MAX 512

typedef struct mg_log_source {
	const char *name;
	const char *doc;
	int level; /* mg_log_level; changed by --logs */
} mg_log_source;

#define MG_LOG_SOURCE_DECL(id) extern mg_log_source mg__log_src_##id

#define MG_LOG_SOURCE(id, name_, doc_)                                        \
	mg_log_source mg__log_src_##id = {name_, doc_, MG_LOG_INFO};          \
	__attribute__((used, section("mg_log_sources")))                      \
	mg_log_source *const mg__log_src_ptr_##id = &mg__log_src_##id

#define MG_LOG(id, lvl, ...)                                                  \
	do {                                                                  \
		if (MG_LOG_##lvl <= mg__log_src_##id.level)                   \
			mg_log_write(&mg__log_src_##id, MG_LOG_##lvl,         \
				     __VA_ARGS__);                            \
	} while (0)

/* Write one line from (src) at (level). Used by MG_LOG. */
__attribute__((format(printf, 3, 4))) void
mg_log_write(const mg_log_source *src, mg_log_level level, const char *fmt,
	     ...);

/*
 * Apply a --logs value: "SRC:LEVEL" items separated by commas; LEVEL is
 * error, warn, info or debug (in any case); SRC a declared source (exact
 * name) or "*". Items apply in order, so "*:warn,tcp:debug" works. Every
 * item is checked before any applies: a bad spec changes nothing. Returns
 * 0, or MG_EINVAL after writing the reason into (err, errlen) (NULL when
 * errlen is 0), naming the bad item and listing the valid levels or the
 * declared sources, e.g.
 *   unknown log source 'tpc' in 'tpc:debug' (sources: *, core, tcp)
 */
int mg_log_configure(const char *spec, char *err, unsigned errlen);

/* Write every source, in name order, one line per call without a trailing
 * newline, through (out): "  NAME  LEVEL  DOC", the columns aligned. */
void mg_log_list(void (*out)(const char *line, void *ctx), void *ctx);

/* The core's own source ("core"). */
MG_LOG_SOURCE_DECL(core);

#endif
