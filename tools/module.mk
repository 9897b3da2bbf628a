# tools/: host programs for the tests, built into _out/tools/ (not installed).
#   _out/tools/impair  seeded frame impairment relay (tools/impair/impair.c)
IMPAIR_SRCS := $(wildcard tools/impair/*.c)
IMPAIR_OBJS := $(patsubst %.c,$(O)/obj/host/%.o,$(IMPAIR_SRCS))
-include $(IMPAIR_OBJS:.o=.d)
$(O)/tools/impair: $(IMPAIR_OBJS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(CFLAGS_host) $^ -o $@
ALL_TARGETS += $(O)/tools/impair
