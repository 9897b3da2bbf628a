/* Configure-time work of the storage devices: crunch and tar folders. */
#ifndef MG_CONFIG_STORAGE_GEN_H
#define MG_CONFIG_STORAGE_GEN_H

#include "cfg.h"

/* The folder of a kv_ro store (prepare_arg of its device). */
typedef struct mg__store_folder {
	const char *folder;   /* as config.c gave it */
	const char *abs;      /* its real path */
	const char *name;     /* device name made from it */
	mg_device_desc *desc; /* crunch: its description, completed later */
	mg_device *block;     /* tar: the block device of its archive */
} mg__store_folder;

/* Scan the folder and generate the crunch sources of device (d). */
bool mg__crunch_prepare(mg_config *c, mg_device *d);
/* The Makefile rule that archives the folder, and its block's file. */
bool mg__tar_folder_prepare(mg_config *c, mg_device *d);

#endif
