/* morgana-hvt: run a Morgana hvt image in a KVM virtual machine. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hvt.h"

static const char usage[] =
    "usage: morgana-hvt [OPTIONS] IMAGE [BOOT ARGUMENTS...]\n"
    "Run the Morgana hvt unikernel IMAGE in a KVM virtual machine; the\n"
    "boot arguments become the guest's argv, after IMAGE as argv[0].\n"
    "\n"
    "  --mem=MiB          guest memory in MiB (default 16, 2 to 4096)\n"
    "  --net:NAME=TAP     bind the image's network device NAME to tap TAP\n"
    "  --block:NAME=FILE  bind the image's block device NAME to FILE\n"
    "  --help             show this help and exit\n"
    "  --version          show the version and exit\n"
    "\n"
    "Every device in the image's manifest must be bound exactly once.\n"
    "Exit status: the guest's own (0-255), or 64 bad command line or\n"
    "device bindings, 134 guest aborted, 250 guest fault (CPU\n"
    "exception), 251 guest broke the hypercall ABI, 252 image refused,\n"
    "253 host failure (KVM). See docs/hvt.md.\n";

typedef struct options {
	uint64_t mem_size;
	const char *image;
	int nargs; /* boot arguments: argv[first..] */
	char **args;
	unsigned nbindings;
	mg__hvt_binding bindings[MG_HVT_DEVICES_MAX];
} options;

static _Noreturn void bad_usage(const char *fmt, const char *what)
{
	char msg[256];
	snprintf(msg, sizeof msg, fmt, what);
	mg__hvt_die(MG_HVT_EXIT_USAGE, "%s (see --help)", msg);
}

static void parse_binding(options *o, char *arg, uint32_t kind, size_t skip)
{
	char *name = arg + skip;
	char *eq = strchr(name, '=');
	if (!eq || eq == name)
		bad_usage("'%s': expected --net:NAME=TAP or --block:NAME=FILE",
		          arg);
	if (o->nbindings == MG_HVT_DEVICES_MAX)
		bad_usage("too many device bindings at '%s'", arg);
	mg__hvt_binding *b = &o->bindings[o->nbindings++];
	b->kind = kind;
	b->arg = strndup(arg, (size_t)(eq - arg));
	b->name = b->arg + skip;
	b->value = eq + 1;
	if (!b->arg)
		mg__hvt_die(MG_HVT_EXIT_HOST, "out of memory");
}

static void parse_options(options *o, int argc, char **argv)
{
	int i = 1;

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
			printf("morgana-hvt %s (hvt ABI %d)\n", MG__HVT_VERSION,
			       MG_HVT_ABI_VERSION);
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
		mg__hvt_die(MG_HVT_EXIT_USAGE, "no image given (see --help)");
	o->image = argv[i];
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
static const uint8_t *map_image(const char *path, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		mg__hvt_die(MG_HVT_EXIT_REFUSED, "cannot open the image: %s",
		            strerror(errno));
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > MG_HVT_MEM_MAX)
		mg__hvt_die(MG_HVT_EXIT_REFUSED,
		            "not a regular file of at most 4 GiB");
	*size = (size_t)st.st_size;
	if (*size == 0) { /* mmap refuses; the checks refuse it anyway */
		close(fd);
		return (const uint8_t *)"";
	}
	void *p = mmap(NULL, *size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		mg__hvt_die(MG_HVT_EXIT_REFUSED, "cannot read the image: %s",
		            strerror(errno));
	close(fd);
	return p;
}

/*
 * Lay out (path) and the boot arguments in the guest's argument area as
 * main() receives them: the strings, then the 8-byte aligned vector of
 * their guest addresses, NULL-terminated.
 */
static void build_argv(mg__hvt *h, const char *path, int n, char **args)
{
	uint8_t *area = h->mem + MG_HVT_ARGS_BASE;
	uint64_t used = 0, ptrs[MG_HVT_ARGS_MAX / 8];

	for (int i = -1; i < n; i++) {
		const char *a = i < 0 ? path : args[i];
		size_t len = strlen(a) + 1;
		/* Room for this string and argc + 1 aligned pointers. */
		uint64_t need =
		    ((used + len + 7) & ~7ull) + 8 * (uint64_t)(i + 3);
		if (need > MG_HVT_ARGS_MAX)
			mg__hvt_die(MG_HVT_EXIT_USAGE,
			            "boot arguments too long (at most %llu "
			            "bytes with their pointers)",
			            MG_HVT_ARGS_MAX);
		memcpy(area + used, a, len);
		ptrs[i + 1] = MG_HVT_ARGS_BASE + used;
		used += len;
	}
	used = (used + 7) & ~7ull;
	ptrs[n + 1] = 0;
	memcpy(area + used, ptrs, 8 * (size_t)(n + 2));
	h->boot->argc = (uint64_t)n + 1;
	h->boot->argv = MG_HVT_ARGS_BASE + used;
}

static void fill_seed(uint8_t *seed, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = getrandom(seed + got, len - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			mg__hvt_die(MG_HVT_EXIT_HOST, "getrandom: %s",
			            strerror(errno));
		got += (size_t)n;
	}
}

int main(int argc, char **argv)
{
	static options o;
	static mg__hvt h;
	char err[512];
	mg__hvt_image img;
	struct mg_hvt_device devices[MG_HVT_DEVICES_MAX];
	uint32_t ndev;
	unsigned order[MG_HVT_DEVICES_MAX];
	size_t size;

	parse_options(&o, argc, argv);
	mg__hvt_set_prefix(o.image);
	const uint8_t *file = map_image(o.image, &size);
	if (mg__hvt_elf_check(file, size, o.mem_size, &img, err, sizeof err) <
	        0 ||
	    mg__hvt_manifest_parse(img.manifest, img.manifest_size, devices,
	                           &ndev, err, sizeof err) < 0)
		mg__hvt_die(MG_HVT_EXIT_REFUSED, "%s", err);
	if (mg__hvt_bind(devices, ndev, o.bindings, o.nbindings, order, err,
	                 sizeof err) < 0)
		mg__hvt_die(MG_HVT_EXIT_USAGE, "%s", err);

	h.image = o.image;
	h.mem_size = o.mem_size;
	mg__hvt_kvm_open(&h);
	h.boot = (struct mg_hvt_boot_info *)(h.mem + MG_HVT_BOOT_INFO_BASE);
	memcpy(h.boot->devices, devices, sizeof devices);
	for (uint32_t i = 0; i < MG_HVT_DEVICES_MAX; i++) {
		h.block_fd[i] = -1;
		if (i < ndev && devices[i].kind == MG_HVT_DEVICE_BLOCK &&
		    mg__hvt_block_open(&h, i, o.bindings[order[i]].value) < 0)
			exit(MG_HVT_EXIT_USAGE);
		if (i < ndev && devices[i].kind == MG_HVT_DEVICE_NET &&
		    mg__hvt_net_open(&h, i, o.bindings[order[i]].value) < 0)
			exit(MG_HVT_EXIT_USAGE);
	}

	mg__hvt_elf_load(file, &img, h.mem);
	if (size)
		munmap((void *)(uintptr_t)file, size);
	uint64_t cr3 = mg__hvt_x86_setup(h.mem, h.mem_size, &img);
	h.boot->magic = MG_HVT_BOOT_MAGIC;
	h.boot->abi_version = MG_HVT_ABI_VERSION;
	h.boot->device_count = ndev;
	h.boot->mem_size = h.mem_size;
	h.boot->image_end = img.end;
	build_argv(&h, o.image, o.nargs, o.args);
	fill_seed(h.boot->seed, sizeof h.boot->seed);

	mg__hvt_kvm_vcpu(&h, img.entry, cr3);
	mg__hvt_kvm_boot_clock(&h);
	mg__hvt_seccomp(&h);
	mg__hvt_kvm_run(&h);
}
