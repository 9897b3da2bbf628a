/* config.c of store_crash: a workload on the store, killed and restarted
 * by tests/e2e/storage_store*.sh. */
#include <mg/config.h>

void mg_configure(mg_config *c)
{
	mg_app *app = mg_main(c, "store_crash", "store_crash_start");
	mg_app_source(app, "store_crash.c");
	mg_boot_int(c, "acked", -1, -1, 1000000,
	            "Last step the killed run said it finished (-1: none)");
	mg_boot_int(c, "steps", 2000, 1, 1000000, "Steps to reach");
	mg_boot_int(c, "seed", 1, 0, 1000000, "Seed of the workload");
	mg_app_console(app, mg_default_console(c));
	mg_block *disk = mg_block_file(c, "disk", "crash.img", 1 << 20);
	mg_app_kv_rw(app, mg_store_kv_rw(c, "store", disk));
}
