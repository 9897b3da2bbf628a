/* A configure run: the application, the checks of the graph, connect order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"

mg_config *mg__cfg_new(const mg__cfg_opts *o)
{
	mg_config *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->o = *o;
	c->o.target = mg__strdup(c, o->target ? o->target : "unix");
	c->o.build_dir = mg__strdup(c, o->build_dir ? o->build_dir : "_build");
	c->o.prefix = mg__strdup(c, o->prefix ? o->prefix : "/usr/local");
	c->o.config_file =
	    mg__strdup(c, o->config_file ? o->config_file : "config.c");
	c->o.flags = mg__alloc(c, sizeof(char *) * ((size_t)o->nflags + 1));
	for (int i = 0; i < o->nflags; i++)
		c->o.flags[i] = mg__strdup(c, o->flags[i]);
	c->flag_used = mg__alloc(c, (size_t)o->nflags + 1);
	mg__current = c;
	return c;
}

void mg__cfg_free(mg_config *c)
{
	if (!c)
		return;
	if (mg__current == c)
		mg__current = NULL;
	mg__arena_free(c->arena);
	free(c);
}

const char *mg_target(mg_config *c)
{
	return c->o.target;
}

void mg__hvt_mem(mg_config *c, long long mib, const char *file, int line)
{
	if (mib < 2 || mib > 4096) {
		mg__err(c, file, line,
		        "mg_hvt_mem: %lld MiB is out of range (2 to 4096)",
		        mib);
		return;
	}
	if (mib > c->hvt_mem)
		c->hvt_mem = mib;
}

mg_app *mg__main(mg_config *c, const char *name, const char *start_fn,
                 const char *file, int line)
{
	if (c->app) {
		mg__err(c, file, line,
		        "mg_main called a second time (first at %s:%d): a "
		        "unikernel has one application",
		        c->app->at.file, c->app->at.line);
		return c->app;
	}
	mg_app *a = mg__alloc(c, sizeof(*a));
	a->c = c;
	a->name = mg__strdup(c, name ? name : "app");
	a->start_fn = mg__strdup(c, start_fn ? start_fn : "app_start");
	a->at = (mg__loc){file, line};
	c->app = a;
	if (!mg__is_name(name, "-_"))
		mg__err(
		    c, file, line,
		    "application name '%s': use lower case letters, digits, "
		    "'-' and '_', starting with a letter (it names the "
		    "image, dist/NAME.%s)",
		    name ? name : "(null)", c->o.target);
	if (!mg__is_ident(start_fn) || mg__is_keyword(start_fn))
		mg__err(c, file, line,
		        "start function '%s' is not a C identifier",
		        start_fn ? start_fn : "(null)");
	else if (strcmp(start_fn, "main") == 0 ||
	         strncmp(start_fn, "mg_", 3) == 0)
		mg__err(c, file, line,
		        "start function '%s' would clash with Morgana's own "
		        "symbols: call it something like %s_start",
		        start_fn, a->name);
	return a;
}

static void push_unique(mg_config *c, mg__vec *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], s) == 0)
			return;
	mg__push(c, v, mg__strdup(c, s));
}

static bool source_ok(mg_config *c, const char *path, const char *what,
                      const char *file, int line)
{
	size_t n = path ? strlen(path) : 0;
	if (n < 3 ||
	    (strcmp(path + n - 2, ".c") != 0 &&
	     strcmp(path + n - 2, ".S") != 0) ||
	    strpbrk(path, " \t\n$#:")) {
		mg__err(c, file, line,
		        "%s '%s': sources are .c (or .S) files, without spaces "
		        "in their paths",
		        what, path ? path : "(null)");
		return false;
	}
	if (c->o.check_files && access(path, R_OK) != 0) {
		mg__err(c, file, line,
		        "%s '%s' not found (paths are relative to the folder "
		        "of %s)",
		        what, path, c->o.config_file);
		return false;
	}
	return true;
}

void mg__app_source(mg_app *a, const char *path, const char *file, int line)
{
	if (source_ok(a->c, path, "source", file, line))
		push_unique(a->c, &a->sources, path);
}

void mg_app_lib(mg_app *a, const char *lib)
{
	if (!lib || !*lib || strpbrk(lib, " \t\n$#'\"")) {
		mg__err(a->c, a->at.file, 0,
		        "mg_app_lib: bad library name '%s'",
		        lib ? lib : "(null)");
		return;
	}
	push_unique(a->c, &a->libs, lib);
}

void mg_app_cflags(mg_app *a, const char *flags)
{
	if (!flags || strpbrk(flags, "\n$#'")) {
		mg__err(a->c, a->at.file, 0,
		        "mg_app_cflags: flags may not hold newlines, '$', '#' "
		        "or \"'\": '%s'",
		        flags ? flags : "(null)");
		return;
	}
	mg__push(a->c, &a->cflags, mg__strdup(a->c, flags));
}

void mg__app_device(mg_app *a, mg_device *d, const char *module)
{
	if (!a) {
		if (mg__current)
			mg__err(mg__current, NULL, 0,
			        "mg_app_%s: a NULL application (from mg_main)",
			        module);
		return;
	}
	if (!d) {
		mg__err(a->c, a->at.file, a->at.line,
		        "mg_app_%s: a NULL device", module);
		return;
	}
	mg__push(a->c, &a->args, d);
}

/* Mark what the application reaches; report a cycle at a device. */
static bool walk(mg_config *c, mg_device *d, mg__buf *path)
{
	if (d->mark == 2)
		return true;
	if (d->mark == 1) {
		mg__buf_printf(path, "%s", d->name);
		return false;
	}
	d->mark = 1;
	for (size_t i = 0; i < d->deps.n; i++) {
		if (!walk(c, d->deps.v[i], path)) {
			char *rest = mg__buf_take(path);
			mg__buf_printf(path, "%s -> %s", d->name, rest);
			free(rest);
			return false;
		}
	}
	d->mark = 2;
	d->used = true;
	return true;
}

static void check_devices(mg_config *c)
{
	mg_app *a = c->app;
	for (size_t i = 0; i < a->args.n; i++) {
		mg__buf path = {0};
		mg_device *d = a->args.v[i];
		if (!walk(c, d, &path)) {
			char *p = mg__buf_take(&path);
			mg__err(c, d->at.file, d->at.line,
			        "dependency cycle: %s", p ? p : "?");
			free(p);
			return;
		}
	}
	for (size_t i = 0; i < c->devices.n; i++) {
		mg_device *d = c->devices.v[i];
		if (!d->used) {
			mg__warn(c, d->at.file, d->at.line,
			         "device %s (%s/%s) is not given to the "
			         "application: left out of the image",
			         d->name, d->desc->module, d->desc->impl);
			continue;
		}
		size_t want = mg__nwords(d->desc->deps);
		if (d->deps.n < want)
			mg__err(c, d->at.file, d->at.line,
			        "device %s needs %zu dependenc%s (%s) but has "
			        "%zu: add them with mg_device_dep()",
			        d->name, want, want == 1 ? "y" : "ies",
			        d->desc->deps, d->deps.n);
		if (d->desc->code)
			mg__expand_code(c, d, NULL);
		for (size_t j = 0; j < mg__nwords(d->desc->sources); j++)
			source_ok(c, mg__word(c, d->desc->sources, j),
			          mg__fmt(c, "device %s: source", d->name),
			          d->code_at.file, d->code_at.line);
	}
}

/* Dependencies first; among ready devices, the first created. */
static void order_devices(mg_config *c)
{
	size_t nused = 0;
	for (size_t i = 0; i < c->devices.n; i++)
		nused += ((mg_device *)c->devices.v[i])->used;
	for (size_t i = 0; i < c->devices.n; i++)
		((mg_device *)c->devices.v[i])->mark = 0;
	while (c->order.n < nused) {
		size_t before = c->order.n;
		for (size_t i = 0; i < c->devices.n; i++) {
			mg_device *d = c->devices.v[i];
			if (!d->used || d->mark)
				continue;
			bool ready = true;
			for (size_t j = 0; j < d->deps.n && ready; j++)
				ready = ((mg_device *)d->deps.v[j])->mark;
			if (ready) {
				d->mark = 1;
				mg__push(c, &c->order, d);
				break;
			}
		}
		if (c->order.n == before)
			return; /* a cycle, reported by walk() */
	}
}

/* The start function's parameters are named after the devices. */
static void name_params(mg_config *c)
{
	mg_app *a = c->app;
	for (size_t i = 0; i < a->args.n; i++) {
		const char *base = ((mg_device *)a->args.v[i])->name;
		const char *name = base;
		for (int n = 2;; n++) {
			bool taken = false;
			for (size_t j = 0; j < a->params.n && !taken; j++)
				taken = strcmp(a->params.v[j], name) == 0;
			if (!taken)
				break;
			name = mg__fmt(c, "%s%d", base, n);
		}
		mg__push(c, &a->params, (void *)name);
	}
}

static void check_app_keys(mg_config *c)
{
	for (size_t i = 0; i < c->bkeys.n; i++) {
		mg_boot_key *k = c->bkeys.v[i];
		if (!k->owner && mg__is_keyword(mg__c_name(c, k->name)))
			mg__err(c, k->at.file, k->at.line,
			        "boot key --%s: '%s' is a C keyword, so it "
			        "cannot be a field of struct mg_keys",
			        k->name, mg__c_name(c, k->name));
	}
}

int mg__cfg_check(mg_config *c)
{
	mg__check_flags(c);
	if (!c->app) {
		mg__err(
		    c, c->o.config_file, 0,
		    "mg_configure() never calls mg_main(): add\n"
		    "\tmg_app *app = mg_main(c, \"NAME\", \"NAME_start\");\n"
		    "\tmg_app_source(app, \"NAME.c\");");
		return (int)c->errors.n;
	}
	if (!c->app->sources.n)
		mg__err(c, c->app->at.file, c->app->at.line,
		        "the application has no sources: add "
		        "mg_app_source(app, \"%s.c\")",
		        c->app->name);
	check_devices(c);
	check_app_keys(c);
	if (!c->errors.n) {
		order_devices(c);
		name_params(c);
	}
	return (int)c->errors.n;
}

void mg__image_keys(mg_config *c, mg__vec *out)
{
	for (size_t i = 0; i < c->bkeys.n; i++) {
		mg_boot_key *k = c->bkeys.v[i];
		if (!k->owner)
			mg__push(c, out, k);
	}
	for (size_t i = 0; i < c->order.n; i++) {
		mg_device *d = c->order.v[i];
		for (size_t j = 0; j < d->keys.n; j++)
			mg__push(c, out, d->keys.v[j]);
	}
}
