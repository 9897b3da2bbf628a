# config/: the configuration library (host side), libmgconfig.a.
CONFIG_SRCS += $(wildcard config/*.c)
# tests/unit/test_codegen*.c drive the configuration library directly.
CODEGEN_TESTS := $(basename $(notdir $(wildcard tests/unit/test_codegen*.c)))
$(foreach t,$(CODEGEN_TESTS),$(eval LDLIBS_$(t) := $(O)/lib/morgana/host/libmgconfig.a))
$(foreach t,$(CODEGEN_TESTS),$(foreach v,unix unix-san,$(eval \
	$(O)/tests/$(v)/$(t): $(O)/lib/morgana/host/libmgconfig.a)))
