/* The tar store's archive parser, apart from I/O so it can be fuzzed. */
#ifndef MG_STORAGE_TAR_H
#define MG_STORAGE_TAR_H

#include <stddef.h>
#include <stdint.h>

#include "kv_index.h"

/* Read exactly (len) bytes at byte (off) of the archive into (buf). */
typedef int (*mg__tar_read_fn)(void *ctx, uint64_t off, void *buf, size_t len);

/* Largest pax extended header and GNU long name the parser accepts. */
#define MG__TAR_PAX_MAX      (1u << 20)
#define MG__TAR_LONGNAME_MAX 8192u

/*
 * Read the headers of the archive of (capacity) bytes through (rd, ctx)
 * and add its files and directories to (x), then finish (x). File data is
 * never read: nodes' offsets are the byte offsets of their data. 0, or
 * MG_EBADMSG with the reason in (err, errlen), naming the header's byte
 * offset; MG_ENOMEM; the reader's error.
 */
int mg__tar_parse(mg__tar_read_fn rd, void *ctx, uint64_t capacity,
                  mg__kv_index *x, char *err, size_t errlen);

/* Release a store made by mg_kv_ro_tar_connect() (tests, fuzzing). */
struct mg_kv_ro;
void mg__tar_store_free(struct mg_kv_ro *kv);

#endif
