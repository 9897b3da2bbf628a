# platform/hvt: the hvt guest runtime, and core/ built for hvt.
#   _out/lib/morgana/hvt/libmgplatform.a  this folder
#   _out/lib/morgana/hvt/libmgcore.a      core/ with the guest flags
#   _out/lib/morgana/hvt/hvt.ld           the images' linker script
# libc/module.mk provides libmgc.a and the guest flags (LIBC_GUEST_CFLAGS:
# freestanding, general registers only, no red zone, global canary).
# Images link as share/mk/hvt.mk says.

HVT_CFLAGS = $(LIBC_GUEST_CFLAGS) -fno-asynchronous-unwind-tables
PLATFORM_hvt_SRCS := $(wildcard platform/hvt/*.c platform/hvt/*.S)
HVT_CORE_OBJS := $(patsubst %,$(O)/obj/hvt/%.o,$(basename $(CORE_SRCS)))
HVT_PLAT_OBJS := $(patsubst %,$(O)/obj/hvt/%.o,$(basename $(PLATFORM_hvt_SRCS)))
HVT_LIB := $(O)/lib/morgana/hvt

$(O)/obj/hvt/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HVT_CFLAGS) -c $< -o $@
$(O)/obj/hvt/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(HVT_CFLAGS) -c $< -o $@
$(HVT_LIB)/libmgcore.a: $(HVT_CORE_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
$(HVT_LIB)/libmgplatform.a: $(HVT_PLAT_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
# The linker script takes the ABI's addresses from mg/hvt_abi.h.
$(HVT_LIB)/hvt.ld: platform/hvt/hvt.ld.in include/mg/hvt_abi.h
	@mkdir -p $(dir $@)
	$(CC) -E -P -undef -x assembler-with-cpp -Iinclude $< -o $@
-include $(HVT_CORE_OBJS:.o=.d) $(HVT_PLAT_OBJS:.o=.d)

ALL_TARGETS += $(HVT_LIB)/libmgcore.a $(HVT_LIB)/libmgplatform.a \
	$(HVT_LIB)/hvt.ld

-include tests/hvt/module.mk
