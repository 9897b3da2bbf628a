# Build rules of the freestanding x86-64 guest targets (hvt, spt): one kind
# of static ELF image with Morgana's libc and no host libc, which differ
# only in their platform library and linker script. share/mk/TARGET.mk sets
# MG_VARIANT (the target) and includes this; its folder lib/morgana/TARGET
# holds libmgplatform.a and TARGET.ld, lib/morgana/guest everything else.

MG_LIBDIR := $(MG_PREFIX)/lib/morgana/$(MG_VARIANT)
MG_GUEST := $(MG_PREFIX)/lib/morgana/guest
MG_LIBDIRS := $(MG_GUEST)
MG_GCC_INC := $(shell $(CC) -print-file-name=include)
MG_LIBGCC := $(shell $(CC) -print-libgcc-file-name)

# The image links no host libc: Morgana's libc (headers in $(MG_GUEST)/
# include, libmgc.a) and the compiler's own freestanding headers. The guest
# CPU runs without SSE/x87 state (general registers only), interrupts never
# arrive (no red zone needed, but none is kept for exception frames), and
# the canary is a global that the platform sets at boot.
MG_TARGET_CFLAGS := -std=gnu11 -g -O2 -fno-omit-frame-pointer -Wall -Wextra \
	-Werror=implicit-function-declaration -Werror=incompatible-pointer-types \
	-Werror=int-conversion \
	-ffreestanding -nostdinc -isystem $(MG_GUEST)/include \
	-isystem $(MG_GCC_INC) -mgeneral-regs-only -mno-red-zone -fno-pic \
	-mcmodel=small -fcf-protection=none -fstack-protector-strong \
	-mstack-protector-guard=global -fno-asynchronous-unwind-tables
MG_ALL_CFLAGS := $(MG_TARGET_CFLAGS) -I$(MG_BUILD) -I. \
	-I$(MG_PREFIX)/include -MMD -MP
# Static, at 1 MiB, one page-aligned segment per permission (TARGET.ld).
MG_ALL_LDFLAGS := -nostdlib -static -no-pie \
	-Wl,-T,$(MG_LIBDIR)/$(MG_VARIANT).ld \
	-Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--build-id=none

MG_TARGET_LIBS := mgcore mgplatform mgc
MG_LINK_DEPS := $(MG_LIBDIR)/$(MG_VARIANT).ld
MG_LINK_TAIL := $(MG_LIBGCC)

include $(MG_PREFIX)/share/morgana/mk/common/rules.mk
