# tests/hvt: test images for the hvt target, run by tests/e2e/hvt_*.sh.
#   hvt_test.hvt  the platform alone (its own mg__boot), argv[1] picks a test
#   hello.hvt     a unikernel on core/, as the tool will generate one

HVT_LDFLAGS = -nostdlib -static -no-pie -Wl,-T,platform/hvt/hvt.ld \
	-Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--build-id=none
HVT_LIBGCC := $(shell $(CC) -print-libgcc-file-name)
HVT_TEST_DIR := $(O)/tests/hvt

$(HVT_TEST_DIR)/hvt_test.hvt: $(O)/obj/hvt/tests/hvt/hvt_test.o \
		$(HVT_LIB)/libmgplatform.a $(HVT_LIB)/libmgc.a platform/hvt/hvt.ld
	@mkdir -p $(dir $@)
	$(CC) $(HVT_LDFLAGS) $< -Wl,--start-group $(HVT_LIB)/libmgplatform.a \
		$(HVT_LIB)/libmgc.a -Wl,--end-group $(HVT_LIBGCC) -o $@

$(HVT_TEST_DIR)/hello.hvt: $(O)/obj/hvt/tests/hvt/hello.o \
		$(HVT_LIB)/libmgplatform.a $(HVT_LIB)/libmgcore.a \
		$(HVT_LIB)/libmgc.a platform/hvt/hvt.ld
	@mkdir -p $(dir $@)
	$(CC) $(HVT_LDFLAGS) $< -Wl,--start-group $(HVT_LIB)/libmgplatform.a \
		$(HVT_LIB)/libmgcore.a $(HVT_LIB)/libmgc.a -Wl,--end-group \
		$(HVT_LIBGCC) -o $@

HVT_TEST_IMAGES := $(HVT_TEST_DIR)/hvt_test.hvt
hvt-tests: $(O)/bin/morgana-hvt $(HVT_TEST_IMAGES)
tests: hvt-tests
.PHONY: hvt-tests
