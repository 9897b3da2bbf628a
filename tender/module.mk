# tender/: morgana-hvt, the host program that runs hvt images under KVM.
TENDER_HVT_SRCS := $(wildcard tender/hvt/*.c)
TENDER_HVT_OBJS := $(patsubst %.c,$(O)/obj/host/%.o,$(TENDER_HVT_SRCS))
-include $(TENDER_HVT_OBJS:.o=.d)

$(O)/bin/morgana-hvt: $(TENDER_HVT_OBJS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(CFLAGS_host) $^ -o $@

ALL_TARGETS += $(O)/bin/morgana-hvt
