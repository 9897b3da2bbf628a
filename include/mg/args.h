/* Boot arguments: typed keys parsed from the image's command line. */
#ifndef MG_ARGS_H
#define MG_ARGS_H

/*
 * Keys are declared by devices and by the application (in config.c; the
 * generated main.c holds the table). On the command line a key is given
 * as --name=value; a bool also as --name (true) or --no-name (false).
 * A key given twice takes the last value. Anything else (an unknown key, a
 * positional word, a value that does not parse or is out of range) is
 * refused with a message naming it, and the image exits with 64
 * (EX_USAGE). --help lists every key with its type, default and doc and
 * exits with 0.
 *
 * Built-in keys, always present: --help, --logs=SRC:LEVEL,...
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mg/ipaddr.h>

typedef enum mg_arg_type {
	MG_ARG_STRING,	    /* const char * */
	MG_ARG_INT,	    /* int64_t, within [min, max] */
	MG_ARG_BOOL,	    /* bool: true/false, yes/no, on/off, 1/0 */
	MG_ARG_IPV4,	    /* mg_ipv4_addr */
	MG_ARG_IPV4_PREFIX, /* mg_ipv4_prefix */
} mg_arg_type;

typedef struct mg_arg {
	const char *name;  /* without the dashes: "greeting" */
	mg_arg_type type;
	const char *def;   /* default in text form; NULL: required */
	const char *doc;   /* one line */
	const char *owner; /* who declared it: "application", a device name */
	void *dest;        /* where the parsed value is stored */
	int64_t min, max;  /* MG_ARG_INT bounds; both 0 means unbounded */
	bool set;          /* set by the parser: given on the command line */
} mg_arg;

/* Outcomes of mg_args_parse() besides 0. */
#define MG_ARGS_HELP 1 /* --help was given: print help, exit 0 */

/*
 * Parse argv[1..argc) against (args). First stores every default into its
 * dest, then each argument. Returns 0, MG_ARGS_HELP, or MG_EINVAL with a
 * message in (err, errlen) such as
 *   "unknown boot argument '--gretting' (did you mean '--greeting'?)"
 * A required key (def NULL) that is not given is an error. String values
 * point into argv, which lives as long as the unikernel.
 */
int mg_args_parse(mg_arg *args, size_t n, int argc, char **argv, char *err,
		  size_t errlen);

/*
 * Write the --help text for image (name) through (out), one line per call:
 * a usage line, then each key as
 *   --greeting=STRING   Text to print (default: "Hello") [boot, application]
 * then the built-in keys and the log sources.
 */
void mg_args_help(const char *name, const mg_arg *args, size_t n,
		  void (*out)(const char *line, void *ctx), void *ctx);

/* Parse one value of (type) from (text) into (dest). 0 or MG_EINVAL. */
int mg_arg_parse_value(const mg_arg *a, const char *text, void *dest,
		       char *err, size_t errlen);

#endif
