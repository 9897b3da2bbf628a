# Builds tests/guest/hello.c with share/mk/$(MG_TARGET).mk, as the Makefile
# that 'morgana configure -t TARGET' writes would: the recipe is tested
# with it. Called from tests/guest/module.mk with MG_PREFIX, MG_TARGET,
# MG_BUILD and MG_IMAGE.
MG_LIBS := mgcore
MG_APP_CFLAGS :=
MG_OBJS := $(MG_BUILD)/hello.o

include $(MG_PREFIX)/share/morgana/mk/$(MG_TARGET).mk

$(MG_BUILD)/hello.o: tests/guest/hello.c
	$(call mg_cc,)
