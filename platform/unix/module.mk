# platform/unix: the platform interface over libc, libmgplatform.a.
# entry.c holds main(); it is only pulled from the archive by an image that
# has no main of its own, so unit tests link the same library.
PLATFORM_unix_SRCS += $(wildcard platform/unix/*.c platform/unix/*.S)
LDLIBS_unix :=
