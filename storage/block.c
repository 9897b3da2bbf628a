/* Block devices: request checks, the platform's devices, memory devices. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <mg/block.h>
#include <mg/error.h>
#include <mg/log.h>
#include <mg/platform.h>

/* see mg/block.h */

MG_LOG_SOURCE(block, "block", "block devices");

int mg_block_check(const mg_block_info *info, uint64_t sector, size_t len)
{
	if (len % info->sector_size)
		return MG_EINVAL;
	uint64_t n = len / info->sector_size;
	if (sector > info->sector_count || n > info->sector_count - sector)
		return MG_ERANGE;
	return 0;
}

static bool valid_sector_size(uint32_t s)
{
	return s >= 512 && (s & (s - 1)) == 0;
}

/* --- the platform's devices --- */

typedef struct platform_block {
	mg_handle h;
	mg_block_info info;
} platform_block;

/* One per bound name; the manifest has at most a few dozen devices. */
#define PLATFORM_MAX 32
static platform_block platform_devs[PLATFORM_MAX];
static unsigned platform_used;

static void platform_info(void *self, mg_block_info *out)
{
	*out = ((platform_block *)self)->info;
}

static int platform_read(void *self, uint64_t sector, void *buf, size_t len)
{
	platform_block *b = self;
	int rc = mg_block_check(&b->info, sector, len);
	if (rc < 0 || len == 0)
		return rc;
	return mg_platform_block_read(b->h, sector * b->info.sector_size, buf,
	                              len);
}

static int platform_write(void *self, uint64_t sector, const void *buf,
                          size_t len)
{
	platform_block *b = self;
	if (b->info.read_only)
		return MG_EROFS;
	int rc = mg_block_check(&b->info, sector, len);
	if (rc < 0 || len == 0)
		return rc;
	return mg_platform_block_write(b->h, sector * b->info.sector_size, buf,
	                               len);
}

static int platform_flush(void *self)
{
	platform_block *b = self;
	return b->info.read_only ? 0 : mg_platform_block_flush(b->h);
}

static const mg_block_ops platform_ops = {
    .info = platform_info,
    .read = platform_read,
    .write = platform_write,
    .flush = platform_flush,
};

int mg_block_platform_connect(mg_block *out, const char *name)
{
	if (platform_used == PLATFORM_MAX)
		return MG_ENOMEM;
	mg_platform_block_info pi;
	mg_handle h;
	int rc = mg_platform_block_acquire(name, &h, &pi);
	if (rc == MG_ENOENT)
		MG_LOG(block, ERROR,
		       "block device '%s' is not bound: run the image with "
		       "--block:%s=FILE ('morgana run' does it)",
		       name, name);
	if (rc < 0)
		return rc;
	if (!valid_sector_size(pi.sector_size) ||
	    pi.capacity % pi.sector_size) {
		MG_LOG(block, ERROR,
		       "block device '%s': capacity %llu is not a whole number "
		       "of %u-byte sectors",
		       name, (unsigned long long)pi.capacity, pi.sector_size);
		return MG_EINVAL;
	}
	platform_block *b = &platform_devs[platform_used++];
	b->h = h;
	b->info.sector_size = pi.sector_size;
	b->info.sector_count = pi.capacity / pi.sector_size;
	b->info.read_only = pi.read_only;
	out->ops = &platform_ops;
	out->self = b;
	return 0;
}

/* --- devices in memory --- */

typedef struct mem_block {
	uint8_t *mem;
	mg_block_info info;
} mem_block;

static void mem_info(void *self, mg_block_info *out)
{
	*out = ((mem_block *)self)->info;
}

static int mem_read(void *self, uint64_t sector, void *buf, size_t len)
{
	mem_block *b = self;
	int rc = mg_block_check(&b->info, sector, len);
	if (rc < 0)
		return rc;
	if (len)
		memcpy(buf, b->mem + sector * b->info.sector_size, len);
	return 0;
}

static int mem_write(void *self, uint64_t sector, const void *buf, size_t len)
{
	mem_block *b = self;
	if (b->info.read_only)
		return MG_EROFS;
	int rc = mg_block_check(&b->info, sector, len);
	if (rc < 0)
		return rc;
	if (len)
		memmove(b->mem + sector * b->info.sector_size, buf, len);
	return 0;
}

static int mem_flush(void *self)
{
	(void)self;
	return 0;
}

static const mg_block_ops mem_ops = {
    .info = mem_info,
    .read = mem_read,
    .write = mem_write,
    .flush = mem_flush,
};

int mg_block_mem_connect(mg_block *out, void *mem, uint32_t sector_size,
                         uint64_t sector_count, bool read_only)
{
	if (!valid_sector_size(sector_size) ||
	    sector_count > UINT64_MAX / sector_size)
		return MG_EINVAL;
	mem_block *b = malloc(sizeof *b);
	if (!b)
		return MG_ENOMEM;
	b->mem = mem;
	b->info.sector_size = sector_size;
	b->info.sector_count = sector_count;
	b->info.read_only = read_only;
	out->ops = &mem_ops;
	out->self = b;
	return 0;
}

void mg_block_mem_free(mg_block *b)
{
	if (b && b->ops == &mem_ops) {
		free(b->self);
		b->self = NULL;
	}
}
