/* Hypercall dispatch, guest address checks, and the core calls. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hvt.h"

static const struct {
	const char *name;
	size_t arg_size;
} calls[MG_HVT_CALL_MAX] = {
    [MG_HVT_CALL_WRITE] = {"WRITE", sizeof(struct mg_hvt_write)},
    [MG_HVT_CALL_POLL] = {"POLL", sizeof(struct mg_hvt_poll)},
    [MG_HVT_CALL_EXIT] = {"EXIT", sizeof(struct mg_hvt_exit)},
    [MG_HVT_CALL_ABORT] = {"ABORT", sizeof(struct mg_hvt_abort)},
    [MG_HVT_CALL_WALLTIME] = {"WALLTIME", sizeof(struct mg_hvt_walltime)},
    [MG_HVT_CALL_FAULT] = {"FAULT", sizeof(struct mg_hvt_fault)},
    [MG_HVT_CALL_NET_RING] = {"NET_RING", sizeof(struct mg_hvt_net_io)},
    [MG_HVT_CALL_NET_SYNC] = {"NET_SYNC", sizeof(struct mg_hvt_net_io)},
    [MG_HVT_CALL_BLOCK_WRITE] = {"BLOCK_WRITE", sizeof(struct mg_hvt_block_io)},
    [MG_HVT_CALL_BLOCK_READ] = {"BLOCK_READ", sizeof(struct mg_hvt_block_io)},
    [MG_HVT_CALL_BLOCK_FLUSH] = {"BLOCK_FLUSH", sizeof(struct mg_hvt_block_io)},
    [MG_HVT_CALL_COPY] = {"COPY", sizeof(struct mg_hvt_copy)},
};

const char *mg__hvt_call_name(unsigned call)
{
	return call < MG_HVT_CALL_MAX && calls[call].name ? calls[call].name
	                                                  : "?";
}

void *mg__hvt_guest(mg__hvt *h, uint64_t gpa, uint64_t len, unsigned call)
{
	if (gpa > h->mem_size || len > h->mem_size - gpa)
		mg__tender_die(
		    MG_HVT_EXIT_ABI,
		    "guest passed an out-of-range pointer to hypercall "
		    "%s: 0x%llx + %llu > memory size (0x%llx)",
		    mg__hvt_call_name(call), (unsigned long long)gpa,
		    (unsigned long long)len, (unsigned long long)h->mem_size);
	return h->mem + gpa;
}

static void do_write(mg__hvt *h, struct mg_hvt_write *a)
{
	const char *data = mg__hvt_guest(h, a->data, a->len, MG_HVT_CALL_WRITE);
	mg__tender_write_all(1, data, a->len);
}

static void do_poll(mg__hvt *h, struct mg_hvt_poll *a)
{
	struct timespec ts, *tsp = NULL;

	if (a->deadline_ns != UINT64_MAX) {
		uint64_t wait =
		    a->deadline_ns > a->now_ns ? a->deadline_ns - a->now_ns : 0;
		ts.tv_sec = (time_t)(wait / 1000000000u);
		ts.tv_nsec = (long)(wait % 1000000000u);
		tsp = &ts;
	}
	/* Only net devices become ready: the net module waits. */
	a->ready = mg__hvt_net_poll(h, tsp);
}

static _Noreturn void do_abort(mg__hvt *h, struct mg_hvt_abort *a)
{
	const char *msg = mg__hvt_guest(h, a->msg, a->len, MG_HVT_CALL_ABORT);
	/* As on unix: the message goes to the console, newline-terminated. */
	mg__tender_write_all(1, msg, a->len);
	if (a->len == 0 || msg[a->len - 1] != '\n')
		mg__tender_write_all(1, "\n", 1);
	mg__tender_msg("guest aborted");
	_exit(MG_HVT_EXIT_ABORT);
}

void mg__hvt_hypercall(mg__hvt *h, unsigned port, uint32_t arg)
{
	unsigned call = port - MG_HVT_PORT_BASE;

	if (port < MG_HVT_PORT_BASE || call >= MG_HVT_CALL_MAX ||
	    !calls[call].name)
		mg__tender_die(MG_HVT_EXIT_ABI,
		               "guest wrote to I/O port 0x%x, which is no "
		               "hypercall",
		               port);
	if (arg % 8 != 0)
		mg__tender_die(
		    MG_HVT_EXIT_ABI,
		    "guest passed a misaligned argument block 0x%x to "
		    "hypercall %s",
		    arg, calls[call].name);
	void *a = mg__hvt_guest(h, arg, calls[call].arg_size, call);

	switch (call) {
	case MG_HVT_CALL_WRITE:
		do_write(h, a);
		break;
	case MG_HVT_CALL_POLL:
		do_poll(h, a);
		break;
	case MG_HVT_CALL_EXIT:
		_exit((int)(((struct mg_hvt_exit *)a)->status & 0xff));
	case MG_HVT_CALL_ABORT:
		do_abort(h, a);
	case MG_HVT_CALL_WALLTIME: {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		((struct mg_hvt_walltime *)a)->ns =
		    (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
		break;
	}
	case MG_HVT_CALL_FAULT:
		mg__hvt_fault(h, a);
	case MG_HVT_CALL_NET_RING:
	case MG_HVT_CALL_NET_SYNC:
		mg__hvt_net_call(h, call, arg);
		break;
	case MG_HVT_CALL_COPY:
		mg__hvt_copy(h, a);
		break;
	default:
		mg__hvt_block_call(h, call, arg);
		break;
	}
}
