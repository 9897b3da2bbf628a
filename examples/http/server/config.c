/* config.c of the HTTP server example, on either network stack. */
#include <mg/config.h>

void mg_configure(mg_config *c)
{
	mg_app *app = mg_main(c, "server", "server_start");
	mg_app_source(app, "server.c");
	mg_app_lib(app, "mghttp");

	mg_boot_int(c, "port", 8080, 1, 65535, "TCP port to serve HTTP on");
	mg_boot_int(c, "header-timeout", 10, 1, 3600,
	            "seconds a request head may take to arrive");
	mg_boot_int(c, "idle-timeout", 30, 1, 3600,
	            "seconds a connection may stay idle between requests");
	mg_boot_int(c, "max-connections", 1024, 1, 100000,
	            "connections served at once");

	mg_app_console(app, mg_default_console(c));
	/* The wall clock gives responses their Date. */
	mg_app_pclock(app, mg_default_pclock(c));
	/* The socket stack on unix, the direct stack with --net=direct and
	 * on hvt. */
	mg_app_stackv4(app, mg_generic_stackv4(c));
}
