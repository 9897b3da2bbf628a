/* The HTTP server: options, routes, listener and connections; see
 * mg/http_server.h */
#include "server_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

MG_LOG_SOURCE(httpd, "httpd",
              "HTTP server: refused requests, handler "
              "errors");

static uint64_t platform_now(void)
{
	return mg_now_ns();
}

int mg_http_server_new(const mg_http_server_opts *opts, mg_http_server **out)
{
	mg_http_server_opts o = {0};
	if (opts)
		o = *opts;
	if (o.server) {
		size_t n = strlen(o.server);
		if (n > MG__HTTP_SERVER_NAME_MAX ||
		    strpbrk(o.server, "\r\n") != NULL)
			return MG_EINVAL;
	}
	if (!o.max_connections)
		o.max_connections = 1024;
	if (o.buffer_size < 256)
		o.buffer_size = o.buffer_size ? 256 : 2048;
	if (!o.header_timeout_ns)
		o.header_timeout_ns = 10 * MG_NS_PER_S;
	if (!o.idle_timeout_ns)
		o.idle_timeout_ns = 30 * MG_NS_PER_S;
	if (!o.body_timeout_ns)
		o.body_timeout_ns = 30 * MG_NS_PER_S;
	if (!o.send_timeout_ns)
		o.send_timeout_ns = 30 * MG_NS_PER_S;
	if (!o.max_drain)
		o.max_drain = 65536;
	if (!o.stack_size)
		o.stack_size = 32 * 1024;
	mg_http_server *s = calloc(1, sizeof *s);
	if (!s)
		return MG_ENOMEM;
	s->o = o;
	/* The parser's defaults, so that buffers can be sized from them. */
	mg_http_parser p;
	mg_http_parser_init(&p, &o.limits);
	s->o.limits = p.lim;
	mg_cond_init(&s->gone);
	s->now = platform_now;
	*out = s;
	return 0;
}

int mg_http_route(mg_http_server *s, const char *method, const char *path,
                  mg_http_handler fn, void *arg)
{
	if (!path || !fn || (path[0] != '/' && strcmp(path, "*") != 0))
		return MG_EINVAL;
	if (s->nroutes == s->caproutes) {
		size_t n = s->caproutes ? s->caproutes * 2 : 8;
		mg__http_route *r = realloc(s->routes, n * sizeof *r);
		if (!r)
			return MG_ENOMEM;
		s->routes = r;
		s->caproutes = n;
	}
	size_t len = strlen(path);
	bool prefix = len > 1 && path[len - 1] == '*';
	s->routes[s->nroutes++] = (mg__http_route){
	    .method = method,
	    .path = path,
	    .plen = prefix ? len - 1 : len,
	    .prefix = prefix,
	    .fn = fn,
	    .arg = arg,
	};
	return 0;
}

void mg_http_fallback(mg_http_server *s, mg_http_handler fn, void *arg)
{
	s->fallback = fn;
	s->fallback_arg = arg;
}

static bool path_matches(const mg__http_route *r, mg_cbuf path)
{
	if (r->prefix ? path.len < r->plen : path.len != r->plen)
		return false;
	return memcmp(path.p, r->path, r->plen) == 0;
}

static bool method_matches(const char *m, const mg_http_request *req)
{
	return !m || mg_http_eq(req->method, m) ||
	       (req->head && strcmp(m, "GET") == 0);
}

/* "GET, HEAD, POST": the methods of the routes of (path), for 405. */
static void allow_list(mg_http_server *s, mg_cbuf path, char *out, size_t n)
{
	size_t used = 0;
	out[0] = 0;
	for (size_t i = 0; i < s->nroutes; i++) {
		const char *m = s->routes[i].method;
		if (!path_matches(&s->routes[i], path))
			continue;
		for (int pass = 0; pass < 2; pass++) {
			if (pass == 1 && strcmp(m, "GET") != 0)
				break;
			const char *add = pass ? "HEAD" : m;
			size_t al = strlen(add);
			bool dup = false;
			for (const char *p = out; (p = strstr(p, add)) != NULL;
			     p += al)
				if ((p == out || p[-1] == ' ') &&
				    (p[al] == ',' || p[al] == 0))
					dup = true;
			if (dup || used + al + 3 > n)
				continue;
			used += (size_t)snprintf(out + used, n - used, "%s%s",
			                         used ? ", " : "", add);
		}
	}
}

int mg__http_dispatch(mg__http_conn *c)
{
	mg_http_server *s = c->srv;
	mg_http_request *req = &c->req;
	mg_http_handler fn = NULL;
	void *arg = NULL;
	bool path_seen = false;
	for (size_t i = 0; i < s->nroutes && !fn; i++) {
		const mg__http_route *r = &s->routes[i];
		if (!path_matches(r, req->path))
			continue;
		path_seen = true;
		if (!method_matches(r->method, req))
			continue;
		fn = r->fn;
		arg = r->arg;
		if (r->prefix)
			req->rest = mg_cbuf_make(req->path.p + r->plen,
			                         req->path.len - r->plen);
	}
	if (!fn && !path_seen && s->fallback) {
		fn = s->fallback;
		arg = s->fallback_arg;
	}
	if (!fn) {
		char allow[128];
		if (path_seen)
			allow_list(s, req->path, allow, sizeof allow);
		return mg__http_send_error(c, path_seen ? 405 : 404,
		                           path_seen ? allow : NULL);
	}
	int rc = fn(req, &c->res, arg);
	/* What the peer caused is not the handler's fault. */
	bool peer = rc == c->res.err || rc == c->body_err ||
	            rc == MG_ETIMEDOUT || rc == MG_ECANCELED;
	if (rc < 0 && peer)
		MG_LOG(httpd, DEBUG, "handler of %.*s: %s",
		       (int)req->method.len, (const char *)req->method.p,
		       mg_strerror(rc));
	else if (rc < 0)
		MG_LOG(httpd, WARN, "handler of %.*s %.*s: %s",
		       (int)req->method.len, (const char *)req->method.p,
		       (int)(req->path.len > 200 ? 200 : req->path.len),
		       (const char *)req->path.p, mg_strerror(rc));
	mg__http_response_finish(c, rc);
	return c->res.err;
}

static void conn_link(mg_http_server *s, mg__http_conn *c)
{
	c->prev = s->conns_tail;
	if (s->conns_tail)
		s->conns_tail->next = c;
	else
		s->conns = c;
	s->conns_tail = c;
	s->nconns++;
}

static void conn_unlink(mg_http_server *s, mg__http_conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		s->conns_tail = c->prev;
	s->nconns--;
	mg_cond_broadcast(&s->gone);
}

/* Over the limit: the oldest connection that waits with nothing received
 * makes room (it costs the least to its peer), else the newcomer gets
 * 503. */
static bool make_room(mg_http_server *s, mg__http_conn *self)
{
	for (mg__http_conn *o = s->conns; o; o = o->next)
		if (o != self && o->idle && !o->evicted) {
			o->evicted = true;
			mg_fiber_cancel(o->fiber);
			return true;
		}
	return false;
}

static void refuse(mg_http_server *s, mg_flow *flow)
{
	static const char msg[] = "HTTP/1.1 503 Service Unavailable\r\n"
	                          "Content-Length: 0\r\n"
	                          "Connection: close\r\n\r\n";
	uint64_t now = s->now();
	mg_flow_write(flow, mg_cbuf_make(msg, sizeof msg - 1),
	              now + MG_NS_PER_S);
	mg_flow_shutdown(flow);
}

int mg_http_server_serve(mg_http_server *s, mg_flow *flow)
{
	if (s->closing)
		return 0;
	mg__http_conn *c = calloc(1, sizeof *c);
	if (!c) {
		refuse(s, flow);
		return MG_ENOMEM;
	}
	c->srv = s;
	c->flow = flow;
	c->fiber = mg_self();
	conn_link(s, c);
	int rc = 0;
	if (s->nconns > s->o.max_connections && !make_room(s, c)) {
		MG_LOG(httpd, DEBUG, "over %u connections: 503",
		       s->o.max_connections);
		refuse(s, flow);
	} else {
		rc = mg__http_conn_run(c);
	}
	conn_unlink(s, c);
	free(c);
	return rc;
}

static int conn_fiber(mg_flow *flow, void *arg)
{
	int rc = mg_http_server_serve(arg, flow);
	/* The stack logs what a handler returns; a peer that left is not
	 * worth a line. */
	return rc == MG_ECONNRESET || rc == MG_EPIPE || rc == MG_ETIMEDOUT ? 0
	                                                                   : rc;
}

int mg_http_server_listen(mg_http_server *s, mg_stackv4 *net, uint16_t port)
{
	if (s->lsn)
		return MG_EBUSY;
	mg_tcp_listen_opts o = {.port = port,
	                        .backlog = s->o.backlog,
	                        .handler = conn_fiber,
	                        .arg = s,
	                        .stack_size = s->o.stack_size,
	                        .flags = MG_TCP_NODELAY};
	int rc = mg_tcp_listen(net, &o, &s->lsn);
	if (rc < 0)
		return rc;
	s->net = net;
	return 0;
}

uint16_t mg_http_server_port(mg_http_server *s)
{
	return s->lsn ? mg_tcp_listener_port(s->net, s->lsn) : 0;
}

void mg_http_server_free(mg_http_server *s)
{
	if (!s)
		return;
	s->closing = true;
	if (s->lsn)
		mg_tcp_unlisten(s->net, s->lsn);
	s->lsn = NULL;
	/* Handler fibers the stack spawned but that have not run yet get
	 * their turn and see the server closing. */
	mg_yield();
	while (s->nconns) {
		for (mg__http_conn *c = s->conns; c; c = c->next)
			mg_fiber_cancel(c->fiber);
		mg_cond_wait(&s->gone);
	}
	free(s->routes);
	free(s);
}
