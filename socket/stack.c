/* The socket stack: mg/stackv4.h over host sockets (see mg/stackv4_socket.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mg/error.h>
#include <mg/fiber.h>
#include <mg/platform_unix.h>
#include <mg/stackv4_socket.h>

#include "socket_internal.h"

/* Wait until the connection started on (fd) is established or failed. */
static int wait_connected(int fd, mg_handle h, uint64_t deadline_ns)
{
	for (;;) {
		int err = 0;
		socklen_t len = sizeof err;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
			return mg__sock_err(errno);
		if (err) /* ETIMEDOUT here is the host giving up on the SYN */
			return err == ETIMEDOUT ? MG_ETIMEDOUT
			                        : mg__sock_err(err);
		struct sockaddr_in sa;
		len = sizeof sa;
		if (getpeername(fd, (struct sockaddr *)&sa, &len) == 0)
			return 0;
		int rc = mg_io_wait(h, deadline_ns);
		if (rc < 0)
			return rc;
	}
}

static int tcp_connect(void *self, mg_ipv4_endpoint dst, unsigned flags,
                       uint64_t deadline_ns, mg_flow **out)
{
	mg__sock_stack *s = self;
	if (flags & ~MG_TCP_FLAGS_ALL)
		return MG_EINVAL;
	if (dst.port == 0)
		return MG_EINVAL;
	int fd;
	mg_handle h;
	int rc = mg__sock_open(SOCK_STREAM, s->ipv4.addr, 0, false, &fd, &h);
	if (rc < 0)
		return rc;
	struct sockaddr_in sa = mg__sock_addr(dst);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
		rc = 0;
	else if (errno == EINPROGRESS || errno == EINTR)
		rc = wait_connected(fd, h, deadline_ns);
	else
		rc = mg__sock_err(errno);
	/* The flow registers the descriptor again, as its own. */
	mg_unix_fd_unregister(h);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return mg__sock_flow_new(fd, flags, out);
}

static int ipv4_config(void *self, mg_stackv4_config *out)
{
	mg__sock_stack *s = self;
	out->addr = s->ipv4;
	out->gateway = (mg_ipv4_addr){0};
	return 0;
}

static const mg_stackv4_ops sock_ops = {
    .tcp_listen = mg__sock_tcp_listen,
    .tcp_accept = mg__sock_tcp_accept,
    .tcp_listener_port = mg__sock_tcp_listener_port,
    .tcp_unlisten = mg__sock_tcp_unlisten,
    .tcp_connect = tcp_connect,
    .udp_bind = mg__sock_udp_bind,
    .udp_port = mg__sock_udp_port,
    .udp_sendto = mg__sock_udp_sendto,
    .udp_recvfrom = mg__sock_udp_recvfrom,
    .udp_close = mg__sock_udp_close,
    .ipv4_config = ipv4_config,
};

int mg_stackv4_socket_connect(mg_stackv4 *out, mg_ipv4_prefix ipv4)
{
	if (ipv4.addr.v) {
		/* Binding a probe socket says whether the host has it. */
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return mg__sock_err(errno);
		struct sockaddr_in sa =
		    mg__sock_addr((mg_ipv4_endpoint){ipv4.addr, 0});
		int ok = bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
		int e = errno;
		close(fd);
		if (!ok) {
			char a[MG_IPV4_ADDR_STRLEN];
			MG_LOG(socket, ERROR,
			       "cannot bind to %s: not an address of this "
			       "host (errno %d)",
			       mg_ipv4_format(ipv4.addr, a), e);
			return MG_EINVAL;
		}
	}
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	mg__sock_stack *s = calloc(1, sizeof *s);
	if (!s)
		return MG_ENOMEM;
	s->ipv4 = ipv4;
	*out = (mg_stackv4){&sock_ops, s};
	return 0;
}
