/* The contract between the generated main.c and core/boot.c. */
#ifndef MG_UNIKERNEL_H
#define MG_UNIKERNEL_H

/*
 * `morgana configure` generates main.c, which defines exactly one
 * mg__unikernel. core/boot.c (mg__boot, called by the platform entry)
 *   1. parses the boot arguments against args[] and the built-in keys
 *      (exit 64 on a bad one, 0 after --help),
 *   2. applies --logs,
 *   3. runs a fiber "main" that calls connect() (devices in dependency
 *      order; a failure is reported by the generated code, naming the
 *      device, and ends the unikernel with status 1), then start(),
 *   4. when start() returns, or a fiber calls mg_exit() (mg/exit.h),
 *      calls disconnect() once and exits with start()'s value (or
 *      mg_exit's), or 1 if that was 0 and a disconnect failed. A failed
 *      connect also runs disconnect() (for the devices already
 *      connected) before exiting with 1. An abort or a fault does not.
 * Nothing here is meant for applications.
 */

#include <stddef.h>

#include <mg/args.h>

typedef struct mg_unikernel {
	const char *name; /* the image name, for --help and messages */
	mg_arg *args;     /* boot keys of the devices and the application */
	size_t nargs;
	int (*connect)(void); /* 0, or non-zero after reporting a failure */
	int (*start)(void);   /* the application's start function */
	/* NULL, or: disconnect the connected devices, last connected first;
	 * 0, or non-zero after reporting a failure (naming the device). */
	int (*disconnect)(void);
} mg_unikernel;

extern const mg_unikernel mg__unikernel;

#endif
