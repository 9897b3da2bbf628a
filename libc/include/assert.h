/* assert.h: assert(), which aborts with the expression, file and line. */

/* No include guard: C lets a unit re-include it after changing NDEBUG. */
#undef assert
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e) ((e) ? (void)0 : mg__libc_assert_fail(#e, __FILE__, __LINE__))
#endif

#ifndef MG__LIBC_ASSERT_DECLARED
#define MG__LIBC_ASSERT_DECLARED
/*
 * Writes "assertion failed: EXPR (FILE:LINE)" through mg_platform_abort(),
 * which ends the unikernel.
 */
_Noreturn void mg__libc_assert_fail(const char *expr, const char *file,
                                    int line);
#endif

#ifndef __cplusplus
#undef static_assert
#define static_assert _Static_assert
#endif
