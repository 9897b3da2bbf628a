/* config.c of mem_app: a crunched folder larger than the hvt guest's
 * default memory; tests/e2e/run_mem.sh writes data/ and runs it. */
#include <mg/config.h>

void mg_configure(mg_config *c)
{
	mg_app *app = mg_main(c, "mem_app", "mem_app_start");
	mg_app_source(app, "mem_app.c");
	long long mem = mg_key_int(c, "guest-mem", 0,
	                           "hvt guest memory in MiB (0: the default)");
	if (mem)
		mg_hvt_mem(c, mem);
	mg_app_console(app, mg_default_console(c));
	mg_app_kv_ro(app, mg_crunch_kv_ro(c, "data"));
}
