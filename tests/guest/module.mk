# tests/guest: test images for the guest targets, run by tests/e2e/guest.sh
# and tests/e2e/tender.sh; for each TARGET (hvt, spt):
#   TARGET_test.TARGET  the platform alone (its own mg__boot), argv[1] picks
#                       a test: tests/guest/guest_test.c and the target's
#                       own tests/TARGET/TARGET_test.c
#   hello.TARGET        a unikernel on core/, as the tool generates one,
#                       built with share/mk/TARGET.mk

GUEST_LIBGCC := $(shell $(CC) -print-libgcc-file-name)
GUEST_TEST_LDFLAGS = -nostdlib -static -no-pie -Wl,-z,max-page-size=0x1000 \
	-Wl,-z,noexecstack -Wl,--build-id=none

# $(call guest_test_rules,TARGET,EXTRA OBJECTS): core's scheduler and boot
# stay out (the test has its own mg__boot); the platform takes ChaCha20
# from core.
define guest_test_rules
$(1)_TEST_OBJS := $(O)/obj/guest/tests/guest/guest_test.o \
	$(O)/obj/guest/tests/$(1)/$(1)_test.o $(2)
$(O)/tests/$(1)/$(1)_test.$(1): $$($(1)_TEST_OBJS) \
		$(O)/lib/morgana/$(1)/libmgplatform.a $(GUEST_LIB)/libmgcore.a \
		$(GUEST_LIB)/libmgc.a $(O)/lib/morgana/$(1)/$(1).ld
	@mkdir -p $$(dir $$@)
	$(CC) $(GUEST_TEST_LDFLAGS) -Wl,-T,$(O)/lib/morgana/$(1)/$(1).ld \
		$$($(1)_TEST_OBJS) -Wl,--start-group \
		$(O)/lib/morgana/$(1)/libmgplatform.a $(GUEST_LIB)/libmgcore.a \
		$(GUEST_LIB)/libmgc.a -Wl,--end-group $(GUEST_LIBGCC) -o $$@

# Through the recipe the tool uses, share/mk/TARGET.mk, as installed in $(O).
$(O)/tests/$(1)/hello.$(1): tests/guest/hello.c tests/guest/hello.mk \
		$(O)/share/morgana/mk/$(1).mk $(O)/share/morgana/mk/common/rules.mk \
		$(O)/share/morgana/mk/common/guest.mk $(O)/lib/morgana/$(1)/$(1).ld \
		$(O)/lib/morgana/$(1)/libmgplatform.a $(GUEST_LIB)/libmgcore.a \
		$(GUEST_LIB)/libmgc.a $(LIBC_STAGED_HEADERS) $(STAGED_HEADERS)
	$(MAKE) -s -f tests/guest/hello.mk MG_PREFIX=$(abspath $(O)) \
		MG_TARGET=$(1) MG_BUILD=$(O)/obj/$(1)-hello MG_IMAGE=$$@

$(1)-tests: $(O)/bin/morgana-$(1) $(O)/tests/$(1)/$(1)_test.$(1) \
	$(O)/tests/$(1)/hello.$(1)
tests: $(1)-tests
.PHONY: $(1)-tests
endef
