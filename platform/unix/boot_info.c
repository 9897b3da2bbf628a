/* Boot information from the process arguments, and process set-up. */
#include <signal.h>

#include <mg/platform.h>
#include <mg/platform_unix.h>

#include "unix_internal.h"

static char *default_argv[] = {"morgana", NULL};

static mg_boot_info info = {
    .argc = 1,
    .argv = default_argv,
    .heap_start = NULL,
    .heap_size = 0, /* the host's malloc */
    .target = "unix",
};

void mg_unix_init(int argc, char **argv)
{
	if (argc >= 1 && argv && argv[0]) {
		info.argc = mg__unix_bindings_take(argc, argv);
		info.argv = argv;
	}
	/* A closed stdout or socket is an error to handle, not a death. */
	signal(SIGPIPE, SIG_IGN);
	mg__unix_fault_install();
}

const mg_boot_info *mg_platform_boot_info(void)
{
	return &info;
}
