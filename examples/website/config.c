/* config.c of website: a static site from a kv_ro store, on either stack. */
#include <mg/config.h>

void mg_configure(mg_config *c)
{
	mg_app *app = mg_main(c, "website", "website_start");
	mg_app_source(app, "website.c");
	mg_app_source(app, "serve.c");
	mg_app_source(app, "meta.c");
	mg_app_lib(app, "mghttp");

	mg_boot_int(c, "port", 8080, 1, 65535, "TCP port to serve the site on");
	mg_boot_int(c, "max-connections", 1024, 1, 100000,
	            "connections served at once");
	mg_boot_int(c, "header-timeout", 10, 1, 3600,
	            "seconds a request head may take to arrive");
	mg_boot_int(c, "idle-timeout", 30, 1, 3600,
	            "seconds a connection may stay idle between requests");
	mg_boot_bool(c, "log-requests", true,
	             "print a line per request: method, target, status, "
	             "body bytes");

	mg_app_console(app, mg_default_console(c));
	mg_app_pclock(app, mg_default_pclock(c));
	/* The socket stack on unix, the direct stack with --net=direct and
	 * on hvt. */
	mg_app_stackv4(app, mg_generic_stackv4(c));
	/* The folder site/: built into the image, or with --kv=tar an
	 * archive that `morgana build` makes (dist/website-site.tar) on
	 * block device site_tar (`morgana run --block:site_tar=FILE.tar`
	 * serves another archive). */
	mg_app_kv_ro(app, mg_generic_kv_ro(c, "site"));
	/* A connection holds about 40 KiB (its fiber's stack, its buffers,
	 * its TCP state): 32 MiB keep 500 open on hvt. Files are streamed,
	 * so their size does not count. */
	mg_hvt_mem(c, 32);
}
