/* config.c: the configuration of the unikernel @NAME@ (see docs/tool.md). */
#include <mg/config.h>

void mg_configure(mg_config *c)
{
	mg_app *app = mg_main(c, "@NAME@", "@CNAME@_start");
	mg_app_source(app, "@NAME@.c");

	/* A boot-time key: morgana run -- --name=Morgana */
	mg_boot_string(c, "name", "World", "Who to greet");

	/* The devices @CNAME@_start receives, in its parameter order. */
	mg_app_console(app, mg_default_console(c));
	mg_app_time(app, mg_default_time(c));
}
