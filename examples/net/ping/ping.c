/* ping: the direct stack answers ICMP and ARP; this prints its counters. */
#include <mg/mg.h>
#include <mg/stackv4.h>
#include <mg/stackv4_direct.h>

#include "mg_app.h"

static mg_console *out;

/* Counters that are not zero, one per line: "  ipv4.rx_datagrams 12". */
static void print_counter(void *ctx, const char *layer, const char *name,
                          uint64_t value)
{
	(void)ctx;
	if (value)
		mg_console_printf(out, "  %s.%s %llu\n", layer, name,
		                  (unsigned long long)value);
}

int ping_start(mg_console *console, mg_stackv4 *net)
{
	out = console;
	mg_stackv4_config cfg;
	int rc = mg_stackv4_ipv4_config(net, &cfg);
	if (rc < 0) {
		mg_console_printf(out, "ping: no address: %s\n",
		                  mg_strerror(rc));
		return 1;
	}
	char a[MG_IPV4_PREFIX_STRLEN];
	mg_console_printf(out, "ping: answering on %s\n",
	                  mg_ipv4_prefix_format(cfg.addr, a));

	uint64_t until =
	    mg_keys.duration_ms
	        ? mg_deadline_in((uint64_t)mg_keys.duration_ms * MG_NS_PER_MS)
	        : MG_FOREVER;
	if (mg_keys.stop_port) {
		mg_udp_socket *s;
		rc = mg_udp_bind(net, (uint16_t)mg_keys.stop_port, 1, &s);
		if (rc < 0) {
			mg_console_printf(out, "ping: udp port %d: %s\n",
			                  (int)mg_keys.stop_port,
			                  mg_strerror(rc));
			return 1;
		}
		char b[16];
		rc = mg_udp_recvfrom(net, s, mg_buf_make(b, sizeof b), NULL,
		                     until);
		mg_udp_close(net, s);
		if (rc >= 0)
			mg_console_printf(out, "ping: stop received\n");
	} else {
		mg_sleep_until(until);
	}
	mg_console_printf(out, "ping: counters\n");
	mg_stackv4_direct_counters(net, print_counter, NULL);
	/* Returning disconnects the stack, which releases a DHCP lease if
	 * there is one. */
	mg_console_printf(out, "ping: done\n");
	return 0;
}
