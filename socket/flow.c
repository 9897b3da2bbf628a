/* Flows of the socket stack: a connected TCP socket behind mg/flow.h. */
#include <errno.h>
#include <limits.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <mg/error.h>
#include <mg/fiber.h>
#include <mg/platform_unix.h>

#include "socket_internal.h"

/* Linux's UIO_MAXIOV: the most views one sendmsg takes. */
#define IOV_BATCH 1024

typedef struct sflow {
	mg_flow flow;
	int fd;
	mg_handle h;
	bool reading, writing; /* a fiber is in read / write */
	bool shut;             /* our write side is shut */
	/* Host sockets report a reset once (a later recv says end of
	 * stream), but mg/flow.h wants a failed direction to keep failing:
	 * the first error of each direction is kept. */
	int rerr, werr;
} sflow;

static int flow_read(void *self, mg_buf buf, uint64_t deadline_ns)
{
	sflow *f = self;
	if (buf.len == 0)
		return MG_EINVAL;
	if (f->reading)
		return MG_EBUSY;
	if (f->rerr)
		return f->rerr;
	size_t len = buf.len > INT_MAX ? INT_MAX : buf.len;
	f->reading = true;
	int rc;
	for (;;) {
		ssize_t n = recv(f->fd, buf.p, len, 0);
		if (n >= 0) {
			rc = (int)n;
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			rc = mg__sock_err(errno);
			if (rc == MG_EPIPE || rc == MG_ENOTCONN)
				rc = MG_ECONNRESET;
			f->rerr = rc;
			break;
		}
		rc = mg_io_wait(f->h, deadline_ns);
		if (rc < 0)
			break;
	}
	f->reading = false;
	return rc;
}

/* Send (iov, n) in full, updating them as the host takes bytes. */
static int send_all(sflow *f, struct iovec *iov, size_t n, uint64_t deadline_ns)
{
	while (n > 0) {
		if (iov->iov_len == 0) {
			iov++;
			n--;
			continue;
		}
		struct msghdr m = {.msg_iov = iov,
		                   .msg_iovlen = n > IOV_BATCH ? IOV_BATCH : n};
		ssize_t sent = sendmsg(f->fd, &m, MSG_NOSIGNAL);
		if (sent < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return mg__sock_err(errno);
			int rc = mg_io_wait(f->h, deadline_ns);
			if (rc < 0)
				return rc;
			continue;
		}
		size_t left = (size_t)sent;
		while (n > 0 && left >= iov->iov_len) {
			left -= iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + left;
			iov->iov_len -= left;
		}
	}
	return 0;
}

static int flow_writev(void *self, const mg_cbuf *bufs, size_t n,
                       uint64_t deadline_ns)
{
	sflow *f = self;
	if (f->writing)
		return MG_EBUSY;
	if (f->shut)
		return MG_EPIPE;
	if (f->werr)
		return f->werr;
	struct iovec small[16];
	struct iovec *iov = small;
	if (n > 16) {
		iov = malloc(n * sizeof *iov);
		if (!iov)
			return MG_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		iov[i] = (struct iovec){(void *)bufs[i].p, bufs[i].len};
	f->writing = true;
	int rc = send_all(f, iov, n, deadline_ns);
	f->writing = false;
	if (rc < 0 && rc != MG_ETIMEDOUT && rc != MG_ECANCELED)
		f->werr = rc;
	if (iov != small)
		free(iov);
	return rc;
}

static int flow_write(void *self, mg_cbuf data, uint64_t deadline_ns)
{
	return flow_writev(self, &data, 1, deadline_ns);
}

static int flow_shutdown(void *self)
{
	sflow *f = self;
	if (f->shut)
		return 0;
	if (shutdown(f->fd, SHUT_WR) != 0)
		return mg__sock_err(errno);
	f->shut = true;
	return 0;
}

static void flow_close(void *self)
{
	sflow *f = self;
	mg__sock_close(f->fd, f->h);
	free(f);
}

static int flow_addrs(void *self, mg_ipv4_endpoint *local,
                      mg_ipv4_endpoint *peer)
{
	sflow *f = self;
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	if (local) {
		if (getsockname(f->fd, (struct sockaddr *)&sa, &len) != 0)
			return mg__sock_err(errno);
		*local = mg__sock_endpoint(&sa);
	}
	len = sizeof sa;
	if (peer) {
		if (getpeername(f->fd, (struct sockaddr *)&sa, &len) != 0)
			return MG_ENOTCONN;
		*peer = mg__sock_endpoint(&sa);
	}
	return 0;
}

static const mg_flow_ops sflow_ops = {
    .read = flow_read,
    .write = flow_write,
    .writev = flow_writev,
    .shutdown = flow_shutdown,
    .close = flow_close,
    .addrs = flow_addrs,
};

int mg__sock_flow_new(int fd, unsigned flags, mg_flow **out)
{
	sflow *f = calloc(1, sizeof *f);
	if (!f) {
		close(fd);
		return MG_ENOMEM;
	}
	int one = 1;
	if ((flags & MG_TCP_NODELAY) &&
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
		MG_LOG(socket, WARN, "TCP_NODELAY refused: errno %d", errno);
	if (flags & MG_TCP_KEEPALIVE) {
		int idle = MG_TCP_KEEPALIVE_IDLE_S, intvl = MG_TCP_KEEPALIVE_INTVL_S,
		    cnt = MG_TCP_KEEPALIVE_COUNT;
		if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) ||
		    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) ||
		    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl,
		               sizeof intvl) ||
		    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt))
			MG_LOG(socket, WARN, "keep-alive refused: errno %d",
			       errno);
	}
	int rc = mg_unix_fd_register(fd, MG_UNIX_READ | MG_UNIX_WRITE, &f->h);
	if (rc < 0) {
		close(fd);
		free(f);
		return rc;
	}
	f->fd = fd;
	f->flow = (mg_flow){&sflow_ops, f};
	*out = &f->flow;
	return 0;
}
