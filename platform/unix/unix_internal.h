/* Shared by the files of platform/unix; nothing outside it. */
#ifndef MG_PLATFORM_UNIX_INTERNAL_H
#define MG_PLATFORM_UNIX_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* stack.c: if (addr) lies in the guard page of a live fiber stack, store
 * that stack's usable size in (*usable) and return 1. Signal-safe. */
int mg__unix_guard_lookup(uintptr_t addr, size_t *usable);

/* fault.c: install the SIGSEGV/SIGBUS reports once. */
void mg__unix_fault_install(void);

/* console.c: write (len) bytes of (buf) to (fd), all of them or until a
 * hard error. Signal-safe. */
void mg__unix_write_all(int fd, const char *buf, size_t len);

/* bind.c: record and remove the device bindings from (argv), keeping
 * argv[0]; returns the new argc (argv stays NULL-terminated). */
int mg__unix_bindings_take(int argc, char **argv);

/* console.c: end the process as SIGABRT does. Signal-safe. */
_Noreturn void mg__unix_die(void);

#endif
