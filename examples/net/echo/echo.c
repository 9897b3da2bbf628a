/* echo: every TCP connection and every UDP datagram on --port sent back. */
#include <mg/mg.h>
#include <mg/stackv4.h>

#include "mg_app.h"

static mg_console *out;
static mg_stackv4 *net;

/* One connection: what it sends comes back, until it shuts its side. */
static int echo_conn(mg_flow *f, void *arg)
{
	(void)arg;
	uint8_t buf[16384];
	for (;;) {
		int n =
		    mg_flow_read(f, mg_buf_make(buf, sizeof buf), MG_FOREVER);
		if (n <= 0)
			return n; /* 0 at the end of the stream */
		int rc =
		    mg_flow_write(f, mg_cbuf_make(buf, (size_t)n), MG_FOREVER);
		if (rc < 0)
			return rc;
	}
}

static int udp_echo(void *arg)
{
	mg_udp_socket *s = arg;
	static uint8_t buf[65536];
	for (;;) {
		mg_ipv4_endpoint from;
		int n = mg_udp_recvfrom(net, s, mg_buf_make(buf, sizeof buf),
		                        &from, MG_FOREVER);
		if (n < 0)
			return n;
		if ((size_t)n > sizeof buf)
			continue; /* cut short: do not echo a part */
		mg_udp_sendto(net, s, from, mg_cbuf_make(buf, (size_t)n));
	}
}

int echo_start(mg_console *console, mg_stackv4 *stackv4)
{
	out = console;
	net = stackv4;
	uint16_t port = (uint16_t)mg_keys.port;

	mg_udp_socket *udp;
	int rc = mg_udp_bind(net, port, 0, &udp);
	if (rc < 0) {
		mg_console_printf(out, "echo: udp port %u: %s\n", port,
		                  mg_strerror(rc));
		return 1;
	}
	mg_tcp_listener *l;
	mg_tcp_listen_opts o = {.port = port,
	                        .backlog = 256,
	                        .handler = echo_conn,
	                        .stack_size = 32 * 1024,
	                        .flags = MG_TCP_NODELAY};
	rc = mg_tcp_listen(net, &o, &l);
	if (rc < 0) {
		mg_console_printf(out, "echo: tcp port %u: %s\n", port,
		                  mg_strerror(rc));
		return 1;
	}
	mg_stackv4_config cfg;
	char a[MG_IPV4_PREFIX_STRLEN];
	if (mg_stackv4_ipv4_config(net, &cfg) == 0)
		mg_console_printf(
		    out, "echo: listening on %s, tcp and udp port %u\n",
		    mg_ipv4_prefix_format(cfg.addr, a), port);
	return udp_echo(udp) < 0 ? 1 : 0;
}
