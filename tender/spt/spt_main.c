/* morgana-spt: run a Morgana spt image as a seccomp-confined process. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "spt.h"

static const char usage[] =
    "usage: morgana-spt [OPTIONS] IMAGE [BOOT ARGUMENTS...]\n"
    "Run the Morgana spt unikernel IMAGE as this process, confined by a\n"
    "seccomp filter to the system calls its devices need; the boot\n"
    "arguments become the guest's argv, after IMAGE as "
    "argv[0].\n" MG__TENDER_OPTIONS_HELP
    "Exit status: the guest's own (0-255), or 64 bad command line or\n"
    "device bindings, 134 guest aborted, 250 guest fault (SIGSEGV,\n"
    "SIGILL...), 251 forbidden system call, 252 image refused, 253 host\n"
    "failure. See docs/spt.md.\n";

/* Open what the bindings name into the boot information's devices. */
static void open_devices(mg__spt *s, const struct mg_hvt_device *devices,
                         uint32_t ndev, const mg__tender_options *o,
                         const unsigned *order)
{
	struct mg_spt_boot_info *bi = s->boot;
	s->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epoll_fd < 0)
		mg__tender_die(MG_SPT_EXIT_HOST, "epoll_create1: %s",
		               strerror(errno));
	bi->epoll_fd = s->epoll_fd;
	bi->device_count = ndev;
	for (uint32_t i = 0; i < ndev; i++) {
		struct mg_spt_device *d = &bi->devices[i];
		const char *value = o->bindings[order[i]].value;
		memcpy(d->name, devices[i].name, sizeof d->name);
		d->kind = devices[i].kind;
		if (d->kind == MG_HVT_DEVICE_BLOCK) {
			bool ro;
			if (mg__tender_block_open(d->name, value, &d->fd,
			                          &d->capacity, &ro) < 0)
				exit(MG_SPT_EXIT_USAGE);
			d->sector_size = 512;
			d->flags = ro ? MG_HVT_DEVICE_READ_ONLY : 0;
			continue;
		}
		unsigned off;
		if (mg__tender_tap_open(d->name, value, &d->fd, &d->mtu, &off,
		                        d->mac) < 0)
			exit(MG_SPT_EXIT_USAGE);
		d->offloads = off;
		struct epoll_event ev = {.events = EPOLLIN, .data.u64 = i};
		if (epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, d->fd, &ev) < 0)
			mg__tender_die(MG_SPT_EXIT_HOST, "epoll_ctl: %s",
			               strerror(errno));
	}
}

/* The guest's one wait needs Linux 5.11: say so now, not at its first. */
static void check_kernel(int epfd)
{
	struct epoll_event ev;
	struct timespec zero = {0, 0};
	if (syscall(MG_SPT_SYS_EPOLL_PWAIT2, epfd, &ev, 1, &zero, NULL, 0) <
	        0 &&
	    errno == ENOSYS)
		mg__tender_die(MG_SPT_EXIT_HOST,
		               "this kernel lacks epoll_pwait2 (Linux 5.11 or "
		               "later is needed)");
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Close every descriptor but stdio and the guest's own. */
static void close_others(const mg__spt *s)
{
	int keep[MG_HVT_DEVICES_MAX + 1], n = 0;
	keep[n++] = s->epoll_fd;
	for (uint32_t i = 0; i < s->boot->device_count; i++)
		keep[n++] = s->boot->devices[i].fd;
	qsort(keep, (size_t)n, sizeof *keep, cmp_int);
	unsigned from = 3;
	for (int i = 0; i < n; i++) {
		if ((unsigned)keep[i] > from)
			syscall(SYS_close_range, from, keep[i] - 1, 0);
		from = (unsigned)keep[i] + 1;
	}
	syscall(SYS_close_range, from, ~0u, 0);
}

static _Noreturn void enter(uint64_t entry, uint64_t stack, void *bi)
{
	__asm__ volatile("mov %0, %%rsp\n\t"
	                 "xor %%ebp, %%ebp\n\t"
	                 "jmp *%1"
	                 :
	                 : "r"(stack), "r"(entry), "D"(bi)
	                 : "memory");
	__builtin_unreachable();
}

int main(int argc, char **argv)
{
	static mg__tender_options o;
	static mg__spt s;
	char err[512], version[64];
	struct mg_hvt_device devices[MG_HVT_DEVICES_MAX];
	uint32_t ndev;
	unsigned order[MG_HVT_DEVICES_MAX];
	size_t size;

	snprintf(version, sizeof version, "morgana-spt %s (spt ABI %d)",
	         MG__SPT_VERSION, MG_SPT_ABI_VERSION);
	mg__tender_options_parse(&o, argc, argv, usage, version);
	const uint8_t *file = mg__tender_map_image(o.image, &size);
	/* The image, then at least a page of heap, below the stack. */
	uint64_t end_max = o.mem_size - MG_SPT_TOP_BYTES - MG_SPT_STACK_SIZE -
	                   2 * MG_SPT_PAGE_SIZE;
	if (mg__tender_elf_check(file, size, o.mem_size, end_max, &s.img, err,
	                         sizeof err) < 0 ||
	    mg__tender_manifest_parse(s.img.manifest, s.img.manifest_size,
	                              devices, &ndev, err, sizeof err) < 0)
		mg__tender_die(MG_SPT_EXIT_REFUSED, "%s", err);
	if (mg__tender_bind(devices, ndev, o.bindings, o.nbindings, order, err,
	                    sizeof err) < 0)
		mg__tender_die(MG_SPT_EXIT_USAGE, "%s", err);
	mg__tender_check_argv(MG_SPT_TOP_BYTES - MG_SPT_BOOT_INFO_ARGS, o.image,
	                      o.nargs, o.args);

	s.image = o.image;
	s.mem_size = o.mem_size;
	mg__spt_mem_load(&s, file);
	if (size)
		munmap((void *)(uintptr_t)file, size);
	struct mg_spt_boot_info *bi = s.boot;
	bi->magic = MG_SPT_BOOT_MAGIC;
	bi->abi_version = MG_SPT_ABI_VERSION;
	open_devices(&s, devices, ndev, &o, order);
	uint64_t top = (uint64_t)(uintptr_t)bi;
	mg__tender_build_argv((uint8_t *)bi + MG_SPT_BOOT_INFO_ARGS,
	                      top + MG_SPT_BOOT_INFO_ARGS,
	                      MG_SPT_TOP_BYTES - MG_SPT_BOOT_INFO_ARGS, o.image,
	                      o.nargs, o.args, &bi->argc, &bi->argv);
	mg__tender_fill_seed(bi->seed, sizeof bi->seed);
	bi->vdso_clock_gettime = mg__spt_vdso_clock_gettime();
	check_kernel(s.epoll_fd);
	fflush(stdout);
	close_others(&s);
	mg__spt_faults_init(&s);
	mg__spt_seccomp(&s);
	enter(s.img.entry, s.stack_top, bi);
}
