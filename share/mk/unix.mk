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

# A library is Morgana's archive of that name when there is one, else -lNAME.
MG_TARGET_LIBS := mgcore mgplatform
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

# The libraries are in a group: libmgcore and libmgplatform call each other.
$(MG_IMAGE): $(MG_OBJS) $(filter %.a,$(MG_LIBFILES)) $(MG_BUILD)/flags
	@mkdir -p $(@D)
	$(call mg_say,LD,$@)$(CC) $(MG_ALL_LDFLAGS) $(MG_OBJS) \
		-Wl,--start-group $(MG_LIBFILES) -Wl,--end-group -o $@

# Every object depends on the flags: changing them (configure --sanitize,
# mg_app_cflags) rebuilds everything, and nothing else does.
$(MG_OBJS): $(MG_BUILD)/flags
$(MG_BUILD)/flags: mg_force
	@mkdir -p $(@D)
	@printf '%s\n' '$(CC) $(MG_ALL_CFLAGS) $(MG_APP_CFLAGS) $(MG_ALL_LDFLAGS)' \
		| cmp -s - $@ || printf '%s\n' \
		'$(CC) $(MG_ALL_CFLAGS) $(MG_APP_CFLAGS) $(MG_ALL_LDFLAGS)' > $@

-include $(MG_OBJS:.o=.d)
