/* A clean exit of the unikernel from any fiber. */
#ifndef MG_EXIT_H
#define MG_EXIT_H

/*
 * mg_exit(status) ends the unikernel as the return of the start function
 * with (status) would: every connected device is disconnected, last
 * connected first (a store makes its buffered changes durable, the direct
 * stack releases its DHCP lease: mg/unikernel.h), then the unikernel
 * exits with (status). It MUST be called from a fiber (disconnects may
 * wait) and does not return. (status) is 0 to 255; any other value (an
 * MG_E code) is reported on the console and the unikernel exits with 1,
 * as when start() returns one. A disconnect that fails is reported
 * (naming the device) and turns status 0 into 1.
 *
 * The first call wins: a fiber calling mg_exit() (or start() returning)
 * while another exit is disconnecting waits until the unikernel ends. Other
 * fibers keep running while disconnects wait; they MUST NOT use a device
 * after its disconnect (the direct stack frees its sockets). A crash or
 * mg_platform_abort() does not disconnect anything.
 */
_Noreturn void mg_exit(int status);

#endif
