/* config.c of exit_app: a buffered store, changed by a fiber that then
 * ends the unikernel with mg_exit(); tests/e2e/exit_disconnect.sh. */
#include <mg/config.h>

void mg_configure(mg_config *c)
{
	mg_app *app = mg_main(c, "exit_app", "exit_app_start");
	mg_app_source(app, "exit_app.c");
	mg_boot_string(c, "set", "", "Set key 'k' to this text, then mg_exit");
	mg_boot_int(c, "status", 0, 0, 255, "The status given to mg_exit");
	mg_app_console(app, mg_default_console(c));
	mg_block *disk = mg_block_file(c, "disk", "exit.img", 1 << 20);
	mg_app_kv_rw(app, mg_store_kv_rw(c, "store", disk));
}
