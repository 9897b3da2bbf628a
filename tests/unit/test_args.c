/* Boot arguments: every type, every kind of mistake, and the help text. */
#include <mg/args.h>
#include <mg/error.h>
#include <mg/log.h>

#include "mgtest.h"

static const char *greeting;
static int64_t port, count;
static bool verbose;
static mg_ipv4_addr gateway;
static mg_ipv4_prefix ipv4;

static mg_arg table[] = {
    {"greeting", MG_ARG_STRING, "Hello", "Text to print", "application",
     &greeting, 0, 0, false},
    {"port", MG_ARG_INT, "8080", "Port to listen on", "http", &port, 1, 65535,
     false},
    {"count", MG_ARG_INT, "0", "How many", "application", &count, 0, 0, false},
    {"verbose", MG_ARG_BOOL, "false", "Say more", "application", &verbose, 0, 0,
     false},
    {"gateway", MG_ARG_IPV4, "10.0.0.1", "Default gateway", "stack", &gateway,
     0, 0, false},
    {"ipv4", MG_ARG_IPV4_PREFIX, "10.0.0.2/24", "Address and network", "stack",
     &ipv4, 0, 0, false},
};
#define NTABLE (sizeof table / sizeof table[0])

static char err[1024];
static char words[64][256];
static char *argv_[65];

/* Parse (line), split on spaces, as the arguments after an image name. */
static int parse_in(mg_arg *t, size_t n, const char *line)
{
	int argc = 0;
	argv_[argc++] = "img";
	const char *p = line;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		size_t len = strcspn(p, " ");
		ASSERT_CMP(len, <, sizeof words[0]);
		memcpy(words[argc], p, len);
		words[argc][len] = 0;
		argv_[argc] = words[argc];
		argc++;
		p += len;
	}
	argv_[argc] = NULL;
	memset(err, 0, sizeof err);
	return mg_args_parse(t, n, argc, argv_, err, sizeof err);
}

static int parse(const char *line)
{
	return parse_in(table, NTABLE, line);
}

#define PARSES(line)                                                           \
	do {                                                                   \
		if (parse(line) != 0)                                          \
			mgt_fail(__FILE__, __LINE__, "'%s' refused: %s", line, \
			         err);                                         \
	} while (0)

#define REFUSED(line, msg)                                                     \
	do {                                                                   \
		int rc_ = parse(line);                                         \
		if (rc_ != MG_EINVAL)                                          \
			mgt_fail(__FILE__, __LINE__, "'%s' gave %d", line,     \
			         rc_);                                         \
		ASSERT_CONTAINS(err, msg);                                     \
	} while (0)

MGT_TEST(defaults_are_stored)
{
	table[1].set = true;
	PARSES("");
	ASSERT_STREQ(greeting, "Hello");
	ASSERT_EQ(port, 8080);
	ASSERT_EQ(count, 0);
	ASSERT_EQ(verbose, false);
	ASSERT_EQ(gateway.v, 0x0a000001);
	ASSERT_EQ(ipv4.addr.v, 0x0a000002);
	ASSERT_EQ(ipv4.len, 24);
	for (size_t i = 0; i < NTABLE; i++)
		ASSERT_EQ(table[i].set, false);
}

MGT_TEST(every_type_parses)
{
	PARSES("--greeting=Hi --port=80 --count=-3 --verbose=yes "
	       "--gateway=192.168.1.1 --ipv4=172.16.0.9/12");
	ASSERT_STREQ(greeting, "Hi");
	ASSERT_EQ(port, 80);
	ASSERT_EQ(count, -3);
	ASSERT_EQ(verbose, true);
	ASSERT_EQ(gateway.v, 0xc0a80101);
	ASSERT_EQ(ipv4.addr.v, 0xac100009);
	ASSERT_EQ(ipv4.len, 12);
	for (size_t i = 0; i < NTABLE; i++)
		ASSERT_EQ(table[i].set, true);
	/* A string points into argv, and may be empty. */
	ASSERT_TRUE(greeting == argv_[1] + strlen("--greeting="));
	PARSES("--greeting=");
	ASSERT_STREQ(greeting, "");
	PARSES("--greeting=a=b");
	ASSERT_STREQ(greeting, "a=b");
}

MGT_TEST(integers)
{
	PARSES("--count=0x1F");
	ASSERT_EQ(count, 31);
	PARSES("--count=0XfF");
	ASSERT_EQ(count, 255);
	PARSES("--count=+7");
	ASSERT_EQ(count, 7);
	PARSES("--count=-0x10");
	ASSERT_EQ(count, -16);
	PARSES("--count=007");
	ASSERT_EQ(count, 7);
	PARSES("--count=9223372036854775807");
	ASSERT_EQ(count, INT64_MAX);
	PARSES("--count=-9223372036854775808");
	ASSERT_EQ(count, INT64_MIN);
	PARSES("--count=0x7fffffffffffffff");
	ASSERT_EQ(count, INT64_MAX);
	PARSES("--port=1 --port=65535");
	ASSERT_EQ(port, 65535);

	REFUSED("--count=9223372036854775808", "does not fit in a 64-bit");
	REFUSED("--count=-9223372036854775809", "does not fit in a 64-bit");
	REFUSED("--count=0xffffffffffffffff", "does not fit");
	REFUSED("--count=99999999999999999999999", "does not fit");
	REFUSED("--count=12abc", "invalid value '12abc' for --count: not an "
	                         "integer");
	REFUSED("--count=", "not an integer");
	REFUSED("--count=-", "not an integer");
	REFUSED("--count=0x", "not an integer");
	REFUSED("--count=1e3", "not an integer");
	REFUSED("--count=1.5", "not an integer");
	REFUSED("--count=--1", "not an integer");
	REFUSED("--count=0x1g", "not an integer");
	REFUSED("--port=0", "invalid value '0' for --port: out of range "
	                    "1..65535");
	REFUSED("--port=65536", "out of range 1..65535");
	REFUSED("--port=-1", "out of range");
	REFUSED("--port", "--port needs a value: --port=INT");

	/* Spaces cannot come through the split above: test directly. */
	int64_t v = 42;
	ASSERT_EQ(mg_arg_parse_value(&table[2], " 5", &v, err, sizeof err),
	          MG_EINVAL);
	ASSERT_EQ(mg_arg_parse_value(&table[2], "5 ", &v, err, sizeof err),
	          MG_EINVAL);
	ASSERT_EQ(mg_arg_parse_value(&table[2], "5\n", &v, err, sizeof err),
	          MG_EINVAL);
	ASSERT_EQ(v, 42);
	ASSERT_EQ(mg_arg_parse_value(&table[2], "-12", &v, err, sizeof err), 0);
	ASSERT_EQ(v, -12);
	/* A NULL dest checks without storing. */
	ASSERT_EQ(mg_arg_parse_value(&table[2], "77", NULL, err, sizeof err),
	          0);
	ASSERT_EQ(mg_arg_parse_value(&table[2], NULL, &v, err, sizeof err),
	          MG_EINVAL);
}

MGT_TEST(booleans)
{
	static const char *const yes[] = {"true", "yes", "on", "1",
	                                  "TRUE", "Yes", "oN"};
	static const char *const no[] = {"false", "no", "off", "0",
	                                 "FALSE", "No", "OFF"};
	char line[64];
	for (size_t i = 0; i < 7; i++) {
		snprintf(line, sizeof line, "--verbose=%s", yes[i]);
		PARSES(line);
		ASSERT_EQ(verbose, true);
		snprintf(line, sizeof line, "--verbose=%s", no[i]);
		PARSES(line);
		ASSERT_EQ(verbose, false);
	}
	PARSES("--verbose");
	ASSERT_EQ(verbose, true);
	ASSERT_EQ(table[3].set, true);
	PARSES("--verbose --no-verbose");
	ASSERT_EQ(verbose, false);
	ASSERT_EQ(table[3].set, true);
	PARSES("--no-verbose --verbose");
	ASSERT_EQ(verbose, true);

	REFUSED("--verbose=maybe", "invalid value 'maybe' for --verbose: "
	                           "expected true/false, yes/no, on/off or "
	                           "1/0");
	REFUSED("--verbose=", "expected true/false");
	REFUSED("--verbose=truex", "expected true/false");
	REFUSED("--verbose=2", "expected true/false");
	REFUSED("--no-verbose=true", "--no-verbose takes no value");
	/* --no- only exists for booleans. */
	REFUSED("--no-port", "unknown boot argument '--no-port'");
	REFUSED("--no-", "unknown boot argument '--no-'");
}

MGT_TEST(addresses)
{
	PARSES("--gateway=0.0.0.0 --ipv4=0.0.0.0/0");
	ASSERT_EQ(gateway.v, 0);
	ASSERT_EQ(ipv4.len, 0);
	REFUSED("--gateway=10.0.0.256", "invalid value '10.0.0.256' for "
	                                "--gateway: expected an IPv4 address");
	REFUSED("--gateway=10.0.0", "expected an IPv4 address");
	REFUSED("--gateway=10.0.0.1.", "expected an IPv4 address");
	REFUSED("--gateway=010.0.0.1", "no leading zeros");
	REFUSED("--gateway=10.0.0.1/24", "expected an IPv4 address");
	REFUSED("--ipv4=10.0.0.1", "expected an IPv4 address and prefix");
	REFUSED("--ipv4=10.0.0.1/33", "length 0..32");
	REFUSED("--ipv4=10.0.0.1/", "length 0..32");
	REFUSED("--ipv4=10.0.0/8", "prefix length");
}

MGT_TEST(last_occurrence_wins)
{
	PARSES("--greeting=a --port=10 --greeting=b --port=20");
	ASSERT_STREQ(greeting, "b");
	ASSERT_EQ(port, 20);
	/* A bad value is refused even when a later one would be good. */
	REFUSED("--port=0 --port=10", "out of range");
}

MGT_TEST(required_keys)
{
	const char *who = "unset";
	mg_arg t[] = {
	    {"name", MG_ARG_STRING, NULL, "Your name", "application", &who, 0,
	     0, false},
	    {"level", MG_ARG_INT, "3", "Level", "application", NULL, 0, 0,
	     false},
	};
	ASSERT_EQ(parse_in(t, 2, "--level=4"), MG_EINVAL);
	ASSERT_STREQ(err, "missing required boot argument --name=STRING: "
	                  "Your name");
	ASSERT_STREQ(who, "unset");
	ASSERT_EQ(parse_in(t, 2, "--name=Ada"), 0);
	ASSERT_STREQ(who, "Ada");
	ASSERT_EQ(parse_in(t, 2, "--name="), 0);
	ASSERT_STREQ(who, "");
}

MGT_TEST(unknown_keys_suggest_the_closest)
{
	REFUSED("--gretting=Hi", "");
	ASSERT_STREQ(err, "unknown boot argument '--gretting' (did you mean "
	                  "'--greeting'?)");
	REFUSED("--prot=1", "(did you mean '--port'?)");
	REFUSED("--Port=1", "(did you mean '--port'?)");
	REFUSED("--greet=x", "(did you mean '--greeting'?)");
	REFUSED("--verbos", "(did you mean '--verbose'?)");
	REFUSED("--no-verbos", "(did you mean '--no-verbose'?)");
	REFUSED("--gatway=1.2.3.4", "(did you mean '--gateway'?)");
	REFUSED("--lgos=core:debug", "(did you mean '--logs'?)");
	REFUSED("--hlep", "(did you mean '--help'?)");
	REFUSED("--xyzzy=1", "");
	ASSERT_STREQ(err, "unknown boot argument '--xyzzy' (--help lists "
	                  "them)");
	REFUSED("--=x", "has no key name");
	REFUSED("---port=1", "unknown boot argument '---port'");
}

MGT_TEST(positional_words_are_refused)
{
	REFUSED("foo", "unexpected argument 'foo': boot arguments are written "
	               "--name=value");
	REFUSED("--port=1 foo", "unexpected argument 'foo'");
	REFUSED("--", "unexpected '--': this image takes no positional "
	              "arguments");
	REFUSED("-- --port=1", "unexpected '--'");
	REFUSED("-", "unexpected argument '-'");
	REFUSED("-v", "unknown boot argument '-v': keys start with two "
	              "dashes");
	REFUSED("-port=1", "two dashes");
}

MGT_TEST(help_and_logs_are_built_in)
{
	ASSERT_EQ(parse("--help"), MG_ARGS_HELP);
	ASSERT_EQ(parse("--port=1 --help"), MG_ARGS_HELP);
	/* --help wins over mistakes around it. */
	ASSERT_EQ(parse("--nope --help foo"), MG_ARGS_HELP);
	REFUSED("--help=yes", "--help takes no value");

	PARSES("--logs=core:debug");
	ASSERT_EQ(mg__log_src_core.level, MG_LOG_DEBUG);
	PARSES("--logs=*:warn --logs=core:error");
	ASSERT_EQ(mg__log_src_core.level, MG_LOG_ERROR);
	REFUSED("--logs=nope:debug", "");
	ASSERT_STREQ(err, "invalid --logs: unknown log source 'nope' in "
	                  "'nope:debug' (sources: *, core)");
	ASSERT_CONTAINS(err, "sources: *, core");
	REFUSED("--logs=core:loud", "levels: error, warn, info, debug");
	REFUSED("--logs", "--logs needs a value");
	REFUSED("--logs=", "invalid --logs: empty");
	ASSERT_EQ(mg__log_src_core.level, MG_LOG_ERROR);
}

MGT_TEST(bad_default_is_reported)
{
	int64_t v;
	mg_arg t[] = {{"size", MG_ARG_INT, "big", "Size", "application", &v, 0,
	               0, false}};
	ASSERT_EQ(parse_in(t, 1, ""), MG_EINVAL);
	ASSERT_CONTAINS(err, "invalid default 'big' for --size");
	mg_arg r[] = {
	    {"size", MG_ARG_INT, "5", "Size", "application", &v, 1, 4, false}};
	ASSERT_EQ(parse_in(r, 1, "--size=2"), MG_EINVAL);
	ASSERT_CONTAINS(err, "invalid default '5' for --size: out of range");
}

MGT_TEST(messages_fit_any_buffer)
{
	char *argv[] = {"img", "--gretting=Hi", NULL};
	char small[10];
	memset(small, 'x', sizeof small);
	ASSERT_EQ(mg_args_parse(table, NTABLE, 2, argv, small, sizeof small),
	          MG_EINVAL);
	ASSERT_EQ(strlen(small), sizeof small - 1);
	ASSERT_EQ(mg_args_parse(table, NTABLE, 2, argv, NULL, 0), MG_EINVAL);

	/* A huge argument is quoted cut short, and searched no further. */
	static char huge[20000];
	memset(huge, 'k', sizeof huge - 1);
	memcpy(huge, "--", 2);
	char *argv2[] = {"img", huge, NULL};
	ASSERT_EQ(mg_args_parse(table, NTABLE, 2, argv2, err, sizeof err),
	          MG_EINVAL);
	ASSERT_CONTAINS(err, "kkk...' (--help lists them)");
	ASSERT_CMP(strlen(err), <, 200);

	/* argc 0 and a NULL argv entry end the list. */
	ASSERT_EQ(mg_args_parse(table, NTABLE, 0, NULL, err, sizeof err), 0);
	char *argv3[] = {"img", NULL, "--nope"};
	ASSERT_EQ(mg_args_parse(table, NTABLE, 3, argv3, err, sizeof err), 0);
}

static char help[8192];
static int help_lines;

static void collect(const char *line, void *ctx)
{
	(void)ctx;
	ASSERT_TRUE(strchr(line, '\n') == NULL);
	help_lines++;
	strcat(help, line);
	strcat(help, "\n");
}

MGT_TEST(help_text)
{
	mg_arg t[NTABLE + 1];
	memcpy(t, table, sizeof table);
	t[NTABLE] = (mg_arg){
	    "name", MG_ARG_STRING, NULL, "Your name", NULL, NULL, 0, 0, false};
	mg_args_help("hello", t, NTABLE + 1, collect, NULL);
	ASSERT_CONTAINS(help, "usage: hello [--KEY=VALUE ...]\n");
	/* Keys aligned on the widest, "--logs=SRC:LEVEL,...". */
	ASSERT_CONTAINS(help, "\n  --greeting=STRING     Text to print "
	                      "(default: Hello) [boot key, application]\n");
	ASSERT_CONTAINS(help, "\n  --port=INT            Port to listen on "
	                      "(default: 8080, range 1..65535) "
	                      "[boot key, http]\n");
	ASSERT_CONTAINS(help, "\n  --count=INT           How many (default: "
	                      "0) [boot key, application]\n");
	ASSERT_CONTAINS(help, "\n  --verbose[=BOOL]      Say more (default: "
	                      "false; --no-verbose for false) "
	                      "[boot key, application]\n");
	ASSERT_CONTAINS(help, "\n  --gateway=IPV4        Default gateway "
	                      "(default: 10.0.0.1) [boot key, stack]\n");
	ASSERT_CONTAINS(help, "\n  --ipv4=IPV4/LEN       Address and network "
	                      "(default: 10.0.0.2/24) [boot key, stack]\n");
	ASSERT_CONTAINS(help, "\n  --name=STRING         Your name (required) "
	                      "[boot key, unikernel]\n");
	ASSERT_CONTAINS(help, "\n  --help                Show this help and "
	                      "exit [boot key, built-in]\n");
	ASSERT_CONTAINS(help, "\n  --logs=SRC:LEVEL,...  Set log levels");
	ASSERT_CONTAINS(help, "(levels: error, warn, info, debug; * is every "
	                      "source) [boot key, built-in]\n");
	ASSERT_CONTAINS(help, "\nLog sources");
	ASSERT_CONTAINS(help, "\n  core  info   the Morgana runtime");
	/* Sections in order: the image's keys, built-ins, log sources. */
	ASSERT_TRUE(strstr(help, "--name=") < strstr(help, "--help "));
	ASSERT_TRUE(strstr(help, "--logs=") < strstr(help, "  core  "));
	ASSERT_CMP(help_lines, >=, 14);
}

MGT_TEST(help_with_no_keys)
{
	mg_args_help(NULL, NULL, 0, collect, NULL);
	ASSERT_CONTAINS(help, "usage: unikernel [--KEY=VALUE ...]\n");
	ASSERT_CONTAINS(help, "  (none)\n");
	ASSERT_CONTAINS(help, "--logs=SRC:LEVEL,...");
}
