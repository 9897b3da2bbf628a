/* Where the direct stack (net/stack.c) and its TCP layer (net/tcp/) meet. */
#ifndef MG_NET_STACK_INTERNAL_H
#define MG_NET_STACK_INTERNAL_H

/*
 * mg_stackv4_direct_connect() builds the layers (ethernet, arp, ipv4,
 * icmp, udp, dhcp) and then asks the TCP layer to attach itself with
 * mg__stack_tcp_create(), which net/tcp/tcp_stack.c defines. A layer
 * that gives no ops (NULL) leaves the stack's TCP calls MG_ENOTSUP.
 *
 * The TCP layer:
 * - listens to protocol 6 on (env->ipv4) itself (mg_ipv4_listen): its
 *   input function is called from the stack's input fiber with each
 *   segment (data: the TCP header; the packet is the layer's to free);
 * - sends with mg_ipv4_output() (allocating with mg_ipv4_alloc(), whose
 *   headroom holds a TCP header with options as well as IP and Ethernet);
 * - serves the five TCP calls of mg/stackv4.h with the same contracts:
 *   the direct stack forwards them unchanged;
 * - lets the stack's input fiber drive its timers: the fiber calls tick()
 *   once the time given by deadline() has come, and after each batch of
 *   input frames. Anything the application does outside the stack's fiber
 *   that may move deadline() earlier (a send arming a retransmission)
 *   MUST be followed by env->kick(env->stack), which wakes the fiber to
 *   look again (cheap when nothing changed). deadline and tick MAY be
 *   NULL for a layer that runs timers on fibers of its own.
 *
 * Nothing here is for applications.
 */

#include <stdint.h>

#include <mg/ipv4.h>
#include <mg/pkt.h>
#include <mg/random.h>
#include <mg/stackv4.h>

/* What the direct stack gives its TCP layer. Valid until destroy(). */
typedef struct mg__stack_env {
	mg_ipv4 *ipv4;
	mg_random *random;
	void (*kick)(void *stack);
	void *stack;
} mg__stack_env;

typedef struct mg__stack_tcp_ops {
	/* The TCP calls of mg_stackv4_ops, same contracts. */
	int (*listen)(void *tcp, const mg_tcp_listen_opts *opts,
	              mg_tcp_listener **out);
	int (*accept)(void *tcp, mg_tcp_listener *l, mg_flow **out,
	              uint64_t deadline_ns);
	uint16_t (*listener_port)(void *tcp, mg_tcp_listener *l);
	void (*unlisten)(void *tcp, mg_tcp_listener *l);
	int (*connect)(void *tcp, mg_ipv4_endpoint dst, unsigned flags,
	               uint64_t deadline_ns, mg_flow **out);

	/* Timers (see above); either MAY be NULL. */
	uint64_t (*deadline)(void *tcp);
	void (*tick)(void *tcp, uint64_t now_ns);

	/* OPTIONAL: counters, layer "tcp". */
	void (*counters)(void *tcp, mg_net_counter_fn fn, void *ctx);

	/* Free everything, sending nothing (the stack is going away). */
	void (*destroy)(void *tcp);
} mg__stack_tcp_ops;

/*
 * Create the TCP layer for (env) and store its operations and state in
 * (*ops) and (*tcp). 0 or a negative MG_E code (the stack's connect then
 * fails with it).
 */
int mg__stack_tcp_create(const mg__stack_env *env,
                         const mg__stack_tcp_ops **ops, void **tcp);

#endif
