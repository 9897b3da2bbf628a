/* hello: prints a greeting and its boot arguments, exits with --status. */
#include <mg/mg.h>

#include "mg_app.h"

int hello_start(mg_console *console)
{
	const mg_boot_info *boot = mg_platform_boot_info();

	mg_console_printf(console, "%s\n", mg_keys.greeting);
	mg_console_printf(console, "boot arguments (%d):\n", boot->argc - 1);
	for (int i = 1; i < boot->argc; i++)
		mg_console_printf(console, "  %d: %s\n", i, boot->argv[i]);
	mg_console_printf(console, "exiting with status %d\n",
	                  (int)mg_keys.status);
	return (int)mg_keys.status;
}
