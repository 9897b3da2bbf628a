# tender/: the host programs that run guest images.
#   morgana-hvt  hvt images under KVM (tender/hvt/)
#   morgana-spt  spt images as seccomp-confined processes (tender/spt/)
# tender/common/ is what both share: the image and manifest checks, the
# options, taps and block files.
TENDER_COMMON_SRCS := $(wildcard tender/common/*.c)
TENDER_HVT_SRCS := $(wildcard tender/hvt/*.c) $(TENDER_COMMON_SRCS)
TENDER_HVT_OBJS := $(patsubst %.c,$(O)/obj/host/%.o,$(TENDER_HVT_SRCS))
-include $(TENDER_HVT_OBJS:.o=.d)

$(O)/bin/morgana-hvt: $(TENDER_HVT_OBJS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(CFLAGS_host) $^ -o $@

ALL_TARGETS += $(O)/bin/morgana-hvt

# morgana-spt links libseccomp (Debian's libseccomp-dev) statically, as a
# static PIE: it starts without the dynamic loader, and a PIE lands far
# above the guest's fixed addresses (0x100000 up to its memory size).
TENDER_SPT_SRCS := $(filter-out tender/spt/gen_names.c,$(wildcard tender/spt/*.c)) \
	$(TENDER_COMMON_SRCS)
TENDER_SPT_OBJS := $(patsubst %.c,$(O)/obj/host/%.o,$(TENDER_SPT_SRCS))
SPT_NAMES_H := $(O)/obj/host/tender/spt/syscall_names.h
-include $(TENDER_SPT_OBJS:.o=.d)

$(O)/obj/host/tender/spt/gen_names: tender/spt/gen_names.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(CFLAGS_host) $< -lseccomp -o $@
$(SPT_NAMES_H): $(O)/obj/host/tender/spt/gen_names
	$< > $@.tmp && mv $@.tmp $@
$(O)/obj/host/tender/spt/spt_fault.o: $(SPT_NAMES_H)
$(O)/obj/host/tender/spt/spt_fault.o: CFLAGS_host += -I$(O)/obj/host/tender/spt

$(O)/bin/morgana-spt: $(TENDER_SPT_OBJS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(CFLAGS_host) -static-pie $^ -l:libseccomp.a -o $@

ALL_TARGETS += $(O)/bin/morgana-spt
