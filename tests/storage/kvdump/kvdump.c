/*
 * kvdump: writes every entry of a kv_ro store to a block device, for the
 * storage tests to compare with the host folder (tests/storage/dump.py).
 * Each record starts on a sector: a text header, NUL-padded to whole
 * sectors,
 *   "F SIZE MTIME_NS DIGEST|- KEY\n"  then SIZE bytes padded to a sector
 *   "D MTIME_NS KEY\n"
 *   "E FILES DIRS\n"                 at the end.
 * File bytes go from the store to the device through one buffer, without
 * the guest touching them: on hvt both are host reads and writes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mg/block.h>
#include <mg/kv_ro.h>
#include <mg/mg.h>

#include "mg_app.h"

#define CHUNK (1 << 20)

typedef struct dump {
	mg_console *console;
	mg_kv_ro *kv;
	mg_block *out;
	mg_block_info info;
	uint64_t at; /* next sector */
	uint8_t *buf;
	char key[MG_KV_KEY_MAX + 1];
	long files, dirs;
	uint64_t bytes;
} dump;

static int put(dump *d, const void *p, size_t len)
{
	uint32_t ss = d->info.sector_size;
	size_t whole = (len + ss - 1) / ss * ss;
	if (p != d->buf)
		memcpy(d->buf, p, len);
	memset(d->buf + len, 0, whole - len);
	int rc = mg_block_write(d->out, d->at, d->buf, whole);
	if (rc == MG_ERANGE)
		mg_console_printf(d->console, "the out device is too small\n");
	d->at += whole / ss;
	return rc;
}

static int header(dump *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int header(dump *d, const char *fmt, ...)
{
	char h[MG_KV_KEY_MAX + 200];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(h, sizeof h, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= sizeof h ? MG_ENAMETOOLONG
	                                      : put(d, h, (size_t)n);
}

static int file(dump *d)
{
	mg_kv_stat st;
	char digest[MG_KV_DIGEST_LEN + 1] = "-";
	int rc = mg_kv_ro_stat(d->kv, d->key, &st);
	if (rc == 0 && st.size <= (uint64_t)mg_keys.digest_max)
		rc = mg_kv_ro_digest(d->kv, d->key, digest);
	if (rc == 0)
		rc = header(d, "F %llu %llu %s %s\n",
		            (unsigned long long)st.size,
		            (unsigned long long)st.mtime_ns, digest, d->key);
	for (uint64_t off = 0; rc == 0 && off < st.size;) {
		size_t got;
		rc = mg_kv_ro_get(d->kv, d->key, off, d->buf, CHUNK, &got);
		if (rc == 0 && got == 0)
			rc = MG_EIO; /* shorter than its size */
		if (rc == 0)
			rc = put(d, d->buf, got);
		off += got;
	}
	d->files++;
	d->bytes += st.size;
	return rc;
}

static int visit(void *arg, const mg_kv_entry *e)
{
	dump *d = arg;
	size_t len = strlen(d->key);
	if (len + 1 + strlen(e->name) > MG_KV_KEY_MAX)
		return MG_ENAMETOOLONG;
	snprintf(d->key + len, sizeof d->key - len, "%s%s", len ? "/" : "",
	         e->name);
	int rc;
	if (e->kind == MG_KV_DIR) {
		mg_kv_stat st;
		rc = mg_kv_ro_stat(d->kv, d->key, &st);
		if (rc == 0)
			rc = header(d, "D %llu %s\n",
			            (unsigned long long)st.mtime_ns, d->key);
		d->dirs++;
		if (rc == 0)
			rc = mg_kv_ro_list_each(d->kv, d->key, visit, d);
	} else {
		rc = file(d);
	}
	if (rc < 0)
		mg_console_printf(d->console, "%s: %s\n", d->key,
		                  mg_strerror(rc));
	d->key[len] = '\0';
	return rc;
}

int kvdump_start(mg_console *console, mg_kv_ro *kv, mg_block *out)
{
	dump d = {.console = console, .kv = kv, .out = out};
	mg_block_info_get(out, &d.info);
	d.buf = malloc(CHUNK + d.info.sector_size);
	if (!d.buf)
		return 1;
	int rc = mg_kv_ro_list_each(kv, "", visit, &d);
	if (rc == 0)
		rc = header(&d, "E %ld %ld\n", d.files, d.dirs);
	if (rc == 0)
		rc = mg_block_flush(out);
	if (rc < 0) {
		mg_console_printf(console, "dump failed: %s\n",
		                  mg_strerror(rc));
		return 1;
	}
	mg_console_printf(console,
	                  "dumped %ld files, %ld folders, %llu bytes\n",
	                  d.files, d.dirs, (unsigned long long)d.bytes);
	free(d.buf);
	return 0;
}
