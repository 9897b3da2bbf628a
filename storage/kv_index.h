/* An in-memory directory index over a flat list of keys; storage/ only. */
#ifndef MG_STORAGE_KV_INDEX_H
#define MG_STORAGE_KV_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mg/kv_ro.h>

typedef struct mg__kv_node {
	char *key;       /* checked key without leading '/'; "" the root */
	uint64_t offset; /* the store's: where the data is */
	uint64_t size;
	uint64_t mtime_ns;
	uint32_t seq; /* order of addition; of equal keys the last wins */
	bool is_dir;
	uint32_t first_child, n_children; /* into children[] */
	char *digest; /* hex digest (malloc'ed: recorded or cached), or NULL */
} mg__kv_node;

typedef struct mg__kv_index {
	mg__kv_node *nodes;
	size_t n, cap;
	uint32_t *children;
	uint32_t seq;
	bool finished;
} mg__kv_index;

/*
 * Add an entry (key) (checked with mg_kv_key_check, no leading '/').
 * Directories above it are implied. 0, MG_ENOMEM, MG_EINVAL.
 */
int mg__kv_index_add(mg__kv_index *x, const char *key, bool is_dir,
                     uint64_t offset, uint64_t size, uint64_t mtime_ns);

/*
 * Sort, keep the last of equal keys, add the implied directories and link
 * every directory to its entries. MG_EEXIST if a file has entries below
 * it (the name of the first such file is stored in (*clash), which points
 * into the index), MG_ENOMEM.
 */
int mg__kv_index_finish(mg__kv_index *x, const char **clash);

/* The node of (key) (checked here), or MG_ENOENT/MG_EINVAL... */
int mg__kv_index_find(const mg__kv_index *x, const char *key,
                      mg__kv_node **out);

/* kv_ro's list() over directory node (d). */
int mg__kv_index_list(const mg__kv_index *x, const mg__kv_node *d,
                      const char *after, mg_kv_entry *entries, size_t max,
                      size_t *n);

void mg__kv_index_free(mg__kv_index *x);

#endif
