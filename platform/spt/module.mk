# platform/spt: the spt guest runtime (an hvt-kind image run as a Linux
# process by morgana-spt, system calls instead of hypercalls).
#   _out/lib/morgana/spt/libmgplatform.a  this folder and platform/x86_64/
#   _out/lib/morgana/spt/spt.ld           the images' linker script
# The rest of an image comes from _out/lib/morgana/guest/ (platform/guest.mk).

PLATFORM_spt_SRCS := $(wildcard platform/spt/*.c platform/spt/*.S)
# Compiled as all guest code is, in _out/obj/guest/ (platform/guest.mk).
SPT_PLAT_OBJS := $(patsubst %,$(O)/obj/guest/%.o,$(basename $(PLATFORM_spt_SRCS)))
SPT_LIB := $(O)/lib/morgana/spt
$(SPT_LIB)/libmgplatform.a: $(SPT_PLAT_OBJS) $(GUEST_X86_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
$(SPT_LIB)/spt.ld: $(GUEST_LD_IN)
	$(call guest_ld,)
-include $(SPT_PLAT_OBJS:.o=.d)

ALL_TARGETS += $(SPT_LIB)/libmgplatform.a $(SPT_LIB)/spt.ld

-include tests/spt/module.mk
