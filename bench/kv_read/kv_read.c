/* kv_read: read throughput of a kv_ro store, large and small files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mg/kv_ro.h>
#include <mg/mg.h>
#include <mg/platform.h>

#include "mg_app.h"

static uint64_t now(void)
{
	return mg_platform_monotonic_ns();
}

/* Read (total) bytes of (key) from its start, again and again, in gets of
 * (chunk) bytes; MB/s (10^6 bytes) or -1. */
static long long large(mg_kv_ro *kv, const char *key, uint64_t size,
                       size_t chunk, uint64_t total, uint8_t *buf)
{
	uint64_t t0 = now(), done = 0, off = 0;
	while (done < total) {
		size_t got;
		if (off >= size)
			off = 0;
		if (mg_kv_ro_get(kv, key, off, buf, chunk, &got) < 0 || !got)
			return -1;
		off += got;
		done += got;
	}
	uint64_t ns = now() - t0;
	return ns ? (long long)(done * 1000 / ns) : -1;
}

typedef struct small {
	mg_kv_ro *kv;
	uint8_t *buf;
	char key[MG_KV_KEY_MAX + 1];
	long files;
	uint64_t bytes;
	int rc;
} small;

static int one(void *arg, const mg_kv_entry *e)
{
	small *s = arg;
	size_t got;
	char key[MG_KV_KEY_MAX + 1];
	snprintf(key, sizeof key, "%s/%s", mg_keys.small, e->name);
	s->rc = mg_kv_ro_get(s->kv, key, 0, s->buf, 1 << 20, &got);
	s->files++;
	s->bytes += got;
	return s->rc;
}

int kv_read_start(mg_console *console, mg_kv_ro *kv)
{
	uint64_t size;
	int rc = mg_kv_ro_size(kv, mg_keys.file, &size);
	uint8_t *buf = malloc(1 << 20);
	if (rc < 0 || !buf) {
		mg_console_printf(console, "%s: %s\n", mg_keys.file,
		                  mg_strerror(rc));
		return 1;
	}
	uint64_t total = (uint64_t)mg_keys.mib << 20;
	static const size_t chunks[] = {4096, 65536, 1 << 20};
	for (size_t i = 0; i < 3; i++) {
		long long mbs =
		    large(kv, mg_keys.file, size, chunks[i], total, buf);
		mg_console_printf(console, "large: %zu-byte gets: %lld MB/s\n",
		                  chunks[i], mbs);
	}
	/* In place, where the store can (crunch): the cost of a view. */
	const void *data;
	size_t len;
	if (mg_kv_ro_view(kv, mg_keys.file, 0, &data, &len) == 0) {
		uint64_t t1 = now();
		int n = 0;
		for (; n < 1000; n++)
			if (mg_kv_ro_view(kv, mg_keys.file, (uint64_t)n << 12,
			                  &data, &len) < 0)
				break;
		mg_console_printf(console,
		                  "large: views in place: %llu ns each\n",
		                  (unsigned long long)((now() - t1) / 1000));
	}
	small s = {.kv = kv, .buf = buf};
	uint64_t t0 = now();
	rc = mg_kv_ro_list_each(kv, mg_keys.small, one, &s);
	uint64_t ns = now() - t0;
	if (rc < 0 || s.rc < 0 || !s.files) {
		mg_console_printf(console, "small files: %s\n",
		                  mg_strerror(rc < 0 ? rc : s.rc));
		return 1;
	}
	mg_console_printf(console,
	                  "small: %ld files of %llu bytes: %llu files/s, "
	                  "%llu MB/s\n",
	                  s.files, (unsigned long long)(s.bytes / s.files),
	                  (unsigned long long)(s.files * 1000000000ull / ns),
	                  (unsigned long long)(s.bytes * 1000 / ns));
	free(buf);
	return 0;
}
