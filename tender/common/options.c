/* The tenders' command line, and mapping the image file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tender.h"

static _Noreturn void bad_usage(const char *fmt, const char *what)
{
	char msg[256];
	snprintf(msg, sizeof msg, fmt, what);
	mg__tender_die(MG_HVT_EXIT_USAGE, "%s (see --help)", msg);
}

static void parse_binding(mg__tender_options *o, char *arg, uint32_t kind,
                          size_t skip)
{
	char *name = arg + skip;
	char *eq = strchr(name, '=');
	if (!eq || eq == name)
		bad_usage("'%s': expected --net:NAME=TAP or --block:NAME=FILE",
		          arg);
	if (o->nbindings == MG_HVT_DEVICES_MAX)
		bad_usage("too many device bindings at '%s'", arg);
	mg__tender_binding *b = &o->bindings[o->nbindings++];
	b->kind = kind;
	b->arg = strndup(arg, (size_t)(eq - arg));
	b->name = b->arg + skip;
	b->value = eq + 1;
	if (!b->arg)
		mg__tender_die(MG_HVT_EXIT_HOST, "out of memory");
}

void mg__tender_options_parse(mg__tender_options *o, int argc, char **argv,
                              const char *usage, const char *version)
{
	int i = 1;

	/* "morgana-spt": messages start with it until there is an image. */
	static char name[32];
	snprintf(name, sizeof name, "%.*s", (int)strcspn(version, " "),
	         version);
	mg__tender_set_prefix(name);
	o->mem_size = 16ull << 20;
	for (; i < argc && argv[i][0] == '-'; i++) {
		char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (strcmp(a, "--help") == 0) {
			fputs(usage, stdout);
			exit(0);
		} else if (strcmp(a, "--version") == 0) {
			puts(version);
			exit(0);
		} else if (strncmp(a, "--mem=", 6) == 0) {
			char *end;
			errno = 0;
			unsigned long long mib = strtoull(a + 6, &end, 10);
			if (errno || end == a + 6 || *end || a[6] == '-' ||
			    mib < (MG_HVT_MEM_MIN >> 20) ||
			    mib > (MG_HVT_MEM_MAX >> 20))
				bad_usage("'%s': memory is a number of MiB "
				          "from 2 to 4096",
				          a);
			o->mem_size = (uint64_t)mib << 20;
		} else if (strncmp(a, "--net:", 6) == 0) {
			parse_binding(o, a, MG_HVT_DEVICE_NET, 6);
		} else if (strncmp(a, "--block:", 8) == 0) {
			parse_binding(o, a, MG_HVT_DEVICE_BLOCK, 8);
		} else {
			bad_usage("unknown option '%s'", a);
		}
	}
	if (i == argc)
		mg__tender_die(MG_HVT_EXIT_USAGE,
		               "no image given (see --help)");
	o->image = argv[i];
	mg__tender_set_prefix(o->image);
	o->args = argv + i + 1;
	o->nargs = argc - i - 1;
}

/*
 * Map the image (read-only, private) rather than read it: the checks and
 * the loader touch only the headers and the loaded segments, and an image
 * built with -g is mostly debugging sections that would otherwise be
 * copied (and page-faulted into a buffer) for nothing: some 0.2 ms of a
 * 3 ms boot. Unmapped before the guest runs. A file truncated meanwhile
 * by someone else ends the tender with SIGBUS, as any reader of a
 * shrinking mapped file.
 */
const uint8_t *mg__tender_map_image(const char *path, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		mg__tender_die(MG_HVT_EXIT_REFUSED, "cannot open the image: %s",
		               strerror(errno));
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > MG_HVT_MEM_MAX)
		mg__tender_die(MG_HVT_EXIT_REFUSED,
		               "not a regular file of at most 4 GiB");
	*size = (size_t)st.st_size;
	if (*size == 0) { /* mmap refuses; the checks refuse it anyway */
		close(fd);
		return (const uint8_t *)"";
	}
	void *p = mmap(NULL, *size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		mg__tender_die(MG_HVT_EXIT_REFUSED, "cannot read the image: %s",
		               strerror(errno));
	close(fd);
	return p;
}

int mg__tender_build_argv(uint8_t *area, uint64_t area_gpa, uint64_t max,
                          const char *path, int n, char *const *args,
                          uint64_t *argc, uint64_t *argv_gpa)
{
	uint64_t used = 0;
	uint64_t *ptrs = NULL;

	if (area && !(ptrs = malloc(max)))
		mg__tender_die(MG_HVT_EXIT_HOST, "out of memory");
	for (int i = -1; i < n; i++) {
		const char *a = i < 0 ? path : args[i];
		size_t len = strlen(a) + 1;
		/* Room for this string and argc + 1 aligned pointers. */
		uint64_t need =
		    ((used + len + 7) & ~7ull) + 8 * (uint64_t)(i + 3);
		if (need > max) {
			free(ptrs);
			return -1;
		}
		if (area) {
			memcpy(area + used, a, len);
			ptrs[i + 1] = area_gpa + used;
		}
		used += len;
	}
	used = (used + 7) & ~7ull;
	if (area) {
		ptrs[n + 1] = 0;
		memcpy(area + used, ptrs, 8 * (size_t)(n + 2));
		*argc = (uint64_t)n + 1;
		*argv_gpa = area_gpa + used;
	}
	free(ptrs);
	return 0;
}

void mg__tender_check_argv(uint64_t max, const char *path, int n,
                           char *const *args)
{
	if (mg__tender_build_argv(NULL, 0, max, path, n, args, NULL, NULL) < 0)
		mg__tender_die(MG_HVT_EXIT_USAGE,
		               "boot arguments too long (at most %llu "
		               "bytes with their pointers)",
		               (unsigned long long)max);
}
