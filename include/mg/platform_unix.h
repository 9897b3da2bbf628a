/* Unix-only extensions of the platform: process set-up and host descriptors. */
#ifndef MG_PLATFORM_UNIX_H
#define MG_PLATFORM_UNIX_H

/*
 * Only code that runs on the unix target includes this header (the host
 * socket stack, file-backed devices, tests). Everything else stays on
 * mg/platform.h.
 */

#include <mg/platform.h>

/*
 * Record the process arguments for mg_platform_boot_info() and install the
 * fault handlers (stack overflow and segmentation fault reports). The unix
 * entry point (platform/unix/entry.c) calls it before mg__boot(); a test
 * program with its own main() MAY call it. Calling it again replaces the
 * arguments. Without it, boot information has argc 1 and argv[0]
 * "morgana", and the fault handlers are installed by the first
 * mg_platform_stack_alloc().
 */
void mg_unix_init(int argc, char **argv);

/*
 * Device bindings. mg_unix_init() takes out of the arguments (before a
 * "--") each --block:NAME=FILE and --net:NAME=VALUE, NAME being 1 to 31 of
 * A-Z a-z 0-9 _ -, so that the boot arguments never see them: the unix
 * counterpart of the hvt tender's options, which `morgana run` passes the
 * same way. A malformed one, or a second binding of the same name, is left
 * in place for the boot argument parser to refuse.
 * mg_platform_block_acquire(NAME) opens FILE (read-write, else read-only);
 * the net layer reads its own with mg_unix_binding().
 */

/* The value bound to device (name) of (kind) ("block", "net"), or NULL. */
const char *mg_unix_binding(const char *kind, const char *name);

/*
 * Fiber stacks are host mappings with a guard page below each: two of the
 * kernel's vm.max_map_count (65530 by default) per stack, which bounds
 * live fibers to about 32000 unless the limit is raised.
 */

/* Interest in a host descriptor, for mg_unix_fd_register(). */
#define MG_UNIX_READ  1u /* readable, or the peer closed */
#define MG_UNIX_WRITE 2u /* writable */

/*
 * Watch the host descriptor (fd) for (interest) (MG_UNIX_READ and/or
 * MG_UNIX_WRITE; errors and hang-ups are always reported) and store in (*h)
 * a handle that mg_platform_yield() reports and mg_io_wait() accepts.
 * (fd) SHOULD be non-blocking: a fiber that blocks in a host call blocks
 * the whole unikernel.
 *
 * Readiness of a host descriptor is edge-triggered: the handle is reported
 * once each time the descriptor becomes ready (and once at registration if
 * it is ready then). The owner therefore MUST try its operation until the
 * host says EAGAIN before calling mg_io_wait(), and never wait while data
 * it has not consumed is pending. Nothing is lost by this: fibers are
 * cooperative, so no poll can run between that EAGAIN and the wait. In
 * exchange a registered descriptor that nobody waits on costs nothing, and
 * one registration serves both directions without further calls.
 *
 * Returns 0; MG_EINVAL if (fd) is negative or (interest) has unknown bits;
 * MG_EEXIST if (fd) is already registered; MG_ENOMEM; MG_EIO for another
 * host failure (e.g. a regular file, which cannot be polled).
 */
int mg_unix_fd_register(int fd, unsigned interest, mg_handle *h);

/*
 * Replace the interest of (h) with (interest). Takes effect as a new
 * registration: a descriptor ready for the new interest is reported.
 * 0, MG_EINVAL, or MG_ENOENT if (h) is not registered.
 */
int mg_unix_fd_modify(mg_handle h, unsigned interest);

/*
 * Stop watching (h). MUST be called before the descriptor is closed if the
 * number may be registered again (a stale registration is replaced, but
 * its handle stays invalid). Fibers waiting on (h) are not woken: the owner
 * wakes them first (usually by cancelling them). 0 or MG_ENOENT.
 */
int mg_unix_fd_unregister(mg_handle h);

/* The descriptor behind (h), or -1 if (h) is not registered. */
int mg_unix_fd_of(mg_handle h);

#endif
