/* kv_ro: lists each store it is given and prints one file of each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mg/kv_ro.h>
#include <mg/mg.h>

#include "mg_app.h"

typedef struct walk {
	mg_console *console;
	mg_kv_ro *kv;
	char path[MG_KV_KEY_MAX + 1];
	int files;
	uint64_t bytes;
	int rc;
} walk;

static int visit(void *arg, const mg_kv_entry *e);

/* List directory w->path, depth first. */
static int list(walk *w)
{
	return mg_kv_ro_list_each(w->kv, w->path, visit, w);
}

static int visit(void *arg, const mg_kv_entry *e)
{
	walk *w = arg;
	size_t len = strlen(w->path);
	if (len + 1 + strlen(e->name) > MG_KV_KEY_MAX)
		return MG_ENAMETOOLONG;
	snprintf(w->path + len, sizeof w->path - len, "%s%s", len ? "/" : "",
	         e->name);
	int rc = 0;
	if (e->kind == MG_KV_DIR) {
		mg_console_printf(w->console, "  %s/\n", w->path);
		rc = list(w);
	} else {
		uint64_t size = 0;
		char digest[MG_KV_DIGEST_LEN + 1];
		rc = mg_kv_ro_size(w->kv, w->path, &size);
		if (rc == 0)
			rc = mg_kv_ro_digest(w->kv, w->path, digest);
		if (rc == 0)
			mg_console_printf(
			    w->console, "  %s %llu bytes sha256 %s\n", w->path,
			    (unsigned long long)size, digest);
		w->files++;
		w->bytes += size;
	}
	w->path[len] = '\0';
	return rc;
}

static int show(mg_console *console, const char *kind, mg_kv_ro *kv)
{
	walk w = {.console = console, .kv = kv};
	mg_console_printf(console, "%s store:\n", kind);
	int rc = list(&w);
	if (rc < 0) {
		mg_console_printf(console, "listing failed: %s\n",
		                  mg_strerror(rc));
		return 1;
	}
	mg_console_printf(console, "%s: %d files, %llu bytes\n", kind, w.files,
	                  (unsigned long long)w.bytes);
	void *data;
	size_t len;
	rc = mg_kv_ro_get_all(kv, mg_keys.show, &data, &len);
	if (rc < 0) {
		mg_console_printf(console, "%s: %s\n", mg_keys.show,
		                  mg_strerror(rc));
		return 1;
	}
	mg_console_printf(console, "%s of %s: %s", mg_keys.show, kind,
	                  (char *)data);
	free(data);
	return 0;
}

#ifdef WITH_FS
int kv_start(mg_console *console, mg_kv_ro *data, mg_kv_ro *data2,
             mg_kv_ro *data3)
#else
int kv_start(mg_console *console, mg_kv_ro *data, mg_kv_ro *data2)
#endif
{
	int rc = show(console, "crunch", data) | show(console, "tar", data2);
#ifdef WITH_FS
	rc |= show(console, "fs", data3);
#endif
	return rc;
}
