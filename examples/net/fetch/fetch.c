/* fetch: connect to --host:--port, send --send, print what comes back. */
#include <stdio.h>

#include <mg/mg.h>
#include <mg/stackv4.h>

#include "mg_app.h"

/* --send with "\n", "\r" and "\\" decoded, in place. */
static size_t unescape(char *s)
{
	char *o = s;
	for (const char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1]) {
			p++;
			*o++ = *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p;
		} else {
			*o++ = *p;
		}
	}
	return (size_t)(o - s);
}

int fetch_start(mg_console *out, mg_stackv4 *net)
{
	uint64_t limit = (uint64_t)mg_keys.timeout_ms * MG_NS_PER_MS;
	mg_ipv4_endpoint dst = {mg_keys.host, (uint16_t)mg_keys.port};
	char a[MG_IPV4_ADDR_STRLEN];
	mg_ipv4_format(dst.addr, a);

	mg_flow *f;
	int rc = mg_tcp_connect(net, dst, 0, mg_deadline_in(limit), &f);
	if (rc < 0) {
		mg_console_printf(out, "fetch: connect to %s:%u: %s\n", a,
		                  dst.port, mg_strerror(rc));
		return 1;
	}
	static char req[4096];
	size_t n = 0;
	if (mg_keys.send[0]) {
		snprintf(req, sizeof req, "%s", mg_keys.send);
		n = unescape(req);
	}
	if (n)
		rc = mg_flow_write(f, mg_cbuf_make(req, n),
		                   mg_deadline_in(limit));
	if (rc == 0)
		rc = mg_flow_shutdown(f);

	static uint8_t buf[16384];
	size_t total = 0;
	while (rc == 0) {
		int got = mg_flow_read(f, mg_buf_make(buf, sizeof buf),
		                       mg_deadline_in(limit));
		if (got <= 0) {
			rc = got;
			break;
		}
		mg_console_write(out, (const char *)buf, (size_t)got);
		total += (size_t)got;
	}
	mg_flow_close(f);
	if (rc < 0) {
		mg_console_printf(out, "\nfetch: %s:%u after %zu bytes: %s\n",
		                  a, dst.port, total, mg_strerror(rc));
		return 1;
	}
	return 0;
}
