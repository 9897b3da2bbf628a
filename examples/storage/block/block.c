/* block: writes a pattern over the whole disk, reads it back, checks it. */
#include <stdlib.h>
#include <string.h>

#include <mg/block.h>
#include <mg/mg.h>

#include "mg_app.h"

/*
 * The pattern: word (j) of sector (s) depends on both and on the seed.
 * Words, not bytes: a guest whose CPU is emulated pays per instruction.
 */
static uint64_t word(uint64_t s, size_t j)
{
	return (s << 32 | j) ^ ((uint64_t)mg_keys.seed * 0x9e3779b97f4a7c15ull);
}

static void fill(uint64_t *buf, uint64_t first, size_t n, uint32_t ss)
{
	size_t per = ss / 8;
	for (size_t k = 0; k < n; k++)
		for (size_t j = 0; j < per; j++)
			buf[k * per + j] = word(first + k, j);
}

/* The first sector of (buf) that differs from the pattern, or -1. */
static long long check(const uint64_t *buf, uint64_t first, size_t n,
                       uint32_t ss)
{
	size_t per = ss / 8;
	for (size_t k = 0; k < n; k++)
		for (size_t j = 0; j < per; j++)
			if (buf[k * per + j] != word(first + k, j))
				return (long long)(first + k);
	return -1;
}

int block_start(mg_console *console, mg_block *disk)
{
	mg_block_info info;
	mg_block_info_get(disk, &info);
	mg_console_printf(console, "disk: %llu sectors of %u bytes%s\n",
	                  (unsigned long long)info.sector_count,
	                  info.sector_size,
	                  info.read_only ? ", read-only" : "");
	size_t batch = (size_t)mg_keys.batch;
	uint64_t *buf = malloc(batch * info.sector_size);
	if (!buf)
		return 1;

	/* Requests the device must refuse, leaving the disk untouched. */
	int rc1 =
	    mg_block_write(disk, info.sector_count, buf, info.sector_size);
	int rc2 = mg_block_write(disk, 0, buf, info.sector_size - 1);
	mg_console_printf(console, "past the end: %s; misaligned: %s\n",
	                  mg_strerror_name(rc1), mg_strerror_name(rc2));
	if (rc1 != MG_ERANGE || rc2 != MG_EINVAL)
		return 1;

	for (uint64_t s = 0; !mg_keys.verify_only && s < info.sector_count;
	     s += batch) {
		size_t n = info.sector_count - s < batch
		               ? (size_t)(info.sector_count - s)
		               : batch;
		fill(buf, s, n, info.sector_size);
		int rc = mg_block_write(disk, s, buf, n * info.sector_size);
		if (rc < 0) {
			mg_console_printf(console, "write at sector %llu: %s\n",
			                  (unsigned long long)s,
			                  mg_strerror(rc));
			return 1;
		}
	}
	int rc = mg_block_flush(disk);
	if (rc < 0) {
		mg_console_printf(console, "flush: %s\n", mg_strerror(rc));
		return 1;
	}
	for (uint64_t s = 0; s < info.sector_count; s += batch) {
		size_t n = info.sector_count - s < batch
		               ? (size_t)(info.sector_count - s)
		               : batch;
		rc = mg_block_read(disk, s, buf, n * info.sector_size);
		long long bad =
		    rc < 0 ? -1 : check(buf, s, n, info.sector_size);
		if (rc < 0 || bad >= 0) {
			mg_console_printf(
			    console, "sector %llu: %s\n",
			    (unsigned long long)(rc < 0 ? s : bad),
			    rc < 0 ? mg_strerror(rc) : "pattern mismatch");
			return 1;
		}
	}
	mg_console_printf(console,
	                  "pattern (seed %lld) %s and read back from %llu "
	                  "sectors: ok\n",
	                  (long long)mg_keys.seed,
	                  mg_keys.verify_only ? "found" : "written",
	                  (unsigned long long)info.sector_count);
	free(buf);
	return 0;
}
