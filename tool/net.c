/* morgana run: binding the image's net devices to taps, made as root. */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "morgana.h"

bool is_binding_opt(const char *a)
{
	return strncmp(a, "--net:", 6) == 0 || strncmp(a, "--block:", 8) == 0;
}

/* The value of binding (kind):(name) among (opts), or NULL. */
static const char *given(const char *kind, const char *name, char *const *opts,
                         int nopts)
{
	size_t kl = strlen(kind), nl = strlen(name);
	for (int i = 0; i < nopts; i++) {
		const char *o = opts[i] + 2;
		if (strncmp(o, kind, kl) == 0 && o[kl] == ':' &&
		    strncmp(o + kl + 1, name, nl) == 0 && o[kl + 1 + nl] == '=')
			return o + kl + 2 + nl;
	}
	return NULL;
}

static bool iface_exists(const char *name)
{
	char path[64];
	snprintf(path, sizeof(path), "/sys/class/net/%s", name);
	struct stat st;
	return stat(path, &st) == 0;
}

/*
 * The host's address on the tap of netif (name): the first address of the
 * image's subnet that is not the image's, from the boot argument
 * --ipv4= (or --NAME-ipv4= for a netif other than the first), else the
 * default 10.0.0.2/24's 10.0.0.1/24.
 */
static void host_address(const char *name, bool first, char *const *boot,
                         int nboot, char out[64])
{
	char key[64];
	snprintf(key, sizeof(key), "--%s-ipv4=", name);
	for (char *p = key; *p; p++)
		if (*p == '_')
			*p = '-';
	const char *v = NULL;
	for (int i = 0; i < nboot; i++) {
		if (strncmp(boot[i], key, strlen(key)) == 0)
			v = boot[i] + strlen(key);
		else if (first && strncmp(boot[i], "--ipv4=", 7) == 0)
			v = boot[i] + 7;
	}
	strcpy(out, "10.0.0.1/24");
	if (!v)
		return;
	char a[32];
	const char *slash = strchr(v, '/');
	if (!slash || (size_t)(slash - v) >= sizeof(a))
		return;
	memcpy(a, v, (size_t)(slash - v));
	a[slash - v] = '\0';
	char *end;
	long len = strtol(slash + 1, &end, 10);
	struct in_addr in;
	if (*end || len < 1 || len > 30 || inet_pton(AF_INET, a, &in) != 1)
		return;
	uint32_t ip = ntohl(in.s_addr);
	uint32_t mask = 0xffffffffu << (32 - len);
	uint32_t host = (ip & mask) | 1;
	if (host == ip)
		host++;
	in.s_addr = htonl(host);
	inet_ntop(AF_INET, &in, a, sizeof(a));
	snprintf(out, 64, "%s/%ld", a, len);
}

static int ip_cmd(const char *a1, const char *a2, const char *a3,
                  const char *a4, const char *a5, const char *a6,
                  const char *a7)
{
	char *argv[] = {"ip",       (char *)a1, (char *)a2,
	                (char *)a3, (char *)a4, (char *)a5,
	                (char *)a6, (char *)a7, NULL};
	capture cap = {0};
	int rc = spawn(argv, &cap, 0);
	if (rc != 0) {
		fail("ip %s %s %s %s failed: %s", a1, a2, a3 ? a3 : "",
		     a4 ? a4 : "", cap.text ? cap.text : "");
	}
	capture_free(&cap);
	return rc;
}

/* Make a tap for netif (name), addressed (addr); its name into (tap). */
static int make_tap(const char *name, const char *addr, char tap[16])
{
	for (int i = 0; i < 100; i++) {
		char base[16];
		snprintf(base, sizeof(base), "mg-%.10s", name);
		if (i)
			snprintf(tap, 16, "%.12s%d", base, i);
		else
			snprintf(tap, 16, "%s", base);
		if (!iface_exists(tap))
			break;
	}
	if (ip_cmd("tuntap", "add", "dev", tap, "mode", "tap", NULL))
		return -1;
	if (ip_cmd("addr", "add", addr, "dev", tap, NULL, NULL) ||
	    ip_cmd("link", "set", tap, "up", NULL, NULL, NULL)) {
		ip_cmd("link", "del", tap, NULL, NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

int run_bind(const char *target, char *const *opts, int nopts,
             char *const *boot, int nboot, run_binds *rb)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/devices.txt", build_dir(target));
	char *devs = read_file(path);
	bool any_net = false, first = true;
	int rc = 0;
	/* Every binding given is passed on: the image or its tender checks
	 * names (storage binds its block devices the same way). */
	for (int i = 0; i < nopts && rb->n < RUN_BINDS_MAX; i++)
		rb->args[rb->n++] = strdup(opts[i]);
	for (char *line = devs; line && *line && rc == 0;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (strncmp(line, "net ", 4) == 0) {
			const char *name = line + 4;
			any_net = true;
			if (!given("net", name, opts, nopts)) {
				char addr[64], tap[16];
				host_address(name, first, boot, nboot, addr);
				if (geteuid() != 0) {
					fail("the image needs net device '%s': "
					     "add --net:%s=TAP before '--' (a "
					     "tap "
					     "you may open: sudo ip tuntap add "
					     "dev "
					     "tap0 mode tap user $USER; sudo "
					     "ip addr "
					     "add %s dev tap0; sudo ip link "
					     "set tap0 "
					     "up), or run as root to let "
					     "morgana "
					     "make one",
					     name, name, addr);
					rc = EXIT_USAGE;
				} else if (make_tap(name, addr, tap) != 0 ||
				           rb->n >= RUN_BINDS_MAX) {
					rc = EXIT_FAIL;
				} else {
					say("created tap %s for net device "
					    "'%s', "
					    "host address %s (removed when the "
					    "image exits)",
					    tap, name, addr);
					rb->created[rb->ncreated++] =
					    strdup(tap);
					char b[64];
					snprintf(b, sizeof(b), "--net:%s=%s",
					         name, tap);
					rb->args[rb->n++] = strdup(b);
				}
			}
			first = false;
		}
		line = nl ? nl + 1 : NULL;
	}
	free(devs);
	if (rc == 0 && !any_net && given_kind_net(opts, nopts)) {
		fail("this image has no net device (its stack is the socket "
		     "stack, or it has none): drop the --net: option");
		rc = EXIT_USAGE;
	}
	return rc;
}

bool given_kind_net(char *const *opts, int nopts)
{
	for (int i = 0; i < nopts; i++)
		if (strncmp(opts[i], "--net:", 6) == 0)
			return true;
	return false;
}

void run_unbind(run_binds *rb)
{
	for (int i = 0; i < rb->ncreated; i++) {
		ip_cmd("link", "del", rb->created[i], NULL, NULL, NULL, NULL);
		free(rb->created[i]);
	}
	rb->ncreated = 0;
	for (int i = 0; i < rb->n; i++)
		free(rb->args[i]);
	rb->n = 0;
}

static pid_t child;

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

int run_and_unbind(char *const *args, run_binds *rb)
{
	fflush(stdout);
	fflush(stderr);
	child = fork();
	if (child < 0) {
		fail("cannot start %s: %s", args[0], strerror(errno));
		run_unbind(rb);
		return EXIT_FAIL;
	}
	if (child == 0) {
		execv(args[0], args);
		fprintf(stderr, "morgana: cannot run %s: %s\n", args[0],
		        strerror(errno));
		_exit(127);
	}
	/* The terminal's ^C reaches the image too; a kill of the tool is
	 * passed on, so the taps are removed once the image is gone. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTERM, forward);
	signal(SIGHUP, forward);
	int st = 0;
	while (waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	run_unbind(rb);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
