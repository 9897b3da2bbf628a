# tests/spt: the spt test images (tests/guest/module.mk).
$(eval $(call guest_test_rules,spt,))

# bench/spt_boot.c times morgana-spt hello.spt against bench/spt_floor.c,
# a static C program that writes a line. `make bench` runs it with the
# other benchmarks; `make spt-bench` alone.
$(O)/bench/spt_floor: bench/spt_floor.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(CFLAGS_host) -static $< -o $@
$(O)/bench/spt_boot: bench/spt_boot.c | $(O)/bench/spt_floor spt-tests
	@mkdir -p $(dir $@)
	$(HOSTCC) $(CFLAGS_host) $< -o $@
BENCHES += bench/spt_boot.c
spt-bench: $(O)/bench/spt_boot
	$(O)/bench/spt_boot
.PHONY: spt-bench
