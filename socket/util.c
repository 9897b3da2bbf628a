/* Host socket helpers of the socket stack: errors, addresses, set-up. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mg/error.h>
#include <mg/platform_unix.h>

#include "socket_internal.h"

MG_LOG_SOURCE(socket, "socket", "the socket stack (host sockets)");

int mg__sock_err(int e)
{
	switch (e) {
	case EAGAIN:
		return MG_EAGAIN;
	case ENOMEM:
	case ENOBUFS:
	case EMFILE:
	case ENFILE:
		return MG_ENOMEM;
	case ECONNREFUSED:
		return MG_ECONNREFUSED;
	case ECONNRESET:
	case ECONNABORTED:
	case ETIMEDOUT: /* on an established connection: it was lost */
		return MG_ECONNRESET;
	case EPIPE:
	case ESHUTDOWN:
		return MG_EPIPE;
	case EADDRINUSE:
	case EADDRNOTAVAIL:
		return MG_EADDRINUSE;
	case ENETUNREACH:
	case ENETDOWN:
		return MG_ENETUNREACH;
	case EHOSTUNREACH:
	case EHOSTDOWN:
		return MG_EHOSTUNREACH;
	case EMSGSIZE:
		return MG_EMSGSIZE;
	case ENOTCONN:
		return MG_ENOTCONN;
	case EISCONN:
		return MG_EISCONN;
	case EINVAL:
		return MG_EINVAL;
	case EACCES:
	case EPERM:
		return MG_EACCES;
	default:
		return MG_EIO;
	}
}

struct sockaddr_in mg__sock_addr(mg_ipv4_endpoint ep)
{
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(ep.port);
	sa.sin_addr.s_addr = htonl(ep.addr.v);
	return sa;
}

mg_ipv4_endpoint mg__sock_endpoint(const struct sockaddr_in *sa)
{
	return (mg_ipv4_endpoint){{ntohl(sa->sin_addr.s_addr)},
	                          ntohs(sa->sin_port)};
}

int mg__sock_open(int type, mg_ipv4_addr addr, uint16_t port, bool bind_any,
                  int *fd, mg_handle *h)
{
	int rc;
	int s = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0)
		return mg__sock_err(errno);
	int one = 1;
	/* A listener restarted while its old connections sit in TIME_WAIT
	 * must get its port back (RFC 9293 3.6.1 allows the reuse). */
	if (type == SOCK_STREAM && port &&
	    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
		goto fail_errno;
	if (bind_any || addr.v || port) {
		struct sockaddr_in sa =
		    mg__sock_addr((mg_ipv4_endpoint){addr, port});
		if (bind(s, (struct sockaddr *)&sa, sizeof sa) != 0)
			goto fail_errno;
	}
	rc = mg_unix_fd_register(s, MG_UNIX_READ | MG_UNIX_WRITE, h);
	if (rc < 0) {
		close(s);
		return rc;
	}
	*fd = s;
	return 0;
fail_errno:
	rc = mg__sock_err(errno);
	close(s);
	return rc;
}

void mg__sock_close(int fd, mg_handle h)
{
	mg_unix_fd_unregister(h);
	close(fd);
}

uint16_t mg__sock_port(int fd)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	if (getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
		return 0;
	return ntohs(sa.sin_port);
}
