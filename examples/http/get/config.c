/* config.c of get: an HTTP/1.1 client on either network stack. */
#include <mg/config.h>

void mg_configure(mg_config *c)
{
	mg_app *app = mg_main(c, "get", "get_start");
	mg_app_source(app, "get.c");
	mg_app_lib(app, "mghttp");

	mg_boot_ipv4(c, "host", "10.0.0.1", "Server address");
	mg_boot_int(c, "port", 80, 1, 65535, "Server port");
	mg_boot_string(c, "path", "/",
	               "Request targets separated by commas, e.g. /a,/b: one "
	               "request each, in order");
	mg_boot_string(c, "method", "GET", "Request method");
	mg_boot_string(c, "body", "",
	               "Request body, sent in chunks (Transfer-Encoding: "
	               "chunked); empty: none");
	mg_boot_int(c, "body-repeat", 1, 1, 1 << 24,
	            "How many times --body is sent, one after the other");
	mg_boot_int(c, "repeat", 1, 1, 1000,
	            "How many times the --path list is requested; every "
	            "request goes on one connection while the server keeps it");
	mg_boot_int(c, "timeout-ms", 10000, 1, 3600000,
	            "Limit for the connect and for each read or write");

	mg_app_console(app, mg_default_console(c));
	mg_app_stackv4(app, mg_generic_stackv4(c));
}
