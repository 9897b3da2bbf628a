/* Devices' connect statements: a call, or a code template from config.c. */
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

static mg_boot_key *own_key(mg_device *d, const char *name, size_t len)
{
	for (size_t i = 0; i < d->keys.n; i++) {
		mg_boot_key *k = d->keys.v[i];
		if (strlen(k->name) == len && memcmp(k->name, name, len) == 0)
			return k;
	}
	return NULL;
}

static void put_key(mg__buf *out, mg_config *c, const mg_boot_key *k)
{
	mg__buf_printf(out, "key_%s", mg__c_name(c, k->name));
}

bool mg__expand_code(mg_config *c, mg_device *d, mg__buf *out)
{
	mg__buf scratch = {0};
	mg__buf *o = out ? out : &scratch;
	const char *s = d->desc->code;
	const char *file = d->code_at.file;
	int line = d->code_at.line;
	bool ok = true;
	while (*s) {
		if (*s != '$') {
			const char *e = strchr(s, '$');
			size_t n = e ? (size_t)(e - s) : strlen(s);
			char *part = mg__alloc(c, n + 1);
			memcpy(part, s, n);
			mg__buf_put(o, part);
			s += n;
			continue;
		}
		if (s[1] == '$') {
			mg__buf_put(o, "$");
			s += 2;
			continue;
		}
		const char *end = s[1] == '{' ? strchr(s, '}') : NULL;
		if (!end) {
			mg__err(c, file, line,
			        "device %s: code template: a '$' that starts "
			        "no ${...} placeholder (write $$ for a '$')",
			        d->name);
			ok = false;
			break;
		}
		const char *p = s + 2;
		size_t len = (size_t)(end - p);
		if (len == 4 && memcmp(p, "self", 4) == 0) {
			mg__buf_printf(o, "&dev_%s", d->name);
		} else if (len > 3 && memcmp(p, "dep", 3) == 0 &&
		           strspn(p + 3, "0123456789") == len - 3) {
			size_t i = (size_t)strtoul(p + 3, NULL, 10);
			if (i >= d->deps.n) {
				mg__err(c, file, line,
				        "device %s: code template uses "
				        "${dep%zu} but the device has %zu "
				        "dependenc%s",
				        d->name, i, d->deps.n,
				        d->deps.n == 1 ? "y" : "ies");
				ok = false;
			} else {
				mg__buf_printf(
				    o, "&dev_%s",
				    ((mg_device *)d->deps.v[i])->name);
			}
		} else if (len > 4 && memcmp(p, "key:", 4) == 0) {
			mg_boot_key *k = own_key(d, p + 4, len - 4);
			if (!k) {
				mg__err(
				    c, file, line,
				    "device %s: code template uses %.*s but "
				    "the device has no boot key of that "
				    "name",
				    d->name, (int)(len + 3), s);
				ok = false;
			} else {
				put_key(o, c, k);
			}
		} else {
			mg__err(
			    c, file, line,
			    "device %s: unknown placeholder %.*s in its code "
			    "template (known: ${self}, ${dep0}..., "
			    "${key:NAME}, $$)",
			    d->name, (int)(len + 3), s);
			ok = false;
		}
		s = end + 1;
	}
	free(mg__buf_take(&scratch));
	return ok;
}

void mg__connect_stmt(mg_config *c, mg_device *d, mg__buf *out)
{
	if (d->desc->code) {
		/* Indented as the code around it; ends with a newline. */
		mg__buf t = {0};
		mg__expand_code(c, d, &t);
		char *text = mg__buf_take(&t);
		bool bol = true;
		for (char *p = text; p && *p; p++) {
			if (bol && *p != '\n')
				mg__buf_put(out, "\t");
			char ch[2] = {*p, 0};
			mg__buf_put(out, ch);
			bol = *p == '\n';
		}
		if (!bol)
			mg__buf_put(out, "\n");
		free(text);
		return;
	}
	mg__buf_printf(out, "\trc = %s(&dev_%s", d->desc->connect, d->name);
	for (size_t i = 0; i < d->deps.n; i++)
		mg__buf_printf(out, ", &dev_%s",
		               ((mg_device *)d->deps.v[i])->name);
	for (size_t i = 0; i < d->keys.n; i++) {
		mg__buf_put(out, ", ");
		put_key(out, c, d->keys.v[i]);
	}
	mg__buf_put(out, ");\n");
}
