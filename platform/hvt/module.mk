# platform/hvt: the hvt guest runtime.
#   _out/lib/morgana/hvt/libmgplatform.a  this folder and platform/x86_64/
#   _out/lib/morgana/hvt/hvt.ld           the images' linker script
# The rest of an image comes from _out/lib/morgana/guest/ (platform/guest.mk).
# Images link as share/mk/hvt.mk says.

PLATFORM_hvt_SRCS := $(wildcard platform/hvt/*.c platform/hvt/*.S)
# Compiled as all guest code is, in _out/obj/guest/ (platform/guest.mk).
HVT_PLAT_OBJS := $(patsubst %,$(O)/obj/guest/%.o,$(basename $(PLATFORM_hvt_SRCS)))
HVT_LIB := $(O)/lib/morgana/hvt
$(HVT_LIB)/libmgplatform.a: $(HVT_PLAT_OBJS) $(GUEST_X86_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
# The linker script (platform/guest.mk), with the IDT hvt's traps need.
$(HVT_LIB)/hvt.ld: $(GUEST_LD_IN)
	$(call guest_ld,-DMG_LD_IDT)
-include $(HVT_PLAT_OBJS:.o=.d)

ALL_TARGETS += $(HVT_LIB)/libmgplatform.a $(HVT_LIB)/hvt.ld

-include tests/hvt/module.mk
