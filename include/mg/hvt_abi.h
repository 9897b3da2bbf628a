/* The hvt ABI: what the tender (host) and an hvt image (guest) share. */
#ifndef MG_HVT_ABI_H
#define MG_HVT_ABI_H

/*
 * This header compiles on both sides and depends on nothing but stdint.h.
 * The tender defines MG_HVT_HOST before including it: guest addresses then
 * become plain uint64_t integers that the tender cannot dereference by
 * accident; it translates each one after checking it against guest memory.
 * Every structure has a fixed layout (asserted below) so that both compilers
 * agree on it.
 *
 * Guest memory is identity-mapped (virtual == guest-physical) and starts at
 * guest-physical 0. Its fixed layout (see docs/hvt.md):
 *
 *   0x000000 - 0x000fff  not present: catches NULL dereferences
 *   0x001000 - 0x001fff  GDT and TSS (RW: the guest sets its IST stack)
 *   0x002000 - 0x002fff  boot information (read-only)
 *   0x003000 - 0x004fff  boot arguments: strings, then argv (RW)
 *   0x008000 - 0x07ffff  page tables (RW: the guest MAY edit them)
 *   0x080000 - 0x080fff  not present: guards the boot stack
 *   0x081000 - 0x0fffff  boot stack (RSP starts at 0x100000)
 *   0x100000 - ...       the image's segments, then the heap up to the
 *                        memory size
 *
 * Memory that the image does not initialise (its BSS, the heap) is zero at
 * entry.
 */

#define MG_HVT_ABI_VERSION 3

/* Constants are usable from assembly too (entry code needs a few). */
#ifdef __ASSEMBLER__
#define MG_HVT_U64(x) x
#else
#define MG_HVT_U64(x) x##ull
#include <stdint.h>

#include <mg/net_offload.h>
#endif

#ifdef MG_HVT_HOST
#define MG_HVT_GUEST_PTR(type) uint64_t
#else
/* A pointer field: 8 bytes on the (x86-64) guest, an integer on the host. */
#define MG_HVT_GUEST_PTR(type) type
#endif

/* --- memory layout --- */

#define MG_HVT_PAGE_SIZE      MG_HVT_U64(0x1000)
#define MG_HVT_GDT_BASE       MG_HVT_U64(0x1000)
#define MG_HVT_TSS_BASE       MG_HVT_U64(0x1080)
#define MG_HVT_BOOT_INFO_BASE MG_HVT_U64(0x2000)
#define MG_HVT_ARGS_BASE      MG_HVT_U64(0x3000)
#define MG_HVT_ARGS_MAX       MG_HVT_U64(0x2000) /* strings and argv together */
#define MG_HVT_PT_BASE        MG_HVT_U64(0x8000)
#define MG_HVT_PT_END         MG_HVT_U64(0x80000)
#define MG_HVT_STACK_GUARD    MG_HVT_U64(0x80000)
#define MG_HVT_STACK_TOP      MG_HVT_U64(0x100000)
#define MG_HVT_LOAD_BASE      MG_HVT_U64(0x100000) /* lowest segment address */
#define MG_HVT_MEM_MIN        (MG_HVT_U64(2) << 20)
/* At most 4 GiB: hypercall addresses are 32-bit. */
#define MG_HVT_MEM_MAX (MG_HVT_U64(4096) << 20)

/* GDT selectors set up by the tender. */
#define MG_HVT_SEL_CODE 0x08
#define MG_HVT_SEL_DATA 0x10
#define MG_HVT_SEL_TSS  0x18

/*
 * Page-table entry bits the guest may rely on. Pages of the image carry
 * their segment's permissions (text RX, rodata R, data and BSS RW, all but
 * text NX); everything else is RW and NX. Memory above the last 2 MiB
 * boundary covered by the image is mapped with 2 MiB pages, which the guest
 * MAY split to change the permission of a single 4 KiB page.
 * MG_HVT_PTE_GUARD is a bit the hardware ignores: the guest sets it on the
 * not-present pages it uses as stack guards, to recognise them in a fault.
 */
#define MG_HVT_PTE_P     (MG_HVT_U64(1) << 0)
#define MG_HVT_PTE_W     (MG_HVT_U64(1) << 1)
#define MG_HVT_PTE_PS    (MG_HVT_U64(1) << 7)
#define MG_HVT_PTE_GUARD (MG_HVT_U64(1) << 9)
#define MG_HVT_PTE_NX    (MG_HVT_U64(1) << 63)
#define MG_HVT_PTE_ADDR  MG_HVT_U64(0x000ffffffffff000)

/* --- boot information constants --- */

#define MG_HVT_BOOT_MAGIC       MG_HVT_U64(0x314e4147524f4d00) /* "\0MORGAN1" */
#define MG_HVT_BOOT_SEED_OFFSET 72 /* offsetof(mg_hvt_boot_info, seed) */
#define MG_HVT_PORT_BASE        0x500

/* --- the tender's exit statuses (docs/hvt.md) --- */

/* 0..255 also come from the guest's EXIT; these are the tender's own. */
#define MG_HVT_EXIT_USAGE   64  /* bad command line or device bindings */
#define MG_HVT_EXIT_ABORT   134 /* the guest aborted (as SIGABRT on unix) */
#define MG_HVT_EXIT_FAULT   250 /* CPU exception, triple fault, bad insn */
#define MG_HVT_EXIT_ABI     251 /* the guest broke the hypercall ABI */
#define MG_HVT_EXIT_REFUSED 252 /* the image is not a valid hvt image */
#define MG_HVT_EXIT_HOST    253 /* host failure: KVM, memory, files */

#ifndef __ASSEMBLER__

/* The 64-bit TSS; the tender zeroes it, the guest fills ist[]. */
struct mg_hvt_tss {
	uint32_t reserved0;
	uint32_t rsp[6]; /* rsp0..rsp2, as unaligned 64-bit pairs */
	uint32_t reserved1[2];
	uint32_t ist[14]; /* ist1..ist7, as unaligned 64-bit pairs */
	uint32_t reserved2[2];
	uint16_t reserved3;
	uint16_t iomap_base;
};
_Static_assert(sizeof(struct mg_hvt_tss) == 104, "TSS layout");

/* --- the manifest: an ELF note in the image --- */

/*
 * The image declares the devices it expects in an ELF note (in a PT_NOTE
 * segment) with name "MORGANA" and type MG_HVT_NOTE_MANIFEST, whose
 * descriptor is a struct mg_hvt_manifest followed by (count) entries. The
 * tender refuses an image without one. MG_HVT_MANIFEST() below emits it.
 */
#define MG_HVT_NOTE_NAME        "MORGANA"
#define MG_HVT_NOTE_MANIFEST    1
#define MG_HVT_MANIFEST_VERSION 1
#define MG_HVT_DEVICES_MAX      32
#define MG_HVT_NAME_MAX         32 /* bytes, with the final NUL */

enum mg_hvt_device_kind {
	MG_HVT_DEVICE_NET = 1,
	MG_HVT_DEVICE_BLOCK = 2,
};

struct mg_hvt_manifest {
	uint32_t version; /* MG_HVT_MANIFEST_VERSION */
	uint32_t count;   /* entries that follow, at most MG_HVT_DEVICES_MAX */
};
_Static_assert(sizeof(struct mg_hvt_manifest) == 8, "manifest layout");

/*
 * (name) is [A-Za-z0-9_-]+, NUL-padded, unique within the manifest. Only
 * 4-byte fields: ELF notes are 4-byte aligned.
 */
struct mg_hvt_manifest_entry {
	char name[MG_HVT_NAME_MAX];
	uint32_t kind; /* enum mg_hvt_device_kind */
};
_Static_assert(sizeof(struct mg_hvt_manifest_entry) == 36, "entry layout");

#ifndef MG_HVT_HOST
/*
 * Emit the image's manifest, once per image, at file scope:
 *   MG_HVT_MANIFEST(2, { "service", MG_HVT_DEVICE_NET },
 *                      { "disk", MG_HVT_DEVICE_BLOCK });
 *   MG_HVT_MANIFEST(0);   (an image without devices)
 * platform/hvt/hvt.ld puts section .note.morgana in a PT_NOTE segment.
 */
#define MG_HVT_MANIFEST(n, ...)                                                \
	__attribute__((section(".note.morgana"), aligned(4), used))            \
	const struct {                                                         \
		uint32_t namesz, descsz, type;                                 \
		char name[sizeof MG_HVT_NOTE_NAME];                            \
		struct mg_hvt_manifest m;                                      \
		struct mg_hvt_manifest_entry e[n];                             \
	} mg__hvt_manifest = {                                                 \
	    sizeof MG_HVT_NOTE_NAME,                                           \
	    sizeof(struct mg_hvt_manifest) +                                   \
	        (n) * sizeof(struct mg_hvt_manifest_entry),                    \
	    MG_HVT_NOTE_MANIFEST,                                              \
	    MG_HVT_NOTE_NAME,                                                  \
	    {MG_HVT_MANIFEST_VERSION, (n)},                                    \
	    {__VA_ARGS__},                                                     \
	}
#endif

/* --- boot information, at MG_HVT_BOOT_INFO_BASE, passed in RDI --- */

/*
 * One device of the manifest, in its order: its index is the device's
 * handle in hypercalls and its bit in the POLL ready set.
 */
#define MG_HVT_DEVICE_READ_ONLY 1u

struct mg_hvt_device {
	char name[MG_HVT_NAME_MAX];
	uint32_t kind;        /* enum mg_hvt_device_kind */
	uint32_t flags;       /* MG_HVT_DEVICE_READ_ONLY */
	uint64_t capacity;    /* block: bytes */
	uint32_t sector_size; /* block: bytes */
	uint16_t mtu;         /* net */
	uint8_t mac[6];       /* net */
	uint32_t reserved;
};
_Static_assert(sizeof(struct mg_hvt_device) == 64, "device layout");

struct mg_hvt_boot_info {
	uint64_t magic;       /* MG_HVT_BOOT_MAGIC */
	uint32_t abi_version; /* MG_HVT_ABI_VERSION */
	uint32_t device_count;
	uint64_t mem_size;  /* bytes of guest memory, from 0 */
	uint64_t image_end; /* page-aligned end of the image: the heap starts */
	uint64_t tsc_hz;    /* TSC frequency (KVM_GET_TSC_KHZ * 1000) */
	/*
	 * The guest's TSC when (wall_ns) was read, or 0 if the tender could
	 * not read it (the guest then takes its first TSC reading).
	 */
	uint64_t tsc_at_boot;
	uint64_t wall_ns; /* host CLOCK_REALTIME at boot, ns since the epoch */
	/*
	 * The boot arguments, argv[0] being the image's path, as C's main()
	 * receives them: the tender passes a vector, not a line, so that the
	 * guest has nothing to split (every guest instruction is costly
	 * when the CPU is emulated) and no quoting can go wrong.
	 */
	uint64_t argc;
	MG_HVT_GUEST_PTR(char **) argv; /* argc pointers, then NULL */
	uint8_t seed[32];               /* from the host's getrandom() */
	uint64_t reserved[4];
	struct mg_hvt_device devices[MG_HVT_DEVICES_MAX];
};
_Static_assert(sizeof(struct mg_hvt_boot_info) == 136 + 64 * 32,
               "boot info layout");
_Static_assert(__builtin_offsetof(struct mg_hvt_boot_info, seed) ==
                   MG_HVT_BOOT_SEED_OFFSET,
               "seed offset");

/* --- hypercalls --- */

/*
 * The guest calls the tender with a 32-bit `out` to port
 * MG_HVT_PORT_BASE + call, whose value is the guest-physical address of
 * the call's argument block (8-byte aligned). The tender checks the block
 * and every address in it against guest memory: a bad one ends the guest
 * with MG_HVT_EXIT_ABI. Fields marked "out" are written by the tender.
 * Calls that can fail store 0 or a negative MG_E code (mg/error.h) in
 * (ret).
 */
enum mg_hvt_call {
	MG_HVT_CALL_WRITE = 1,    /* console write */
	MG_HVT_CALL_POLL = 2,     /* block until a deadline or a ready device */
	MG_HVT_CALL_EXIT = 3,     /* end with a status */
	MG_HVT_CALL_ABORT = 4,    /* end abnormally with a message */
	MG_HVT_CALL_WALLTIME = 5, /* read the host's wall clock */
	MG_HVT_CALL_FAULT = 6,    /* report a CPU exception and end */
	MG_HVT_CALL_NET_RING = 7, /* register a net device's frame rings */
	MG_HVT_CALL_NET_SYNC = 8, /* move frames through them now */
	MG_HVT_CALL_BLOCK_WRITE = 9,
	MG_HVT_CALL_BLOCK_READ = 10,
	MG_HVT_CALL_BLOCK_FLUSH = 11,
	MG_HVT_CALL_COPY = 12, /* copy guest memory (memmove) */
	MG_HVT_CALL_MAX
};

/* WRITE: write (len) bytes at (data) to the console (the tender's stdout). */
struct mg_hvt_write {
	MG_HVT_GUEST_PTR(const char *) data;
	uint64_t len;
};
_Static_assert(sizeof(struct mg_hvt_write) == 16, "write layout");

/*
 * POLL: wait until the guest's monotonic clock reaches (deadline_ns) or a
 * device is ready. The guest passes its clock's value at the call in
 * (now_ns): the tender waits (deadline_ns - now_ns) from receiving the
 * call, so the two sides need not share a clock origin. UINT64_MAX waits
 * with no deadline. Out: (ready), bit i set when device i has input.
 */
struct mg_hvt_poll {
	uint64_t deadline_ns;
	uint64_t now_ns;
	uint64_t ready; /* out */
};
_Static_assert(sizeof(struct mg_hvt_poll) == 24, "poll layout");

/* EXIT: end the guest; the tender exits with (status) & 255. */
struct mg_hvt_exit {
	uint64_t status;
};
_Static_assert(sizeof(struct mg_hvt_exit) == 8, "exit layout");

/*
 * ABORT: end the guest abnormally; the tender writes (msg) to stderr and
 * exits with MG_HVT_EXIT_ABORT.
 */
struct mg_hvt_abort {
	MG_HVT_GUEST_PTR(const char *) msg;
	uint64_t len;
};
_Static_assert(sizeof(struct mg_hvt_abort) == 16, "abort layout");

/* WALLTIME: out (ns), host CLOCK_REALTIME in ns since the Unix epoch. */
struct mg_hvt_walltime {
	uint64_t ns; /* out */
};
_Static_assert(sizeof(struct mg_hvt_walltime) == 8, "walltime layout");

/*
 * FAULT: the guest's exception handler reports the CPU state at a fault
 * and an optional message (e.g. which fiber overflowed its stack); the
 * tender prints them and exits with MG_HVT_EXIT_FAULT.
 */
enum mg_hvt_reg {
	MG_HVT_RAX,
	MG_HVT_RBX,
	MG_HVT_RCX,
	MG_HVT_RDX,
	MG_HVT_RSI,
	MG_HVT_RDI,
	MG_HVT_RBP,
	MG_HVT_R8,
	MG_HVT_R9,
	MG_HVT_R10,
	MG_HVT_R11,
	MG_HVT_R12,
	MG_HVT_R13,
	MG_HVT_R14,
	MG_HVT_R15,
	MG_HVT_NREGS
};

struct mg_hvt_fault {
	uint64_t vector; /* 0..31 */
	uint64_t error_code;
	uint64_t rip;
	uint64_t rsp;
	uint64_t rflags;
	uint64_t cr2;
	uint64_t regs[MG_HVT_NREGS];
	MG_HVT_GUEST_PTR(const char *) msg; /* or 0 */
	uint64_t msg_len;
};
_Static_assert(sizeof(struct mg_hvt_fault) == 8 * (6 + MG_HVT_NREGS + 2),
               "fault layout");

/*
 * Net devices move frames through a pair of rings in guest memory, so that
 * a busy guest pays one exit for many frames, not one per frame. The guest
 * registers the rings of device (handle) once with NET_RING, before using
 * the device; they stay where they are for the rest of the run.
 *
 * A ring area is a struct mg_hvt_net_ring, then the TX area (tx_size
 * bytes), then the RX area (rx_size bytes). Each area holds records, one
 * per frame: a struct mg_hvt_net_rec, then the frame, padded to a multiple
 * of 16 bytes. Positions are byte counts that run freely (mod 2^32); a
 * record lies at position % size and never wraps: a writer that finds too
 * little room before the end of the area puts a record of length
 * MG_HVT_NET_WRAP there (only its header is read) and goes on at the
 * area's start. The guest writes TX records at tx_prod; the tender sends
 * them and advances tx_cons. The tender stores received frames at rx_prod;
 * the guest takes them and advances rx_cons.
 *
 * A record carries a frame's offloads (mg/platform.h, mg_net_offload:
 * virtio-net's header, which the tender's tap reads and writes), so that
 * a guest may hand a 64 KiB TCP segment to the host with its checksum
 * left to the host, and take such segments that the host coalesced or
 * never cut. The tender sets in (offloads) the MG_NET_OFFLOAD_* that its
 * tap accepted; frames it delivers then use only those.
 *
 * Neither side has threads: the tender touches the rings only while it
 * handles a hypercall, so they need no atomics. At every POLL and NET_SYNC
 * the tender first sends every frame queued on each registered TX ring,
 * then fills each RX ring with the frames its tap holds (while they fit;
 * the rest stay in the tender and the tap's queue). A device is ready (its
 * bit in POLL's ready set) when its RX ring holds a record after that. The
 * tender checks every position and length it reads from the rings: a TX
 * position more than tx_size ahead, an RX position not between the
 * tender's, a record outside its area, or a frame length outside 14..mtu +
 * 14 (14..14 + 65535 for a MG_NET_GSO_TCPV4 frame) ends the guest with
 * MG_HVT_EXIT_ABI. A frame the host refuses (a bad offload request) is
 * dropped, as a wire drops a bad frame.
 */
struct mg_hvt_net_ring {
	uint32_t tx_size;  /* bytes of the TX area: a power of two with room
	                      for a largest frame's record (128 KiB) up to
	                      16 MiB */
	uint32_t rx_size;  /* bytes of the RX area, likewise */
	uint32_t tx_prod;  /* guest: bytes of TX records queued */
	uint32_t tx_cons;  /* tender: bytes of TX records sent */
	uint32_t rx_prod;  /* tender: bytes of RX records stored */
	uint32_t rx_cons;  /* guest: bytes of RX records taken */
	uint32_t offloads; /* tender, at NET_RING: MG_NET_OFFLOAD_* */
	uint32_t reserved;
};
_Static_assert(sizeof(struct mg_hvt_net_ring) == 32, "net ring layout");

struct mg_hvt_net_rec {
	uint32_t len;         /* frame bytes that follow, or MG_HVT_NET_WRAP */
	uint8_t flags;        /* MG_NET_CSUM_* */
	uint8_t gso;          /* MG_NET_GSO_* */
	uint16_t hdr_len;     /* the fields of mg_net_offload */
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t reserved;
};
_Static_assert(sizeof(struct mg_hvt_net_rec) == 16, "net record layout");

#define MG_HVT_NET_WRAP 0xffffffffu
/* Bytes a record of a (len)-byte frame takes in its area. */
#define MG_HVT_NET_REC_BYTES(len)                                              \
	((uint32_t)sizeof(struct mg_hvt_net_rec) + (((uint32_t)(len) + 15) & ~15u))
/* The bytes of a ring area with (tx, rx) bytes of records. */
#define MG_HVT_NET_RING_SIZE(tx, rx)                                           \
	(sizeof(struct mg_hvt_net_ring) + (uint64_t)(tx) + (uint64_t)(rx))

/*
 * NET_RING: register the ring area (ring, size) of net device (handle),
 * whose header the guest has filled (positions 0). Out (ret): 0; MG_EINVAL
 * for a handle that is no net device, a bad geometry (an area size that
 * is no power of two, out of range or too small for a largest frame,
 * size below MG_HVT_NET_RING_SIZE); MG_EBUSY if the
 * device has rings already. An area outside guest memory is an ABI
 * violation.
 *
 * NET_SYNC: send and receive as POLL does, without waiting; (ring, size)
 * are ignored. Out (ret): 0, or MG_EINVAL for a device without rings.
 */
struct mg_hvt_net_io {
	uint64_t handle;
	MG_HVT_GUEST_PTR(struct mg_hvt_net_ring *) ring;
	uint64_t size;
	int64_t ret; /* out */
};
_Static_assert(sizeof(struct mg_hvt_net_io) == 32, "net io layout");

/*
 * BLOCK_WRITE / BLOCK_READ: transfer (len) bytes (any number of sectors)
 * at byte (offset) of device (handle), in one exit. Both MUST be multiples
 * of the sector size and the range inside the capacity, else (ret)
 * MG_EINVAL and nothing moves; MG_EROFS for a write to a read-only device;
 * MG_EIO on a host failure. (data, len) outside guest memory is an ABI
 * violation. BLOCK_FLUSH: make completed writes durable (fdatasync on the
 * host file); (offset, data, len) are ignored. Out: (ret).
 */
struct mg_hvt_block_io {
	uint64_t handle;
	uint64_t offset;
	MG_HVT_GUEST_PTR(void *) data;
	uint64_t len;
	int64_t ret; /* out */
};
_Static_assert(sizeof(struct mg_hvt_block_io) == 40, "block io layout");

#endif /* !__ASSEMBLER__ */

#ifndef __ASSEMBLER__
/*
 * COPY: move (len) bytes from guest address (src) to (dst), overlapping
 * or not, as memmove. Where KVM emulates guest instructions, a guest copy
 * costs an emulated step per 8 bytes (about 1 us: 7 MB/s) and an exit
 * about 15 us, so from a few hundred bytes on the tender copies faster.
 * The tender walks the page tables at (cr3), the guest's own: every page
 * of (src) MUST be present and every page of (dst) present and writable,
 * mapped at the same physical address, so that the copy obeys the
 * protections the guest set itself (read-only text, guard pages). Out
 * (ret): 0, or MG_EFAULT and nothing copied.
 */
struct mg_hvt_copy {
	uint64_t dst, src, len;
	uint64_t cr3;
	int64_t ret; /* out */
};
_Static_assert(sizeof(struct mg_hvt_copy) == 40, "copy layout");
#endif

#endif
