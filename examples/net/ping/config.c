/* config.c of ping: the direct stack alone, answering ping and ARP. */
#include <mg/config.h>

void mg_configure(mg_config *c)
{
	mg_app *app = mg_main(c, "ping", "ping_start");
	mg_app_source(app, "ping.c");

	mg_boot_int(c, "stop-port", 0, 0, 65535,
	            "UDP port on which any datagram stops the unikernel, "
	            "after it prints its counters (0: none)");
	mg_boot_int(c, "duration-ms", 0, 0, 86400000,
	            "Stop after this long (0: run until stopped)");

	mg_app_console(app, mg_default_console(c));
	/* Always the direct stack: answering ping is its job, not the
	 * host's. */
	mg_app_stackv4(app, mg_direct_stackv4(c, mg_netif(c, "service")));
}
