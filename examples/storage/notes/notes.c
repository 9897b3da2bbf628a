/* notes: adds, removes and lists notes kept in a read-write store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mg/kv_rw.h>
#include <mg/mg.h>

#include "mg_app.h"

/*
 * Note N is the file notes/N, N zero-padded so that the store's bytewise
 * order is numeric order; "next" holds the number the next note gets. An
 * add sets both in one batch: after a crash there is either the note and
 * the new counter, or neither.
 */

static int read_next(mg_kv_rw *kv, unsigned long *next)
{
	char buf[24];
	size_t got;
	int rc = mg_kv_rw_get(kv, "next", 0, buf, sizeof buf - 1, &got);
	*next = 1;
	if (rc == MG_ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	buf[got] = 0;
	*next = strtoul(buf, NULL, 10);
	return *next ? 0 : MG_EBADMSG;
}

typedef struct lister {
	mg_console *console;
	mg_kv_ro ro;
	int count;
	int rc;
} lister;

static int print_note(void *arg, const mg_kv_entry *e)
{
	lister *l = arg;
	char key[MG_KV_NAME_MAX + 8];
	snprintf(key, sizeof key, "notes/%s", e->name);
	void *text;
	size_t len;
	int rc = mg_kv_ro_get_all(&l->ro, key, &text, &len);
	if (rc < 0) {
		l->rc = rc;
		return 1;
	}
	mg_console_printf(l->console, "%lu: %s\n", strtoul(e->name, NULL, 10),
	                  (char *)text);
	free(text);
	l->count++;
	return 0;
}

static int fail(mg_console *console, const char *what, int rc)
{
	mg_console_printf(console, "notes: %s: %s\n", what, mg_strerror(rc));
	return 1;
}

int notes_start(mg_console *console, mg_kv_rw *kv)
{
	int rc;
	if (mg_keys.add[0]) {
		unsigned long n;
		if ((rc = read_next(kv, &n)) < 0)
			return fail(console, "reading the counter", rc);
		char key[32], next[24];
		snprintf(key, sizeof key, "notes/%06lu", n);
		snprintf(next, sizeof next, "%lu", n + 1);
		mg_kv_op ops[] = {
		    {MG_KV_OP_SET, key, NULL, mg_cbuf_str(mg_keys.add)},
		    {MG_KV_OP_SET, "next", NULL, mg_cbuf_str(next)},
		};
		if ((rc = mg_kv_rw_batch(kv, ops, 2)) < 0)
			return fail(console, "adding", rc);
		mg_console_printf(console, "added note %lu\n", n);
	}
	if (mg_keys.remove) {
		char key[32];
		snprintf(key, sizeof key, "notes/%06lld",
		         (long long)mg_keys.remove);
		rc = mg_kv_rw_remove(kv, key);
		if (rc == MG_ENOENT) {
			mg_console_printf(console, "no note %lld\n",
			                  (long long)mg_keys.remove);
			return 1;
		}
		if (rc < 0)
			return fail(console, "removing", rc);
		mg_console_printf(console, "removed note %lld\n",
		                  (long long)mg_keys.remove);
	}
	if (mg_keys.clear) {
		rc = mg_kv_rw_remove(kv, "notes");
		if (rc < 0 && rc != MG_ENOENT)
			return fail(console, "clearing", rc);
		mg_console_printf(console, "cleared\n");
	}
	lister l = {console, mg_kv_rw_ro(kv), 0, 0};
	rc = mg_kv_ro_list_each(&l.ro, "notes", print_note, &l);
	if (rc == MG_ENOENT || (rc == 0 && l.count == 0)) {
		mg_console_printf(console, "no notes\n");
		return 0;
	}
	if (rc < 0 || l.rc < 0)
		return fail(console, "listing", l.rc < 0 ? l.rc : rc);
	return 0;
}
