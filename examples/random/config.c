/* config.c of random: a console, the random device and a --count key. */
#include <mg/config.h>

void mg_configure(mg_config *c)
{
	mg_app *app = mg_main(c, "random", "random_start");
	mg_app_source(app, "random.c");

	mg_boot_int(c, "count", 5, 0, 1000, "How many numbers to print");

	mg_app_console(app, mg_default_console(c));
	mg_app_random(app, mg_default_random(c));
}
