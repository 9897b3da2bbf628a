/* Boot: parse the boot arguments, run the application's fiber, exit. */
#include <stdio.h>
#include <string.h>

#include <mg/args.h>
#include <mg/error.h>
#include <mg/fiber.h>
#include <mg/platform.h>
#include <mg/unikernel.h>

/* sysexits.h's EX_USAGE, which scripts test for a bad command line. */
#define EXIT_USAGE 64

/* Applications often do their real work on this fiber: more room than a
 * connection's fiber needs. */
#define MAIN_STACK_SIZE (256 * 1024)

static void put(const char *s)
{
	mg_platform_console_write(s, strlen(s));
}

/*
 * --help goes out in a few large writes, not two per line: on hvt each
 * write is an exit to the tender.
 */
typedef struct help_out {
	char buf[4096];
	size_t len;
} help_out;

static void help_flush(help_out *h)
{
	if (h->len)
		mg_platform_console_write(h->buf, h->len);
	h->len = 0;
}

static void put_line(const char *line, void *ctx)
{
	help_out *h = ctx;
	size_t n = strlen(line);
	if (h->len + n + 1 > sizeof h->buf)
		help_flush(h);
	if (n + 1 > sizeof h->buf) {
		put(line);
		put("\n");
		return;
	}
	memcpy(h->buf + h->len, line, n);
	h->buf[h->len + n] = '\n';
	h->len += n + 1;
}

static int main_fiber(void *arg)
{
	const mg_unikernel *u = arg;
	/* The generated connect() has already named the device that failed. */
	if (u->connect && u->connect() != 0)
		mg_platform_exit(1);
	int v = u->start ? u->start() : 0;
	/*
	 * The unikernel ends with its main fiber: exit from here, as
	 * mg__boot() would after mg__run(), but without switching back and
	 * tearing the fiber down for nothing (where an hvt guest's CPU is
	 * emulated, that is a tenth of the boot). An MG_E code goes back to
	 * mg__boot() to be reported.
	 */
	if (v >= 0 && v <= 255)
		mg_platform_exit(v);
	return v;
}

_Noreturn void mg__boot(void)
{
	const mg_unikernel *u = &mg__unikernel;
	const mg_boot_info *bi = mg_platform_boot_info();
	const char *name = u->name ? u->name : bi->argv[0];
	char err[512];

	/* The parser also applies --logs, so that a bad source or level is
	 * refused like any other bad key. */
	int r = mg_args_parse(u->args, u->nargs, bi->argc, bi->argv, err,
	                      sizeof err);
	if (r == MG_ARGS_HELP) {
		help_out h;
		h.len = 0;
		mg_args_help(name, u->args, u->nargs, put_line, &h);
		help_flush(&h);
		mg_platform_exit(0);
	}
	if (r != 0) {
		char msg[768];
		snprintf(msg, sizeof msg, "%s: %s\nTry '%s --help'.\n", name,
		         err[0] ? err : mg_strerror(r), name);
		put(msg);
		mg_platform_exit(EXIT_USAGE);
	}

	mg_fiber_opts opts = {.name = "main", .stack_size = MAIN_STACK_SIZE};
	mg_fiber *f = mg_spawn(main_fiber, (void *)u, &opts);
	if (!f)
		mg_platform_abort(
		    "morgana: out of memory starting fiber 'main'");
	int v = mg__run(f);
	if (v < 0 || v > 255) {
		/* An MG_E code from start(): say which, end as a failure. */
		char msg[256];
		snprintf(msg, sizeof msg, "%s: start returned %s (%s)\n", name,
		         mg_strerror_name(v), mg_strerror(v));
		put(msg);
		mg_platform_exit(1);
	}
	mg_platform_exit(v);
}
