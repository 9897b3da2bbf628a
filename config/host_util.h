/* Host helpers compiled into both the config library and the morgana tool. */
#ifndef MG_CONFIG_HOST_UTIL_H
#define MG_CONFIG_HOST_UTIL_H

#include <stddef.h>

/* Levenshtein distance of (a) and (b); 64 when either is longer than 64. */
size_t mg__edit_distance(const char *a, const char *b);

/*
 * Create (path) and its missing parents. 0, or -1 with errno set and, when
 * (failed) is not NULL, the folder that could not be created in (failed).
 */
int mg__mkdirs(const char *path, char *failed, size_t failed_size);

#endif
