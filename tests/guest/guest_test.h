/* What the guest test unikernel's parts share (tests/guest/guest_test.c). */
#ifndef MG_TESTS_GUEST_TEST_H
#define MG_TESTS_GUEST_TEST_H

#include <mg/platform.h>

/* printf to the console. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The target's own tests (tests/TARGET/TARGET_test.c): runs test (t) if
 * it is one of them and exits; returns if it is none. The target's file
 * also emits the image's manifest: net0 (net) and disk (block).
 */
void mg_test_target(const char *t, const mg_boot_info *bi);

#endif
