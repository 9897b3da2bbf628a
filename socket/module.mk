# socket/: the socket stack (mg/stackv4_socket.h), unix only:
# _out/lib/morgana/{unix,unix-san}/libmgsocket.a (rules in the Makefile).
RUNTIME_LIBS += mgsocket
LIB_mgsocket_SRCS := $(wildcard socket/*.c)
