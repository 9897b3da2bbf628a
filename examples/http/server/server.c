/* server: a small HTTP/1.1 server showing the handler API of mg/http_server.h.
 */
#include <mg/http_server.h>
#include <mg/mg.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mg_app.h"

#define ECHO_MAX (16u << 20)

static int hello(mg_http_request *req, mg_http_response *res, void *arg)
{
	(void)req;
	(void)arg;
	return mg_http_reply(res, 200, "text/plain; charset=utf-8",
	                     mg_cbuf_str("hello from morgana\n"));
}

/* The request body back, whole, with its Content-Type. */
static int echo(mg_http_request *req, mg_http_response *res, void *arg)
{
	(void)arg;
	size_t cap = 65536, n = 0;
	uint8_t *body = malloc(cap);
	if (!body)
		return MG_ENOMEM;
	for (;;) {
		if (n == cap) {
			uint8_t *b =
			    cap < ECHO_MAX ? realloc(body, cap * 2) : NULL;
			if (!b) {
				free(body);
				return mg_http_reply(
				    res, 413, NULL, mg_cbuf_str("too large\n"));
			}
			body = b;
			cap *= 2;
		}
		int r = mg_http_body_read(req, mg_buf_make(body + n, cap - n),
		                          MG_FOREVER);
		if (r < 0) {
			free(body);
			return r;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	mg_cbuf type;
	if (mg_http_header(req, "Content-Type", &type))
		mg_http_response_header_buf(res, "Content-Type", type);
	int rc = mg_http_response_send(res, mg_cbuf_make(body, n));
	free(body);
	return rc;
}

/* ?n=COUNT lines, sent as they are made: a chunked body. */
static int lines(mg_http_request *req, mg_http_response *res, void *arg)
{
	(void)arg;
	long n = 10;
	mg_cbuf v;
	if (mg_http_query_param(req->query, "n", &v) && v.len < 8) {
		char num[8];
		memcpy(num, v.p, v.len);
		num[v.len] = 0;
		n = strtol(num, NULL, 10);
	}
	mg_http_response_header(res, "Content-Type", "text/plain");
	int rc = mg_http_response_start(res, MG_HTTP_LENGTH_UNKNOWN);
	for (long i = 1; rc == 0 && i <= n; i++) {
		char line[32];
		int len = snprintf(line, sizeof line, "line %ld\n", i);
		rc = mg_http_response_write(res,
		                            mg_cbuf_make(line, (size_t)len));
	}
	return rc ? rc : mg_http_response_end(res);
}

int server_start(mg_console *console, mg_pclock *pclock, mg_stackv4 *net)
{
	mg_http_server_opts o = {
	    .limits = {.max_body = ECHO_MAX},
	    .header_timeout_ns = (uint64_t)mg_keys.header_timeout * MG_NS_PER_S,
	    .idle_timeout_ns = (uint64_t)mg_keys.idle_timeout * MG_NS_PER_S,
	    .max_connections = (unsigned)mg_keys.max_connections,
	    .pclock = pclock,
	    .server = "morgana",
	};
	mg_http_server *s;
	int rc = mg_http_server_new(&o, &s);
	if (rc == 0)
		rc = mg_http_route(s, "GET", "/", hello, NULL);
	if (rc == 0)
		rc = mg_http_route(s, "POST", "/echo", echo, NULL);
	if (rc == 0)
		rc = mg_http_route(s, "PUT", "/echo", echo, NULL);
	if (rc == 0)
		rc = mg_http_route(s, "GET", "/lines", lines, NULL);
	if (rc == 0)
		rc = mg_http_server_listen(s, net, (uint16_t)mg_keys.port);
	if (rc < 0) {
		mg_console_printf(console, "server: %s\n", mg_strerror(rc));
		return 1;
	}
	mg_stackv4_config cfg;
	char a[MG_IPV4_PREFIX_STRLEN];
	if (mg_stackv4_ipv4_config(net, &cfg) == 0)
		mg_console_printf(console, "server: listening on %s port %u\n",
		                  mg_ipv4_prefix_format(cfg.addr, a),
		                  mg_http_server_port(s));
	/* Connections run in fibers of their own; this one just waits. */
	for (;;)
		mg_sleep_ns(3600 * MG_NS_PER_S);
}
