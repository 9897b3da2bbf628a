# Morgana: builds the tool, the configuration library and the runtime
# libraries for every supported target into an install-shaped tree in $(O).
#
#   make                  build everything into _out/
#   make install PREFIX=  copy _out/{bin,include,lib,share} under PREFIX
#   make check            scripts/check: dependencies, build, every test
#   make demo             scripts/demo: dependencies, build, boot examples/website
#
# Each folder adds its sources in a module.mk fragment (see below).

O ?= _out
PREFIX ?= /usr/local
CC ?= gcc
HOSTCC ?= $(CC)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
BASE_CFLAGS := -std=gnu11 -g -O2 -fno-omit-frame-pointer $(WARN) -Iinclude \
	-MMD -MP
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all

# Runtime variants of the unix target: plain, and with ASan + UBSan.
VARIANTS := unix unix-san
CFLAGS_unix := $(BASE_CFLAGS)
CFLAGS_unix-san := $(BASE_CFLAGS) -O1 $(SAN_FLAGS)
CFLAGS_host := $(BASE_CFLAGS)

# Filled by the fragments:
CORE_SRCS :=           # target-independent runtime: libmgcore.a
PLATFORM_unix_SRCS :=  # libmgplatform.a for unix
CONFIG_SRCS :=         # host: libmgconfig.a, linked into config programs
TOOL_SRCS :=           # host: the morgana command
SHARE_FILES :=         # files copied to share/morgana/ (relative to share/)
UNIT_TESTS :=          # tests/unit/test_*.c: one binary each, per variant
RUNTIME_LIBS :=        # device libraries (mgnet...): NAME builds libNAME.a
                       # for unix and unix-san from LIB_NAME_SRCS; unit
                       # tests link them all, before libmgcore.a
RUNTIME_LIBS_guest :=  # those of them that are also built for the guest
                       # targets (hvt, spt), once (platform/guest.mk)
BENCHES :=             # bench/*.c, host programs linked with the unix libs
ALL_TARGETS :=

include core/module.mk
include platform/unix/module.mk
include config/module.mk
include tool/module.mk
include tests/module.mk
-include libc/module.mk
-include tender/module.mk
-include platform/guest.mk
-include platform/hvt/module.mk
-include platform/spt/module.mk
-include bench/module.mk
-include net/module.mk
-include socket/module.mk
-include storage/module.mk
-include http/module.mk
-include tools/module.mk

HEADERS := $(wildcard include/mg/*.h)

# --- runtime libraries, per variant ---
define variant_rules
$(O)/obj/$(1)/%.o: %.c
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS_$(1)) -c $$< -o $$@
$(O)/obj/$(1)/%.o: %.S
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS_$(1)) -c $$< -o $$@
CORE_OBJS_$(1) := $$(patsubst %,$(O)/obj/$(1)/%.o,$$(basename $$(CORE_SRCS)))
PLAT_OBJS_$(1) := $$(patsubst %,$(O)/obj/$(1)/%.o,$$(basename $$(PLATFORM_unix_SRCS)))
$(O)/lib/morgana/$(1)/libmgcore.a: $$(CORE_OBJS_$(1))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^
$(O)/lib/morgana/$(1)/libmgplatform.a: $$(PLAT_OBJS_$(1))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^
ALL_TARGETS += $(O)/lib/morgana/$(1)/libmgcore.a \
	$(O)/lib/morgana/$(1)/libmgplatform.a
-include $$(CORE_OBJS_$(1):.o=.d) $$(PLAT_OBJS_$(1):.o=.d)
endef
$(foreach v,$(VARIANTS),$(eval $(call variant_rules,$(v))))

# --- device libraries, per variant (the guest's too when its rules are there) ---
define runtime_lib_rules
LIB_OBJS_$(1)_$(2) := $$(patsubst %,$(O)/obj/$(1)/%.o,$$(basename $$(LIB_$(2)_SRCS)))
$(O)/lib/morgana/$(1)/lib$(2).a: $$(LIB_OBJS_$(1)_$(2))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^
ALL_TARGETS += $(O)/lib/morgana/$(1)/lib$(2).a
-include $$(LIB_OBJS_$(1)_$(2):.o=.d)
endef
$(foreach v,$(VARIANTS),$(foreach l,$(RUNTIME_LIBS),$(eval $(call runtime_lib_rules,$(v),$(l)))))
ifneq ($(GUEST_LIB),)
$(foreach l,$(RUNTIME_LIBS_guest),$(eval $(call runtime_lib_rules,guest,$(l))))
endif

# --- host side: configuration library and tool ---
$(O)/obj/host/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(CFLAGS_host) -c $< -o $@
CONFIG_OBJS := $(patsubst %.c,$(O)/obj/host/%.o,$(CONFIG_SRCS))
TOOL_OBJS := $(patsubst %.c,$(O)/obj/host/%.o,$(TOOL_SRCS))
-include $(CONFIG_OBJS:.o=.d) $(TOOL_OBJS:.o=.d)

$(O)/lib/morgana/host/libmgconfig.a: $(CONFIG_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
$(O)/bin/morgana: $(TOOL_OBJS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(CFLAGS_host) $^ -o $@

# --- headers and shared files, staged as installed ---
STAGED_HEADERS := $(patsubst include/%,$(O)/include/%,$(HEADERS))
$(O)/include/%.h: include/%.h
	@mkdir -p $(dir $@)
	cp $< $@
STAGED_SHARE := $(patsubst %,$(O)/share/morgana/%,$(SHARE_FILES))
$(O)/share/morgana/%: share/%
	@mkdir -p $(dir $@)
	cp -p $< $@

ALL_TARGETS += $(O)/lib/morgana/host/libmgconfig.a $(O)/bin/morgana \
	$(STAGED_HEADERS) $(STAGED_SHARE)

all: $(ALL_TARGETS)
.DEFAULT_GOAL := all

install: all
	mkdir -p $(DESTDIR)$(PREFIX)
	cp -R $(O)/bin $(O)/include $(O)/lib $(O)/share $(DESTDIR)$(PREFIX)/

# --- tests ---
define unit_test_rule
$(O)/tests/$(1)/$(basename $(notdir $(2))): $(2) tests/unit/mgtest.c \
		$(foreach l,$(RUNTIME_LIBS),$(O)/lib/morgana/$(1)/lib$(l).a) \
		$(O)/lib/morgana/$(1)/libmgcore.a $(O)/lib/morgana/$(1)/libmgplatform.a
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS_$(1)) -Itests/unit $(2) tests/unit/mgtest.c \
		$(foreach l,$(RUNTIME_LIBS),$(O)/lib/morgana/$(1)/lib$(l).a) \
		$(O)/lib/morgana/$(1)/libmgcore.a $(O)/lib/morgana/$(1)/libmgplatform.a \
		$$(LDLIBS_$(notdir $(basename $(2)))) -o $$@
UNIT_BINS += $(O)/tests/$(1)/$(basename $(notdir $(2)))
endef
UNIT_BINS :=
$(foreach v,$(VARIANTS),$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test_rule,$(v),$(t)))))

tests: all $(UNIT_BINS)

check:
	scripts/check

demo:
	scripts/demo

deps:
	scripts/deps

clean:
	rm -rf $(O)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

.PHONY: all install tests check demo deps clean format
