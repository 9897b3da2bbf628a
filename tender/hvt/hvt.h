/* Internal interfaces of the hvt tender, shared by its source files. */
#ifndef MG_TENDER_HVT_H
#define MG_TENDER_HVT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MG_HVT_HOST
#include <mg/hvt_abi.h>

#include "../common/tender.h"

#define MG__HVT_VERSION "0.1"
/*
 * The image is mapped with 4 KiB pages, whose page tables must fit below
 * MG_HVT_PT_END with one more for a memory size that is not a multiple of
 * 2 MiB: (0x80000 - 0x8000) / 4096 pages less PML4, PDPT and 4 PDs.
 */
#define MG__HVT_PT_PAGES      114
#define MG__HVT_IMAGE_END_MAX ((uint64_t)(MG__HVT_PT_PAGES - 1) << 21)
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
                           const mg__tender_image *img);

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

/* hvt_module_*.c: the device calls. */
void mg__hvt_net_call(mg__hvt *h, unsigned call, uint64_t gpa);
/* Open the tap bound to net device (index) and give the guest its MTU and
 * a MAC; 0 or -1 after a message. */
int mg__hvt_net_open(unsigned index, struct mg_hvt_device *d, const char *tap);
/* POLL's work: move frames through every registered ring, wait up to
 * (timeout) (NULL: no limit) if no device has a frame for the guest, and
 * return the ready set. */
struct timespec;
uint64_t mg__hvt_net_poll(mg__hvt *h, const struct timespec *timeout);
void mg__hvt_block_call(mg__hvt *h, unsigned call, uint64_t gpa);

/* --- COPY (hvt_copy.c) --- */
void mg__hvt_copy(mg__hvt *h, struct mg_hvt_copy *a);
/* Open the file bound to block device (index); 0 or -1 after a message. */
int mg__hvt_block_open(mg__hvt *h, unsigned index, struct mg_hvt_device *d,
                       const char *file);

/* hvt_seccomp.c: allow only what the run loop needs. */
void mg__hvt_seccomp(mg__hvt *h);

#endif
