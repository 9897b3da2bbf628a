/* The unit test runner: forks each test with a time limit. */
#include "mgtest.h"

#include <signal.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern const mgt_test *const __start_mgt_tests[];
extern const mgt_test *const __stop_mgt_tests[];

void mgt_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	_exit(1);
}

int mgt_run_child(void (*fn)(void *), void *arg, char *out, size_t outlen)
{
	int fds[2];
	if (pipe(fds) != 0)
		mgt_fail(__FILE__, __LINE__, "pipe failed");
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		mgt_fail(__FILE__, __LINE__, "fork failed");
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[1]);
		fn(arg);
		fflush(stdout);
		_exit(0);
	}
	close(fds[1]);
	size_t used = 0;
	for (;;) {
		char tmp[4096];
		ssize_t n = read(fds[0], tmp, sizeof tmp);
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n && used + 1 < outlen; i++)
			out[used++] = tmp[i];
	}
	if (outlen)
		out[used] = 0;
	close(fds[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0)
		;
	return status;
}

static int selected(const char *name, int argc, char **argv)
{
	if (argc <= 1)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strstr(name, argv[i]))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	int timeout = MGT_TIMEOUT_S;
	const char *env = getenv("MGT_TIMEOUT");
	if (env && atoi(env) > 0)
		timeout = atoi(env);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (const mgt_test *const *t = __start_mgt_tests; t < __stop_mgt_tests;
	     t++) {
		if (!selected((*t)->name, argc, argv))
			continue;
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			alarm((unsigned)timeout);
			(*t)->fn();
			fflush(stdout);
			_exit(0);
		}
		int status = 0;
		while (waitpid(pid, &status, 0) < 0)
			;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			printf("ok %s (%.0f ms)\n", (*t)->name, ms);
			passed++;
		} else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
			printf("FAIL %s: timed out after %d s\n", (*t)->name,
			       timeout);
			failed++;
		} else if (WIFSIGNALED(status)) {
			printf("FAIL %s: killed by signal %d\n", (*t)->name,
			       WTERMSIG(status));
			failed++;
		} else {
			printf("FAIL %s: exit status %d\n", (*t)->name,
			       WEXITSTATUS(status));
			failed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
