/* main() of a compiled config.c: evaluate it and write the generated files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

/*
 * Run by the morgana tool, never by hand:
 *   config.bin [--list-keys] --target=T --build-dir=D --prefix=P
 *              [--sanitize] [--config=config.c] [-- FLAG...]
 * in the folder of config.c. Exit 0, 1 after reporting errors in config.c
 * or in the flags, 2 on a tool/library mismatch.
 */

static const char *opt(const char *arg, const char *name)
{
	size_t n = strlen(name);
	return strncmp(arg, name, n) == 0 && arg[n] == '=' ? arg + n + 1 : NULL;
}

/* Write only when the text differs, so make rebuilds only what changed. */
static int write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!text) {
		fprintf(stderr, "morgana: out of memory generating %s\n", path);
		return -1;
	}
	size_t n = strlen(text);
	FILE *f = fopen(path, "rb");
	if (f) {
		char *old = malloc(n + 2);
		size_t got = old ? fread(old, 1, n + 1, f) : 0;
		fclose(f);
		bool same = old && got == n && memcmp(old, text, n) == 0;
		free(old);
		if (same)
			return 0;
	}
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f || fwrite(text, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "morgana: cannot write %s: %s\n", tmp,
		        strerror(errno));
		return -1;
	}
	if (rename(tmp, path) != 0) {
		fprintf(stderr, "morgana: cannot write %s: %s\n", path,
		        strerror(errno));
		return -1;
	}
	return 0;
}

static int put(const char *dir, const char *name, char *text)
{
	int rc = write_file(dir, name, text);
	free(text);
	return rc;
}

static void print_diags(mg_config *c)
{
	for (size_t i = 0; i < c->warnings.n; i++)
		fprintf(stderr, "%s\n", (char *)c->warnings.v[i]);
	for (size_t i = 0; i < c->errors.n; i++)
		fprintf(stderr, "%s\n", (char *)c->errors.v[i]);
}

static int generate(mg_config *c)
{
	const char *dir = c->o.build_dir;
	if (mg__mkdirs(dir, NULL, 0) != 0) {
		fprintf(stderr, "morgana: cannot create %s: %s\n", dir,
		        strerror(errno));
		return 1;
	}
	const char *img = mg__fmt(c, "dist/%s.%s\n", c->app->name, c->o.target);
	char *image = malloc(strlen(img) + 1);
	if (image)
		strcpy(image, img);
	/* configure.args last: its time stamp says the rest is complete. */
	int rc = put(dir, "mg_app.h", mg__gen_app_h(c)) |
	         put(dir, "main.c", mg__gen_main(c)) |
	         put(dir, "Makefile", mg__gen_makefile(c)) |
	         put(dir, "describe.txt", mg__gen_describe(c)) |
	         put(dir, "graph.dot", mg__gen_dot(c)) |
	         put(dir, "keys.txt", mg__gen_key_index(c)) |
	         put(dir, "app.txt", mg__gen_app_info(c)) |
	         put(dir, "devices.txt", mg__gen_platform_devices(c)) |
	         put(dir, "run.txt", mg__gen_run_opts(c)) |
	         put(dir, "inputs.txt", mg__gen_inputs(c)) |
	         put(dir, "image", image);
	for (size_t i = 0; i < c->gen_files.n && !rc; i++) {
		mg__gen_file *f = c->gen_files.v[i];
		rc = put(dir, f->name, f->text);
		f->text = NULL;
	}
	if (rc)
		return 1;
	char path[4096];
	snprintf(path, sizeof(path), "%s/configure.args", dir);
	remove(path); /* rewritten even when equal, as a time stamp */
	return put(dir, "configure.args", mg__gen_saved_args(c)) ? 1 : 0;
}

int main(int argc, char **argv)
{
	mg__cfg_opts o = {.check_files = true};
	bool list = false;
	int i;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (strcmp(a, "--list-keys") == 0) {
			list = true;
		} else if (strcmp(a, "--sanitize") == 0) {
			o.sanitize = true;
		} else if ((v = opt(a, "--target"))) {
			o.target = v;
		} else if ((v = opt(a, "--build-dir"))) {
			o.build_dir = v;
		} else if ((v = opt(a, "--prefix"))) {
			o.prefix = v;
		} else if ((v = opt(a, "--config"))) {
			o.config_file = v;
		} else {
			fprintf(
			    stderr,
			    "%s: unknown option '%s': this program is run "
			    "by 'morgana configure', which passes configure "
			    "keys after '--'\n",
			    argv[0], a);
			return 2;
		}
	}
	if (!o.target || !o.build_dir) {
		fprintf(stderr, "%s: run by 'morgana configure', not by hand\n",
		        argv[0]);
		return 2;
	}
	o.nflags = argc - i;
	o.flags = argv + i;

	mg_config *c = mg__cfg_new(&o);
	if (!c) {
		fprintf(stderr, "morgana: out of memory\n");
		return 1;
	}
	mg_configure(c);
	int rc;
	if (list) {
		char *help = mg__gen_keys_help(c);
		fputs(help ? help : "", stdout);
		free(help);
		print_diags(c);
		rc = c->errors.n ? 1 : 0;
	} else {
		if (mg__cfg_check(c) == 0)
			mg__prepare_devices(c);
		print_diags(c);
		rc = c->errors.n ? 1 : generate(c);
	}
	mg__cfg_free(c);
	return rc;
}
