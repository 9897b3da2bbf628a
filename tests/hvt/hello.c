/*
 * hello for hvt: the application and the boot code that 'morgana
 * configure -t hvt' will generate (mg/unikernel.h), written by hand until
 * the tool does. Prints a greeting, sleeps if asked, exits with --status.
 */
#include <stddef.h>
#include <stdint.h>

#include <mg/console.h>
#include <mg/hvt_abi.h>
#include <mg/fiber.h>
#include <mg/platform.h>
#include <mg/unikernel.h>

MG_HVT_MANIFEST(0);

static struct {
	const char *greeting;
	int64_t status;
	int64_t sleep_ms;
} keys;

static mg_arg args[] = {
    {
        .name = "greeting",
        .type = MG_ARG_STRING,
        .def = "Hello from Morgana",
        .doc = "The greeting to print",
        .owner = "application",
        .dest = &keys.greeting,
    },
    {
        .name = "status",
        .type = MG_ARG_INT,
        .def = "0",
        .doc = "The exit status",
        .owner = "application",
        .dest = &keys.status,
        .min = 0,
        .max = 255,
    },
    {
        .name = "sleep-ms",
        .type = MG_ARG_INT,
        .def = "0",
        .doc = "Sleep this long before exiting",
        .owner = "application",
        .dest = &keys.sleep_ms,
        .min = 0,
        .max = 10000,
    },
};

static mg_console console;

static int connect_devices(void)
{
	return mg_console_platform_connect(&console) < 0;
}

static int start(void)
{
	mg_console_printf(&console, "%s\n", keys.greeting);
	if (keys.sleep_ms > 0) {
		uint64_t t0 = mg_platform_monotonic_ns();
		mg_sleep_ns((uint64_t)keys.sleep_ms * 1000000u);
		uint64_t us = (mg_platform_monotonic_ns() - t0) / 1000;
		mg_console_printf(&console, "slept %llu us\n",
		                  (unsigned long long)us);
	}
	return (int)keys.status;
}

const mg_unikernel mg__unikernel = {
    .name = "hello",
    .args = args,
    .nargs = sizeof(args) / sizeof(args[0]),
    .connect = connect_devices,
    .start = start,
};
