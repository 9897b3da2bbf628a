# Build rules of target unix: a Linux process linked with the host libc.
# Included by the Makefile that 'morgana configure' writes in _build/unix/,
# which sets MG_PREFIX, MG_VARIANT, MG_SANITIZE, MG_BUILD, MG_IMAGE, MG_LIBS,
# MG_APP_CFLAGS and MG_OBJS and adds one rule per source. Run from the
# folder of config.c. V=1 shows the commands.

MG_LIBDIR := $(MG_PREFIX)/lib/morgana/$(MG_VARIANT)

# What C11 compilers now refuse anyway are errors here too, so that a slip in
# a device's code template is reported at its config.c line.
MG_TARGET_CFLAGS := -std=gnu11 -g -O2 -fno-omit-frame-pointer -Wall -Wextra \
	-Werror=implicit-function-declaration -Werror=incompatible-pointer-types \
	-Werror=int-conversion
ifeq ($(MG_SANITIZE),1)
# The unix-san runtime is built with the same flags: mixing would hide bugs.
MG_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
endif
# -iquote: a file of the unikernel named like a system header (time.h) must
# not replace it; its own headers are included with quotes.
MG_ALL_CFLAGS := $(MG_TARGET_CFLAGS) $(MG_SAN) -iquote $(MG_BUILD) -iquote . \
	-I$(MG_PREFIX)/include -MMD -MP
MG_ALL_LDFLAGS := $(MG_SAN)

MG_TARGET_LIBS := mgcore mgplatform

include $(MG_PREFIX)/share/morgana/mk/common/rules.mk
