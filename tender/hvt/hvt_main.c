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
    "boot arguments become the guest's argv, after IMAGE as "
    "argv[0].\n" MG__TENDER_OPTIONS_HELP
    "Exit status: the guest's own (0-255), or 64 bad command line or\n"
    "device bindings, 134 guest aborted, 250 guest fault (CPU\n"
    "exception), 251 guest broke the hypercall ABI, 252 image refused,\n"
    "253 host failure (KVM). See docs/hvt.md.\n";

int main(int argc, char **argv)
{
	static mg__tender_options o;
	char version[64];
	static mg__hvt h;
	char err[512];
	mg__tender_image img;
	struct mg_hvt_device devices[MG_HVT_DEVICES_MAX];
	uint32_t ndev;
	unsigned order[MG_HVT_DEVICES_MAX];
	size_t size;

	snprintf(version, sizeof version, "morgana-hvt %s (hvt ABI %d)",
	         MG__HVT_VERSION, MG_HVT_ABI_VERSION);
	mg__tender_options_parse(&o, argc, argv, usage, version);
	const uint8_t *file = mg__tender_map_image(o.image, &size);
	if (mg__tender_elf_check(file, size, o.mem_size, MG__HVT_IMAGE_END_MAX,
	                         &img, err, sizeof err) < 0 ||
	    mg__tender_manifest_parse(img.manifest, img.manifest_size, devices,
	                              &ndev, err, sizeof err) < 0)
		mg__tender_die(MG_HVT_EXIT_REFUSED, "%s", err);
	if (mg__tender_bind(devices, ndev, o.bindings, o.nbindings, order, err,
	                    sizeof err) < 0)
		mg__tender_die(MG_HVT_EXIT_USAGE, "%s", err);
	mg__tender_check_argv(MG_HVT_ARGS_MAX, o.image, o.nargs, o.args);

	/* Block files first: opening them has no lasting effect, so a bad
	 * one is refused before KVM is asked for anything; taps, which may
	 * be made, come after. */
	for (uint32_t i = 0; i < MG_HVT_DEVICES_MAX; i++) {
		h.block_fd[i] = -1;
		if (i < ndev && devices[i].kind == MG_HVT_DEVICE_BLOCK &&
		    mg__hvt_block_open(&h, i, &devices[i],
		                       o.bindings[order[i]].value) < 0)
			exit(MG_HVT_EXIT_USAGE);
	}
	h.image = o.image;
	h.mem_size = o.mem_size;
	mg__hvt_kvm_open(&h);
	for (uint32_t i = 0; i < ndev; i++)
		if (devices[i].kind == MG_HVT_DEVICE_NET &&
		    mg__hvt_net_open(i, &devices[i],
		                     o.bindings[order[i]].value) < 0)
			exit(MG_HVT_EXIT_USAGE);
	h.boot = (struct mg_hvt_boot_info *)(h.mem + MG_HVT_BOOT_INFO_BASE);
	memcpy(h.boot->devices, devices, sizeof devices);

	mg__tender_elf_load(file, &img, h.mem);
	if (size)
		munmap((void *)(uintptr_t)file, size);
	uint64_t cr3 = mg__hvt_x86_setup(h.mem, h.mem_size, &img);
	h.boot->magic = MG_HVT_BOOT_MAGIC;
	h.boot->abi_version = MG_HVT_ABI_VERSION;
	h.boot->device_count = ndev;
	h.boot->mem_size = h.mem_size;
	h.boot->image_end = img.end;
	mg__tender_build_argv(h.mem + MG_HVT_ARGS_BASE, MG_HVT_ARGS_BASE,
	                      MG_HVT_ARGS_MAX, o.image, o.nargs, o.args,
	                      &h.boot->argc, &h.boot->argv);
	mg__tender_fill_seed(h.boot->seed, sizeof h.boot->seed);

	mg__hvt_kvm_vcpu(&h, img.entry, cr3);
	mg__hvt_kvm_boot_clock(&h);
	mg__hvt_seccomp(&h);
	mg__hvt_kvm_run(&h);
}
