# libc/: the freestanding C library that hvt and spt images link instead of
# the host's: _out/lib/morgana/guest/libmgc.a and its headers in
# _out/lib/morgana/guest/include/. The same sources are also built for the
# host with every symbol renamed mgl_* (objcopy --prefix-symbols), so that
# the unit tests compare them with glibc in one process, without a single
# #ifdef in the sources.

LIBC_SRCS := $(wildcard libc/*.c libc/*.S)
LIBC_HEADERS := $(shell find libc/include -name '*.h')
LIBC_GCC_INC := $(shell $(CC) -print-file-name=include)

# -mgeneral-regs-only: the guest CPU runs without SSE/x87 state, so no
# compiler-chosen vector or FP instruction may appear. -ffreestanding keeps
# the compiler from assuming a host libc. The canary is a global
# (__stack_chk_guard), not %fs:0x28: the guest has no TLS.
LIBC_CFLAGS := -std=gnu11 -g -O2 $(WARN) -ffreestanding -nostdinc \
	-isystem libc/include -isystem $(LIBC_GCC_INC) -Iinclude \
	-mgeneral-regs-only -mno-red-zone -fno-omit-frame-pointer \
	-fstack-protector-strong -mstack-protector-guard=global -MMD -MP
# The image is static, non-PIE, linked at 1 MiB; no CET in the guest.
LIBC_GUEST_CFLAGS := $(LIBC_CFLAGS) -fno-pic -mcmodel=small \
	-fcf-protection=none
# Host test builds go into PIE test programs.
LIBC_HOST_CFLAGS := $(LIBC_CFLAGS) -fPIE
LIBC_HOST_SAN_CFLAGS := $(LIBC_HOST_CFLAGS) -O1 $(SAN_FLAGS)

LIBC_OBJS_guest := $(patsubst libc/%,$(O)/obj/libc-guest/%.o,$(basename $(LIBC_SRCS)))
LIBC_HOST_OBJS := $(patsubst libc/%,$(O)/obj/libc-host/%.o,$(basename $(LIBC_SRCS)))
LIBC_HOST_SAN_OBJS := $(patsubst libc/%,$(O)/obj/libc-host-san/%.o,$(basename $(LIBC_SRCS)))
# The platform calls the host tests' libc needs (mgl_mg_platform_abort...).
LIBC_HOST_STUB := $(O)/obj/libc-host/host/stub.o

# --- guest library ---
$(O)/obj/libc-guest/%.o: libc/%.c
	@mkdir -p $(dir $@)
	$(CC) $(LIBC_GUEST_CFLAGS) -c $< -o $@
$(O)/obj/libc-guest/%.o: libc/%.S
	@mkdir -p $(dir $@)
	$(CC) $(LIBC_GUEST_CFLAGS) -c $< -o $@
$(O)/lib/morgana/guest/libmgc.a: $(LIBC_OBJS_guest)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
$(O)/lib/morgana/guest/include/%.h: libc/include/%.h
	@mkdir -p $(dir $@)
	cp $< $@
LIBC_STAGED_HEADERS := $(patsubst libc/include/%,$(O)/lib/morgana/guest/include/%,$(LIBC_HEADERS))
ALL_TARGETS += $(O)/lib/morgana/guest/libmgc.a $(LIBC_STAGED_HEADERS)

# --- host builds, renamed mgl_* ---
# Compiled objects land in *-raw/, renamed copies beside them. In the
# sanitized build the runtime's own symbols (__asan_*, __ubsan_*) are
# renamed back, or the instrumented code could not reach its runtime.
define libc_host_rules
$(O)/obj/$(1)-raw/%.o: libc/%.c
	@mkdir -p $$(dir $$@)
	$$(CC) $(2) -c $$< -o $$@
$(O)/obj/$(1)-raw/%.o: libc/%.S
	@mkdir -p $$(dir $$@)
	$$(CC) $(2) -c $$< -o $$@
$(O)/obj/$(1)/%.o: $(O)/obj/$(1)-raw/%.o
	@mkdir -p $$(dir $$@)
	objcopy --prefix-symbols=mgl_ $$< $$@.tmp
	nm -u $$@.tmp | awk '$$$$2 ~ /^mgl___(asan|ubsan|sanitizer)_/ \
		{ print $$$$2, substr($$$$2, 5) }' > $$@.syms
	objcopy --redefine-syms=$$@.syms $$@.tmp $$@
	rm -f $$@.tmp $$@.syms
endef
$(eval $(call libc_host_rules,libc-host,$(LIBC_HOST_CFLAGS)))
$(eval $(call libc_host_rules,libc-host-san,$(LIBC_HOST_SAN_CFLAGS)))
# Keep the compiled objects, else make deletes them and rebuilds each time.
.PRECIOUS: $(O)/obj/libc-host-raw/%.o $(O)/obj/libc-host-san-raw/%.o

$(LIBC_HOST_STUB): libc/host/stub.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_host) -c $< -o $@

-include $(LIBC_OBJS_guest:.o=.d)
-include $(patsubst $(O)/obj/libc-host/%.o,$(O)/obj/libc-host-raw/%.d,$(LIBC_HOST_OBJS))
-include $(patsubst $(O)/obj/libc-host-san/%.o,$(O)/obj/libc-host-san-raw/%.d,$(LIBC_HOST_SAN_OBJS))

# --- unit tests: tests/unit/test_libc_*.c ---
# The top-level rule links $(LDLIBS_test_NAME); the sanitized variant gets
# the sanitized objects through a target-specific value. The extra
# prerequisites relink a test whenever the library changes.
LIBC_TESTS := $(basename $(notdir $(wildcard tests/unit/test_libc_*.c)))
define libc_test_rules
LDLIBS_$(1) := $(LIBC_HOST_OBJS) $(LIBC_HOST_STUB)
$(O)/tests/unix-san/$(1): LDLIBS_$(1) := $(LIBC_HOST_SAN_OBJS) $(LIBC_HOST_STUB)
$(O)/tests/unix/$(1): $(LIBC_HOST_OBJS) $(LIBC_HOST_STUB) libc/host/mgl.h
$(O)/tests/unix-san/$(1): $(LIBC_HOST_SAN_OBJS) $(LIBC_HOST_STUB) libc/host/mgl.h
endef
$(foreach t,$(LIBC_TESTS),$(eval $(call libc_test_rules,$(t))))

# --- benchmark: bench/libc_bench.c, ours against glibc in one run ---
# Listed in BENCHES so that `make bench` runs it; this explicit rule (it
# links the renamed objects) takes precedence over bench/'s pattern rule.
BENCHES += bench/libc_bench.c
$(O)/bench/libc_bench: bench/libc_bench.c $(LIBC_HOST_OBJS) $(LIBC_HOST_STUB) libc/host/mgl.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_unix) bench/libc_bench.c $(LIBC_HOST_OBJS) $(LIBC_HOST_STUB) -o $@

libc-tests: $(foreach v,$(VARIANTS),$(addprefix $(O)/tests/$(v)/,$(LIBC_TESTS)))
libc-bench: $(O)/bench/libc_bench
.PHONY: libc-tests libc-bench
