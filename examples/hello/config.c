/* config.c of hello: one console and two boot-time keys. */
#include <mg/config.h>

void mg_configure(mg_config *c)
{
	mg_app *app = mg_main(c, "hello", "hello_start");
	mg_app_source(app, "hello.c");

	/* Read at boot: dist/hello.unix --greeting=Hi --status=3 */
	mg_boot_string(c, "greeting", "Hello from Morgana",
	               "The greeting to print");
	mg_boot_int(c, "status", 0, 0, 255, "The exit status");

	mg_app_console(app, mg_default_console(c));
}
