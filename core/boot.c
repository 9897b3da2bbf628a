/* Boot: parse the boot arguments, run the application's fiber, exit cleanly. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <mg/args.h>
#include <mg/error.h>
#include <mg/exit.h>
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

static const char *image_name(void)
{
	const mg_unikernel *u = &mg__unikernel;
	return u->name ? u->name : mg_platform_boot_info()->argv[0];
}

/* Set by the first exit: later ones wait for it to end the unikernel. */
static bool exiting;

/*
 * The one clean way out: disconnect the devices (which may suspend, so
 * this runs on a fiber), then exit. Exiting from the fiber rather than
 * switching back to mg__boot() skips tearing it down for nothing (where
 * an hvt guest's CPU is emulated, that is a tenth of the boot).
 */
_Noreturn void mg_exit(int status)
{
	const mg_unikernel *u = &mg__unikernel;
	if (exiting) {
		for (;;)
			mg_sleep_until(MG_FOREVER);
	}
	exiting = true;
	if (status < 0 || status > 255) {
		/* An MG_E code from start(): say which, end as a failure. */
		char msg[256];
		snprintf(msg, sizeof msg, "%s: start returned %s (%s)\n",
		         image_name(), mg_strerror_name(status),
		         mg_strerror(status));
		put(msg);
		status = 1;
	}
	if (u->disconnect && u->disconnect() != 0 && status == 0)
		status = 1;
	mg_platform_exit(status);
}

static int main_fiber(void *arg)
{
	const mg_unikernel *u = arg;
	/* The generated connect() has already named the device that failed;
	 * those connected before it are disconnected. */
	if (u->connect && u->connect() != 0)
		mg_exit(1);
	mg_exit(u->start ? u->start() : 0);
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
	/* main_fiber() never returns: mg_exit() ends the unikernel. */
	mg__run(f);
	mg_platform_abort("morgana: fiber 'main' ended without exiting");
}
