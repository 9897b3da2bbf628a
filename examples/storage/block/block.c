/* block: writes a pattern over the whole disk, reads it back, checks it. */
#include <stdlib.h>
#include <string.h>

#include <mg/block.h>
#include <mg/mg.h>

#include "mg_app.h"

/* The pattern's byte (i) of sector (s): depends on both and the seed. */
static uint8_t pattern(uint64_t s, size_t i)
{
	uint64_t x = (s + 1) * 0x9e3779b97f4a7c15ull ^ (uint64_t)mg_keys.seed;
	return (uint8_t)((x >> ((i % 8) * 8)) + i);
}

static void fill(uint8_t *buf, uint64_t first, size_t n, uint32_t ss)
{
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < ss; i++)
			buf[k * ss + i] = pattern(first + k, i);
}

int block_start(mg_console *console, mg_block *disk)
{
	mg_block_info info;
	mg_block_info_get(disk, &info);
	mg_console_printf(console, "disk: %llu sectors of %u bytes%s\n",
	                  (unsigned long long)info.sector_count,
	                  info.sector_size, info.read_only ? ", read-only" : "");
	size_t batch = (size_t)mg_keys.batch;
	uint8_t *want = malloc(batch * info.sector_size);
	uint8_t *got = malloc(batch * info.sector_size);
	if (!want || !got)
		return 1;

	/* Requests the device must refuse, leaving the disk untouched. */
	int rc1 = mg_block_write(disk, info.sector_count, want,
	                         info.sector_size);
	int rc2 = mg_block_write(disk, 0, want, info.sector_size - 1);
	mg_console_printf(console, "past the end: %s; misaligned: %s\n",
	                  mg_strerror_name(rc1), mg_strerror_name(rc2));
	if (rc1 != MG_ERANGE || rc2 != MG_EINVAL)
		return 1;

	for (uint64_t s = 0; !mg_keys.verify_only && s < info.sector_count;
	     s += batch) {
		size_t n = info.sector_count - s < batch
		               ? (size_t)(info.sector_count - s)
		               : batch;
		fill(want, s, n, info.sector_size);
		int rc = mg_block_write(disk, s, want, n * info.sector_size);
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
		fill(want, s, n, info.sector_size);
		rc = mg_block_read(disk, s, got, n * info.sector_size);
		if (rc < 0 || memcmp(want, got, n * info.sector_size) != 0) {
			mg_console_printf(console,
			                  "sectors %llu..%llu: %s\n",
			                  (unsigned long long)s,
			                  (unsigned long long)(s + n - 1),
			                  rc < 0 ? mg_strerror(rc)
			                         : "pattern mismatch");
			return 1;
		}
	}
	mg_console_printf(console,
	                  "pattern (seed %lld) %s and read back from %llu "
	                  "sectors: ok\n",
	                  (long long)mg_keys.seed,
	                  mg_keys.verify_only ? "found" : "written",
	                  (unsigned long long)info.sector_count);
	free(want);
	free(got);
	return 0;
}
