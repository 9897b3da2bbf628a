/* mem_app: the size and the last byte of the crunched file "big". */
#include <mg/kv_ro.h>
#include <mg/mg.h>

int mem_app_start(mg_console *out, mg_kv_ro *kv)
{
	mg_kv_stat st;
	int rc = mg_kv_ro_stat(kv, "big", &st);
	char last = 0;
	size_t got = 0;
	if (rc == 0 && st.size)
		rc = mg_kv_ro_get(kv, "big", st.size - 1, &last, 1, &got);
	if (rc < 0 || got != 1) {
		mg_console_printf(out, "big: %s\n", mg_strerror(rc));
		return 1;
	}
	mg_console_printf(out, "big: %llu bytes, ending with '%c'\n",
	                  (unsigned long long)st.size, last);
	return 0;
}
