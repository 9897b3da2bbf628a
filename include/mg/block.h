/* Module type block: a device of fixed-size sectors. */
#ifndef MG_BLOCK_H
#define MG_BLOCK_H

/*
 * A block device is an array of (sector_count) sectors of (sector_size)
 * bytes each. Requests name a first sector and a length in bytes that MUST
 * be a whole number of sectors; one request MAY span many sectors, and
 * implementations MUST accept any such length (splitting it internally if
 * their transport needs to).
 *
 * Errors are checked before anything happens: a request that is misaligned,
 * out of range, or a write to a read-only device fails with nothing read or
 * written. Only a failure of the device itself (MG_EIO) may leave a write
 * partly done.
 *
 * Durability: a write returns once the device has the data, not once it
 * is on stable storage. flush() is the barrier: when it returns 0, every
 * write that completed before the call is durable. After a crash, any
 * sector written since the last successful flush holds either its old or
 * its new contents (never a mix of the two within one sector), and such
 * writes MAY have reached stable storage in any order, so a multi-sector
 * write MAY be found half done. Stores built on a block device keep their
 * own checksums.
 *
 * Calls MAY suspend the calling fiber; they MUST be made from a fiber.
 * Requests from several fibers MAY be in flight at once; their relative
 * order is unspecified unless one completed before the other was issued.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mg_block_info {
	uint32_t sector_size;  /* bytes: a power of two, at least 512 */
	uint64_t sector_count; /* capacity in sectors */
	bool read_only;        /* writes fail with MG_EROFS */
} mg_block_info;

typedef struct mg_block_ops {
	/* Store the geometry in (*out). Never fails; constant while connected.
	 */
	void (*info)(void *self, mg_block_info *out);
	/*
	 * Read (len) bytes starting at sector (sector) into (buf). (len) MUST
	 * be a multiple of the sector size (else MG_EINVAL) and the range MUST
	 * lie inside the device (else MG_ERANGE, overflow included). A (len) of
	 * 0 inside the range is a no-op returning 0. MG_EIO on a device failure
	 * (the contents of (buf) are then unspecified).
	 */
	int (*read)(void *self, uint64_t sector, void *buf, size_t len);
	/*
	 * Write (len) bytes from (buf) starting at sector (sector). As read(),
	 * and MG_EROFS on a read-only device; nothing is written when any of
	 * these errors is returned.
	 */
	int (*write)(void *self, uint64_t sector, const void *buf, size_t len);
	/* Barrier: make every completed write durable. 0, MG_EIO. A flush on
	 * a read-only device succeeds. */
	int (*flush)(void *self);
} mg_block_ops;

typedef struct mg_block {
	const mg_block_ops *ops;
	void *self;
} mg_block;

static inline void mg_block_info_get(mg_block *b, mg_block_info *out)
{
	b->ops->info(b->self, out);
}

static inline int mg_block_read(mg_block *b, uint64_t sector, void *buf,
                                size_t len)
{
	return b->ops->read(b->self, sector, buf, len);
}

static inline int mg_block_write(mg_block *b, uint64_t sector, const void *buf,
                                 size_t len)
{
	return b->ops->write(b->self, sector, buf, len);
}

static inline int mg_block_flush(mg_block *b)
{
	return b->ops->flush(b->self);
}

/*
 * Check a request of (len) bytes at (sector) against (info), for
 * implementations: 0, MG_EINVAL (misaligned length) or MG_ERANGE.
 */
int mg_block_check(const mg_block_info *info, uint64_t sector, size_t len);

/*
 * The platform's block device (name) from the image's manifest: a host
 * file on unix, a tender binding (--block:NAME=FILE) on hvt. MG_ENOENT if
 * the name is not bound, MG_EBUSY if already connected, MG_EINVAL if the
 * host file is not a whole number of sectors.
 */
int mg_block_platform_connect(mg_block *out, const char *name);

/*
 * A device over (sector_count) sectors of (sector_size) bytes at (mem),
 * which the caller owns and keeps alive; flush does nothing. For tests and
 * for images that carry a disk in memory. MG_EINVAL if (sector_size) is
 * not a power of two of at least 512. (out->self) is allocated: release it
 * with mg_block_mem_free().
 */
int mg_block_mem_connect(mg_block *out, void *mem, uint32_t sector_size,
                         uint64_t sector_count, bool read_only);
void mg_block_mem_free(mg_block *b);

#endif
