/* The client tests' scripted connections, stack and client. */
#ifndef HTTP_CLIENT_FAKE_H
#define HTTP_CLIENT_FAKE_H

#include <mg/http_client.h>

#include "http_fake_flow.h"
#include "mgtest.h"

static fake_conn conns[4];
static fake_stack stack;
static mg_stackv4 net = {&fake_stack_ops, &stack};

/* A client of (server) over a stack handing out conns[0..3], each set
 * up with fake_flow() before. */
static mg_http_client *client_of(mg_ipv4_endpoint server,
                                 const mg_http_client_opts *o)
{
	stack = (fake_stack){conns, 4, 0, {{0}, 0}};
	mg_http_client *c;
	ASSERT_EQ(mg_http_client_new(&net, server, o, &c), 0);
	return c;
}

#endif
