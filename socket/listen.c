/* TCP listeners of the socket stack: accept, and a fiber per connection. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mg/error.h>
#include <mg/fiber.h>

#include "socket_internal.h"

typedef struct slistener {
	int fd;
	mg_handle h;
	mg_tcp_listen_opts opts;
	mg_fiber *acceptor; /* runs the handlers; NULL for accept-style */
} slistener;

typedef struct conn_start {
	mg_tcp_handler handler;
	void *arg;
	mg_flow *flow;
} conn_start;

/* Take one pending connection of (l) as a flow, waiting until (deadline). */
static int accept_one(slistener *l, mg_flow **out, uint64_t deadline_ns)
{
	for (;;) {
		int fd =
		    accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0)
			return mg__sock_flow_new(fd, l->opts.flags, out);
		switch (errno) {
		case EINTR:
		case ECONNABORTED: /* reset before we took it: next one */
		case EPROTO:
			continue;
		case EAGAIN:
#if EWOULDBLOCK != EAGAIN
		case EWOULDBLOCK:
#endif
			break;
		default:
			return mg__sock_err(errno);
		}
		int rc = mg_io_wait(l->h, deadline_ns);
		if (rc < 0)
			return rc;
	}
}

static int conn_main(void *arg)
{
	conn_start st = *(conn_start *)arg;
	free(arg);
	int rc = st.handler(st.flow, st.arg);
	if (rc < 0)
		MG_LOG(socket, WARN, "connection handler failed: %s",
		       mg_strerror(rc));
	if (rc != MG_STACKV4_KEPT)
		mg_flow_close(st.flow);
	return 0;
}

static int acceptor_main(void *arg)
{
	slistener *l = arg;
	mg_fiber_opts fo = {.name = "tcp-conn",
	                    .stack_size = l->opts.stack_size,
	                    .detached = 1};
	for (;;) {
		mg_flow *flow;
		int rc = accept_one(l, &flow, MG_FOREVER);
		if (rc == MG_ECANCELED)
			return 0;
		if (rc < 0) {
			/* Out of descriptors or memory: the connection waits in
			 * the backlog; try again after a pause rather than
			 * spin. */
			MG_LOG(socket, WARN, "accept on port %u failed: %s",
			       mg__sock_port(l->fd), mg_strerror(rc));
			if (mg_sleep_ns(10 * MG_NS_PER_MS) == MG_ECANCELED)
				return 0;
			continue;
		}
		conn_start *st = malloc(sizeof *st);
		mg_fiber *f = NULL;
		if (st) {
			*st = (conn_start){l->opts.handler, l->opts.arg, flow};
			f = mg_spawn(conn_main, st, &fo);
		}
		if (!f) {
			MG_LOG(socket, WARN,
			       "no memory for a connection fiber");
			free(st);
			mg_flow_close(flow);
		}
	}
}

int mg__sock_tcp_listen(void *self, const mg_tcp_listen_opts *opts,
                        mg_tcp_listener **out)
{
	mg__sock_stack *s = self;
	if (!opts || opts->backlog < 0 || (opts->flags & ~MG_TCP_FLAGS_ALL))
		return MG_EINVAL;
	slistener *l = calloc(1, sizeof *l);
	if (!l)
		return MG_ENOMEM;
	l->opts = *opts;
	int rc = mg__sock_open(SOCK_STREAM, s->ipv4.addr, opts->port, true,
	                       &l->fd, &l->h);
	if (rc < 0)
		goto fail;
	int backlog = opts->backlog ? opts->backlog : MG_TCP_BACKLOG_DEFAULT;
	if (listen(l->fd, backlog) != 0) {
		rc = mg__sock_err(errno);
		mg__sock_close(l->fd, l->h);
		goto fail;
	}
	if (opts->handler) {
		mg_fiber_opts fo = {.name = "tcp-accept"};
		l->acceptor = mg_spawn(acceptor_main, l, &fo);
		if (!l->acceptor) {
			rc = MG_ENOMEM;
			mg__sock_close(l->fd, l->h);
			goto fail;
		}
	}
	*out = (mg_tcp_listener *)l;
	return 0;
fail:
	free(l);
	return rc;
}

int mg__sock_tcp_accept(void *self, mg_tcp_listener *tl, mg_flow **out,
                        uint64_t deadline_ns)
{
	(void)self;
	slistener *l = (slistener *)tl;
	if (l->acceptor)
		return MG_EINVAL;
	return accept_one(l, out, deadline_ns);
}

uint16_t mg__sock_tcp_listener_port(void *self, mg_tcp_listener *tl)
{
	(void)self;
	return mg__sock_port(((slistener *)tl)->fd);
}

void mg__sock_tcp_unlisten(void *self, mg_tcp_listener *tl)
{
	(void)self;
	slistener *l = (slistener *)tl;
	if (l->acceptor) {
		mg_fiber_cancel(l->acceptor);
		/* The acceptor ends at its next wait; a caller cancelled
		 * meanwhile must still not free what it uses. */
		while (mg_join(l->acceptor) == MG_ECANCELED)
			;
	}
	mg__sock_close(l->fd, l->h);
	free(l);
}
