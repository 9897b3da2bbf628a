# storage/: block devices and the stores (mg/block.h, mg/kv_ro.h).
#   libmgstorage.a    block, crunch and tar: unix, unix-san, guest
#   libmgstoragefs.a  the host-folder store fs: unix only
RUNTIME_LIBS += mgstoragefs mgstorage
RUNTIME_LIBS_guest += mgstorage
LIB_mgstorage_SRCS := storage/block.c storage/crunch.c storage/kv_index.c \
	storage/kv_ro.c storage/sha256.c storage/tar.c storage/tar_parse.c
LIB_mgstoragefs_SRCS := $(wildcard storage/fs*.c)
-include storage/store/module.mk
# configure and morgana build hash the files of crunch and tar stores with
# the same SHA-256.
CONFIG_SRCS += storage/sha256.c
TOOL_SRCS += storage/sha256.c
