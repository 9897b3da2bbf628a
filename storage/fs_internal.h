/* The fs stores (unix only): a host folder, shared by kv_ro and kv_rw. */
#ifndef MG_STORAGE_FS_INTERNAL_H
#define MG_STORAGE_FS_INTERNAL_H

#include <stdbool.h>
#include <sys/stat.h>

#include <mg/kv_ro.h>

typedef struct mg__fs {
	int root; /* O_PATH descriptor of the folder */
} mg__fs;

/* The MG_E code for a host errno from resolving or reading a path. */
int mg__fs_error(int err);

/* Open the folder (root) into a new (*out) (malloc'ed). 0, MG_ENOENT,
 * MG_ENOTSUP, MG_ENOMEM... */
int mg__fs_open(mg__fs **out, const char *root);

/*
 * Open (key) below the folder with (flags) (open(2)'s) and return the
 * descriptor, or a negative MG_E code: a key or symbolic link that leads
 * out of the folder gives MG_EACCES. (*rel) gets the key's relative form.
 */
int mg__fs_resolve(mg__fs *fs, const char *key, int flags, const char **rel);

/* kv_ro's operations over an mg__fs (for the kv_rw table to embed). */
extern const mg_kv_ro_ops mg__fs_ro_ops;

#endif
