/* config.c of the kv_ro read benchmark (bench/kv_read.sh). */
#include <mg/config.h>

void mg_configure(mg_config *c)
{
	mg_app *app = mg_main(c, "kv_read", "kv_read_start");
	mg_app_source(app, "kv_read.c");
	mg_boot_string(c, "file", "big.bin", "The large file to read");
	mg_boot_string(c, "small", "small", "A folder of small files");
	mg_boot_int(c, "mib", 64, 1, 1 << 20,
	            "MiB to read from the large file at each chunk size");
	mg_app_console(app, mg_default_console(c));
	/* --kv=crunch|fs|tar */
	mg_app_kv_ro(app, mg_generic_kv_ro(c, "data"));
}
