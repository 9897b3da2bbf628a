# storage/store/: the log-structured read-write store (kv_rw "store"),
# libmgstore.a for unix, unix-san and the guest (hvt, spt). It uses
# libmgstorage (key rules, SHA-256), so it comes first in RUNTIME_LIBS: unit tests link the device
# libraries in that order, without a group.
RUNTIME_LIBS := mgstore $(RUNTIME_LIBS)
RUNTIME_LIBS_guest += mgstore
LIB_mgstore_SRCS := $(wildcard storage/store/*.c)
