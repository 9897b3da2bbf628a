/* The direct stack: stackv4 over the layers of net/, and its input fiber. */
#include <stdlib.h>
#include <string.h>

#include <mg/arp.h>
#include <mg/dhcp.h>
#include <mg/error.h>
#include <mg/ethernet.h>
#include <mg/fiber.h>
#include <mg/icmp.h>
#include <mg/ipv4.h>
#include <mg/stackv4_direct.h>
#include <mg/udp.h>

#include "net_internal.h"
#include "stack_internal.h"

/* see mg/stackv4_direct.h */

/* Frames read before the fiber lets others run. */
#define BUDGET 64

typedef struct stack {
	mg_netif *netif;
	mg_random *random;
	mg_ethernet eth;
	mg_arp arp;
	mg_ipv4 ip;
	mg_icmp icmp;
	mg_udpv4 udp;
	mg_dhcp dhcp;
	int layers; /* how many of the above are connected, in order */
	bool has_dhcp;
	const mg__stack_tcp_ops *tcp_ops;
	void *tcp;
	mg__stack_env env;
	mg_fiber *fiber;
	bool waiting; /* the fiber is blocked in the netif's wait */
	uint64_t wait_until;
	bool stopping;
	mg_cond dhcp_cond;
} stack;

struct mg_udp_socket {
	mg_udpv4_sock sock;
	mg_cond cond;
	stack *s;
};

static uint64_t next_deadline(stack *s)
{
	uint64_t d = mg_arp_deadline(&s->arp);
	uint64_t v = mg_ipv4_deadline(&s->ip);
	if (v < d)
		d = v;
	if (s->has_dhcp && (v = mg_dhcp_deadline(&s->dhcp)) < d)
		d = v;
	if (s->tcp_ops && s->tcp_ops->deadline &&
	    (v = s->tcp_ops->deadline(s->tcp)) < d)
		d = v;
	return d;
}

static void run_timers(stack *s, uint64_t now, bool had_input)
{
	if (now >= mg_arp_deadline(&s->arp))
		mg_arp_tick(&s->arp, now);
	if (now >= mg_ipv4_deadline(&s->ip))
		mg_ipv4_tick(&s->ip, now);
	if (s->has_dhcp && now >= mg_dhcp_deadline(&s->dhcp))
		mg_dhcp_tick(&s->dhcp, now);
	if (s->tcp_ops && s->tcp_ops->tick &&
	    (had_input || now >= s->tcp_ops->deadline(s->tcp)))
		s->tcp_ops->tick(s->tcp, now);
}

static int input_fiber(void *arg)
{
	stack *s = arg;
	while (!s->stopping) {
		int n = mg_ethernet_poll(&s->eth, mg_now_ns(), BUDGET);
		if (n < 0) {
			MG_LOG(net, ERROR, "netif failed: %s", mg_strerror(n));
			/* A device that failed once may fail forever: do not
			 * spin on it. */
			mg_sleep_ns(100 * MG_NS_PER_MS);
			n = 0;
		}
		run_timers(s, mg_now_ns(), n > 0);
		if (n == BUDGET) {
			mg_yield();
			continue;
		}
		if (s->stopping)
			break;
		s->wait_until = next_deadline(s);
		s->waiting = true;
		mg_ethernet_wait(&s->eth, s->wait_until);
		s->waiting = false;
	}
	return 0;
}

/* Wake the input fiber if a timer was armed earlier than its wait ends.
 * Cancellation is the wake-up: it ends the wait, and the fiber loops. */
static void kick(void *arg)
{
	stack *s = arg;
	if (s->waiting && next_deadline(s) < s->wait_until) {
		s->waiting = false;
		mg_fiber_cancel(s->fiber);
	}
}

/* --- TCP: forwarded to the TCP layer --- */

static int tcp_listen(void *self, const mg_tcp_listen_opts *opts,
                      mg_tcp_listener **out)
{
	stack *s = self;
	if (!s->tcp_ops)
		return MG_ENOTSUP;
	return s->tcp_ops->listen(s->tcp, opts, out);
}

static int tcp_accept(void *self, mg_tcp_listener *l, mg_flow **out,
                      uint64_t deadline_ns)
{
	stack *s = self;
	if (!s->tcp_ops)
		return MG_ENOTSUP;
	return s->tcp_ops->accept(s->tcp, l, out, deadline_ns);
}

static uint16_t tcp_listener_port(void *self, mg_tcp_listener *l)
{
	stack *s = self;
	return s->tcp_ops ? s->tcp_ops->listener_port(s->tcp, l) : 0;
}

static void tcp_unlisten(void *self, mg_tcp_listener *l)
{
	stack *s = self;
	if (s->tcp_ops)
		s->tcp_ops->unlisten(s->tcp, l);
}

static int tcp_connect(void *self, mg_ipv4_endpoint dst, unsigned flags,
                       uint64_t deadline_ns, mg_flow **out)
{
	stack *s = self;
	if (!s->tcp_ops)
		return MG_ENOTSUP;
	return s->tcp_ops->connect(s->tcp, dst, flags, deadline_ns, out);
}

/* --- UDP --- */

static void udp_notify(void *ctx)
{
	mg_udp_socket *u = ctx;
	mg_cond_broadcast(&u->cond);
}

static int udp_bind(void *self, uint16_t port, size_t queue_limit,
                    mg_udp_socket **out)
{
	stack *s = self;
	mg_udp_socket *u = calloc(1, sizeof *u);
	if (!u)
		return MG_ENOMEM;
	int rc =
	    mg_udpv4_bind(&s->udp, &u->sock, port,
	                  queue_limit ? queue_limit : MG_UDP_QUEUE_DEFAULT);
	if (rc < 0) {
		free(u);
		return rc == MG_ENOSPC ? MG_EADDRINUSE : rc;
	}
	u->s = s;
	mg_cond_init(&u->cond);
	s->udp.ops->set_notify(s->udp.self, &u->sock, udp_notify, u);
	*out = u;
	return 0;
}

static uint16_t udp_port(void *self, mg_udp_socket *u)
{
	(void)self;
	return u->sock.port;
}

static int udp_sendto(void *self, mg_udp_socket *u, mg_ipv4_endpoint dst,
                      mg_cbuf data)
{
	stack *s = self;
	int rc = mg_udpv4_send(&s->udp, mg_now_ns(), &u->sock, dst,
	                       (mg_ipv4_addr){0}, data);
	kick(s); /* an ARP request may have armed its retry */
	/* Queued-then-dropped is what a wire does: only a refusal known at
	 * once is the caller's business. */
	if (rc == MG_ENOSPC)
		rc = 0;
	return rc;
}

static int udp_recvfrom(void *self, mg_udp_socket *u, mg_buf buf,
                        mg_ipv4_endpoint *from, uint64_t deadline_ns)
{
	stack *s = self;
	mg_pkt *p;
	mg_udpv4_meta m;
	int rc;
	while ((rc = mg_udpv4_recv(&s->udp, &u->sock, &p, &m)) == MG_EAGAIN) {
		rc = mg_cond_wait_until(&u->cond, deadline_ns);
		if (rc < 0)
			return rc;
	}
	size_t n = p->len < buf.len ? p->len : buf.len;
	if (n)
		memcpy(buf.p, p->data, n);
	int len = (int)p->len;
	mg_pkt_free(p);
	if (from)
		*from = m.src;
	return len;
}

static void udp_close(void *self, mg_udp_socket *u)
{
	stack *s = self;
	mg_udpv4_close(&s->udp, &u->sock);
	free(u);
}

static int ipv4_config(void *self, mg_stackv4_config *out)
{
	stack *s = self;
	mg_ipv4_config c;
	mg_ipv4_config_get(&s->ip, &c);
	if (!c.addr.addr.v)
		return MG_ENOTCONN;
	out->addr = c.addr;
	out->gateway = c.gateway;
	return 0;
}

static const mg_stackv4_ops direct_ops = {
    .tcp_listen = tcp_listen,
    .tcp_accept = tcp_accept,
    .tcp_listener_port = tcp_listener_port,
    .tcp_unlisten = tcp_unlisten,
    .tcp_connect = tcp_connect,
    .udp_bind = udp_bind,
    .udp_port = udp_port,
    .udp_sendto = udp_sendto,
    .udp_recvfrom = udp_recvfrom,
    .udp_close = udp_close,
    .ipv4_config = ipv4_config,
};

/* --- life cycle --- */

static void destroy(stack *s)
{
	if (s->fiber) {
		s->stopping = true;
		mg_fiber_cancel(s->fiber);
		mg_join(s->fiber);
	}
	if (s->tcp_ops)
		s->tcp_ops->destroy(s->tcp);
	if (s->has_dhcp)
		mg_dhcp_disconnect(&s->dhcp);
	if (s->layers >= 5)
		mg_udpv4_disconnect(&s->udp);
	if (s->layers >= 4)
		mg_icmp_disconnect(&s->icmp);
	if (s->layers >= 3)
		mg_ipv4_disconnect(&s->ip);
	if (s->layers >= 2)
		mg_arp_disconnect(&s->arp);
	if (s->layers >= 1) {
		size_t leaked = mg_ethernet_disconnect(&s->eth);
		if (leaked)
			MG_LOG(net, WARN, "%zu packets still in use at exit",
			       leaked);
	}
	free(s);
}

static void dhcp_notify(void *ctx)
{
	stack *s = ctx;
	mg_cond_broadcast(&s->dhcp_cond);
}

static bool bound(stack *s)
{
	mg_dhcp_state st = mg_dhcp_state_get(&s->dhcp, NULL);
	return st == MG_DHCP_BOUND || st == MG_DHCP_RENEWING ||
	       st == MG_DHCP_REBINDING;
}

static int build(stack *s, mg_ipv4_prefix ipv4, mg_ipv4_addr gateway, bool dhcp)
{
	int rc;
	if ((rc = mg_ethernet_connect(&s->eth, s->netif)) < 0)
		return rc;
	s->layers++;
	if ((rc = mg_arp_connect(&s->arp, &s->eth)) < 0)
		return rc;
	s->layers++;
	if ((rc = mg_ipv4_connect(&s->ip, &s->eth, &s->arp,
	                          (mg_ipv4_prefix){{0}, 0},
	                          (mg_ipv4_addr){0})) < 0)
		return rc;
	s->layers++;
	if ((rc = mg_icmp_connect(&s->icmp, &s->ip)) < 0)
		return rc;
	s->layers++;
	if ((rc = mg_udpv4_connect(&s->udp, &s->ip)) < 0)
		return rc;
	s->layers++;
	s->env = (mg__stack_env){
	    .ipv4 = &s->ip, .random = s->random, .kick = kick, .stack = s};
	if ((rc = mg__stack_tcp_create(&s->env, &s->tcp_ops, &s->tcp)) < 0)
		return rc;
	if (dhcp) {
		rc = mg_dhcp_connect(&s->dhcp, &s->udp, &s->ip, &s->eth,
		                     mg_random_u64(s->random));
		if (rc < 0)
			return rc;
		s->has_dhcp = true;
		s->dhcp.ops->set_notify(s->dhcp.self, dhcp_notify, s);
	} else {
		mg_ipv4_config c = {.addr = ipv4, .gateway = gateway};
		if ((rc = mg_ipv4_configure(&s->ip, mg_now_ns(), &c)) < 0)
			return rc;
	}
	mg_fiber_opts o = {.name = "net"};
	s->fiber = mg_spawn(input_fiber, s, &o);
	if (!s->fiber)
		return MG_ENOMEM;
	if (!dhcp)
		return 0;
	if ((rc = mg_dhcp_start(&s->dhcp, mg_now_ns())) < 0)
		return rc;
	kick(s);
	uint64_t until = mg_deadline_in(MG_STACKV4_DIRECT_DHCP_WAIT_NS);
	while (!bound(s))
		if ((rc = mg_cond_wait_until(&s->dhcp_cond, until)) < 0)
			return rc;
	return 0;
}

int mg_stackv4_direct_connect(mg_stackv4 *out, mg_netif *netif,
                              mg_random *random, mg_ipv4_prefix ipv4,
                              mg_ipv4_addr gateway, bool dhcp)
{
	stack *s = calloc(1, sizeof *s);
	if (!s)
		return MG_ENOMEM;
	s->netif = netif;
	s->random = random;
	mg_cond_init(&s->dhcp_cond);
	int rc = build(s, ipv4, gateway, dhcp);
	if (rc < 0) {
		destroy(s);
		return rc;
	}
	mg_ipv4_config c;
	mg_ipv4_config_get(&s->ip, &c);
	char a[MG_IPV4_PREFIX_STRLEN], g[MG_IPV4_ADDR_STRLEN];
	const uint8_t *mac = mg_ethernet_mac(&s->eth);
	MG_LOG(net, INFO,
	       "direct stack: %s gateway %s, mac "
	       "%02x:%02x:%02x:%02x:%02x:%02x, mtu %u%s",
	       mg_ipv4_prefix_format(c.addr, a), mg_ipv4_format(c.gateway, g),
	       mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
	       (unsigned)mg_ethernet_mtu(&s->eth), dhcp ? " (dhcp)" : "");
	out->ops = &direct_ops;
	out->self = s;
	return 0;
}

int mg_stackv4_direct_counters(mg_stackv4 *st, mg_net_counter_fn fn, void *ctx)
{
	if (st->ops != &direct_ops)
		return MG_ENOTSUP;
	stack *s = st->self;
	/* The application may have disconnected it before the exit does. */
	if (!s)
		return 0;
	s->eth.ops->counters(s->eth.self, fn, ctx);
	s->arp.ops->counters(s->arp.self, fn, ctx);
	s->ip.ops->counters(s->ip.self, fn, ctx);
	s->icmp.ops->counters(s->icmp.self, fn, ctx);
	s->udp.ops->counters(s->udp.self, fn, ctx);
	if (s->tcp_ops && s->tcp_ops->counters)
		s->tcp_ops->counters(s->tcp, fn, ctx);
	if (s->has_dhcp)
		s->dhcp.ops->counters(s->dhcp.self, fn, ctx);
	return 0;
}

int mg_stackv4_direct_disconnect(mg_stackv4 *st)
{
	if (st->ops != &direct_ops)
		return MG_ENOTSUP;
	stack *s = st->self;
	/* The application may have disconnected it before the exit does. */
	if (!s)
		return 0;
	mg_dhcp_lease lease;
	if (s->has_dhcp && bound(s) &&
	    mg_dhcp_state_get(&s->dhcp, &lease) != MG_DHCP_STOPPED) {
		mg_dhcp_release(&s->dhcp, mg_now_ns());
		/* The release is unicast: give ARP a moment to find the
		 * server if it has to, the input fiber sending it then. */
		uint8_t mac[6];
		for (int i = 0;
		     i < 100 && mg_arp_lookup(&s->arp, lease.server, mac) < 0;
		     i++) {
			kick(s);
			mg_sleep_ns(10 * MG_NS_PER_MS);
		}
	}
	destroy(s);
	st->self = NULL;
	return 0;
}
