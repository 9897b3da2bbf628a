# Build rules of target hvt: a bare x86-64 KVM guest, run by morgana-hvt.
# Included like unix.mk by the Makefile that 'morgana configure' writes in
# _build/hvt/, which sets MG_PREFIX, MG_BUILD, MG_IMAGE, MG_LIBS,
# MG_APP_CFLAGS and MG_OBJS and adds one rule per source ($(call mg_cc,...)).
# The generated main.c MUST also emit the image's manifest of net and block
# devices with MG_HVT_MANIFEST() from <mg/hvt_abi.h>: morgana-hvt refuses an
# image without one. Run from the folder of config.c. V=1 shows commands.

MG_VARIANT := hvt
include $(MG_PREFIX)/share/morgana/mk/common/guest.mk
