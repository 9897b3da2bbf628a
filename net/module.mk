# net/: the direct TCP/IP stack, libmgnet.a for unix, unix-san and hvt.
# net/tcp/ (the TCP layer) is part of the same library; until it provides
# net/tcp/tcp_stack.c (net/stack_internal.h), net/stack_notcp.c stands in.
RUNTIME_LIBS += mgnet
RUNTIME_LIBS_hvt += mgnet
LIB_mgnet_SRCS := $(wildcard net/*.c net/tcp/*.c)
ifneq ($(wildcard net/tcp/tcp_stack.c),)
LIB_mgnet_SRCS := $(filter-out net/stack_notcp.c,$(LIB_mgnet_SRCS))
endif
