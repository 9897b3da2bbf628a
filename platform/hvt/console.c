/* Console, exit and abort: one hypercall each. */
#include <string.h>

#include "hvt_internal.h"

void mg_platform_console_write(const char *buf, size_t len)
{
	struct mg_hvt_write a = {.data = buf, .len = len};
	mg__hvt_call(MG_HVT_CALL_WRITE, &a);
}

_Noreturn void mg_platform_exit(int status)
{
	/* Frames queued last (a DHCP release, a reply) still go out. */
	mg__hvt_net_flush();
	struct mg_hvt_exit a = {.status = (uint64_t)(status & 0xff)};
	mg__hvt_call(MG_HVT_CALL_EXIT, &a);
	for (;;)
		__asm__ volatile("hlt");
}

/* The tender writes (msg) to the console and exits with 134, as unix. */
_Noreturn void mg_platform_abort(const char *msg)
{
	struct mg_hvt_abort a = {.msg = msg, .len = strlen(msg)};
	mg__hvt_call(MG_HVT_CALL_ABORT, &a);
	for (;;)
		__asm__ volatile("hlt");
}
