/* website: a static web site served from a kv_ro store (crunch, or tar on a
 * block device), on either network stack. */
#include <stdio.h>
#include <string.h>

#include <mg/http_server.h>
#include <mg/mg.h>

#include "mg_app.h"
#include "website.h"

typedef struct site {
	mg_console *console;
	mg_kv_ro *store;
} site;

static int reply(mg_http_response *res, int status, const char *text,
                 site_outcome *out)
{
	out->status = status;
	out->bytes = strlen(text);
	return mg_http_reply(res, status, "text/plain; charset=utf-8",
	                     mg_cbuf_str(text));
}

/* A folder asked without its '/': send the browser to the folder's form,
 * so that the relative links of its index.html resolve below it. */
static int to_folder(mg_http_request *req, mg_http_response *res,
                     site_outcome *out)
{
	char loc[MG_KV_KEY_MAX * 3 + 64];
	int n = snprintf(loc, sizeof loc, "%.*s/%s%.*s", (int)req->path.len,
	                 (const char *)req->path.p, req->query.len ? "?" : "",
	                 (int)req->query.len, (const char *)req->query.p);
	if (n < 0 || (size_t)n >= sizeof loc)
		return reply(res, 414, "URI too long\n", out);
	int rc = mg_http_response_header(res, "Location", loc);
	return rc ? rc : reply(res, 301, "moved to the folder\n", out);
}

/*
 * The key of the request's path: percent-decoded, "index.html" added
 * after a final '/'. The store checks the key (no "..", no empty
 * segment), so nothing outside it can be named. 0, or a status to answer.
 */
static int key_of(mg_http_request *req, char *key, size_t cap, bool *folder)
{
	static const char index[] = "index.html";
	int n = mg_http_percent_decode(req->path,
	                               mg_buf_make(key, cap - sizeof index));
	if (n == MG_ENOSPC)
		return 414;
	if (n <= 0 || key[0] != '/')
		return 400;
	*folder = key[n - 1] == '/';
	memcpy(key + n, *folder ? index : "", *folder ? sizeof index : 1);
	return 0;
}

static int get(site *s, mg_http_request *req, mg_http_response *res,
               site_outcome *out)
{
	char key[MG_KV_KEY_MAX + 1];
	bool folder = false;
	int st = key_of(req, key, sizeof key, &folder);
	if (st == 400)
		return reply(res, 400, "bad path\n", out);
	if (st)
		return reply(res, st, "URI too long\n", out);
	mg_kv_stat kst;
	int rc = mg_kv_ro_stat(s->store, key, &kst);
	if (rc == MG_ENOENT || rc == MG_EINVAL || rc == MG_ENAMETOOLONG ||
	    (rc == 0 && kst.kind == MG_KV_DIR && folder))
		return reply(res, 404, "not found\n", out);
	if (rc < 0)
		return rc;
	if (kst.kind == MG_KV_DIR)
		return to_folder(req, res, out);
	return site_serve_file(s->store, key, &kst, req, res, out);
}

static int handle(mg_http_request *req, mg_http_response *res, void *arg)
{
	site *s = arg;
	site_outcome out = {0, 0};
	int rc;
	if (mg_http_eq(req->method, "GET") || req->head) {
		rc = get(s, req, res, &out);
		if (req->head)
			out.bytes = 0; /* the server sent the head alone */
	} else {
		rc = mg_http_response_header(res, "Allow", "GET, HEAD");
		if (rc == 0)
			rc = reply(res, 405, "method not allowed\n", &out);
	}
	if (mg_keys.log_requests)
		mg_console_printf(
		    s->console, "%.*s %.*s %d %llu%s%s\n", (int)req->method.len,
		    (const char *)req->method.p,
		    (int)(req->target.len < 300 ? req->target.len : 300),
		    (const char *)req->target.p, out.status ? out.status : 500,
		    (unsigned long long)out.bytes, rc < 0 ? " error: " : "",
		    rc < 0 ? mg_strerror(rc) : "");
	return rc;
}

int website_start(mg_console *console, mg_pclock *pclock, mg_stackv4 *net,
                  mg_kv_ro *store)
{
	static site s;
	s = (site){console, store};
	mg_kv_kind kind;
	if (mg_kv_ro_exists(store, "index.html", &kind) != 1 ||
	    kind != MG_KV_FILE)
		mg_console_printf(console, "website: warning: the store has "
		                           "no index.html\n");
	mg_http_server_opts o = {
	    .header_timeout_ns = (uint64_t)mg_keys.header_timeout * MG_NS_PER_S,
	    .idle_timeout_ns = (uint64_t)mg_keys.idle_timeout * MG_NS_PER_S,
	    .max_connections = (unsigned)mg_keys.max_connections,
	    .pclock = pclock,
	    .server = "morgana",
	};
	mg_http_server *srv;
	int rc = mg_http_server_new(&o, &srv);
	if (rc == 0)
		rc = mg_http_route(srv, NULL, "/*", handle, &s);
	if (rc == 0)
		rc = mg_http_server_listen(srv, net, (uint16_t)mg_keys.port);
	if (rc < 0) {
		mg_console_printf(console, "website: %s\n", mg_strerror(rc));
		return 1;
	}
	mg_stackv4_config cfg;
	char a[MG_IPV4_PREFIX_STRLEN];
	if (mg_stackv4_ipv4_config(net, &cfg) == 0)
		mg_console_printf(console, "website: listening on %s port %u\n",
		                  mg_ipv4_prefix_format(cfg.addr, a),
		                  mg_http_server_port(srv));
	/* Connections are served in fibers of their own. */
	for (;;)
		mg_sleep_ns(3600 * MG_NS_PER_S);
}
