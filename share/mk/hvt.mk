# Build rules of target hvt: a bare x86-64 KVM guest, run by morgana-hvt.
# Included like unix.mk by the Makefile that 'morgana configure' writes in
# _build/hvt/, which sets MG_PREFIX, MG_BUILD, MG_IMAGE, MG_LIBS,
# MG_APP_CFLAGS and MG_OBJS and adds one rule per source ($(call mg_cc,...)).
# The generated main.c MUST also emit the image's manifest of net and block
# devices with MG_HVT_MANIFEST() from <mg/hvt_abi.h>: morgana-hvt refuses an
# image without one. Run from the folder of config.c. V=1 shows commands.

MG_VARIANT := hvt
MG_LIBDIR := $(MG_PREFIX)/lib/morgana/hvt
MG_GCC_INC := $(shell $(CC) -print-file-name=include)
MG_LIBGCC := $(shell $(CC) -print-libgcc-file-name)

# The image links no host libc: Morgana's libc (headers in $(MG_LIBDIR)/
# include, libmgc.a) and the compiler's own freestanding headers. The guest
# CPU runs without SSE/x87 state (general registers only), interrupts never
# arrive (no red zone needed, but none is kept for exception frames), and
# the canary is a global that the platform sets at boot.
MG_TARGET_CFLAGS := -std=gnu11 -g -O2 -fno-omit-frame-pointer -Wall -Wextra \
	-Werror=implicit-function-declaration -Werror=incompatible-pointer-types \
	-Werror=int-conversion \
	-ffreestanding -nostdinc -isystem $(MG_LIBDIR)/include \
	-isystem $(MG_GCC_INC) -mgeneral-regs-only -mno-red-zone -fno-pic \
	-mcmodel=small -fcf-protection=none -fstack-protector-strong \
	-mstack-protector-guard=global -fno-asynchronous-unwind-tables
MG_ALL_CFLAGS := $(MG_TARGET_CFLAGS) -I$(MG_BUILD) -I. \
	-I$(MG_PREFIX)/include -MMD -MP
# Static, at 1 MiB, one page-aligned segment per permission (hvt.ld).
MG_ALL_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,$(MG_LIBDIR)/hvt.ld \
	-Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--build-id=none

MG_TARGET_LIBS := mgcore mgplatform mgc
MG_LINK_DEPS := $(MG_LIBDIR)/hvt.ld
MG_LINK_TAIL := $(MG_LIBGCC)

include $(MG_PREFIX)/share/morgana/mk/common/rules.mk
