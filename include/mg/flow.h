/* Module type flow: a reliable, ordered, bidirectional byte stream. */
#ifndef MG_FLOW_H
#define MG_FLOW_H

/*
 * A flow is what an application reads and writes: a TCP connection of any
 * stackv4 today, a TLS session over another flow later. It has the module
 * shape of mg/console.h, but a flow is created at run time (by a stack's
 * connect or accept, or by a layer wrapping another flow) and ends with
 * mg_flow_close(), which frees it, the mg_flow struct included.
 *
 * Conventions:
 * - (deadline_ns) is an absolute monotonic time (mg_now_ns(),
 *   mg_deadline_in()); MG_FOREVER waits without limit and a deadline in the
 *   past polls: what can be done at once is done, else MG_ETIMEDOUT.
 * - Blocking calls MUST be made from a fiber. A fiber cancelled while
 *   blocked in one gets MG_ECANCELED (mg/fiber.h).
 * - One fiber MAY read while another writes. Two fibers reading at once, or
 *   two writing at once, is a caller error: the second MAY get MG_EBUSY.
 * - After an error other than MG_ETIMEDOUT, MG_ECANCELED or MG_EBUSY, the
 *   same direction keeps failing with an error; the flow still MUST be
 *   closed.
 */

#include <stddef.h>
#include <stdint.h>

#include <mg/buf.h>
#include <mg/error.h>
#include <mg/ipaddr.h>

/* An IPv4 address and a port (host byte order), as in 10.0.0.2:8080. */
typedef struct mg_ipv4_endpoint {
	mg_ipv4_addr addr;
	uint16_t port;
} mg_ipv4_endpoint;

typedef struct mg_flow_ops {
	/*
	 * Read at most (buf.len) bytes (clamped to INT_MAX) into (buf), waiting
	 * until at least one byte is available or (deadline_ns) passes.
	 * Returns the count read (> 0); 0 at the end of the stream (the peer
	 * shut its side, and every byte it sent has been read; later calls
	 * return 0 again); MG_ETIMEDOUT (nothing consumed); MG_ECANCELED;
	 * MG_ECONNRESET if the peer reset or the connection was lost (MAY be
	 * reported before bytes received earlier have been read); MG_EINVAL if
	 * (buf.len) is 0.
	 */
	int (*read)(void *self, mg_buf buf, uint64_t deadline_ns);

	/*
	 * Write all of (data). Returns 0 once every byte is accepted by the
	 * flow (queued for sending; not necessarily received by the peer), or
	 * an error: MG_ETIMEDOUT or MG_ECANCELED (an unknown prefix of (data)
	 * MAY have been accepted: the stream position is then lost, and the
	 * caller SHOULD close the flow), MG_EPIPE after mg_flow_shutdown() or
	 * when the peer no longer receives, MG_ECONNRESET. An empty (data)
	 * returns 0 at once.
	 */
	int (*write)(void *self, mg_cbuf data, uint64_t deadline_ns);

	/*
	 * As write, for the concatenation of the (n) views of (iov). MUST NOT
	 * interleave with a concurrent write. An implementation MAY send the
	 * views in fewer segments than a write per view would.
	 */
	int (*writev)(void *self, const mg_cbuf *iov, size_t n,
	              uint64_t deadline_ns);

	/*
	 * Close the write side: data already accepted is still delivered, then
	 * the peer reads the end of the stream (a TCP FIN). Reading stays
	 * possible. Does not block. 0; again on a shut flow: 0. MG_ENOTCONN if
	 * the connection is already gone.
	 */
	int (*shutdown)(void *self);

	/*
	 * Release the flow: shut the write side if not done, let the
	 * implementation deliver what was accepted in the background (as far
	 * as it can; a peer that never reads does not keep it forever), and
	 * free every resource, the mg_flow included. MUST NOT be called while
	 * another fiber is blocked on the flow (cancel and join it first).
	 * Never fails.
	 */
	void (*close)(void *self);

	/*
	 * OPTIONAL (NULL if unsupported): store the local and the peer
	 * endpoint in (*local) and (*peer), either MAY be NULL. 0 or
	 * MG_ENOTCONN.
	 */
	int (*addrs)(void *self, mg_ipv4_endpoint *local,
	             mg_ipv4_endpoint *peer);
} mg_flow_ops;

typedef struct mg_flow {
	const mg_flow_ops *ops;
	void *self;
} mg_flow;

static inline int mg_flow_read(mg_flow *f, mg_buf buf, uint64_t deadline_ns)
{
	return f->ops->read(f->self, buf, deadline_ns);
}

static inline int mg_flow_write(mg_flow *f, mg_cbuf data, uint64_t deadline_ns)
{
	return f->ops->write(f->self, data, deadline_ns);
}

static inline int mg_flow_writev(mg_flow *f, const mg_cbuf *iov, size_t n,
                                 uint64_t deadline_ns)
{
	return f->ops->writev(f->self, iov, n, deadline_ns);
}

static inline int mg_flow_shutdown(mg_flow *f)
{
	return f->ops->shutdown(f->self);
}

/* Frees (f): it MUST NOT be used afterwards. */
static inline void mg_flow_close(mg_flow *f)
{
	f->ops->close(f->self);
}

/* MG_ENOTSUP if the implementation has no addresses to give. */
static inline int mg_flow_addrs(mg_flow *f, mg_ipv4_endpoint *local,
                                mg_ipv4_endpoint *peer)
{
	if (!f->ops->addrs)
		return MG_ENOTSUP;
	return f->ops->addrs(f->self, local, peer);
}

#endif
