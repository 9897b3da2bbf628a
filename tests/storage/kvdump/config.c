/* config.c of kvdump: a store of data/ dumped to block device "out". */
#include <mg/config.h>

void mg_configure(mg_config *c)
{
	mg_app *app = mg_main(c, "kvdump", "kvdump_start");
	mg_app_source(app, "kvdump.c");
	mg_boot_int(c, "digest-max", 1 << 20, 0, 0,
	            "Dump the digest of files up to this size (bytes)");
	mg_app_console(app, mg_default_console(c));
	/* crunch, fs or tar, as configure --kv= says. */
	mg_app_kv_ro(app, mg_generic_kv_ro(c, "data"));
	/* The dump: bound by morgana run --block:out=FILE. */
	mg_app_block(app, mg_block_file(c, "out", NULL, 0));
}
