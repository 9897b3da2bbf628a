# The freestanding x86-64 guest code that hvt and spt images share, built
# once with the guest flags into _out/lib/morgana/guest/:
#   libmgcore.a          core/
#   libmgNAME.a          each device library of RUNTIME_LIBS_guest
#   libmgc.a, include/   Morgana's libc (libc/module.mk)
# and GUEST_X86_OBJS, the x86-64 platform code (platform/x86_64/) that
# each target's libmgplatform.a takes in. libc/module.mk provides the
# flags (LIBC_GUEST_CFLAGS: freestanding, general registers only, no red
# zone, global canary). Images link as share/mk/TARGET.mk says.

GUEST_CFLAGS = $(LIBC_GUEST_CFLAGS) -fno-asynchronous-unwind-tables
GUEST_LIB := $(O)/lib/morgana/guest
GUEST_CORE_OBJS := $(patsubst %,$(O)/obj/guest/%.o,$(basename $(CORE_SRCS)))
GUEST_X86_SRCS := $(wildcard platform/x86_64/*.c platform/x86_64/*.S)
GUEST_X86_OBJS := $(patsubst %,$(O)/obj/guest/%.o,$(basename $(GUEST_X86_SRCS)))

$(O)/obj/guest/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@
$(O)/obj/guest/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@
$(GUEST_LIB)/libmgcore.a: $(GUEST_CORE_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
-include $(GUEST_CORE_OBJS:.o=.d) $(GUEST_X86_OBJS:.o=.d)

# The images' linker script, which takes the ABI's addresses from
# mg/hvt_abi.h: $(call guest_ld,FLAGS) makes $@ from it.
GUEST_LD_IN := platform/x86_64/image.ld.in include/mg/hvt_abi.h
define guest_ld
@mkdir -p $(dir $@)
$(CC) -E -P -undef -x assembler-with-cpp -Iinclude $(1) $< -o $@
endef

ALL_TARGETS += $(GUEST_LIB)/libmgcore.a
-include tests/guest/module.mk
