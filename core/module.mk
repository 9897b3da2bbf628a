# core/: the target-independent runtime, libmgcore.a.
CORE_SRCS += $(wildcard core/*.c core/*.S)
