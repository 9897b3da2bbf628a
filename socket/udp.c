/* UDP sockets of the socket stack. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <mg/error.h>
#include <mg/fiber.h>

#include "socket_internal.h"

/* Largest UDP payload over IPv4: 65535 - 20 (IP) - 8 (UDP). */
#define UDP_MAX 65507

/* What the host charges a queued datagram, roughly (its buffer
 * accounting counts a whole receive buffer per datagram). */
#define UDP_CHARGE 2048

typedef struct sudp {
	int fd;
	mg_handle h;
} sudp;

int mg__sock_udp_bind(void *self, uint16_t port, size_t queue_limit,
                      mg_udp_socket **out)
{
	mg__sock_stack *s = self;
	sudp *u = calloc(1, sizeof *u);
	if (!u)
		return MG_ENOMEM;
	int rc =
	    mg__sock_open(SOCK_DGRAM, s->ipv4.addr, port, true, &u->fd, &u->h);
	if (rc < 0) {
		free(u);
		return rc;
	}
	if (!queue_limit)
		queue_limit = MG_UDP_QUEUE_DEFAULT;
	if (queue_limit > INT_MAX / UDP_CHARGE)
		queue_limit = INT_MAX / UDP_CHARGE;
	/* The host doubles the value for its bookkeeping, as its charge per
	 * datagram includes that overhead. */
	int bytes = (int)(queue_limit * UDP_CHARGE / 2);
	if (setsockopt(u->fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes) != 0)
		MG_LOG(socket, WARN, "SO_RCVBUF %d refused: errno %d", bytes,
		       errno);
	*out = (mg_udp_socket *)u;
	return 0;
}

uint16_t mg__sock_udp_port(void *self, mg_udp_socket *s)
{
	(void)self;
	return mg__sock_port(((sudp *)s)->fd);
}

int mg__sock_udp_sendto(void *self, mg_udp_socket *s, mg_ipv4_endpoint dst,
                        mg_cbuf data)
{
	(void)self;
	sudp *u = (sudp *)s;
	if (data.len > UDP_MAX)
		return MG_EMSGSIZE;
	struct sockaddr_in sa = mg__sock_addr(dst);
	for (;;) {
		ssize_t n = sendto(u->fd, data.p, data.len, MSG_DONTWAIT,
		                   (struct sockaddr *)&sa, sizeof sa);
		if (n >= 0)
			return 0;
		if (errno == EINTR)
			continue;
		/* A full send queue drops the datagram, as a wire may. An
		 * ICMP error of an earlier datagram is not this one's. */
		if (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == ENOBUFS || errno == ECONNREFUSED)
			return 0;
		return mg__sock_err(errno);
	}
}

int mg__sock_udp_recvfrom(void *self, mg_udp_socket *s, mg_buf buf,
                          mg_ipv4_endpoint *from, uint64_t deadline_ns)
{
	(void)self;
	sudp *u = (sudp *)s;
	for (;;) {
		struct sockaddr_in sa;
		socklen_t len = sizeof sa;
		/* MSG_TRUNC: the whole length, even of a datagram cut short. */
		ssize_t n = recvfrom(u->fd, buf.p, buf.len, MSG_TRUNC,
		                     (struct sockaddr *)&sa, &len);
		if (n >= 0) {
			if (from)
				*from = mg__sock_endpoint(&sa);
			return (int)n;
		}
		if (errno == EINTR || errno == ECONNREFUSED)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return mg__sock_err(errno);
		int rc = mg_io_wait(u->h, deadline_ns);
		if (rc < 0)
			return rc;
	}
}

void mg__sock_udp_close(void *self, mg_udp_socket *s)
{
	(void)self;
	sudp *u = (sudp *)s;
	mg__sock_close(u->fd, u->h);
	free(u);
}
