/* Configure-time keys (read from the flags) and boot-time keys (declared). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

/* Names the tool or the image itself uses. */
static const char *const reserved_ckeys[] = {"target", "sanitize", "help",
                                             "version", NULL};
static const char *const reserved_bkeys[] = {"help", "logs", NULL};

static bool in_list(const char *const *l, const char *s)
{
	for (size_t i = 0; l[i]; i++)
		if (strcmp(l[i], s) == 0)
			return true;
	return false;
}

static mg__ckey *ckey_find(mg_config *c, const char *name)
{
	for (size_t i = 0; i < c->ckeys.n; i++) {
		mg__ckey *k = c->ckeys.v[i];
		if (strcmp(k->name, name) == 0)
			return k;
	}
	return NULL;
}

static mg_boot_key *bkey_find(mg_config *c, const char *name)
{
	for (size_t i = 0; i < c->bkeys.n; i++) {
		mg_boot_key *k = c->bkeys.v[i];
		if (strcmp(k->name, name) == 0)
			return k;
	}
	return NULL;
}

/* The name part of a flag "--name=value" (arena copy), or NULL. */
static char *flag_name(mg_config *c, const char *flag, const char **value)
{
	*value = NULL;
	if (strncmp(flag, "--", 2) != 0)
		return NULL;
	const char *n = flag + 2, *eq = strchr(n, '=');
	size_t len = eq ? (size_t)(eq - n) : strlen(n);
	char *name = mg__alloc(c, len + 1);
	memcpy(name, n, len);
	if (eq)
		*value = eq + 1;
	return name;
}

/* The text given for key (k) by the flags (the last one wins), or NULL. */
static const char *given_value(mg_config *c, mg__ckey *k)
{
	const char *result = NULL;
	for (int i = 0; i < c->o.nflags; i++) {
		const char *v;
		char *n = flag_name(c, c->o.flags[i], &v);
		if (!n)
			continue;
		if (strcmp(n, k->name) == 0) {
			c->flag_used[i] = true;
			if (v) {
				result = v;
			} else if (k->type == MG__CKEY_BOOL) {
				result = "true";
			} else {
				mg__err(c, NULL, 0,
				        "configure key --%s needs a value: "
				        "--%s=VALUE",
				        k->name, k->name);
			}
		} else if (k->type == MG__CKEY_BOOL &&
		           strncmp(n, "no-", 3) == 0 &&
		           strcmp(n + 3, k->name) == 0) {
			c->flag_used[i] = true;
			if (v)
				mg__err(c, NULL, 0,
				        "--no-%s takes no value (write "
				        "--%s=%s instead)",
				        k->name, k->name, v);
			result = "false";
		}
	}
	return result;
}

static bool parse_ll(const char *s, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 0);
	if (!*s || *end || errno)
		return false;
	*out = v;
	return true;
}

static bool parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", "1", NULL};
	static const char *const no[] = {"false", "no", "off", "0", NULL};
	if (in_list(yes, s))
		*out = true;
	else if (in_list(no, s))
		*out = false;
	else
		return false;
	return true;
}

/* Check a new key's name against every other key, in both stages. */
static bool name_ok(mg_config *c, const char *stage, const char *name,
                    const char *const *reserved, const char *file, int line)
{
	if (!mg__is_name(name, "-") || strncmp(name, "no-", 3) == 0) {
		mg__err(c, file, line,
		        "%s key name '%s': use lower case letters, digits and "
		        "'-', starting with a letter (and not with 'no-')",
		        stage, name ? name : "(null)");
		return false;
	}
	if (in_list(reserved, name)) {
		mg__err(c, file, line, "%s key name '%s' is reserved", stage,
		        name);
		return false;
	}
	return true;
}

static mg__ckey *ckey_declare(mg_config *c, mg__ckey_type type,
                              const char *name, const char *def,
                              const char *choices, const char *doc,
                              const char *file, int line)
{
	if (!name_ok(c, "configure", name, reserved_ckeys, file, line))
		return NULL;
	mg__ckey *k = ckey_find(c, name);
	if (k) {
		if (k->type != type) {
			mg__err(
			    c, file, line,
			    "configure key --%s declared again with another "
			    "type (first at %s:%d)",
			    name, k->at.file, k->at.line);
			return NULL;
		}
		return k;
	}
	mg_boot_key *b = bkey_find(c, name);
	if (b) {
		mg__err(c, file, line,
		        "configure key --%s has the name of a boot key "
		        "(declared at %s:%d): rename one of them",
		        name, b->at.file, b->at.line);
		return NULL;
	}
	k = mg__alloc(c, sizeof(*k));
	k->type = type;
	k->name = mg__strdup(c, name);
	k->def = mg__strdup(c, def);
	k->choices = mg__strdup(c, choices);
	k->doc = mg__strdup(c, doc ? doc : "");
	k->at = (mg__loc){file, line};
	mg__push(c, &c->ckeys, k);

	const char *v = given_value(c, k);
	k->given = v != NULL;
	k->value = mg__strdup(c, v ? v : def);
	return k;
}

const char *mg__key_string(mg_config *c, const char *name, const char *def,
                           const char *doc, const char *file, int line)
{
	mg__ckey *k = ckey_declare(c, MG__CKEY_STRING, name, def ? def : "",
	                           NULL, doc, file, line);
	return k ? k->value : (def ? def : "");
}

long long mg__key_int(mg_config *c, const char *name, long long def,
                      const char *doc, const char *file, int line)
{
	char d[32];
	snprintf(d, sizeof(d), "%lld", def);
	mg__ckey *k =
	    ckey_declare(c, MG__CKEY_INT, name, d, NULL, doc, file, line);
	if (!k)
		return def;
	if (!parse_ll(k->value, &k->ivalue)) {
		mg__err(c, NULL, 0,
		        "--%s=%s: not an integer (--%s takes an integer; "
		        "default %lld)",
		        name, k->value, name, def);
		k->ivalue = def;
	}
	return k->ivalue;
}

bool mg__key_bool(mg_config *c, const char *name, bool def, const char *doc,
                  const char *file, int line)
{
	mg__ckey *k =
	    ckey_declare(c, MG__CKEY_BOOL, name, def ? "true" : "false", NULL,
	                 doc, file, line);
	if (!k)
		return def;
	if (!parse_bool(k->value, &k->bvalue)) {
		mg__err(c, NULL, 0,
		        "--%s=%s: not a boolean (use --%s, --no-%s, or "
		        "--%s=true|false)",
		        name, k->value, name, name, name);
		k->bvalue = def;
	}
	return k->bvalue;
}

const char *mg__key_choice(mg_config *c, const char *name, const char *def,
                           const char *choices, const char *doc,
                           const char *file, int line)
{
	if (!choices || !def || !mg__has_word(choices, def, '|')) {
		mg__err(c, file, line,
		        "configure key --%s: default '%s' is not one of its "
		        "choices '%s'",
		        name ? name : "(null)", def ? def : "(null)",
		        choices ? choices : "(null)");
		return def ? def : "";
	}
	mg__ckey *k = ckey_declare(c, MG__CKEY_CHOICE, name, def, choices, doc,
	                           file, line);
	if (!k)
		return def;
	if (!mg__has_word(choices, k->value, '|')) {
		mg__err(c, NULL, 0,
		        "--%s=%s: not a valid choice (choose one of %s)", name,
		        k->value, choices);
		return def;
	}
	return k->value;
}

/* IPv4 text forms, as strict as mg_ipv4_parse() in the image. */
static bool ipv4_ok(const char *s, const char **end)
{
	for (int part = 0; part < 4; part++) {
		if (part && *s++ != '.')
			return false;
		if (*s < '0' || *s > '9')
			return false;
		if (*s == '0' && s[1] >= '0' && s[1] <= '9')
			return false;
		int v = 0, digits = 0;
		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (*s++ - '0');
			digits++;
		}
		if (v > 255 || digits > 3)
			return false;
	}
	*end = s;
	return true;
}

static bool default_ok(mg_key_type t, const char *def, long long min,
                       long long max)
{
	const char *end;
	long long v;
	bool b;
	switch (t) {
	case MG_KEY_STRING:
		return true;
	case MG_KEY_INT:
		return parse_ll(def, &v) &&
		       ((min == 0 && max == 0) || (v >= min && v <= max));
	case MG_KEY_BOOL:
		return parse_bool(def, &b);
	case MG_KEY_IPV4:
		return ipv4_ok(def, &end) && !*end;
	case MG_KEY_IPV4_PREFIX:
		if (!ipv4_ok(def, &end) || *end != '/' || !end[1])
			return false;
		return parse_ll(end + 1, &v) && v >= 0 && v <= 32 &&
		       end[1] != '+' && end[1] != '-' && end[1] != ' ';
	}
	return false;
}

const char *mg__bkey_type_name(mg_key_type t)
{
	switch (t) {
	case MG_KEY_STRING:
		return "string";
	case MG_KEY_INT:
		return "int";
	case MG_KEY_BOOL:
		return "bool";
	case MG_KEY_IPV4:
		return "ipv4";
	case MG_KEY_IPV4_PREFIX:
		return "ipv4-prefix";
	}
	return "?";
}

const char *mg__bkey_ctype(mg_key_type t)
{
	switch (t) {
	case MG_KEY_STRING:
		return "const char *";
	case MG_KEY_INT:
		return "int64_t";
	case MG_KEY_BOOL:
		return "bool";
	case MG_KEY_IPV4:
		return "mg_ipv4_addr";
	case MG_KEY_IPV4_PREFIX:
		return "mg_ipv4_prefix";
	}
	return "?";
}

mg_boot_key *mg__boot_key(mg_config *c, mg_key_type type, const char *name,
                          const char *def, long long min, long long max,
                          const char *doc, const char *file, int line)
{
	mg_boot_key *k = mg__alloc(c, sizeof(*k));
	k->type = type;
	k->name = mg__strdup(c, name ? name : "invalid");
	k->def = mg__strdup(c, def);
	k->doc = mg__strdup(c, doc ? doc : "");
	k->min = min;
	k->max = max;
	k->at = (mg__loc){file, line};
	if (!name_ok(c, "boot", name, reserved_bkeys, file, line))
		return k; /* a placeholder, left out of the image */
	if ((unsigned)type > MG_KEY_IPV4_PREFIX) {
		mg__err(c, file, line, "boot key --%s: unknown type %d", name,
		        (int)type);
		return k;
	}
	mg_boot_key *other = bkey_find(c, name);
	if (other) {
		mg__err(c, file, line,
		        "boot key --%s declared twice (first at %s:%d%s%s)",
		        name, other->at.file, other->at.line,
		        other->owner ? ", by device " : "",
		        other->owner ? other->owner->name : "");
		return k;
	}
	mg__ckey *ck = ckey_find(c, name);
	if (ck) {
		mg__err(c, file, line,
		        "boot key --%s has the name of a configure key "
		        "(declared at %s:%d): rename one of them",
		        name, ck->at.file, ck->at.line);
		return k;
	}
	if (type == MG_KEY_INT && min > max) {
		mg__err(c, file, line, "boot key --%s: min %lld > max %lld",
		        name, min, max);
		return k;
	}
	if (!def && type != MG_KEY_STRING && type != MG_KEY_IPV4 &&
	    type != MG_KEY_IPV4_PREFIX) {
		mg__err(c, file, line, "boot key --%s needs a default", name);
		return k;
	}
	if (def && !default_ok(type, def, min, max)) {
		if (type == MG_KEY_INT && (min || max))
			mg__err(c, file, line,
			        "boot key --%s: default '%s' is not an integer "
			        "in [%lld, %lld]",
			        name, def, min, max);
		else
			mg__err(c, file, line,
			        "boot key --%s: default '%s' is not a valid %s",
			        name, def, mg__bkey_type_name(type));
		return k;
	}
	mg__push(c, &c->bkeys, k);
	return k;
}

mg_boot_key *mg__boot_int(mg_config *c, const char *name, long long def,
                          long long min, long long max, const char *doc,
                          const char *file, int line)
{
	char d[32];
	snprintf(d, sizeof(d), "%lld", def);
	return mg__boot_key(c, MG_KEY_INT, name, d, min, max, doc, file, line);
}

/* Every flag must name a declared key. */
void mg__check_flags(mg_config *c)
{
	for (int i = 0; i < c->o.nflags; i++) {
		if (c->flag_used[i])
			continue;
		const char *v, *flag = c->o.flags[i];
		char *n = flag_name(c, flag, &v);
		if (!n || !*n) {
			mg__err(
			    c, NULL, 0,
			    "'%s' is not a configure key (keys are given as "
			    "--name=value)",
			    flag);
			continue;
		}
		const char *bare = strncmp(n, "no-", 3) == 0 ? n + 3 : n;
		mg_boot_key *b = bkey_find(c, n);
		if (!b)
			b = bkey_find(c, bare);
		if (b) {
			mg__err(c, NULL, 0,
			        "--%s is a boot-time key (of %s, declared at "
			        "%s:%d), not a configure key: give it when the "
			        "image starts, as in 'morgana run -- %s'",
			        b->name,
			        b->owner
			            ? mg__fmt(c, "device %s", b->owner->name)
			            : "the application",
			        b->at.file, b->at.line, flag);
			continue;
		}
		const char *best = NULL;
		size_t best_d = 3;
		mg__buf list = {0};
		for (size_t j = 0; j < c->ckeys.n; j++) {
			mg__ckey *k = c->ckeys.v[j];
			size_t d = mg__edit_distance(bare, k->name);
			if (d < best_d) {
				best_d = d;
				best = k->name;
			}
			mg__buf_printf(&list, "%s--%s", j ? ", " : "", k->name);
		}
		char *valid = mg__buf_take(&list);
		const char *boot = NULL;
		for (size_t j = 0; j < c->bkeys.n && !best; j++) {
			mg_boot_key *k = c->bkeys.v[j];
			if (mg__edit_distance(bare, k->name) < 3)
				boot = k->name;
		}
		if (boot) {
			mg__err(c, NULL, 0,
			        "unknown configure key --%s (did you mean "
			        "--%s? That is a boot-time key: give it when "
			        "the image starts, as in 'morgana run -- "
			        "--%s=VALUE')",
			        n, boot, boot);
			free(valid);
			continue;
		}
		mg__err(c, NULL, 0,
		        "unknown configure key --%s%s%s%s; %s%s "
		        "(morgana configure --help describes them)",
		        n, best ? " (did you mean --" : "", best ? best : "",
		        best ? "?)" : "",
		        c->ckeys.n ? "the configure keys of this unikernel are "
		                   : "this unikernel has no configure keys",
		        valid ? valid : "");
		free(valid);
	}
}
