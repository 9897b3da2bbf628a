/* exit_app: one buffered set from a second fiber, then mg_exit(), while
 * start() still waits; or print what the store holds. */
#include <string.h>

#include <mg/kv_rw.h>
#include <mg/mg.h>

static mg_kv_rw *kv;
static mg_console *out;

static int setter(void *arg)
{
	(void)arg;
	int rc = mg_kv_rw_set(kv, "k", mg_keys.set, strlen(mg_keys.set));
	mg_console_printf(out, "set: %s\n", mg_strerror(rc));
	mg_exit((int)mg_keys.status);
}

int exit_app_start(mg_console *console, mg_kv_rw *store)
{
	kv = store;
	out = console;
	if (mg_keys.set[0]) {
		if (!mg_spawn(setter, NULL, NULL))
			return 1;
		mg_sleep_until(MG_FOREVER);
		mg_console_printf(out, "start resumed after mg_exit\n");
		return 1;
	}
	char buf[256];
	size_t got;
	int rc = mg_kv_rw_get(kv, "k", 0, buf, sizeof buf - 1, &got);
	if (rc < 0) {
		mg_console_printf(out, "k: %s\n", mg_strerror(rc));
		return 1;
	}
	buf[got] = 0;
	mg_console_printf(out, "k=%s\n", buf);
	return 0;
}
