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
mg_lib = $(if $(wildcard $(MG_LIBDIR)/lib$(1).a),$(MG_LIBDIR)/lib$(1).a,-l$(1))
mg_uniq = $(if $1,$(firstword $1) $(call mg_uniq,$(filter-out $(firstword $1),$1)))
MG_LIBFILES := $(foreach l,$(call mg_uniq,$(MG_LIBS) $(MG_TARGET_LIBS)),$(call mg_lib,$(l)))

ifeq ($(V),1)
mg_say :=
mg_q :=
else
mg_say = @printf '  %-7s %s\n' $(1) $(2);
mg_q := @
endif

# $(call mg_cc,EXTRA_FLAGS): compile $< into $@.
define mg_cc
@mkdir -p $(@D)
$(call mg_say,CC,$<)$(CC) $(MG_ALL_CFLAGS) $(1) -c $< -o $@
endef

.DELETE_ON_ERROR:
.PHONY: all mg_force
all: $(MG_IMAGE)

# The libraries call each other (the platform needs libc's malloc, libc
# the platform's abort): link them as a group.
$(MG_IMAGE): $(MG_OBJS) $(filter %.a,$(MG_LIBFILES)) $(MG_LIBDIR)/hvt.ld \
		$(MG_BUILD)/flags
	@mkdir -p $(@D)
	$(call mg_say,LD,$@)$(CC) $(MG_ALL_LDFLAGS) $(MG_OBJS) \
		-Wl,--start-group $(MG_LIBFILES) -Wl,--end-group $(MG_LIBGCC) \
		-o $@

$(MG_OBJS): $(MG_BUILD)/flags
$(MG_BUILD)/flags: mg_force
	@mkdir -p $(@D)
	@printf '%s\n' '$(CC) $(MG_ALL_CFLAGS) $(MG_APP_CFLAGS) $(MG_ALL_LDFLAGS)' \
		| cmp -s - $@ || printf '%s\n' \
		'$(CC) $(MG_ALL_CFLAGS) $(MG_APP_CFLAGS) $(MG_ALL_LDFLAGS)' > $@

-include $(MG_OBJS:.o=.d)
