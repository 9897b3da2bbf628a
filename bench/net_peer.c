/* net_peer: the Linux side of bench/net.sh (an echo server, bulk and ping-pong clients). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/*
 *   net_peer server ADDR PORT        TCP echo, a thread per connection
 *   net_peer bulk ADDR PORT SECONDS  stream to an echo for SECONDS:
 *                                    prints the MB/s echoed back
 *   net_peer rr ADDR PORT SECONDS    1-byte ping-pong for SECONDS:
 *                                    prints "rr transactions/s"
 *
 * The server does what examples/net/echo does (16 KiB reads written back,
 * no Nagle), so the two ends of a comparison differ only in the stack.
 */

#define CHUNK 65536

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "net_peer: %s: %s\n", what, strerror(errno));
	exit(1);
}

static struct sockaddr_in addr_of(const char *host, const char *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)atoi(port))};
	if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
		fprintf(stderr, "net_peer: bad address %s\n", host);
		exit(2);
	}
	return a;
}

static void nodelay(int fd)
{
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void *echo_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	static __thread char buf[16384];
	ssize_t n;
	nodelay(fd);
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, (size_t)(n - off));
			if (w <= 0)
				goto out;
			off += w;
		}
	}
out:
	close(fd);
	return NULL;
}

static _Noreturn void server(struct sockaddr_in a)
{
	int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	if (l < 0)
		die("socket");
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(l, (struct sockaddr *)&a, sizeof a) < 0)
		die("bind");
	if (listen(l, 128) < 0)
		die("listen");
	for (;;) {
		int c = accept(l, NULL, NULL);
		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			die("accept");
		}
		pthread_t t;
		if (pthread_create(&t, NULL, echo_conn, (void *)(intptr_t)c))
			close(c);
		else
			pthread_detach(t);
	}
}

static int dial(struct sockaddr_in a)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
		die("connect");
	nodelay(fd);
	return fd;
}

struct sender {
	int fd;
	volatile int stop;
};

static void *send_until_stopped(void *arg)
{
	struct sender *s = arg;
	static char buf[CHUNK];
	memset(buf, 0x5a, sizeof buf);
	while (!s->stop)
		if (write(s->fd, buf, sizeof buf) <= 0)
			break;
	return NULL;
}

/*
 * Bytes echoed back per second over the last four fifths of SECONDS (the
 * first fifth lets slow start and buffer growth settle). Ends by closing
 * with data in flight: bounded in time however slow the far end is.
 */
static int bulk(struct sockaddr_in a, double secs)
{
	int fd = dial(a);
	static char buf[CHUNK];
	double t0 = now_s(), from = t0 + secs / 5, until = t0 + secs;
	struct sender s = {.fd = fd};
	pthread_t t;
	if (pthread_create(&t, NULL, send_until_stopped, &s))
		die("pthread_create");
	unsigned long long got = 0, at_from = 0;
	int warm = 1;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n <= 0)
			die("read (the echo ended early)");
		got += (unsigned long long)n;
		double t1 = now_s();
		if (warm && t1 >= from) {
			warm = 0;
			at_from = got;
			from = t1;
		}
		if (t1 >= until) {
			until = t1;
			break;
		}
	}
	s.stop = 1;
	shutdown(fd, SHUT_RDWR);
	pthread_join(t, NULL);
	close(fd);
	double dt = until - from;
	printf("bulk %.2f MB/s (%llu bytes echoed in %.2f s)\n",
	       (double)(got - at_from) / dt / 1e6, got - at_from, dt);
	return 0;
}

static int rr(struct sockaddr_in a, double secs)
{
	int fd = dial(a);
	char c = 'x';
	unsigned long long n = 0;
	double t0 = now_s(), t = t0, until = t0 + secs;
	while (t < until) {
		if (write(fd, &c, 1) != 1)
			die("write");
		if (read(fd, &c, 1) != 1)
			die("read");
		n++;
		t = now_s();
	}
	t = now_s();
	close(fd);
	printf("rr %.0f transactions/s (%llu in %.2f s, %.1f us each)\n",
	       (double)n / (t - t0), n, t - t0, (t - t0) * 1e6 / (double)n);
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc == 4 && strcmp(argv[1], "server") == 0)
		server(addr_of(argv[2], argv[3]));
	if (argc == 5 && strcmp(argv[1], "bulk") == 0)
		return bulk(addr_of(argv[2], argv[3]), atof(argv[4]));
	if (argc == 5 && strcmp(argv[1], "rr") == 0)
		return rr(addr_of(argv[2], argv[3]), atof(argv[4]));
	fprintf(stderr, "usage: net_peer server ADDR PORT\n"
	                "       net_peer bulk|rr ADDR PORT SECONDS\n");
	return 2;
}
