/* Internal declarations of the socket stack (socket/). */
#ifndef MG_SOCKET_INTERNAL_H
#define MG_SOCKET_INTERNAL_H

#include <netinet/in.h>
#include <stdbool.h>

#include <mg/flow.h>
#include <mg/log.h>
#include <mg/platform.h>
#include <mg/stackv4.h>

MG_LOG_SOURCE_DECL(socket);

/* The stack's instance. */
typedef struct mg__sock_stack {
	mg_ipv4_prefix ipv4; /* listeners and sockets bind to its address */
} mg__sock_stack;

/* The MG_E code for a host errno value. */
int mg__sock_err(int e);

/* A sockaddr_in for (ep), and back. */
struct sockaddr_in mg__sock_addr(mg_ipv4_endpoint ep);
mg_ipv4_endpoint mg__sock_endpoint(const struct sockaddr_in *sa);

/*
 * A non-blocking host socket of (type) registered for both directions,
 * bound to (addr:port) when (bind_any) or either is not 0 (a connection
 * from any address is left for the host to bind). Stores the descriptor
 * and the handle. 0 or an MG_E code (nothing left open then).
 */
int mg__sock_open(int type, mg_ipv4_addr addr, uint16_t port, bool bind_any,
                  int *fd, mg_handle *h);

/* Unregister (h) and close (fd). */
void mg__sock_close(int fd, mg_handle h);

/* The local port of (fd), 0 if unknown. */
uint16_t mg__sock_port(int fd);

/*
 * A flow over the connected, non-blocking socket (fd) (registered here),
 * with the MG_TCP_* (flags) applied. Closes (fd) on failure. Stores the
 * flow in (*out). 0 or an MG_E code.
 */
int mg__sock_flow_new(int fd, unsigned flags, mg_flow **out);

/* The UDP operations of mg_stackv4_ops (udp.c). */
int mg__sock_udp_bind(void *self, uint16_t port, size_t queue_limit,
                      mg_udp_socket **out);
uint16_t mg__sock_udp_port(void *self, mg_udp_socket *s);
int mg__sock_udp_sendto(void *self, mg_udp_socket *s, mg_ipv4_endpoint dst,
                        mg_cbuf data);
int mg__sock_udp_recvfrom(void *self, mg_udp_socket *s, mg_buf buf,
                          mg_ipv4_endpoint *from, uint64_t deadline_ns);
void mg__sock_udp_close(void *self, mg_udp_socket *s);

/* The TCP listener operations of mg_stackv4_ops (listen.c). */
int mg__sock_tcp_listen(void *self, const mg_tcp_listen_opts *opts,
                        mg_tcp_listener **out);
int mg__sock_tcp_accept(void *self, mg_tcp_listener *l, mg_flow **out,
                        uint64_t deadline_ns);
uint16_t mg__sock_tcp_listener_port(void *self, mg_tcp_listener *l);
void mg__sock_tcp_unlisten(void *self, mg_tcp_listener *l);

#endif
