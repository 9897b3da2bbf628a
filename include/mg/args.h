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
 * Parse argv[1..argc) against (args), which has (n) keys; parsing stops
 * early at a NULL argv entry. First stores every default into its dest
 * (and clears every set flag), then applies each argument in order, so a
 * key given twice keeps the last value. Recognises the built-in keys
 * itself: --help anywhere on the line returns MG_ARGS_HELP (even next to
 * mistakes); --logs=SPEC is applied at once with mg_log_configure(). A bool
 * may be given as --name (true) or --no-name (false).
 *
 * Returns 0, MG_ARGS_HELP, or MG_EINVAL with a one-line message (no
 * newline) in (err, errlen), cut to fit and always NUL-terminated when
 * errlen > 0 ((err) MAY be NULL when errlen is 0). Each refusal names its
 * cause, e.g.
 *   unknown boot argument '--gretting' (did you mean '--greeting'?)
 *   invalid value '70000' for --port: out of range 1..65535
 *   unexpected argument 'foo': boot arguments are written --name=value ...
 *   unexpected '--': this image takes no positional arguments, ...
 *   missing required boot argument --name=STRING: Your name
 *   invalid --logs: unknown level 'loud' in 'tcp:loud' (levels: ...)
 *   invalid default 'abc' for --size: ... (a bad table, from config.c)
 * A required key (def NULL) that is not given is an error. String values
 * point into argv (or at the default), which live as long as the
 * unikernel. The work is linear in the input; user text quoted in a
 * message is cut at 64 bytes.
 */
int mg_args_parse(mg_arg *args, size_t n, int argc, char **argv, char *err,
		  size_t errlen);

/*
 * Write the --help text for image (name) (NULL: "unikernel") through
 * (out), one line per call, without a trailing newline: a usage line, then
 * each key of (args), aligned as
 *   --greeting=STRING  Text to print (default: Hello) [boot key, application]
 *   --port=INT         Port (default: 8080, range 1..65535) [boot key, http]
 *   --verbose[=BOOL]   Say more (default: false; --no-verbose for false) [..]
 *   --name=STRING      Your name (required) [boot key, application]
 * ("boot key" says these are read when the image starts, unlike the
 * configure-time keys of config.c; the last word is the key's owner), then
 * the built-in keys, then every log source with its current level
 * (mg_log_list()). Placeholders: STRING, INT, BOOL, IPV4, IPV4/LEN.
 */
void mg_args_help(const char *name, const mg_arg *args, size_t n,
		  void (*out)(const char *line, void *ctx), void *ctx);

/*
 * Parse one value of (a)'s type from (text) into (dest); a NULL (dest)
 * checks without storing. Integers are decimal or 0x hexadecimal with an
 * optional sign, nothing else around them, within int64 and within
 * [min, max] when either is non-zero. Booleans: true/false, yes/no, on/off,
 * 1/0 in any case. Addresses as mg_ipv4_parse() / mg_ipv4_prefix_parse().
 * Returns 0 or MG_EINVAL with a message naming the key, as above.
 */
int mg_arg_parse_value(const mg_arg *a, const char *text, void *dest,
		       char *err, size_t errlen);

#endif
