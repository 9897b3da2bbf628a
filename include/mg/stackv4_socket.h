/* The socket stack: mg/stackv4.h over the host's sockets (unix only). */
#ifndef MG_STACKV4_SOCKET_H
#define MG_STACKV4_SOCKET_H

/*
 * Every listener, connection and UDP socket is a non-blocking host socket
 * registered with the unix platform (mg/platform_unix.h), so a fiber that
 * waits on one lets the others run. The host's TCP/IP does the work:
 * retransmission, windows and routing are Linux's, and the image needs no
 * tap and no privileges.
 *
 * Differences from the direct stack that an application can see:
 * - the configuration reports (ipv4) as given and no gateway (the host
 *   routes);
 * - a UDP socket's queue limit sizes the host socket's receive buffer, so
 *   it bounds bytes more than datagrams;
 * - a flow closed with unread received data is reset by the host
 *   (RFC 1122 4.2.2.13), not shut gracefully.
 */

#include <mg/ipaddr.h>
#include <mg/stackv4.h>

/*
 * Fill (out) with a socket stack whose listeners and UDP sockets bind to
 * (ipv4)'s address (0.0.0.0 for every host address) and whose connections
 * leave from it. MG_EINVAL if the address is not one of the host's;
 * MG_ENOMEM. Raises the process's descriptor limit to its hard limit, as
 * every connection holds one.
 */
int mg_stackv4_socket_connect(mg_stackv4 *out, mg_ipv4_prefix ipv4);

#endif
