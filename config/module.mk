# config/: the configuration library (host side), libmgconfig.a.
CONFIG_SRCS += $(wildcard config/*.c)
