/* config.c of fetch: a TCP client on either network stack. */
#include <mg/config.h>

void mg_configure(mg_config *c)
{
	mg_app *app = mg_main(c, "fetch", "fetch_start");
	mg_app_source(app, "fetch.c");

	mg_boot_ipv4(c, "host", "10.0.0.1", "Server address");
	mg_boot_int(c, "port", 80, 1, 65535, "Server port");
	mg_boot_string(c, "send", "",
	               "Text to send first (\\n and \\r are escapes), then "
	               "shut our side");
	mg_boot_int(c, "timeout-ms", 5000, 1, 3600000,
	            "Limit for the connect and for each read");

	mg_app_console(app, mg_default_console(c));
	mg_app_stackv4(app, mg_generic_stackv4(c));
}
