/* @NAME@: a Morgana unikernel. */
#include <mg/mg.h>

#include "mg_app.h"

/* Called once the devices are connected; returns the exit status. */
int @CNAME@_start(mg_console *console, mg_time *time)
{
	mg_console_printf(console, "Hello, %s!\n", mg_keys.name);
	mg_time_sleep_ns(time, 10 * MG_NS_PER_MS);
	mg_console_printf(console, "@NAME@ slept 10 ms and stops.\n");
	return 0;
}
