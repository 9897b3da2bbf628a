/* libFuzzer target: boot argument parsing and --logs specs on any input. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mg/args.h>
#include <mg/error.h>
#include <mg/log.h>

/* More sources than core's, so --logs has names to match and miss. */
MG_LOG_SOURCE(fz_tcp, "tcp", "a source named like a layer");
MG_LOG_SOURCE(fz_ip, "net.ipv4", "a dotted source name");

#define MAX_ARGS  64
#define MAX_INPUT 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *s_greeting, *s_name;
static int64_t i_port, i_count;
static bool b_verbose;
static mg_ipv4_addr a_gw;
static mg_ipv4_prefix p_ip;

static mg_arg table[] = {
    {"greeting", MG_ARG_STRING, "Hello", "Text", "application", &s_greeting, 0,
     0, false},
    {"name", MG_ARG_STRING, NULL, "Required", "application", &s_name, 0, 0,
     false},
    {"port", MG_ARG_INT, "8080", "Bounded", "http", &i_port, 1, 65535, false},
    {"count", MG_ARG_INT, "0", "Unbounded", "application", &i_count, 0, 0,
     false},
    {"verbose", MG_ARG_BOOL, "off", "Flag", "application", &b_verbose, 0, 0,
     false},
    {"gateway", MG_ARG_IPV4, "10.0.0.1", "Address", "stack", &a_gw, 0, 0,
     false},
    {"ipv4", MG_ARG_IPV4_PREFIX, "10.0.0.2/24", "Prefix", "stack", &p_ip, 0, 0,
     false},
    {"no-dest", MG_ARG_INT, "1", "Parsed, not stored", "application", NULL, -5,
     5, false},
};
#define NTABLE (sizeof table / sizeof table[0])

/* An error message must be NUL-terminated inside its buffer. */
static void check_err(const char *err, size_t errlen)
{
	if (errlen && strnlen(err, errlen) >= errlen)
		abort();
}

static void sink(const char *line, void *ctx)
{
	size_t *total = ctx;
	size_t n = strlen(line);
	if (memchr(line, '\n', n))
		abort();
	*total += n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > MAX_INPUT)
		return 0;
	/* The first byte picks the error buffer's size, 0 included. */
	size_t errlen = data[0] % 97;
	data++;
	size--;

	/* Exactly sized copies, so that ASan sees any read past them. */
	char *text = malloc(size + 1);
	char *err = malloc(errlen ? errlen : 1);
	memcpy(text, data, size);
	text[size] = 0;

	/* Words split on '\n' and NUL, as argv after an image name. */
	char *argv[MAX_ARGS + 1];
	int argc = 0;
	argv[argc++] = "fuzz";
	char *p = text, *end = text + size;
	while (p < end && argc < MAX_ARGS) {
		argv[argc++] = p;
		char *q = p;
		while (q < end && *q != '\n' && *q != 0)
			q++;
		*q = 0;
		p = q + 1;
	}
	argv[argc] = NULL;

	int rc = mg_args_parse(table, NTABLE, argc, argv, errlen ? err : NULL,
	                       errlen);
	if (rc != 0 && rc != MG_ARGS_HELP && rc != MG_EINVAL)
		abort();
	if (rc == MG_EINVAL)
		check_err(err, errlen);
	if (rc == 0) {
		if (!s_name || i_port < 1 || i_port > 65535 || p_ip.len > 32)
			abort();
		if (!table[1].set)
			abort();
	}
	if (rc == MG_ARGS_HELP) {
		size_t total = 0;
		mg_args_help(argv[0], table, NTABLE, sink, &total);
		if (total == 0)
			abort();
	}

	/* The first word as a --logs spec and as a value of every type. */
	rc = mg_log_configure(argv[1], errlen ? err : NULL, (unsigned)errlen);
	if (rc != 0 && rc != MG_EINVAL)
		abort();
	if (rc != 0)
		check_err(err, errlen);
	for (size_t i = 0; i < NTABLE; i++) {
		union {
			int64_t i;
			bool b;
			const char *s;
			mg_ipv4_addr a;
			mg_ipv4_prefix p;
		} v;
		rc = mg_arg_parse_value(&table[i], argv[1], &v,
		                        errlen ? err : NULL, errlen);
		if (rc != 0 && rc != MG_EINVAL)
			abort();
		if (rc != 0)
			check_err(err, errlen);
	}

	free(err);
	free(text);
	return 0;
}
