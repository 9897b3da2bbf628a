# Build rules of target spt: the hvt kind of image, run as a Linux process
# confined by seccomp by morgana-spt. Included like hvt.mk by the Makefile
# that 'morgana configure' writes in _build/spt/; the generated main.c
# emits the same manifest (MG_HVT_MANIFEST() from <mg/hvt_abi.h>), which
# morgana-spt checks as morgana-hvt does. V=1 shows commands.

MG_VARIANT := spt
include $(MG_PREFIX)/share/morgana/mk/common/guest.mk
