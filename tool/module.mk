# tool/: the morgana command.
TOOL_SRCS += $(wildcard tool/*.c)
SHARE_FILES += $(patsubst share/%,%,$(shell find share -type f 2>/dev/null))
