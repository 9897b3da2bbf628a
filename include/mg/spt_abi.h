/* The spt ABI: what the tender (host) and an spt image (guest) share. */
#ifndef MG_SPT_ABI_H
#define MG_SPT_ABI_H

/*
 * An spt image is the hvt kind of image (a static x86-64 ELF at 1 MiB, one
 * segment per permission, the manifest note of mg/hvt_abi.h) run as a Linux
 * process: the tender, morgana-spt, maps it into its own address space,
 * opens the devices bound on its command line, installs a seccomp filter
 * and jumps to the image's entry point. From then on the guest reaches the
 * world only through the Linux system calls listed below, each restricted
 * by its arguments; any other system call ends the process with
 * MG_SPT_EXIT_SYSCALL and a message naming it.
 *
 * This header compiles on both sides and depends on nothing but stdint.h
 * (and mg/hvt_abi.h for the manifest and the exit statuses, which spt
 * shares with hvt). The tender defines MG_SPT_HOST before including it.
 *
 * Guest memory is [0, mem_size) of the process's address space, as on hvt,
 * of which the tender maps only [MG_SPT_LOAD_BASE, mem_size): page 0 and
 * the rest of the first MiB stay unmapped. From the bottom:
 *
 *   0x100000 - image_end     the image's segments: text R+X, rodata R,
 *                            data and BSS R+W
 *   image_end - heap_end     the heap (R+W, zero)
 *   heap_end + 4 KiB         not mapped: guards the boot stack
 *   ... - boot_info          the boot stack (R+W); RSP starts at its top
 *   boot_info - mem_size     the boot information, then the boot
 *                            arguments (R+W): MG_SPT_TOP_BYTES in all
 *
 * At entry RDI holds the address of the boot information, RSP the top of
 * the boot stack (16-byte aligned), and every other register is
 * unspecified. Memory that the image does not initialise is zero.
 */

#ifdef MG_SPT_HOST
#define MG_HVT_HOST
#endif
#include <mg/hvt_abi.h>

#define MG_SPT_ABI_VERSION 1

#ifdef __ASSEMBLER__
#define MG_SPT_U64(x) x
#else
#define MG_SPT_U64(x) x##ull
#include <stdint.h>
#endif

#ifdef MG_SPT_HOST
#define MG_SPT_GUEST_PTR(type) uint64_t
#else
#define MG_SPT_GUEST_PTR(type) type
#endif

/* --- memory layout --- */

#define MG_SPT_PAGE_SIZE  MG_SPT_U64(0x1000)
#define MG_SPT_LOAD_BASE  MG_HVT_LOAD_BASE    /* lowest segment address */
#define MG_SPT_STACK_SIZE MG_SPT_U64(0x80000) /* the boot stack: 512 KiB */
#define MG_SPT_TOP_BYTES  MG_SPT_U64(0x3000)  /* boot info and arguments */
/* The boot arguments (strings, then argv) follow the boot information. */
#define MG_SPT_BOOT_INFO_ARGS MG_SPT_U64(0x1000) /* their offset in the top */

#define MG_SPT_BOOT_MAGIC       MG_SPT_U64(0x3154505347524f4d) /* "MORGSPT1" */
#define MG_SPT_BOOT_SEED_OFFSET 64 /* offsetof(mg_spt_boot_info, seed) */

/* --- exit statuses: hvt's (mg/hvt_abi.h), and one of spt's own --- */

#define MG_SPT_EXIT_USAGE   MG_HVT_EXIT_USAGE /* 64 */
#define MG_SPT_EXIT_ABORT   MG_HVT_EXIT_ABORT /* 134 */
#define MG_SPT_EXIT_FAULT   MG_HVT_EXIT_FAULT /* 250: SIGSEGV, SIGILL... */
#define MG_SPT_EXIT_SYSCALL 251 /* a system call the filter forbids */
#define MG_SPT_EXIT_REFUSED MG_HVT_EXIT_REFUSED /* 252 */
#define MG_SPT_EXIT_HOST    MG_HVT_EXIT_HOST    /* 253 */

/*
 * --- the system calls a guest may make (x86-64 numbers) ---
 *
 *   write(1 or 2, ...)                  console, abort message
 *   readv, writev(fd of a net device)   one frame each, after its
 *                                       virtio-net header (10 bytes,
 *                                       mg_net_vnet_hdr of mg/net_offload.h)
 *   pread64, pwrite64, fdatasync        (fd of a block device)
 *   epoll_pwait2(epoll_fd, ...)         the one wait: every net device is
 *                                       registered, level-triggered, with
 *                                       its device index as data
 *   clock_gettime(CLOCK_MONOTONIC or CLOCK_REALTIME, ...)
 *   mprotect(..., PROT_NONE or PROT_READ | PROT_WRITE)
 *                                       fiber stack guard pages; never
 *                                       executable
 *   exit_group(status)
 */
#define MG_SPT_SYS_WRITE         1
#define MG_SPT_SYS_MPROTECT      10
#define MG_SPT_SYS_PREAD64       17
#define MG_SPT_SYS_PWRITE64      18
#define MG_SPT_SYS_READV         19
#define MG_SPT_SYS_WRITEV        20
#define MG_SPT_SYS_FDATASYNC     75
#define MG_SPT_SYS_CLOCK_GETTIME 228
#define MG_SPT_SYS_EXIT_GROUP    231
#define MG_SPT_SYS_EPOLL_PWAIT2  441

#ifndef __ASSEMBLER__

/* One device of the manifest, in its order (its index). */
struct mg_spt_device {
	char name[MG_HVT_NAME_MAX];
	uint32_t kind;        /* enum mg_hvt_device_kind */
	uint32_t flags;       /* MG_HVT_DEVICE_READ_ONLY */
	uint64_t capacity;    /* block: bytes */
	uint32_t sector_size; /* block: bytes */
	int32_t fd;           /* the descriptor the guest uses */
	uint16_t mtu;         /* net */
	uint8_t mac[6];       /* net */
	uint32_t offloads;    /* net: MG_NET_OFFLOAD_* the tap accepted */
	uint32_t reserved[3];
};
_Static_assert(sizeof(struct mg_spt_device) == 80, "device layout");

/* The type of mg_spt_boot_info.fault_hook. */
typedef const char *(*mg_spt_fault_hook)(uint64_t addr);

struct mg_spt_boot_info {
	uint64_t magic;       /* MG_SPT_BOOT_MAGIC */
	uint32_t abi_version; /* MG_SPT_ABI_VERSION */
	uint32_t device_count;
	uint64_t mem_size;  /* bytes: guest memory is [0, mem_size) */
	uint64_t image_end; /* page-aligned end of the image: the heap starts */
	uint64_t heap_end;  /* the heap ends (the stack guard starts) */
	uint64_t argc;      /* the boot arguments, argv[0] the image's path */
	MG_SPT_GUEST_PTR(char **) argv; /* argc pointers, then NULL */
	int32_t epoll_fd;
	uint32_t reserved0;
	uint8_t seed[32]; /* from the host's getrandom() */
	/*
	 * Set by the guest (0 until then): a function the tender's fault
	 * report calls with the faulting address, which returns a message
	 * for it ("stack overflow in fiber 'x'") or 0. It runs on the
	 * tender's signal stack and MUST only read memory.
	 */
	MG_SPT_GUEST_PTR(mg_spt_fault_hook) fault_hook;
	/*
	 * The host's vDSO clock_gettime (int (*)(int clock, struct timespec
	 * *)), or 0: the guest reads its clocks through it without a system
	 * call where the host's clock source allows, and it falls back to
	 * the clock_gettime system call itself where not.
	 */
	uint64_t vdso_clock_gettime;
	uint64_t reserved[2];
	struct mg_spt_device devices[MG_HVT_DEVICES_MAX];
};
_Static_assert(__builtin_offsetof(struct mg_spt_boot_info, seed) ==
                   MG_SPT_BOOT_SEED_OFFSET,
               "seed offset");
_Static_assert(sizeof(struct mg_spt_boot_info) == 128 + 80 * 32,
               "boot info layout");
_Static_assert(sizeof(struct mg_spt_boot_info) <= MG_SPT_BOOT_INFO_ARGS,
               "the arguments follow the boot info");

#endif /* !__ASSEMBLER__ */

#endif
