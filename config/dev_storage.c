/* Storage devices: platform block devices and the kv_ro stores of folders. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cfg.h"
#include "storage_gen.h"

static const mg_device_desc tar_desc = {
    .name = "kv",
    .module = "kv_ro",
    .impl = "tar",
    .ctype = "mg_kv_ro",
    .header = "mg/kv_ro.h",
    .connect = "mg_kv_ro_tar_connect",
    .deps = "block",
    .libs = "mgstorage",
    .targets = MG__TARGETS_ALL,
};

mg_device *mg__block_file(mg_config *c, const char *name, const char *file,
                          unsigned long long size, const char *at_file,
                          int line)
{
	name = mg__check_name(c, name, "block device", "disk", at_file, line);
	if (file && (!*file || strchr(file, '\n'))) {
		mg__err(c, at_file, line, "block device %s: bad file name '%s'",
		        name, file);
		file = NULL;
	}
	if (size % 512) {
		mg__err(c, at_file, line,
		        "block device %s: size %llu is not a whole number of "
		        "512-byte sectors",
		        name, size);
		size = 0;
	}
	mg_device *d = mg__find_platform(c, MG__PLATFORM_BLOCK, name);
	if (d)
		return d;
	d = mg__platform_device(
	    c, MG__PLATFORM_BLOCK, "block", name,
	    mg__fmt(c, "rc = mg_block_platform_connect(${self}, \"%s\");",
	            name),
	    "mgstorage", at_file, line);
	d->platform_file = file ? mg__strdup(c, file) : NULL;
	d->platform_size = size;
	return d;
}

mg_device *mg__tar_kv_ro(mg_config *c, mg_device *block, const char *file,
                         int line)
{
	mg_device *d = mg__device_new(c, &tar_desc, file, line);
	if (block)
		mg__device_dep(d, block, file, line);
	else
		mg__err(c, file, line, "mg_tar_kv_ro: a NULL block device");
	return d;
}

/* A device name from the folder's last component: "My Site/" -> my_site. */
static const char *name_of_folder(mg_config *c, const char *folder)
{
	size_t n = strlen(folder);
	while (n > 1 && folder[n - 1] == '/')
		n--;
	size_t start = n;
	while (start && folder[start - 1] != '/')
		start--;
	char seg[32];
	size_t k = 0;
	for (size_t i = start; i < n && k < sizeof(seg) - 1; i++) {
		char ch = folder[i];
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		else if (!(ch >= 'a' && ch <= 'z') && !(ch >= '0' && ch <= '9'))
			ch = '_';
		seg[k++] = ch;
	}
	seg[k] = '\0';
	if (!k || seg[0] < 'a' || seg[0] > 'z')
		return mg__fmt(c, "kv_%.27s", seg);
	return mg__strdup(c, seg);
}

/* Whether (folder) is a folder with a usable path; its real path. */
static bool is_folder(const char *folder, char abs[PATH_MAX])
{
	struct stat st;
	return stat(folder, &st) == 0 && S_ISDIR(st.st_mode) &&
	       realpath(folder, abs) && !strpbrk(abs, " \t\n$#:\\\"'");
}

/* The folder's device of implementation (impl), if made already. */
static mg_device *find_store(mg_config *c, const char *impl, const char *folder)
{
	for (size_t i = 0; i < c->devices.n; i++) {
		mg_device *d = c->devices.v[i];
		if (d->prepare_arg && strcmp(d->desc->module, "kv_ro") == 0 &&
		    strcmp(d->desc->impl, impl) == 0 &&
		    strcmp(((mg__store_folder *)d->prepare_arg)->folder,
		           folder) == 0)
			return d;
	}
	return NULL;
}

mg_device *mg__kv_ro_folder(mg_config *c, const char *impl, const char *folder,
                            const char *file, int line)
{
	if (!impl)
		impl = mg__key_choice(c, "kv", "crunch", "crunch|fs|tar",
		                      "Read-only store of a folder: built into "
		                      "the image, the host folder at run time "
		                      "(unix only), or a tar archive on a "
		                      "block device",
		                      file, line);
	struct stat st;
	char abs[PATH_MAX];
	if (!folder || stat(folder, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    !realpath(folder, abs)) {
		mg__err(c, file, line,
		        "kv_ro store: '%s' is not a folder (paths are "
		        "relative to the folder of %s)",
		        folder ? folder : "(null)", c->o.config_file);
		folder = ".";
		strcpy(abs, "/");
	} else if (strpbrk(folder, " \t\n$#:\\\"'") ||
	           strpbrk(abs, " \t\n$#:\\\"'")) {
		mg__err(c, file, line,
		        "kv_ro store: folder '%s' (%s): its path may not "
		        "hold spaces, quotes or any of $#:\\",
		        folder, abs);
	}
	mg_device *d = find_store(c, impl, folder);
	if (d)
		return d;
	const char *name = name_of_folder(c, folder);
	mg__store_folder *sf = mg__alloc(c, sizeof(*sf));
	sf->folder = mg__strdup(c, folder);
	sf->abs = mg__strdup(c, abs);
	sf->name = name;

	if (strcmp(impl, "tar") == 0) {
		mg_device *block = mg__block_file(
		    c, mg__fmt(c, "%.27s_tar", name), NULL, 0, file, line);
		mg_device_desc *desc = mg__alloc(c, sizeof(*desc));
		*desc = tar_desc;
		desc->name = name;
		d = mg__device_new(c, desc, file, line);
		mg__device_dep(d, block, file, line);
		sf->block = block;
		d->prepare = mg__tar_folder_prepare;
		d->prepare_arg = sf;
		return d;
	}
	bool fs = strcmp(impl, "fs") == 0;
	bool on_unix = strcmp(c->o.target, "unix") == 0;
	if (fs && !on_unix)
		mg__err(c, file, line,
		        "kv_ro store fs reads a host folder at run time: it "
		        "runs on unix only (target %s has crunch and tar)",
		        c->o.target);
	if (!fs && strcmp(impl, "crunch") != 0)
		mg__err(c, file, line,
		        "kv_ro store: no implementation '%s' (there are: "
		        "crunch, fs, tar)",
		        impl);
	mg_device_desc *desc = mg__alloc(c, sizeof(*desc));
	*desc = (mg_device_desc){
	    .name = name,
	    .module = "kv_ro",
	    .impl = fs ? "fs" : "crunch",
	    .ctype = "mg_kv_ro",
	    .header = "mg/kv_ro.h",
	    .code =
	        fs ? mg__fmt(c, "rc = mg_kv_ro_fs_connect(${self}, \"%s\");",
	                     abs)
	           : "rc = 0; /* set by prepare() */",
	    .at_file = file,
	    .at_line = line,
	    .libs = fs ? "mgstoragefs mgstorage" : "mgstorage",
	    /* fs elsewhere than unix was refused above, once. */
	    .targets = fs && on_unix ? "unix" : MG__TARGETS_ALL,
	};
	d = mg__device_new(c, desc, file, line);
	sf->desc = desc;
	d->prepare_arg = sf;
	if (!fs)
		d->prepare = mg__crunch_prepare;
	return d;
}

/* kv_rw store: its boot keys are named after the device. */
mg_device *mg__store_kv_rw(mg_config *c, const char *name, mg_device *block,
                           const char *file, int line)
{
	name = mg__check_name(c, name, "store", "store", file, line);
	const char *k = mg__key_name(c, name);
	mg_key_desc *keys = mg__alloc(c, 5 * sizeof(*keys));
	keys[0] = (mg_key_desc){
	    mg__fmt(c, "%s-durable", k),
	    MG_KEY_BOOL,
	    "true",
	    mg__fmt(c,
	            "Store %s: flush every change before it returns "
	            "(false: durable at sync or batch)",
	            name),
	    0,
	    0};
	keys[1] = (mg_key_desc){
	    mg__fmt(c, "%s-format", k),
	    MG_KEY_BOOL,
	    "false",
	    mg__fmt(c, "Store %s: format its device at boot (erases it)", name),
	    0,
	    0};
	keys[2] = (mg_key_desc){
	    mg__fmt(c, "%s-max-entries", k),
	    MG_KEY_INT,
	    "65536",
	    mg__fmt(c, "Store %s: files and directories it can hold", name),
	    16,
	    1 << 30};
	keys[3] = (mg_key_desc){mg__fmt(c, "%s-cache-kib", k),
	                        MG_KEY_INT,
	                        "256",
	                        mg__fmt(c, "Store %s: read cache in KiB", name),
	                        0,
	                        1 << 20};
	mg_device_desc *desc = mg__alloc(c, sizeof(*desc));
	*desc = (mg_device_desc){
	    .name = mg__strdup(c, name),
	    .module = "kv_rw",
	    .impl = "store",
	    .ctype = "mg_kv_rw",
	    .header = "mg/kv_rw.h",
	    .connect = "mg_kv_rw_store_connect",
	    /* Buffered changes become durable when the unikernel exits. */
	    .disconnect = "mg_kv_rw_sync",
	    .at_file = file,
	    .at_line = line,
	    .deps = "block",
	    .libs = "mgstore mgstorage",
	    .targets = MG__TARGETS_ALL,
	    .keys = keys,
	};
	mg_device *d = mg__device_new(c, desc, file, line);
	if (block)
		mg__device_dep(d, block, file, line);
	else
		mg__err(c, file, line, "mg_store_kv_rw: a NULL block device");
	return d;
}

mg_device *mg__fs_kv_rw(mg_config *c, const char *folder, const char *file,
                        int line)
{
	char abs[PATH_MAX];
	if (strcmp(c->o.target, "unix") != 0)
		mg__err(c, file, line,
		        "kv_rw store fs writes a host folder at run time: it "
		        "runs on unix only");
	if (!folder || !is_folder(folder, abs)) {
		mg__err(c, file, line,
		        "kv_rw store: '%s' is not a folder (paths are "
		        "relative to the folder of %s)",
		        folder ? folder : "(null)", c->o.config_file);
		strcpy(abs, "/");
	}
	mg_device_desc *desc = mg__alloc(c, sizeof(*desc));
	*desc = (mg_device_desc){
	    .name = name_of_folder(c, folder ? folder : "fs"),
	    .module = "kv_rw",
	    .impl = "fs",
	    .ctype = "mg_kv_rw",
	    .header = "mg/kv_rw.h",
	    .code =
	        mg__fmt(c, "rc = mg_kv_rw_fs_connect(${self}, \"%s\");", abs),
	    .at_file = file,
	    .at_line = line,
	    .libs = "mgstoragefs mgstorage",
	};
	return mg__device_new(c, desc, file, line);
}

int mg__prepare_devices(mg_config *c)
{
	for (size_t i = 0; i < c->order.n; i++) {
		mg_device *d = c->order.v[i];
		if (d->prepare)
			d->prepare(c, d);
	}
	/* The tar archives `morgana build` makes: always written, so that
	 * none is left from an earlier configure. */
	mg__buf b = {0};
	mg__buf_put(&b, "");
	for (size_t i = 0; i < c->tars.n; i++)
		mg__buf_printf(&b, "%s\n", (char *)c->tars.v[i]);
	mg__gen_file *f = mg__alloc(c, sizeof(*f));
	f->name = "tars.txt";
	f->text = mg__buf_take(&b);
	mg__push(c, &c->gen_files, f);
	return (int)c->errors.n;
}

char *mg__gen_inputs(mg_config *c)
{
	mg__buf b = {0};
	mg__buf_put(&b, "");
	for (size_t i = 0; i < c->inputs.n; i++)
		mg__buf_printf(&b, "%s\n", (char *)c->inputs.v[i]);
	return mg__buf_take(&b);
}
