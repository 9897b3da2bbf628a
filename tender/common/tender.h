/* What the tenders (morgana-hvt, morgana-spt) share: images and bindings. */
#ifndef MG_TENDER_COMMON_H
#define MG_TENDER_COMMON_H

/*
 * hvt and spt images are one kind of static ELF (mg/hvt_abi.h, mg/spt_abi.h)
 * with one manifest: both tenders check them with the same code, take the
 * same options, open taps and block files the same way and word their
 * refusals alike. The includer defines MG_HVT_HOST (or MG_SPT_HOST) and
 * includes its ABI header first.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mg/hvt_abi.h>

#define MG__TENDER_SEGMENTS_MAX 16
#define MG__TENDER_PHDRS_MAX    64

/* --- the image (elf.c) --- */

typedef struct mg__tender_segment {
	uint64_t vaddr, memsz;   /* where it goes in guest memory */
	uint64_t offset, filesz; /* what the file holds of it */
	uint32_t flags;          /* PF_R | PF_W | PF_X */
	unsigned index;          /* in the program header table */
} mg__tender_segment;

typedef struct mg__tender_image {
	uint64_t entry;
	uint64_t end; /* page-aligned end of the highest segment */
	unsigned nseg;
	mg__tender_segment
	    seg[MG__TENDER_SEGMENTS_MAX]; /* PT_LOAD, ascending */
	/* The MORGANA manifest note's descriptor, inside the file buffer. */
	const uint8_t *manifest;
	size_t manifest_size;
} mg__tender_image;

/*
 * Check that (file, size) is an hvt or spt image that fits in (mem_size)
 * bytes of guest memory and ends at most at (end_max), and describe it in
 * (*img). Returns 0, or -1 with a message such as "segment 2 is writable
 * and executable" in (err, errlen).
 */
int mg__tender_elf_check(const uint8_t *file, size_t size, uint64_t mem_size,
                         uint64_t end_max, mg__tender_image *img, char *err,
                         size_t errlen);

/* Copy the segments of a checked image into zeroed guest memory (mem). */
void mg__tender_elf_load(const uint8_t *file, const mg__tender_image *img,
                         uint8_t *mem);

/* --- the manifest and device bindings (manifest.c) --- */

typedef struct mg__tender_binding {
	uint32_t kind;     /* enum mg_hvt_device_kind */
	const char *name;  /* the device's name in the manifest */
	const char *value; /* the tap or file */
	const char *arg;   /* the whole option, for messages */
} mg__tender_binding;

/*
 * Check the manifest (desc, size) and fill (devices, *count) with its
 * entries (names and kinds only). 0, or -1 with a message in (err).
 */
int mg__tender_manifest_parse(const uint8_t *desc, size_t size,
                              struct mg_hvt_device *devices, uint32_t *count,
                              char *err, size_t errlen);

/*
 * Match (bindings) to the (count) devices: each device bound exactly once,
 * by an option of its kind, and no binding for an absent device. On
 * success stores in (order[i]) the binding of device i and returns 0;
 * else -1 with a message in (err).
 */
int mg__tender_bind(const struct mg_hvt_device *devices, uint32_t count,
                    const mg__tender_binding *bindings, unsigned nbindings,
                    unsigned *order, char *err, size_t errlen);

/* --- messages (log.c): on stderr, each in one write(2), after the prefix ---
 */
void mg__tender_set_prefix(const char *prefix);
void mg__tender_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void mg__tender_die(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void mg__tender_write_all(int fd, const void *buf, size_t len);
/* Format a refusal into (err, errlen) and return -1. */
int mg__tender_refuse(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* --- fault reports (fault_x86_64.c) --- */

/* "#PF page fault" for CPU exception (vector). */
const char *mg__tender_vector_name(uint64_t vector);
/* "write to a not-present page" for a page fault's (error) code. */
const char *mg__tender_page_fault_kind(uint64_t error);
/* The general registers, in enum mg_hvt_reg order, as four lines. */
void mg__tender_print_gprs(const uint64_t regs[MG_HVT_NREGS]);

/* --- options (options.c) --- */

/* The part of a tender's --help that mg__tender_options_parse() reads. */
#define MG__TENDER_OPTIONS_HELP                                                \
	"\n"                                                                   \
	"  --mem=MiB          guest memory in MiB (default 16, 2 to 4096)\n"  \
	"  --net:NAME=TAP     bind the image's network device NAME to tap "   \
	"TAP\n"                                                                \
	"  --block:NAME=FILE  bind the image's block device NAME to FILE\n"   \
	"  --help             show this help and exit\n"                      \
	"  --version          show the version and exit\n"                    \
	"\n"                                                                   \
	"Every device in the image's manifest must be bound exactly once.\n"

typedef struct mg__tender_options {
	uint64_t mem_size;
	const char *image;
	int nargs; /* boot arguments: args[0..nargs) */
	char **args;
	unsigned nbindings;
	mg__tender_binding bindings[MG_HVT_DEVICES_MAX];
} mg__tender_options;

/*
 * Parse the command line common to the tenders: --mem=MiB, --net:NAME=TAP,
 * --block:NAME=FILE, --help (prints (usage), exits 0), --version (prints
 * (version), "morgana-hvt 0.1 (hvt ABI 3)", exits 0), then IMAGE and its
 * boot arguments. Messages start with the tender's name (version's first
 * word), then with the image's path once it is known. Ends the process
 * with MG_HVT_EXIT_USAGE and a message on a bad option.
 */
void mg__tender_options_parse(mg__tender_options *o, int argc, char **argv,
                              const char *usage, const char *version);

/*
 * Lay out (path) and the (n) boot arguments (args) in the guest's argument
 * area (area, max bytes), which the guest sees at (area_gpa), as main()
 * receives them: the strings, then the 8-byte aligned vector of their
 * guest addresses, NULL-terminated; store argc and the vector's guest
 * address. -1 if they do not fit. With (area) NULL, only checks that.
 */
int mg__tender_build_argv(uint8_t *area, uint64_t area_gpa, uint64_t max,
                          const char *path, int n, char *const *args,
                          uint64_t *argc, uint64_t *argv_gpa);
/* The same check, before anything is set up: ends with MG_HVT_EXIT_USAGE. */
void mg__tender_check_argv(uint64_t max, const char *path, int n,
                           char *const *args);

/* Map the image file (path) read-only; ends with MG_HVT_EXIT_REFUSED. */
const uint8_t *mg__tender_map_image(const char *path, size_t *size);

/* --- devices (device.c) --- */

/*
 * Open tap (tap) for net device (name) with virtio-net headers, non-blocking,
 * and ask it for offloads: stores its descriptor, MTU, the offloads it took
 * (MG_NET_OFFLOAD_*) and a random locally administered MAC for the guest.
 * 0, or -1 after a message.
 */
int mg__tender_tap_open(const char *name, const char *tap, int *fd,
                        uint16_t *mtu, unsigned *offloads, uint8_t mac[6]);

/*
 * Open file (file) for block device (name), read-write or else read-only:
 * stores its descriptor, size in bytes (a whole number of 512-byte
 * sectors) and whether it is read-only. 0, or -1 after a message.
 */
int mg__tender_block_open(const char *name, const char *file, int *fd,
                          uint64_t *capacity, bool *read_only);

/* Fill (seed, len) from getrandom(); ends with MG_HVT_EXIT_HOST. */
void mg__tender_fill_seed(uint8_t *seed, size_t len);

#endif
