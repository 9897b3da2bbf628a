# Build rules every target shares, included at the end of share/mk/TARGET.mk.
# The target sets MG_LIBDIR, MG_TARGET_LIBS, MG_ALL_CFLAGS, MG_ALL_LDFLAGS,
# and may set MG_LIBDIRS (more folders to look for libraries in, after
# MG_LIBDIR), MG_LINK_DEPS (more prerequisites of the image) and
# MG_LINK_TAIL (what links after the library group) before including this.
# It lives in a folder of its own: every share/mk/*.mk names a target.

# A library is Morgana's archive of that name in the first of MG_LIBDIR and
# MG_LIBDIRS that has one, else -lNAME.
mg_lib = $(or $(firstword $(wildcard $(foreach d,$(MG_LIBDIR) $(MG_LIBDIRS),$(d)/lib$(1).a))),-l$(1))
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

# The libraries are in a group: they call each other (libmgcore and
# libmgplatform; on hvt also libmgc, whose malloc the platform uses).
$(MG_IMAGE): $(MG_OBJS) $(filter %.a,$(MG_LIBFILES)) $(MG_LINK_DEPS) \
		$(MG_BUILD)/flags
	@mkdir -p $(@D)
	$(call mg_say,LD,$@)$(CC) $(MG_ALL_LDFLAGS) $(MG_OBJS) \
		-Wl,--start-group $(MG_LIBFILES) -Wl,--end-group $(MG_LINK_TAIL) \
		-o $@

# Every object depends on the flags: changing them (configure --sanitize,
# mg_app_cflags) rebuilds everything, and nothing else does.
$(MG_OBJS): $(MG_BUILD)/flags
$(MG_BUILD)/flags: mg_force
	@mkdir -p $(@D)
	@printf '%s\n' '$(CC) $(MG_ALL_CFLAGS) $(MG_APP_CFLAGS) $(MG_ALL_LDFLAGS)' \
		| cmp -s - $@ || printf '%s\n' \
		'$(CC) $(MG_ALL_CFLAGS) $(MG_APP_CFLAGS) $(MG_ALL_LDFLAGS)' > $@

-include $(MG_OBJS:.o=.d)
