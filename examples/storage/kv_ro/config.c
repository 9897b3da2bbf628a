/* config.c of kv_ro: the folder data/ as each kind of read-only store. */
#include <string.h>

#include <mg/config.h>

void mg_configure(mg_config *c)
{
	mg_app *app = mg_main(c, "kv_ro", "kv_start");
	mg_app_source(app, "kv.c");
	mg_boot_string(c, "show", "hello.txt", "The file to print");
	mg_app_console(app, mg_default_console(c));

	/* Built into the image, then a tar archive that `morgana build`
	 * makes in dist/ and `morgana run` binds to a block device. */
	mg_app_kv_ro(app, mg_crunch_kv_ro(c, "data"));
	mg_app_kv_ro(app, mg_tar_folder_kv_ro(c, "data"));
	/* The host folder itself, read at run time: unix only. */
	if (strcmp(mg_target(c), "unix") == 0) {
		mg_app_kv_ro(app, mg_fs_kv_ro(c, "data"));
		mg_app_cflags(app, "-DWITH_FS");
	}
}
