# http/: HTTP/1.1 without I/O (mg/http.h), libmghttp.a for unix, unix-san
# and the guest (hvt, spt).
RUNTIME_LIBS += mghttp
RUNTIME_LIBS_guest += mghttp
LIB_mghttp_SRCS := $(wildcard http/*.c)
