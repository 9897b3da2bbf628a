/* Network devices: bound by --net:NAME=TAP; the frame calls come later. */
#include <mg/error.h>

#include "hvt.h"

/*
 * The tap is not opened yet: the binding is only checked against the
 * manifest. NET_READ and NET_WRITE answer MG_ENOTSUP until the network
 * module lands.
 */
void mg__hvt_net_call(mg__hvt *h, unsigned call, uint64_t gpa)
{
	struct mg_hvt_net_io *a = mg__hvt_guest(h, gpa, sizeof *a, call);
	a->done = 0;
	a->ret = MG_ENOTSUP;
}
