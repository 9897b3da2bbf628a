/* The platform interface: everything Morgana needs from the world below it. */
#ifndef MG_PLATFORM_H
#define MG_PLATFORM_H

/*
 * This header is the whole contract between the target-independent code
 * (core/ and every device) and a target (platform/unix, platform/hvt, ...).
 * A new target is a new implementation of these calls and nothing else.
 *
 * Conventions:
 * - Calls returning int return 0 or a negative MG_E code (mg/error.h).
 * - Times are nanoseconds in a uint64_t.
 * - There are no interrupts and no threads: the platform is entered only
 *   from these calls, on the single core the unikernel runs on. Nothing here
 *   is re-entrant and nothing needs to be.
 * - "MUST abort" means the call does not return: it behaves as
 *   mg_platform_abort() with a message naming the violated rule.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mg/net_offload.h>

/* A device handle (net or block, and host descriptors on unix). */
typedef uint64_t mg_handle;

/* Boot information, valid for the lifetime of the unikernel. */
typedef struct mg_boot_info {
	/*
	 * Boot arguments, argv[0] being the image name. On targets that receive
	 * a single command line string the platform splits it (on spaces, with
	 * "..." and '...' quoting and \ escapes) before the unikernel starts.
	 */
	int argc;
	char **argv;
	/*
	 * Memory the unikernel MAY use for its heap, or heap_size 0 if the
	 * platform's own allocator (the host's malloc on unix) is to be used.
	 */
	void *heap_start;
	size_t heap_size;
	/* A short name of the target: "unix", "hvt". */
	const char *target;
} mg_boot_info;

/* The boot information. MUST be callable at any time after entry. */
const mg_boot_info *mg_platform_boot_info(void);

/* --- console --- */

/*
 * Write (len) bytes of (buf) to the console. MUST write all of them before
 * returning (it may block the whole unikernel to do so). Never fails: a
 * console that cannot be written to loses the bytes.
 */
void mg_platform_console_write(const char *buf, size_t len);

/* --- clocks --- */

/*
 * Monotonic time in ns since an arbitrary origin fixed at boot. MUST never
 * go backwards and MUST be at least microsecond-accurate.
 */
uint64_t mg_platform_monotonic_ns(void);

/*
 * Wall-clock time in ns since the Unix epoch (UTC). MAY jump (it follows
 * the host clock or is set once at boot).
 */
uint64_t mg_platform_wall_ns(void);

/* --- entropy --- */

/*
 * Fill (buf) with (len) bytes from the platform's best entropy source
 * (getrandom on unix; the tender's seed mixed with RDRAND/RDSEED on hvt).
 * Used to seed the random generator, not on hot paths. MUST abort if no
 * entropy can be had: a unikernel never runs with a predictable seed.
 */
void mg_platform_entropy(void *buf, size_t len);

/* --- waiting --- */

/*
 * Block the whole unikernel until the monotonic clock reaches (deadline_ns)
 * or at least one device handle is ready, whichever comes first. A deadline
 * in the past polls without blocking; UINT64_MAX waits with no deadline.
 *
 * On return, the ready handles are stored in (ready), at most (max) of them,
 * and their count in (*n_ready). Readiness is level-triggered: a handle that
 * is still ready and was not reported (more than (max) were ready) is
 * reported by the next call. A handle is ready for a net device when a frame
 * can be read; on unix for a host descriptor as registered, except that
 * host descriptors are edge-triggered (mg/platform_unix.h says why).
 *
 * The call MAY return early with no handle ready (a spurious wakeup);
 * the scheduler MUST tolerate it.
 */
void mg_platform_yield(uint64_t deadline_ns, mg_handle *ready, size_t max,
		       size_t *n_ready);

/* --- fiber stacks --- */

/*
 * Allocate a stack of at least (size) usable bytes for a fiber, with an
 * inaccessible guard region below it where the target can have one (a
 * guard page on unix). On success stores the lowest usable address in
 * (*base) and the usable size in (*usable) and returns 0; MG_ENOMEM if out
 * of memory. A fault in the guard region MUST be reported as a stack
 * overflow of the fiber named by mg__fiber_current_name() and MUST abort,
 * never continue with corrupted memory.
 */
int mg_platform_stack_alloc(size_t size, void **base, size_t *usable);

/* Release a stack from mg_platform_stack_alloc(). */
void mg_platform_stack_free(void *base, size_t usable);

/* --- network devices (implemented by the networking layer) --- */

typedef struct mg_platform_net_info {
	uint8_t mac[6];
	uint16_t mtu;      /* maximum frame payload, e.g. 1500 */
	unsigned offloads; /* MG_NET_OFFLOAD_* (mg/net_offload.h) */
} mg_platform_net_info;

/*
 * Acquire the network device (name) from the image's manifest. Returns 0
 * and sets (*h) and (*info), MG_ENOENT if the name is not bound, MG_EBUSY
 * if already acquired.
 *
 * The device is a Linux tap on both targets, bound by --net:NAME=TAP: on
 * unix on the image's own command line (mg/platform_unix.h; the platform
 * attaches to the tap, or creates it given CAP_NET_ADMIN, and says on
 * stderr why it cannot), on hvt on the tender's (docs/hvt.md). The MTU is
 * the tap's. The MAC is a random locally administered one, the tap's own
 * being the host's end of the wire. Readiness of a net handle: on unix it
 * is a host descriptor, edge-triggered like the others, so its user reads
 * until MG_EAGAIN before waiting (mg/netif.h says so for every netif).
 */
int mg_platform_net_acquire(const char *name, mg_handle *h,
			    mg_platform_net_info *info);

/*
 * Send one Ethernet frame (buf, len) with its offloads (off) (NULL: none).
 * MUST NOT block. Returns 0 when sent (or dropped by the device, as a wire
 * may), MG_EINVAL if (len) is below 14 or exceeds mtu + 14 (header), or
 * MG_NET_FRAME_MAX for a MG_NET_GSO_TCPV4 frame, or (off) asks for an
 * offload the device lacks.
 */
int mg_platform_net_write(mg_handle h, const void *buf, size_t len,
                          const mg_net_offload *off);

/*
 * Receive one frame into (buf) of (size) bytes, storing its length in
 * (*len) and its offloads in (*off) (all zero when none). MUST NOT block:
 * MG_EAGAIN when no frame is waiting. A frame longer than (size) stays
 * where it is: MG_EMSGSIZE, with its length in (*len); the caller calls
 * again with room for it, or with (buf) NULL to drop it. Frames are at
 * most mtu + 14 bytes, or MG_NET_FRAME_MAX on a device with offloads.
 */
int mg_platform_net_read(mg_handle h, void *buf, size_t size, size_t *len,
                         mg_net_offload *off);

/* --- block devices (implemented by the storage layer) --- */

typedef struct mg_platform_block_info {
	uint64_t capacity;    /* bytes */
	uint32_t sector_size; /* bytes, a power of two, at least 512 */
	bool read_only;
} mg_platform_block_info;

/* Acquire the block device (name): as mg_platform_net_acquire(). */
int mg_platform_block_acquire(const char *name, mg_handle *h,
			      mg_platform_block_info *info);

/*
 * Write (size) bytes at byte (offset). Both MUST be multiples of the sector
 * size and the range inside the capacity, else MG_EINVAL and nothing is
 * written. MG_EROFS on a read-only device, MG_EIO on a host failure.
 * Returns when the host has the data (not necessarily on stable storage).
 */
int mg_platform_block_write(mg_handle h, uint64_t offset, const void *buf,
			    size_t size);

/* Read as mg_platform_block_write() writes. */
int mg_platform_block_read(mg_handle h, uint64_t offset, void *buf,
			   size_t size);

/* Make every completed write durable (fdatasync on the host). */
int mg_platform_block_flush(mg_handle h);

/* --- exit --- */

/* End the unikernel with (status) (0..255). Does not return. */
_Noreturn void mg_platform_exit(int status);

/*
 * End the unikernel abnormally after writing (msg) to the console. The
 * exit status is distinct from any mg_platform_exit() one that a test can
 * confuse with success (134 on unix, as SIGABRT gives).
 */
_Noreturn void mg_platform_abort(const char *msg);

/* --- entry --- */

/*
 * The platform's entry point (main on unix, the ELF entry on hvt) sets up
 * the target, then calls mg__boot(), which never returns. Implemented by
 * core/boot.c.
 */
_Noreturn void mg__boot(void);

/* Name of the running fiber, for the stack overflow report (core/). */
const char *mg__fiber_current_name(void);

#endif
