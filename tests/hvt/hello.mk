# Builds tests/hvt/hello.c with share/mk/hvt.mk, as the Makefile that
# 'morgana configure -t hvt' writes would: the recipe is tested with it.
# Called from tests/hvt/module.mk with MG_PREFIX, MG_BUILD and MG_IMAGE.
MG_LIBS := mgcore
MG_APP_CFLAGS :=
MG_OBJS := $(MG_BUILD)/hello.o

include $(MG_PREFIX)/share/morgana/mk/hvt.mk

$(MG_BUILD)/hello.o: tests/hvt/hello.c
	$(call mg_cc,)
