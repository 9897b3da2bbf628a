/* libc/exit.c: the ways out: abort, exit, assertions, smashed stacks. */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <mg/libc.h>
#include <mg/platform.h>

/*
 * A terminator canary (NUL, LF, CR, 0xff bytes stop string overflows) for
 * the time before the platform sets a random one.
 */
uintptr_t __stack_chk_guard = 0x00000aff0a0d0000ul;

void __stack_chk_fail(void)
{
	mg_platform_abort("stack smashing detected");
}

void abort(void)
{
	mg_platform_abort("abort() called");
}

void exit(int status)
{
	mg_platform_exit(status);
}

void _Exit(int status)
{
	mg_platform_exit(status);
}

void mg__libc_assert_fail(const char *expr, const char *file, int line)
{
	static char msg[512];
	snprintf(msg, sizeof msg, "assertion failed: %s (%s:%d)", expr, file,
	         line);
	mg_platform_abort(msg);
}
