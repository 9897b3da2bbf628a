/* The built-in devices: the default implementation of each module type. */
#include <string.h>

#include "cfg.h"

/*
 * Each table lists a module type's implementations, best first; the first
 * that supports the target is chosen (mg_device_choose). A new target is
 * a word in .targets, or a new row before the others.
 */

static const mg_device_desc console_impls[] = {
    {
        .name = "console",
        .module = "console",
        .impl = "platform",
        .ctype = "mg_console",
        .header = "mg/console.h",
        .connect = "mg_console_platform_connect",
        .libs = "mgcore",
        .targets = MG__TARGETS_ALL,
    },
    {.name = NULL},
};

static const mg_device_desc mclock_impls[] = {
    {
        .name = "mclock",
        .module = "mclock",
        .impl = "platform",
        .ctype = "mg_mclock",
        .header = "mg/mclock.h",
        .connect = "mg_mclock_platform_connect",
        .libs = "mgcore",
        .targets = MG__TARGETS_ALL,
    },
    {.name = NULL},
};

static const mg_device_desc pclock_impls[] = {
    {
        .name = "pclock",
        .module = "pclock",
        .impl = "platform",
        .ctype = "mg_pclock",
        .header = "mg/pclock.h",
        .connect = "mg_pclock_platform_connect",
        .libs = "mgcore",
        .targets = MG__TARGETS_ALL,
    },
    {.name = NULL},
};

static const mg_device_desc time_impls[] = {
    {
        .name = "time",
        .module = "time",
        .impl = "sched",
        .ctype = "mg_time",
        .header = "mg/time.h",
        .connect = "mg_time_sched_connect",
        .libs = "mgcore",
        .targets = MG__TARGETS_ALL,
    },
    {.name = NULL},
};

static const mg_device_desc random_impls[] = {
    {
        .name = "random",
        .module = "random",
        .impl = "chacha",
        .ctype = "mg_random",
        .header = "mg/random.h",
        .connect = "mg_random_chacha_connect",
        .libs = "mgcore",
        .targets = MG__TARGETS_ALL,
    },
    {.name = NULL},
};

static const struct {
	const char *module;
	const mg_device_desc *impls;
} builtins[] = {
    {"console", console_impls}, {"mclock", mclock_impls},
    {"pclock", pclock_impls},   {"time", time_impls},
    {"random", random_impls},
};

const mg_device_desc *mg__builtin_impls(const char *module)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (strcmp(builtins[i].module, module) == 0)
			return builtins[i].impls;
	return NULL;
}

mg_device *mg__default(mg_config *c, const char *module, const char *file,
                       int line)
{
	const mg_device_desc *impls = mg__builtin_impls(module);
	if (!impls) {
		mg__err(c, file, line, "no built-in module type '%s'", module);
		return mg__device_new(c, NULL, file, line);
	}
	return mg__device_choose(c, impls, NULL, file, line);
}
