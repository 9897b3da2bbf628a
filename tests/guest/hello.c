/*
 * hello for hvt: the application and the boot code that 'morgana
 * configure -t hvt' will generate (mg/unikernel.h), written by hand until
 * the tool does. Prints a greeting, sleeps if asked, exits with --status.
 */
#include <stdbool.h>
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
	bool overflow;
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
    {
        .name = "overflow",
        .type = MG_ARG_BOOL,
        .def = "false",
        .doc = "Recurse until the main fiber's stack overflows",
        .owner = "application",
        .dest = &keys.overflow,
    },
};

static mg_console console;

static int connect_devices(void)
{
	return mg_console_platform_connect(&console) < 0;
}

/* Never returns: the guard page below the fiber's stack stops it. */
static int recurse(int depth)
{
	volatile char frame[256];
	frame[0] = (char)depth;
	if (depth == -1)
		return frame[0];
	return recurse(depth + 1) + frame[0];
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
	if (keys.overflow)
		return recurse(0);
	return (int)keys.status;
}

const mg_unikernel mg__unikernel = {
    .name = "hello",
    .args = args,
    .nargs = sizeof(args) / sizeof(args[0]),
    .connect = connect_devices,
    .start = start,
};
