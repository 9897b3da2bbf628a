/* Internal interfaces of the hvt tender, shared by its source files. */
#ifndef MG_TENDER_HVT_H
#define MG_TENDER_HVT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MG_HVT_HOST
#include <mg/hvt_abi.h>

#define MG__HVT_VERSION      "0.1"
#define MG__HVT_SEGMENTS_MAX 16
#define MG__HVT_PHDRS_MAX    64
/*
 * The image is mapped with 4 KiB pages, whose page tables must fit below
 * MG_HVT_PT_END with one more for a memory size that is not a multiple of
 * 2 MiB: (0x80000 - 0x8000) / 4096 pages less PML4, PDPT and 4 PDs.
 */
#define MG__HVT_PT_PAGES      114
#define MG__HVT_IMAGE_END_MAX ((uint64_t)(MG__HVT_PT_PAGES - 1) << 21)

/* --- the image (hvt_elf.c) --- */

typedef struct mg__hvt_segment {
	uint64_t vaddr, memsz;   /* where it goes in guest memory */
	uint64_t offset, filesz; /* what the file holds of it */
	uint32_t flags;          /* PF_R | PF_W | PF_X */
	unsigned index;          /* in the program header table */
} mg__hvt_segment;

typedef struct mg__hvt_image {
	uint64_t entry;
	uint64_t end; /* page-aligned end of the highest segment */
	unsigned nseg;
	mg__hvt_segment seg[MG__HVT_SEGMENTS_MAX]; /* PT_LOAD, ascending */
	/* The MORGANA manifest note's descriptor, inside the file buffer. */
	const uint8_t *manifest;
	size_t manifest_size;
} mg__hvt_image;

/*
 * Check that (file, size) is an hvt image that fits in (mem_size) bytes of
 * guest memory and describe it in (*img). Returns 0, or -1 with a message
 * such as "segment 2 is writable and executable" in (err, errlen).
 */
int mg__hvt_elf_check(const uint8_t *file, size_t size, uint64_t mem_size,
                      mg__hvt_image *img, char *err, size_t errlen);

/* Copy the segments of a checked image into zeroed guest memory (mem). */
void mg__hvt_elf_load(const uint8_t *file, const mg__hvt_image *img,
                      uint8_t *mem);

/* --- the manifest and device bindings (hvt_manifest.c) --- */

typedef struct mg__hvt_binding {
	uint32_t kind;     /* enum mg_hvt_device_kind */
	const char *name;  /* the device's name in the manifest */
	const char *value; /* the tap or file */
	const char *arg;   /* the whole option, for messages */
} mg__hvt_binding;

/*
 * Check the manifest (desc, size) and fill (devices, *count) with its
 * entries (names and kinds only). 0, or -1 with a message in (err).
 */
int mg__hvt_manifest_parse(const uint8_t *desc, size_t size,
                           struct mg_hvt_device *devices, uint32_t *count,
                           char *err, size_t errlen);

/*
 * Match (bindings) to the (count) devices: each device bound exactly once,
 * by an option of its kind, and no binding for an absent device. On
 * success stores in (order[i]) the binding of device i and returns 0;
 * else -1 with a message in (err).
 */
int mg__hvt_bind(const struct mg_hvt_device *devices, uint32_t count,
                 const mg__hvt_binding *bindings, unsigned nbindings,
                 unsigned *order, char *err, size_t errlen);

/* --- the virtual machine --- */

struct kvm_run;

typedef struct mg__hvt {
	const char *image; /* path, prefixes every message */
	uint8_t *mem;
	uint64_t mem_size;
	int kvm_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	uint64_t tsc_hz;
	struct mg_hvt_boot_info *boot;
	int block_fd[MG_HVT_DEVICES_MAX]; /* -1 where not a block device */
	uint64_t block_capacity[MG_HVT_DEVICES_MAX]; /* bytes */
	bool block_ro[MG_HVT_DEVICES_MAX];
} mg__hvt;

/* hvt_x86_64.c: GDT, TSS and page tables; returns the value for CR3. */
uint64_t mg__hvt_x86_setup(uint8_t *mem, uint64_t mem_size,
                           const mg__hvt_image *img);

/* hvt_kvm_x86_64.c */
void mg__hvt_kvm_open(mg__hvt *h);
void mg__hvt_kvm_vcpu(mg__hvt *h, uint64_t entry, uint64_t cr3);
void mg__hvt_kvm_boot_clock(mg__hvt *h);
_Noreturn void mg__hvt_kvm_run(mg__hvt *h);
/* Print the vCPU's registers and (at RIP) its instruction bytes. */
void mg__hvt_kvm_dump(mg__hvt *h);

/* hvt_hypercall.c: handle one OUT to (port) with value (arg). */
void mg__hvt_hypercall(mg__hvt *h, unsigned port, uint32_t arg);
/*
 * The host address of guest range [gpa, gpa + len) for hypercall (call),
 * after checking it; ends the guest with MG_HVT_EXIT_ABI if out of range.
 */
void *mg__hvt_guest(mg__hvt *h, uint64_t gpa, uint64_t len, unsigned call);
const char *mg__hvt_call_name(unsigned call);

/* hvt_fault_x86_64.c: report a fault the guest's handler sent us. */
_Noreturn void mg__hvt_fault(mg__hvt *h, const struct mg_hvt_fault *f);
const char *mg__hvt_vector_name(uint64_t vector);

/* hvt_module_*.c: the device calls. */
void mg__hvt_net_call(mg__hvt *h, unsigned call, uint64_t gpa);
/* Open the tap bound to net device (index) and give the guest its MTU and
 * a MAC; 0 or -1 after a message. */
int mg__hvt_net_open(mg__hvt *h, unsigned index, const char *tap);
/* POLL's work: move frames through every registered ring, wait up to
 * (timeout) (NULL: no limit) if no device has a frame for the guest, and
 * return the ready set. */
struct timespec;
uint64_t mg__hvt_net_poll(mg__hvt *h, const struct timespec *timeout);
void mg__hvt_block_call(mg__hvt *h, unsigned call, uint64_t gpa);

/* --- COPY (hvt_copy.c) --- */
void mg__hvt_copy(mg__hvt *h, struct mg_hvt_copy *a);
/* Open the file bound to block device (index); 0 or -1 after a message. */
int mg__hvt_block_open(mg__hvt *h, unsigned index, const char *file);

/* hvt_seccomp.c: allow only what the run loop needs. */
void mg__hvt_seccomp(mg__hvt *h);

/* hvt_log.c: messages on stderr, each in one write(2). */
void mg__hvt_set_prefix(const char *prefix);
void mg__hvt_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void mg__hvt_die(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void mg__hvt_write_all(int fd, const void *buf, size_t len);
/* Format a refusal into (err, errlen) and return -1. */
int mg__hvt_refuse(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
