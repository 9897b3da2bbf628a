/* config.c of timers: a console, the sleep device and two boot-time keys. */
#include <mg/config.h>

void mg_configure(mg_config *c)
{
	mg_app *app = mg_main(c, "timers", "timers_start");
	mg_app_source(app, "timers.c");

	mg_boot_int(c, "signal-after", 20, 0, 10000,
	            "ms before the condition is signalled");
	mg_boot_int(c, "timeout", 50, 0, 10000,
	            "ms before the timer ends the race");

	mg_app_console(app, mg_default_console(c));
	mg_app_time(app, mg_default_time(c));
}
