# tests/hvt: the hvt test images (tests/guest/module.mk) and benchmarks.
# sse_x86_64.S is hvt_test's SSE check.
$(eval $(call guest_test_rules,hvt,$(O)/obj/guest/tests/hvt/sse_x86_64.o))

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
		$(O)/tests/hvt/hello.hvt
.PHONY: hvt-profile
