/* Devices: creation from descriptions, dependencies, generic choice. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

/* Stands in for a device that could not be made, so config.c goes on. */
static const mg_device_desc invalid_desc = {
    .name = "invalid",
    .module = "invalid",
    .impl = "invalid",
    .ctype = "void",
    .header = "mg/error.h",
    .connect = "mg__invalid",
};

/* The configuration of the running mg_configure, for the calls that are
 * given no mg_config (a NULL device). There is one at a time. */
mg_config *mg__current;

static bool supports(const mg_device_desc *d, const char *target)
{
	return !d->targets || mg__has_word(d->targets, target, ' ');
}

static bool desc_ok(mg_config *c, const mg_device_desc *d, const char *file,
                    int line)
{
	const char *n = d->name ? d->name : "(null)";
	if (!mg__is_name(d->name, "_") || mg__is_keyword(d->name)) {
		mg__err(c, file, line,
		        "device name '%s': use lower case letters, digits and "
		        "'_', starting with a letter",
		        n);
		return false;
	}
	if (!mg__is_name(d->module, "_")) {
		mg__err(c, file, line, "device %s: bad module type '%s'", n,
		        d->module ? d->module : "(null)");
		return false;
	}
	if (!d->impl || !*d->impl || !d->ctype || !*d->ctype || !d->header ||
	    !*d->header) {
		mg__err(c, file, line,
		        "device %s: its description needs .impl, .ctype and "
		        ".header",
		        n);
		return false;
	}
	if (!d->connect == !d->code) {
		mg__err(c, file, line,
		        "device %s: give exactly one of .connect (a function) "
		        "and .code (a template)",
		        n);
		return false;
	}
	if (d->connect && !mg__is_ident(d->connect)) {
		mg__err(c, file, line,
		        "device %s: connect function '%s' is not a C "
		        "identifier",
		        n, d->connect);
		return false;
	}
	if (d->disconnect && !mg__is_ident(d->disconnect)) {
		mg__err(c, file, line,
		        "device %s: disconnect function '%s' is not a C "
		        "identifier",
		        n, d->disconnect);
		return false;
	}
	for (size_t i = 0; i < mg__nwords(d->deps); i++) {
		char *w = mg__word(c, d->deps, i);
		if (!mg__is_name(w, "_")) {
			mg__err(c, file, line,
			        "device %s: .deps: '%s' is not a module type",
			        n, w);
			return false;
		}
	}
	return true;
}

static mg_device *create(mg_config *c, const mg_device_desc *desc,
                         bool check_target, const char *file, int line)
{
	mg_device *d = mg__alloc(c, sizeof(*d));
	d->c = c;
	d->id = c->devices.n;
	d->at = (mg__loc){file, line};
	if (!desc) {
		mg__err(c, file, line, "mg_device_new: no description");
		desc = &invalid_desc;
	} else if (!desc_ok(c, desc, file, line)) {
		desc = &invalid_desc;
	}
	d->desc = desc;
	d->code_at =
	    desc->at_file ? (mg__loc){desc->at_file, desc->at_line} : d->at;

	/* Names are unique: a second console is console2. */
	const char *name = desc->name;
	for (int n = 2;; n++) {
		bool taken = false;
		for (size_t i = 0; i < c->devices.n && !taken; i++)
			taken = strcmp(((mg_device *)c->devices.v[i])->name,
			               name) == 0;
		if (!taken)
			break;
		name = mg__fmt(c, "%s%d", desc->name, n);
	}
	d->name = mg__strdup(c, name);
	mg__push(c, &c->devices, d);

	if (check_target && desc != &invalid_desc &&
	    !supports(desc, c->o.target))
		mg__err(c, file, line,
		        "device %s (%s/%s) does not support target '%s'; it "
		        "supports: %s",
		        d->name, desc->module, desc->impl, c->o.target,
		        desc->targets);
	for (const mg_key_desc *k = desc->keys; k && k->name; k++) {
		mg_boot_key *b =
		    mg__boot_key(c, k->type, k->name, k->def, k->min, k->max,
		                 k->doc, d->code_at.file, d->code_at.line);
		b->owner = d;
		mg__push(c, &d->keys, b);
	}
	return d;
}

mg_device *mg__device_new(mg_config *c, const mg_device_desc *desc,
                          const char *file, int line)
{
	return create(c, desc, true, file, line);
}

const char *mg_device_name(const mg_device *d)
{
	return d->name;
}

const char *mg_device_module(const mg_device *d)
{
	return d->desc->module;
}

const char *mg_device_impl(const mg_device *d)
{
	return d->desc->impl;
}

void mg__device_dep(mg_device *d, mg_device *dep, const char *file, int line)
{
	mg_config *c = d ? d->c : mg__current;
	if (!d || !dep) {
		mg__err(c, file, line, "mg_device_dep: a NULL device");
		return;
	}
	const mg_device_desc *desc = d->desc;
	size_t i = d->deps.n;
	char *want = mg__word(c, desc->deps, i);
	if (dep == d) {
		mg__err(c, file, line, "device %s cannot depend on itself",
		        d->name);
		return;
	}
	if (!want) {
		mg__err(c, file, line,
		        "device %s takes %zu dependenc%s (%s), this would be "
		        "one more",
		        d->name, mg__nwords(desc->deps),
		        mg__nwords(desc->deps) == 1 ? "y" : "ies",
		        desc->deps ? desc->deps : "none");
		return;
	}
	if (strcmp(want, dep->desc->module) != 0) {
		mg__err(c, file, line,
		        "dependency %zu of device %s must be a %s device; %s "
		        "is a %s",
		        i + 1, d->name, want, dep->name, dep->desc->module);
		return;
	}
	mg__push(c, &d->deps, dep);
}

void mg__device_key(mg_device *d, mg_boot_key *k, const char *file, int line)
{
	mg_config *c = d ? d->c : mg__current;
	if (!d || !k) {
		mg__err(c, file, line, "mg_device_key: NULL device or key");
		return;
	}
	if (k->owner) {
		mg__err(c, file, line, "boot key --%s already belongs to %s",
		        k->name, k->owner->name);
		return;
	}
	k->owner = d;
	mg__push(c, &d->keys, k);
}

mg_device *mg__device_choose(mg_config *c, const mg_device_desc *impls,
                             const char *impl, const char *file, int line)
{
	if (!impls || !impls[0].name) {
		mg__err(c, file, line, "mg_device_choose: no implementations");
		return create(c, NULL, false, file, line);
	}
	const mg_device_desc *pick = NULL;
	bool named = false;
	for (const mg_device_desc *d = impls; d->name; d++) {
		if (impl && (!d->impl || strcmp(d->impl, impl) != 0))
			continue;
		named = true;
		if (supports(d, c->o.target)) {
			pick = d;
			break;
		}
	}
	if (!pick) {
		mg__buf b = {0};
		for (const mg_device_desc *d = impls; d->name; d++)
			mg__buf_printf(&b, "%s%s (targets: %s)",
			               d == impls ? "" : ", ", d->impl,
			               d->targets ? d->targets : "all");
		char *list = mg__buf_take(&b);
		if (impl && !named)
			mg__err(
			    c, file, line,
			    "no %s implementation named '%s'; there are: %s",
			    impls[0].module, impl, list ? list : "");
		else
			mg__err(c, file, line,
			        "no %s implementation%s%s%s supports target "
			        "'%s'; there are: %s",
			        impls[0].module, impl ? " named '" : "",
			        impl ? impl : "", impl ? "'" : "", c->o.target,
			        list ? list : "");
		free(list);
		return create(c, &impls[0], false, file, line);
	}
	/* Devices without dependencies are shared: one console, one clock. */
	if (!pick->deps) {
		for (size_t i = 0; i < c->devices.n; i++) {
			mg_device *d = c->devices.v[i];
			if (d->chosen_from == impls && d->desc == pick)
				return d;
		}
	}
	mg_device *d = create(c, pick, true, file, line);
	d->chosen_from = impls;
	return d;
}

const char *mg__check_name(mg_config *c, const char *name, const char *what,
                           const char *fallback, const char *file, int line)
{
	if (name && mg__is_name(name, "_") && strlen(name) <= 31)
		return name;
	mg__err(c, file, line,
	        "%s name '%s': use at most 31 lower case letters, digits and "
	        "'_', starting with a letter",
	        what, name ? name : "(null)");
	return fallback;
}

mg_device *mg__find_platform(mg_config *c, int kind, const char *name)
{
	for (size_t i = 0; i < c->devices.n; i++) {
		mg_device *d = c->devices.v[i];
		if (d->platform_kind == kind &&
		    (!name || strcmp(d->platform_name, name) == 0))
			return d;
	}
	return NULL;
}

mg_device *mg__platform_device(mg_config *c, int kind, const char *module,
                               const char *name, const char *code,
                               const char *libs, const char *file, int line)
{
	mg_device_desc *desc = mg__alloc(c, sizeof(*desc));
	*desc = (mg_device_desc){
	    .name = mg__strdup(c, name),
	    .module = module,
	    .impl = "platform",
	    .ctype = mg__fmt(c, "mg_%s", module),
	    .header = mg__fmt(c, "mg/%s.h", module),
	    .code = code,
	    .at_file = file,
	    .at_line = line,
	    .libs = libs,
	    .targets = MG__TARGETS_ALL,
	};
	mg_device *d = mg__device_new(c, desc, file, line);
	d->platform_name = desc->name;
	d->platform_kind = kind;
	return d;
}

mg_device *mg__device_expect(mg_device *d, const char *module)
{
	if (!d) {
		if (mg__current)
			mg__err(mg__current, NULL, 0, "mg_%s_of: a NULL device",
			        module);
		return NULL;
	}
	if (strcmp(d->desc->module, module) != 0 && d->desc != &invalid_desc)
		mg__err(d->c, d->at.file, d->at.line,
		        "device %s (made here) is a %s device, used where a "
		        "%s is expected (mg_%s_of)",
		        d->name, d->desc->module, module, module);
	return d;
}
