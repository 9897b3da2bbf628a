/* libc/host/stub.c: the platform calls of the renamed libc, for host tests. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/*
 * The host build of libc calls mgl_mg_platform_*: here they are, on the
 * host's libc. A test that expects an abort runs it in a child process
 * (mgt_run_child) and reads this message and the SIGABRT status.
 */
_Noreturn void mgl_mg_platform_abort(const char *msg);
void mgl_mg_platform_console_write(const char *buf, size_t len);
_Noreturn void mgl_mg_platform_exit(int status);

void mgl_mg_platform_abort(const char *msg)
{
	fprintf(stderr, "mg_platform_abort: %s\n", msg);
	fflush(stderr);
	abort();
}

void mgl_mg_platform_console_write(const char *buf, size_t len)
{
	fflush(stdout);
	while (len) {
		ssize_t n = write(1, buf, len);
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

void mgl_mg_platform_exit(int status)
{
	fflush(NULL);
	_exit(status);
}
