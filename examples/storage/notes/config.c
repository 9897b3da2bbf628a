/* config.c of notes: notes kept in a read-write store on a block device. */
#include <mg/config.h>

void mg_configure(mg_config *c)
{
	mg_app *app = mg_main(c, "notes", "notes_start");
	mg_app_source(app, "notes.c");

	mg_boot_string(c, "add", "", "Add a note with this text");
	mg_boot_int(c, "remove", 0, 0, 999999,
	            "Remove the note of this number (0: none)");
	mg_boot_bool(c, "clear", false, "Remove every note");

	mg_app_console(app, mg_default_console(c));
	/* `morgana run` binds notes.img, made with 4 MiB of zeros if absent;
	 * the store formats it at the first boot and finds it again after. */
	mg_block *disk = mg_block_file(c, "disk", "notes.img", 4 << 20);
	mg_app_kv_rw(app, mg_store_kv_rw(c, "notes", disk));
}
