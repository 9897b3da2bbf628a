/* Console on stdout, and the ways out of the process. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mg/platform.h>

#include "unix_internal.h"

void mg__unix_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && errno == EAGAIN) {
			/* stdout may be a non-blocking descriptor we share. */
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			poll(&p, 1, -1);
		} else {
			return; /* the contract: the bytes are lost */
		}
	}
}

void mg_platform_console_write(const char *buf, size_t len)
{
	mg__unix_write_all(1, buf, len);
}

_Noreturn void mg_platform_exit(int status)
{
	/* exit(), not _exit(): sanitizers and coverage report at exit. */
	exit(status & 0xff);
}

_Noreturn void mg__unix_die(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGABRT, &sa, NULL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGABRT);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(SIGABRT);
	_exit(134);
}

_Noreturn void mg_platform_abort(const char *msg)
{
	size_t len = strlen(msg);
	mg__unix_write_all(1, msg, len);
	if (len == 0 || msg[len - 1] != '\n')
		mg__unix_write_all(1, "\n", 1);
	mg__unix_die();
}
