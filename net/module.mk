# net/: the direct TCP/IP stack, libmgnet.a for unix, unix-san and the
# guest (hvt, spt).
# net/tcp/ (the TCP layer, plugged in by net/stack_internal.h) is part of
# the same library.
RUNTIME_LIBS += mgnet
RUNTIME_LIBS_guest += mgnet
LIB_mgnet_SRCS := $(wildcard net/*.c net/tcp/*.c)
