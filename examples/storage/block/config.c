/* config.c of block: one block device, backed by a file that run creates. */
#include <mg/config.h>

void mg_configure(mg_config *c)
{
	mg_app *app = mg_main(c, "block", "block_start");
	mg_app_source(app, "block.c");

	mg_boot_int(c, "seed", 1, 0, 1000000, "Seed of the pattern written");
	mg_boot_int(c, "batch", 16, 1, 4096,
	            "Sectors per read or write request");
	mg_boot_bool(c, "verify-only", false,
	             "Only check the pattern (written by an earlier run)");

	mg_app_console(app, mg_default_console(c));
	/* `morgana run` binds disk.img, made with 1 MiB of zeros if absent. */
	mg_app_block(app, mg_block_file(c, "disk", "disk.img", 1 << 20));
}
