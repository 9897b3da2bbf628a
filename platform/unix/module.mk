# platform/unix: the platform interface over libc, libmgplatform.a.
PLATFORM_unix_SRCS += $(wildcard platform/unix/*.c platform/unix/*.S)
LDLIBS_unix :=
