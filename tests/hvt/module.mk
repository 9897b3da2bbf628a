# tests/hvt: test images for the hvt target, run by tests/e2e/hvt_*.sh.
#   hvt_test.hvt  the platform alone (its own mg__boot), argv[1] picks a test
#   hello.hvt     a unikernel on core/, as the tool will generate one,
#                 built with share/mk/hvt.mk

HVT_LDFLAGS = -nostdlib -static -no-pie -Wl,-T,$(HVT_LIB)/hvt.ld \
	-Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--build-id=none
HVT_LIBGCC := $(shell $(CC) -print-libgcc-file-name)
HVT_TEST_DIR := $(O)/tests/hvt

# core's scheduler and boot stay out (the test has its own mg__boot); the
# platform takes ChaCha20 from core.
HVT_TEST_OBJS := $(O)/obj/hvt/tests/hvt/hvt_test.o \
	$(O)/obj/hvt/tests/hvt/sse_x86_64.o
$(HVT_TEST_DIR)/hvt_test.hvt: $(HVT_TEST_OBJS) \
		$(HVT_LIB)/libmgplatform.a $(GUEST_LIB)/libmgcore.a \
		$(GUEST_LIB)/libmgc.a $(HVT_LIB)/hvt.ld
	@mkdir -p $(dir $@)
	$(CC) $(HVT_LDFLAGS) $(HVT_TEST_OBJS) -Wl,--start-group $(HVT_LIB)/libmgplatform.a \
		$(GUEST_LIB)/libmgcore.a $(GUEST_LIB)/libmgc.a -Wl,--end-group \
		$(HVT_LIBGCC) -o $@

# Through the recipe the tool uses, share/mk/hvt.mk, as installed in $(O).
$(HVT_TEST_DIR)/hello.hvt: tests/hvt/hello.c tests/hvt/hello.mk \
		$(O)/share/morgana/mk/hvt.mk $(O)/share/morgana/mk/common/rules.mk \
		$(HVT_LIB)/hvt.ld \
		$(HVT_LIB)/libmgplatform.a $(GUEST_LIB)/libmgcore.a \
		$(GUEST_LIB)/libmgc.a $(LIBC_STAGED_HEADERS) $(STAGED_HEADERS)
	$(MAKE) -s -f tests/hvt/hello.mk MG_PREFIX=$(abspath $(O)) \
		MG_BUILD=$(O)/obj/hvt-hello MG_IMAGE=$@

HVT_TEST_IMAGES := $(HVT_TEST_DIR)/hvt_test.hvt $(HVT_TEST_DIR)/hello.hvt
hvt-tests: $(O)/bin/morgana-hvt $(HVT_TEST_IMAGES)
tests: hvt-tests
.PHONY: hvt-tests

# bench/hvt_boot.c times boots against bench/hvt_floor.c (a KVM guest that
# only halts): both host programs, built like the tender. `make bench` runs
# hvt_boot with the other benchmarks; `make hvt-bench` alone.
$(O)/bench/hvt_floor: bench/hvt_floor.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(CFLAGS_host) $< -o $@
$(O)/bench/hvt_min.hvt: tests/hvt/elfmut.py
	@mkdir -p $(dir $@)
	python3 tests/hvt/elfmut.py minimal $@ 0
$(O)/bench/hvt_boot: bench/hvt_boot.c | $(O)/bench/hvt_floor \
		$(O)/bench/hvt_min.hvt hvt-tests
	@mkdir -p $(dir $@)
	$(HOSTCC) $(CFLAGS_host) $< -o $@
BENCHES += bench/hvt_boot.c
hvt-bench: $(O)/bench/hvt_boot
	$(O)/bench/hvt_boot
.PHONY: hvt-bench

# bench/hvt_profile.py: instructions per function of hello's boot, counted
# by a profiling build of the tender that single-steps the guest.
$(O)/bench/morgana-hvt-profile: $(TENDER_HVT_SRCS) tender/hvt/hvt.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(CFLAGS_host) -DMG__HVT_PROFILE $(TENDER_HVT_SRCS) -o $@
hvt-profile: $(O)/bench/morgana-hvt-profile hvt-tests
	python3 bench/hvt_profile.py $(O)/bench/morgana-hvt-profile \
		$(HVT_TEST_DIR)/hello.hvt
.PHONY: hvt-profile
