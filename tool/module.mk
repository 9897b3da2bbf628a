# tool/: the morgana command.
TOOL_SRCS += $(wildcard tool/*.c)
SHARE_FILES += $(patsubst share/%,%,$(shell find share -type f 2>/dev/null))
# Helpers the tool shares with the config library (edit distance, mkdirs).
TOOL_SRCS += config/host_util.c
