/* config.c of echo: TCP and UDP echo on one port, on either network stack. */
#include <mg/config.h>

void mg_configure(mg_config *c)
{
	mg_app *app = mg_main(c, "echo", "echo_start");
	mg_app_source(app, "echo.c");

	mg_boot_int(c, "port", 7, 1, 65535, "TCP and UDP port to echo on");

	mg_app_console(app, mg_default_console(c));
	/* The socket stack on unix, the direct stack with --net=direct and
	 * on hvt. */
	mg_app_stackv4(app, mg_generic_stackv4(c));
}
